import { describe, expect, it } from "vitest";
import { converterPlugins } from "../../../src/converters/index.js";

describe("converterPlugins", () => {
  it("registers Kafka's converters under their class names, per role", () => {
    const rows = converterPlugins.map((p) => `${p.type} ${p.className}`);
    expect(rows).toEqual([
      "converter org.apache.kafka.connect.json.JsonConverter",
      "header_converter org.apache.kafka.connect.json.JsonConverter",
      "converter org.apache.kafka.connect.storage.StringConverter",
      "header_converter org.apache.kafka.connect.storage.StringConverter",
      "converter org.apache.kafka.connect.converters.ByteArrayConverter",
      "header_converter org.apache.kafka.connect.converters.ByteArrayConverter",
      "converter org.apache.kafka.connect.converters.BooleanConverter",
      "header_converter org.apache.kafka.connect.converters.BooleanConverter",
      "converter org.apache.kafka.connect.converters.DoubleConverter",
      "header_converter org.apache.kafka.connect.converters.DoubleConverter",
      "converter org.apache.kafka.connect.converters.FloatConverter",
      "header_converter org.apache.kafka.connect.converters.FloatConverter",
      "converter org.apache.kafka.connect.converters.IntegerConverter",
      "header_converter org.apache.kafka.connect.converters.IntegerConverter",
      "converter org.apache.kafka.connect.converters.LongConverter",
      "header_converter org.apache.kafka.connect.converters.LongConverter",
      "converter org.apache.kafka.connect.converters.ShortConverter",
      "header_converter org.apache.kafka.connect.converters.ShortConverter",
      "header_converter org.apache.kafka.connect.storage.SimpleHeaderConverter",
    ]);
  });

  it.each([
    ["converter", "org.apache.kafka.connect.json.JsonConverter", ["JsonConverter", "Json"]],
    ["header_converter", "org.apache.kafka.connect.json.JsonConverter", ["JsonConverter"]],
    [
      "converter",
      "org.apache.kafka.connect.converters.ByteArrayConverter",
      ["ByteArrayConverter", "ByteArray"],
    ],
    [
      "header_converter",
      "org.apache.kafka.connect.storage.SimpleHeaderConverter",
      ["SimpleHeaderConverter", "Simple"],
    ],
  ])("gives the %s %s Kafka's aliases", (type, className, aliases) => {
    const p = converterPlugins.find((x) => x.type === type && x.className === className);
    expect(p?.aliases).toEqual(aliases);
  });

  it("creates fresh, working instances", () => {
    for (const p of converterPlugins) {
      expect(p.create()).not.toBe(p.create());
      if (p.type === "converter") {
        const c = p.create();
        c.configure({}, false);
        expect(c.toConnectData("t", null).value).toBeNull();
      } else {
        const h = p.create();
        h.configure({});
        expect(h.toConnectHeader("t", "h", null).value).toBeNull();
      }
      expect(p.version).toMatch(/^\d+\.\d+\.\d+/);
    }
  });
});
