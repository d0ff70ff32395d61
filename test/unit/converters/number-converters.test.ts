import { describe, expect, it } from "vitest";
import type { Converter } from "../../../src/api/converter.js";
import { DataError, type Schema, Schemas } from "../../../src/api/schema.js";
import { BooleanConverter } from "../../../src/converters/boolean-converter.js";
import { DoubleConverter } from "../../../src/converters/double-converter.js";
import { FloatConverter } from "../../../src/converters/float-converter.js";
import { IntegerConverter } from "../../../src/converters/integer-converter.js";
import { LongConverter } from "../../../src/converters/long-converter.js";
import { ShortConverter } from "../../../src/converters/short-converter.js";

const TOPIC = "topic";

// Bytes as Kafka's IntegerSerializer, LongSerializer, ... write them (big-endian, fixed width).
const cases: [string, () => Converter, Schema, unknown, number[]][] = [
  ["IntegerConverter", () => new IntegerConverter(), Schemas.OPTIONAL_INT32, 1, [0, 0, 0, 1]],
  ["IntegerConverter", () => new IntegerConverter(), Schemas.OPTIONAL_INT32, -2, [0xff, 0xff, 0xff, 0xfe]],
  [
    "IntegerConverter",
    () => new IntegerConverter(),
    Schemas.OPTIONAL_INT32,
    2147483647,
    [0x7f, 0xff, 0xff, 0xff],
  ],
  ["ShortConverter", () => new ShortConverter(), Schemas.OPTIONAL_INT16, 258, [1, 2]],
  ["ShortConverter", () => new ShortConverter(), Schemas.OPTIONAL_INT16, -32768, [0x80, 0]],
  ["LongConverter", () => new LongConverter(), Schemas.OPTIONAL_INT64, 1, [0, 0, 0, 0, 0, 0, 0, 1]],
  [
    "LongConverter",
    () => new LongConverter(),
    Schemas.OPTIONAL_INT64,
    -1,
    [255, 255, 255, 255, 255, 255, 255, 255],
  ],
  [
    "LongConverter",
    () => new LongConverter(),
    Schemas.OPTIONAL_INT64,
    4398046511104,
    [0, 0, 0x04, 0, 0, 0, 0, 0],
  ],
  [
    "LongConverter",
    () => new LongConverter(),
    Schemas.OPTIONAL_INT64,
    9223372036854775807n,
    [0x7f, 255, 255, 255, 255, 255, 255, 255],
  ],
  [
    "LongConverter",
    () => new LongConverter(),
    Schemas.OPTIONAL_INT64,
    -9007199254740992n,
    [0xff, 0xe0, 0, 0, 0, 0, 0, 0],
  ],
  ["FloatConverter", () => new FloatConverter(), Schemas.OPTIONAL_FLOAT32, 1.5, [0x3f, 0xc0, 0, 0]],
  [
    "DoubleConverter",
    () => new DoubleConverter(),
    Schemas.OPTIONAL_FLOAT64,
    1.5,
    [0x3f, 0xf8, 0, 0, 0, 0, 0, 0],
  ],
  ["BooleanConverter", () => new BooleanConverter(), Schemas.OPTIONAL_BOOLEAN, true, [1]],
  ["BooleanConverter", () => new BooleanConverter(), Schemas.OPTIONAL_BOOLEAN, false, [0]],
];

describe("number and boolean converters", () => {
  it.each(cases)("%s writes and reads (case %#)", (_name, make, schema, value, bytes) => {
    const c = make();
    c.configure({}, false);
    const out = c.fromConnectData(TOPIC, schema, value);
    expect([...(out as Buffer)]).toEqual(bytes);
    expect(c.toConnectData(TOPIC, Buffer.from(bytes))).toEqual({ schema, value });
  });

  it.each(cases)("%s passes null through (case %#)", (_name, make, schema) => {
    const c = make();
    expect(c.fromConnectData(TOPIC, schema, null)).toBeNull();
    expect(c.toConnectData(TOPIC, null)).toEqual({ schema, value: null });
  });

  it("reads int64 beyond 2^53 as bigint and others as number", () => {
    const c = new LongConverter();
    expect(c.toConnectData(TOPIC, Buffer.from([0, 0x20, 0, 0, 0, 0, 0, 0])).value).toBe(9007199254740992n);
    expect(c.toConnectData(TOPIC, Buffer.from([0, 0x1f, 255, 255, 255, 255, 255, 255])).value).toBe(
      9007199254740991,
    );
    expect(c.toConnectData(TOPIC, Buffer.from([0xff, 0xe0, 0, 0, 0, 0, 0, 1])).value).toBe(-9007199254740991);
  });

  it.each<[string, () => Converter, unknown, string]>([
    ["IntegerConverter", () => new IntegerConverter(), "1", "Failed to serialize to integer (was string)"],
    [
      "IntegerConverter",
      () => new IntegerConverter(),
      2 ** 31,
      "Failed to serialize to integer (was number)",
    ],
    ["IntegerConverter", () => new IntegerConverter(), 1.5, "Failed to serialize to integer"],
    ["ShortConverter", () => new ShortConverter(), 40000, "Failed to serialize to short"],
    ["LongConverter", () => new LongConverter(), 2n ** 63n, "Failed to serialize to long"],
    ["DoubleConverter", () => new DoubleConverter(), "1.5", "Failed to serialize to double"],
    [
      "BooleanConverter",
      () => new BooleanConverter(),
      1,
      "BooleanConverter is not compatible with objects of type number",
    ],
  ])("%s rejects a bad value (case %#)", (_name, make, value, message) => {
    expect(() => make().fromConnectData(TOPIC, null, value)).toThrow(DataError);
    expect(() => make().fromConnectData(TOPIC, null, value)).toThrow(message);
  });

  it.each<[string, () => Converter, number[], string]>([
    [
      "IntegerConverter",
      () => new IntegerConverter(),
      [1, 2],
      "Failed to deserialize integer: Size of data received by IntegerDeserializer is not 4",
    ],
    [
      "LongConverter",
      () => new LongConverter(),
      [1],
      "Failed to deserialize long: Size of data received by LongDeserializer is not 8",
    ],
    [
      "ShortConverter",
      () => new ShortConverter(),
      [1],
      "Failed to deserialize short: Size of data received by ShortDeserializer is not 2",
    ],
    [
      "FloatConverter",
      () => new FloatConverter(),
      [1],
      "Failed to deserialize float: Size of data received by Deserializer is not 4",
    ],
    [
      "DoubleConverter",
      () => new DoubleConverter(),
      [1],
      "Failed to deserialize double: Size of data received by Deserializer is not 8",
    ],
    [
      "BooleanConverter",
      () => new BooleanConverter(),
      [1, 0],
      "Failed to deserialize boolean: Size of data received by BooleanDeserializer is not 1",
    ],
    [
      "BooleanConverter",
      () => new BooleanConverter(),
      [0xff],
      "Failed to deserialize boolean: Unexpected byte received by BooleanDeserializer: -1",
    ],
  ])("%s rejects bad bytes (case %#)", (_name, make, bytes, message) => {
    expect(() => make().toConnectData(TOPIC, Buffer.from(bytes))).toThrow(message);
  });

  it("BooleanConverter checks the schema type", () => {
    expect(() => new BooleanConverter().fromConnectData(TOPIC, Schemas.INT8, true)).toThrow(
      "Invalid schema type for BooleanConverter: INT8",
    );
  });

  it("number converters are header converters too", () => {
    const c = new IntegerConverter();
    expect([...(c.fromConnectHeader(TOPIC, "h", null, 7) as Buffer)]).toEqual([0, 0, 0, 7]);
    expect(c.toConnectHeader(TOPIC, "h", Buffer.from([0, 0, 0, 7])).value).toBe(7);
  });
});
