import { describe, expect, it } from "vitest";
import { SchemaBuilder, Schemas, Struct } from "../../../src/api/schema.js";
import { toInt64 } from "../../../src/data/int64.js";
import { javaDoubleString, javaFloatString } from "../../../src/data/java-format.js";
import {
  ConfigError,
  mapCopy,
  mapGet,
  mapSet,
  requireMap,
  requireSchema,
  requireSinkRecord,
  requireStruct,
  SchemaCache,
  schemaFingerprint,
  typeName,
} from "../../../src/transforms/util.js";
import { sinkRec, sourceRec, struct, structSchema } from "./helpers.js";

describe("Requirements", () => {
  it.each([
    [null, "null"],
    ["s", "string"],
    [1, "number"],
    [1n, "bigint"],
    [true, "boolean"],
    [[1], "Array"],
    [new Map(), "Map"],
    [Buffer.from("x"), "Buffer"],
    [new Uint8Array(1), "Uint8Array"],
    [new Date(0), "Date"],
    [{}, "Object"],
    [Object.create(null), "Object"],
    [new Struct(structSchema([])), "Struct"],
  ])("names %o as %s", (value, name) => {
    expect(typeName(value)).toBe(name);
  });

  it("explains what it found", () => {
    expect(() => requireStruct("x", "field extraction")).toThrow(
      "Only Struct objects supported for [field extraction], found: string",
    );
    expect(() => requireMap([1], "p")).toThrow(
      "Only Map objects supported in absence of schema for [p], found: Array",
    );
    expect(() => requireSchema(null, "p")).toThrow("Schema required for [p]");
    expect(() => requireSinkRecord(sourceRec(), "p")).toThrow(
      "Only SinkRecord supported for [p], found: SourceRecord",
    );
    expect(requireSinkRecord(sinkRec(), "p").kafkaOffset).toBe(0);
    expect(requireMap(new Map(), "p")).toBeInstanceOf(Map);
  });

  it("formats Kafka's invalid-value messages", () => {
    const e = ConfigError.invalid("spec", "x", "why");
    expect(e.message).toBe("Invalid value x for configuration spec: why");
    expect(e.key).toBe("spec");
    expect(e.name).toBe("ConfigError");
  });
});

describe("schemaless maps", () => {
  it("copies and writes plain objects and Maps alike", () => {
    const obj = { a: 1 };
    const copy = mapCopy(obj);
    mapSet(copy, "b", 2);
    expect(obj).toEqual({ a: 1 });
    expect(copy).toEqual({ a: 1, b: 2 });
    const m = new Map([["a", 1]]);
    const mc = mapCopy(m);
    mapSet(mc, "b", 2);
    expect(m.size).toBe(1);
    expect(mapGet(mc, "b")).toBe(2);
    expect(mapGet(obj, "toString")).toBeNull(); // only own keys
  });

  it("adds a __proto__ key as data, not as the prototype", () => {
    const o: Record<string, unknown> = {};
    mapSet(o, "__proto__", { polluted: true });
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.keys(o)).toEqual(["__proto__"]);
  });
});

describe("SchemaCache", () => {
  it("builds once per schema, and once per equal schema", () => {
    let builds = 0;
    const cache = new SchemaCache<string>();
    const build = () => `built-${++builds}`;
    const a = structSchema([["x", Schemas.INT32]]);
    const b = structSchema([["x", Schemas.INT32]]);
    const c = structSchema([["x", Schemas.INT64]]);
    expect(cache.get(a, build)).toBe("built-1");
    expect(cache.get(a, build)).toBe("built-1");
    expect(cache.get(b, build)).toBe("built-1");
    expect(cache.get(c, build)).toBe("built-2");
  });

  it("evicts the least recently used shape beyond its capacity", () => {
    let builds = 0;
    const cache = new SchemaCache<number>(2);
    const s = (n: number) => new SchemaBuilder("int32").version(n).build();
    cache.get(s(1), () => ++builds);
    cache.get(s(2), () => ++builds);
    cache.get(s(1), () => ++builds); // fresh object, same shape: a hit that refreshes 1
    cache.get(s(3), () => ++builds); // evicts 2
    expect(builds).toBe(3);
    cache.get(s(1), () => ++builds);
    expect(builds).toBe(3);
    cache.get(s(2), () => ++builds);
    expect(builds).toBe(4);
  });

  it("fingerprints defaults and parameters", () => {
    const inner = structSchema([["a", Schemas.INT32]]);
    const withDefault = (v: number) =>
      new SchemaBuilder("struct")
        .field("a", Schemas.INT32)
        .defaultValue(struct(inner, { a: v }))
        .build();
    expect(schemaFingerprint(withDefault(1))).toBe(schemaFingerprint(withDefault(1)));
    expect(schemaFingerprint(withDefault(1))).not.toBe(schemaFingerprint(withDefault(2)));
    const p = (v: string) => new SchemaBuilder("bytes").parameter("scale", v).build();
    expect(schemaFingerprint(p("1"))).not.toBe(schemaFingerprint(p("2")));
    expect(schemaFingerprint(new SchemaBuilder("int64").defaultValue(5n).build())).toContain("5n");
  });
});

describe("numbers", () => {
  it("keeps int64 as a number while it is safe", () => {
    expect(toInt64(5n)).toBe(5);
    expect(toInt64(2n ** 60n)).toBe(2n ** 60n);
    expect(toInt64(2n ** 64n + 1n)).toBe(1);
  });

  it.each([
    [1, "1.0"],
    [-0, "-0.0"],
    [0.001, "0.001"],
    [1e-4, "1.0E-4"],
    [9999999, "9999999.0"],
    [1e7, "1.0E7"],
    [1.5e300, "1.5E300"],
    [Number.NaN, "NaN"],
    [Number.NEGATIVE_INFINITY, "-Infinity"],
  ])("Double.toString(%d) = %s", (x, s) => {
    expect(javaDoubleString(x)).toBe(s);
  });

  it.each([
    [1.1, "1.1"],
    [0.1, "0.1"],
    [16777216, "1.6777216E7"],
    [3.4028234663852886e38, "3.4028235E38"],
  ])("Float.toString(%d) = %s", (x, s) => {
    expect(javaFloatString(x)).toBe(s);
  });
});
