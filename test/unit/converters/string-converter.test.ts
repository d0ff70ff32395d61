import { describe, expect, it } from "vitest";
import { type Schema, SchemaBuilder, Schemas, Struct } from "../../../src/api/schema.js";
import { ConverterConfigError } from "../../../src/converters/converter-config.js";
import { StringConverter } from "../../../src/converters/string-converter.js";
import { Decimal } from "../../../src/data/decimal.js";

const TOPIC = "topic";

function converter(config: Record<string, string> = {}, isKey = false): StringConverter {
  const c = new StringConverter();
  c.configure(config, isKey);
  return c;
}

describe("StringConverter", () => {
  it("writes strings as UTF-8 by default", () => {
    expect(converter().fromConnectData(TOPIC, Schemas.STRING, "héllo")).toEqual(Buffer.from("héllo", "utf8"));
  });

  it("reads bytes as an optional string", () => {
    expect(converter().toConnectData(TOPIC, Buffer.from("héllo"))).toEqual({
      schema: Schemas.OPTIONAL_STRING,
      value: "héllo",
    });
  });

  it("passes nulls through", () => {
    expect(converter().fromConnectData(TOPIC, Schemas.OPTIONAL_STRING, null)).toBeNull();
    expect(converter().toConnectData(TOPIC, null)).toEqual({ schema: Schemas.OPTIONAL_STRING, value: null });
  });

  const struct = SchemaBuilder.struct().field("a", Schemas.INT32).field("b", Schemas.OPTIONAL_STRING).build();
  it.each<[string, Schema | null, unknown, string]>([
    ["an int", Schemas.INT32, 42, "42"],
    ["a double", Schemas.FLOAT64, 1, "1.0"],
    ["a float", Schemas.FLOAT32, Math.fround(3.14), "3.14"],
    ["a number without schema", null, 2.5, "2.5"],
    ["a boolean", null, true, "true"],
    ["a bigint", Schemas.INT64, 9007199254740993n, "9007199254740993"],
    ["a decimal", null, Decimal.parse("1.50"), "1.50"],
    ["a date", null, new Date(0), "1970-01-01T00:00:00.000Z"],
    ["bytes", Schemas.BYTES, Buffer.from("hi"), "aGk="],
    ["an array", null, [1, "x", null], `[1,"x",null]`],
    ["a struct", struct, new Struct(struct).put("a", 1).put("b", "x"), `{"a":1,"b":"x"}`],
    [
      "a map",
      null,
      new Map<unknown, unknown>([
        ["k", 1n],
        ["b", Buffer.from("hi")],
      ]),
      `{"k":"1","b":"aGk="}`,
    ],
  ])("writes %s in string form", (_name, schema, value, text) => {
    expect(converter().fromConnectData(TOPIC, schema, value)?.toString("utf8")).toBe(text);
  });

  it.each<[string, string, number[]]>([
    ["UTF-16LE", "hé", [0x68, 0, 0xe9, 0]],
    ["UTF-16BE", "hé", [0, 0x68, 0, 0xe9]],
    ["UTF-16", "h", [0xfe, 0xff, 0, 0x68]],
    ["ISO-8859-1", "hé€", [0x68, 0xe9, 0x3f]],
    ["latin1", "é", [0xe9]],
    ["US-ASCII", "hé😀", [0x68, 0x3f, 0x3f]],
    ["utf8", "é", [0xc3, 0xa9]],
  ])("encodes with converter.encoding=%s", (encoding, text, bytes) => {
    const c = converter({ "converter.encoding": encoding });
    expect([...(c.fromConnectData(TOPIC, Schemas.STRING, text) as Buffer)]).toEqual(bytes);
  });

  it.each<[string, number[], string]>([
    ["UTF-16LE", [0x68, 0, 0xe9, 0], "hé"],
    ["UTF-16BE", [0, 0x68, 0, 0xe9], "hé"],
    ["UTF-16", [0xff, 0xfe, 0x68, 0], "h"],
    ["UTF-16", [0, 0x68], "h"],
    ["ISO-8859-1", [0x68, 0xe9], "hé"],
    ["US-ASCII", [0x68, 0xe9], "h\ufffd"],
  ])("decodes with converter.encoding=%s", (encoding, bytes, text) => {
    expect(converter({ "converter.encoding": encoding }).toConnectData(TOPIC, Buffer.from(bytes)).value).toBe(
      text,
    );
  });

  it("lets value.serializer.encoding override converter.encoding, as StringSerializer does", () => {
    const c = converter({ "converter.encoding": "UTF-8", "value.serializer.encoding": "UTF-16BE" });
    expect([...(c.fromConnectData(TOPIC, null, "h") as Buffer)]).toEqual([0, 0x68]);
    expect(c.toConnectData(TOPIC, Buffer.from("h")).value).toBe("h");
    const key = converter({ "value.serializer.encoding": "UTF-16BE" }, true);
    expect([...(key.fromConnectData(TOPIC, null, "h") as Buffer)]).toEqual([0x68]);
  });

  it("rejects an unknown encoding", () => {
    expect(() => converter({ "converter.encoding": "EBCDIC-XYZ" })).toThrow(ConverterConfigError);
    expect(() => converter({ "converter.encoding": "EBCDIC-XYZ" })).toThrow(
      "Unsupported encoding EBCDIC-XYZ",
    );
  });

  it("is a header converter too", () => {
    const c = new StringConverter();
    c.configure({});
    expect(c.fromConnectHeader(TOPIC, "h", Schemas.STRING, "v")?.toString()).toBe("v");
    expect(c.toConnectHeader(TOPIC, "h", Buffer.from("v"))).toEqual({
      schema: Schemas.OPTIONAL_STRING,
      value: "v",
    });
  });

  it("defines converter.encoding", () => {
    const key = new StringConverter().config().get("converter.encoding");
    expect(key?.default).toBe("UTF-8");
    expect(key?.importance).toBe("HIGH");
  });
});
