import { describe, expect, it } from "vitest";
import type { SchemaAndValue } from "../../../src/api/converter.js";
import { type Schema, SchemaBuilder, Schemas, Struct } from "../../../src/api/schema.js";
import { SimpleHeaderConverter } from "../../../src/converters/simple-header-converter.js";
import { Decimal } from "../../../src/data/decimal.js";
import { DATE_SCHEMA, decimalSchema, TIME_SCHEMA, TIMESTAMP_SCHEMA } from "../../../src/data/logical.js";

const TOPIC = "topic";
const HEADER = "header";
const converter = new SimpleHeaderConverter();
converter.configure({});

function roundTrip(schema: Schema | null, value: unknown): SchemaAndValue {
  const bytes = converter.fromConnectHeader(TOPIC, HEADER, schema, value);
  return converter.toConnectHeader(TOPIC, HEADER, bytes);
}

const STRING_MAP_SCHEMA = SchemaBuilder.map(Schemas.STRING, Schemas.STRING).build();
const STRING_SHORT_MAP_SCHEMA = SchemaBuilder.map(Schemas.STRING, Schemas.INT16).build();
const STRING_INT_MAP_SCHEMA = SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build();
const INT_LIST_SCHEMA = SchemaBuilder.array(Schemas.INT32).build();
const STRING_LIST_SCHEMA = SchemaBuilder.array(Schemas.STRING).build();
const STRING_MAP = { foo: "123", bar: "baz" };
const STRING_SHORT_MAP = { foo: 12345, bar: 0, baz: -4321 };
const STRING_INT_MAP = { foo: 1234567890, bar: 0, baz: -987654321 };

describe("SimpleHeaderConverter round trips (SimpleHeaderConverterTest)", () => {
  it.each<[string, Schema, unknown]>([
    ["a simple string", Schemas.STRING, "simple"],
    ["an empty string", Schemas.STRING, ""],
    ["a string with quotes", Schemas.STRING, 'three"blind\\"mice'],
    ["a string with delimiters", Schemas.STRING, "string with delimiters: <>?,./\\=+-!@#$%^&*(){}[]|;':"],
    ["a map with string keys", STRING_MAP_SCHEMA, STRING_MAP],
    ["a map with short values", STRING_SHORT_MAP_SCHEMA, STRING_SHORT_MAP],
    ["a map with int values", STRING_INT_MAP_SCHEMA, STRING_INT_MAP],
    ["a list of strings", STRING_LIST_SCHEMA, ["foo", "bar"]],
    ["a list of ints", INT_LIST_SCHEMA, [1234567890, -987654321]],
    ["a boolean", Schemas.BOOLEAN, true],
    ["an int8", Schemas.INT8, -5],
    ["an int64", Schemas.INT64, 1234567890123],
    ["a float32", Schemas.FLOAT32, Math.fround(3.14)],
    ["a timestamp", TIMESTAMP_SCHEMA, new Date(Date.UTC(2019, 7, 23, 14, 34, 54, 346))],
    ["a date", DATE_SCHEMA, new Date(Date.UTC(2019, 7, 23))],
    ["a time", TIME_SCHEMA, new Date(Date.UTC(1970, 0, 1, 14, 34, 54, 346))],
    [
      "a list of timestamps",
      SchemaBuilder.array(TIMESTAMP_SCHEMA).build(),
      [new Date(Date.UTC(2019, 7, 23, 14, 34, 54, 346)), new Date(Date.UTC(2019, 0, 23, 15, 12, 34, 567))],
    ],
    // quotes and backslashes inside a list do not round-trip, in Kafka either (test/unit/data/values.test.ts)
    ["embedded delimiters", SchemaBuilder.array(Schemas.STRING).build(), ["x,y:z", "{a}", "[b]"]],
  ])("round-trips %s", (_name, schema, value) => {
    const result = roundTrip(schema, value);
    expect(result.schema).toEqual(schema);
    expect(result.value).toEqual(value);
    // And again from what was read.
    const again = roundTrip(result.schema, result.value);
    expect(again).toEqual(result);
  });

  it("round-trips null", () => {
    expect(converter.fromConnectHeader(TOPIC, HEADER, Schemas.STRING, null)).toBeNull();
    expect(converter.toConnectHeader(TOPIC, HEADER, null)).toEqual({ schema: null, value: null });
  });

  it("reads a map with mixed values without a value schema", () => {
    const r = roundTrip(null, { foo: "bar", baz: 3456 });
    expect(r.schema?.type).toBe("map");
    expect(r.schema?.keySchema).toEqual(Schemas.STRING);
    expect(r.schema?.valueSchema).toBeUndefined();
    expect(r.value).toEqual({ foo: "bar", baz: 3456 });
  });

  it("reads a list with mixed values without a value schema", () => {
    const r = roundTrip(null, ["foo", 13344]);
    expect(r.schema?.type).toBe("array");
    expect(r.schema?.valueSchema).toBeUndefined();
    expect(r.value).toEqual(["foo", 13344]);
  });

  it("reads empty maps and lists", () => {
    const m = roundTrip(null, {});
    expect(m.schema?.type).toBe("map");
    expect(m.schema?.keySchema).toBeUndefined();
    expect(m.value).toEqual({});
    const l = roundTrip(null, []);
    expect(l.schema?.type).toBe("array");
    expect(l.value).toEqual([]);
  });

  it.each<[string, Schema | null, unknown, string]>([
    ["a top-level string as is", Schemas.STRING, 'a "b"', 'a "b"'],
    ["a double as Java prints it", Schemas.FLOAT64, 1, "1.0"],
    ["a float as Java prints it", Schemas.FLOAT32, Math.fround(0.1), "0.1"],
    ["a decimal", decimalSchema(2), new Decimal(156n, 2), "1.56"],
    ["bytes as base64", Schemas.BYTES, Buffer.from("hi"), "aGk="],
    ["a list", null, ["a", 1, null, true], `["a",1,null,true]`],
    [
      "a map with non-string keys",
      null,
      new Map<unknown, unknown>([
        [1, "x"],
        [true, 2],
      ]),
      `{1:"x",true:2}`,
    ],
    ["a date", null, new Date(Date.UTC(2019, 7, 23)), "2019-08-23"],
    ["a time", null, new Date(3723004), "01:02:03.004Z"],
    ["a timestamp", null, new Date(Date.UTC(2019, 7, 23, 14, 34, 54, 346)), "2019-08-23T14:34:54.346Z"],
  ])("writes %s", (_name, schema, value, text) => {
    expect(converter.fromConnectHeader(TOPIC, HEADER, schema, value)?.toString("utf8")).toBe(text);
  });

  it("writes a struct as a map-like string, including defaults", () => {
    const schema = SchemaBuilder.struct()
      .field("a", Schemas.INT32)
      .field("b", new SchemaBuilder("string").optional().defaultValue("d").build())
      .build();
    const text = converter
      .fromConnectHeader(TOPIC, HEADER, schema, new Struct(schema).put("a", 1))
      ?.toString();
    expect(text).toBe(`{"a":1,"b":"d"}`);
  });
});
