import { describe, expect, it } from "vitest";
import type { SchemaAndValue } from "../../../src/api/converter.js";
import {
  DataError,
  LogicalTypes,
  type Schema,
  SchemaBuilder,
  Schemas,
  Struct,
} from "../../../src/api/schema.js";
import { ConverterConfigError } from "../../../src/converters/converter-config.js";
import { JsonConverter } from "../../../src/converters/json-converter.js";
import { Decimal } from "../../../src/data/decimal.js";
import {
  DATE_SCHEMA,
  decimalSchema,
  decimalSchemaBuilder,
  TIME_SCHEMA,
  TIMESTAMP_SCHEMA,
} from "../../../src/data/logical.js";

const TOPIC = "topic";
const DAY = 86_400_000;

function converter(config: Record<string, string> = {}, isKey = false): JsonConverter {
  const c = new JsonConverter();
  c.configure(config, isKey);
  return c;
}

function toConnect(c: JsonConverter, json: string): SchemaAndValue {
  return c.toConnectData(TOPIC, Buffer.from(json, "utf8"));
}

function fromConnect(c: JsonConverter, schema: Schema | null, value: unknown): string | null {
  const b = c.fromConnectData(TOPIC, schema, value);
  return b === null ? null : b.toString("utf8");
}

const dateBuilder = () => new SchemaBuilder("int32").name(LogicalTypes.DATE).version(1);
const timeBuilder = () => new SchemaBuilder("int32").name(LogicalTypes.TIME).version(1);
const timestampBuilder = () => new SchemaBuilder("int64").name(LogicalTypes.TIMESTAMP).version(1);
const DECIMAL_ENVELOPE_SCHEMA = `"type": "bytes", "name": "org.apache.kafka.connect.data.Decimal", "version": 1`;

describe("JsonConverter toConnectData (JsonConverterTest *ToConnect)", () => {
  const cases: [string, string, Schema | null, unknown][] = [
    ["boolean true", `{ "schema": { "type": "boolean" }, "payload": true }`, Schemas.BOOLEAN, true],
    ["boolean false", `{ "schema": { "type": "boolean" }, "payload": false }`, Schemas.BOOLEAN, false],
    ["int8", `{ "schema": { "type": "int8" }, "payload": 12 }`, Schemas.INT8, 12],
    ["int16", `{ "schema": { "type": "int16" }, "payload": 12 }`, Schemas.INT16, 12],
    ["int32", `{ "schema": { "type": "int32" }, "payload": 12 }`, Schemas.INT32, 12],
    ["int64", `{ "schema": { "type": "int64" }, "payload": 12 }`, Schemas.INT64, 12],
    [
      "int64 > 2^32",
      `{ "schema": { "type": "int64" }, "payload": 4398046511104 }`,
      Schemas.INT64,
      4398046511104,
    ],
    ["int8 leading zeros", `{ "schema": { "type": "int8" }, "payload": 0012 }`, Schemas.INT8, 12],
    ["int16 leading zeros", `{ "schema": { "type": "int16" }, "payload": 000123 }`, Schemas.INT16, 123],
    ["int32 leading zeros", `{ "schema": { "type": "int32" }, "payload": 000012345 }`, Schemas.INT32, 12345],
    [
      "int64 leading zeros",
      `{ "schema": { "type": "int64" }, "payload": 00000123456789 }`,
      Schemas.INT64,
      123456789,
    ],
    ["float", `{ "schema": { "type": "float" }, "payload": 12.34 }`, Schemas.FLOAT32, Math.fround(12.34)],
    ["double", `{ "schema": { "type": "double" }, "payload": 12.34 }`, Schemas.FLOAT64, 12.34],
    ["string", `{ "schema": { "type": "string" }, "payload": "foo-bar-baz" }`, Schemas.STRING, "foo-bar-baz"],
    [
      "array",
      `{ "schema": { "type": "array", "items": { "type" : "int32" } }, "payload": [1, 2, 3] }`,
      SchemaBuilder.array(Schemas.INT32).build(),
      [1, 2, 3],
    ],
    [
      "map with string keys",
      `{ "schema": { "type": "map", "keys": { "type" : "string" }, "values": { "type" : "int32" } }, "payload": { "key1": 12, "key2": 15} }`,
      SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build(),
      { key1: 12, key2: 15 },
    ],
    [
      "map with non-string keys",
      `{ "schema": { "type": "map", "keys": { "type" : "int32" }, "values": { "type" : "int32" } }, "payload": [ [1, 12], [2, 15] ] }`,
      SchemaBuilder.map(Schemas.INT32, Schemas.INT32).build(),
      new Map([
        [1, 12],
        [2, 15],
      ]),
    ],
    ["null schema, null payload", `{ "schema": null, "payload": null }`, null, null],
    ["null schema, boolean", `{ "schema": null, "payload": true }`, null, true],
    ["null schema, integer", `{ "schema": null, "payload": 12 }`, null, 12],
    ["null schema, float", `{ "schema": null, "payload": 12.24 }`, null, 12.24],
    ["null schema, string", `{ "schema": null, "payload": "a string" }`, null, "a string"],
    ["null schema, array", `{ "schema": null, "payload": [1, "2", 3] }`, null, [1, "2", 3]],
    [
      "null schema, object",
      `{ "schema": null, "payload": { "field1": 1, "field2": 2} }`,
      null,
      { field1: 1, field2: 2 },
    ],
  ];
  it.each(cases)("%s", (_name, json, schema, value) => {
    const r = toConnect(converter(), json);
    expect(r.schema).toEqual(schema);
    expect(r.value).toEqual(value);
  });

  it("reads bytes as base64", () => {
    const r = toConnect(converter(), `{ "schema": { "type": "bytes" }, "payload": "dGVzdC1zdHJpbmc=" }`);
    expect(r.schema).toEqual(Schemas.BYTES);
    expect(Buffer.isBuffer(r.value)).toBe(true);
    expect((r.value as Buffer).toString()).toBe("test-string");
  });

  it("translates schema metadata", () => {
    const c = converter();
    expect(toConnect(c, `{ "schema": { "type": "boolean", "optional": true }, "payload": null }`)).toEqual({
      schema: Schemas.OPTIONAL_BOOLEAN,
      value: null,
    });
    expect(toConnect(c, `{ "schema": { "type": "boolean", "default": true }, "payload": null }`)).toEqual({
      schema: new SchemaBuilder("boolean").defaultValue(true).build(),
      value: true,
    });
    const r = toConnect(
      c,
      `{ "schema": { "type": "boolean", "optional": false, "name": "bool", "version": 2, "doc": "the documentation", "parameters": { "foo": "bar" }}, "payload": true }`,
    );
    expect(r.schema).toEqual(
      new SchemaBuilder("boolean")
        .name("bool")
        .version(2)
        .doc("the documentation")
        .parameter("foo", "bar")
        .build(),
    );
    expect(r.value).toBe(true);
  });

  it("reads structs", () => {
    const r = toConnect(
      converter(),
      `{ "schema": { "type": "struct", "fields": [{ "field": "field1", "type": "boolean" }, { "field": "field2", "type": "string" }] }, "payload": { "field1": true, "field2": "string" } }`,
    );
    const expected = SchemaBuilder.struct()
      .field("field1", Schemas.BOOLEAN)
      .field("field2", Schemas.STRING)
      .build();
    expect(r.schema).toEqual(expected);
    expect(r.value).toBeInstanceOf(Struct);
    expect((r.value as Struct).toJSON()).toEqual({ field1: true, field2: "string" });
  });

  it("reads structs with a missing optional field", () => {
    const r = toConnect(
      converter(),
      `{ "schema": { "type": "struct", "fields": [{ "field":"optional", "type": "string", "optional": true }, {  "field": "required", "type": "string" }] }, "payload": { "required": "required" } }`,
    );
    expect(r.schema).toEqual(
      SchemaBuilder.struct()
        .field("optional", Schemas.OPTIONAL_STRING)
        .field("required", Schemas.STRING)
        .build(),
    );
    expect((r.value as Struct).toJSON()).toEqual({ optional: null, required: "required" });
  });

  it("does not read Object.prototype members as struct fields", () => {
    const r = toConnect(
      converter(),
      `{"schema":{"type":"struct","fields":[{"type":"string","optional":true,"field":"constructor"},{"type":"string","optional":true,"field":"__proto__"}],"optional":false},"payload":{"__proto__":"p"}}`,
    );
    expect((r.value as Struct).get("constructor")).toBeNull();
    expect((r.value as Struct).get("__proto__")).toBe("p");
  });

  it("returns null schema and value for a tombstone", () => {
    expect(converter().toConnectData(TOPIC, null)).toEqual({ schema: null, value: null });
    expect(converter({ "schemas.enable": "false" }).toConnectData(TOPIC, null)).toEqual({
      schema: null,
      value: null,
    });
  });

  it("reads empty bytes as null when schemas are disabled", () => {
    expect(converter({ "schemas.enable": "false" }, true).toConnectData(TOPIC, Buffer.alloc(0))).toEqual({
      schema: null,
      value: null,
    });
  });

  it("reads schemaless objects with empty and null fields", () => {
    expect(toConnect(converter({ "schemas.enable": "false" }, true), `{ "a": "", "b": null}`)).toEqual({
      schema: null,
      value: { a: "", b: null },
    });
  });

  describe("logical types", () => {
    const reference156 = new Decimal(156n, 2);
    const decimalCases: [string, string, Schema, unknown][] = [
      [
        "decimal",
        `{ "schema": { ${DECIMAL_ENVELOPE_SCHEMA}, "parameters": { "scale": "2" } }, "payload": "AJw=" }`,
        decimalSchema(2),
        reference156,
      ],
      [
        "optional decimal",
        `{ "schema": { ${DECIMAL_ENVELOPE_SCHEMA}, "optional": true, "parameters": { "scale": "2" } }, "payload": null }`,
        decimalSchemaBuilder(2).optional().build(),
        null,
      ],
      [
        "decimal with default",
        `{ "schema": { ${DECIMAL_ENVELOPE_SCHEMA}, "default": "AJw=", "parameters": { "scale": "2" } }, "payload": null }`,
        decimalSchemaBuilder(2).defaultValue(reference156).build(),
        reference156,
      ],
      [
        "optional decimal with default",
        `{ "schema": { ${DECIMAL_ENVELOPE_SCHEMA}, "optional": true, "default": "AJw=", "parameters": { "scale": "2" } }, "payload": null }`,
        decimalSchemaBuilder(2).optional().defaultValue(reference156).build(),
        reference156,
      ],
      [
        "numeric decimal",
        `{ "schema": { ${DECIMAL_ENVELOPE_SCHEMA}, "parameters": { "scale": "2" } }, "payload": 1.56 }`,
        decimalSchema(2),
        reference156,
      ],
      [
        "numeric decimal with trailing zeros",
        `{ "schema": { ${DECIMAL_ENVELOPE_SCHEMA}, "parameters": { "scale": "4" } }, "payload": 1.5600 }`,
        decimalSchema(4),
        new Decimal(15600n, 4),
      ],
      [
        "high precision numeric decimal",
        `{ "schema": { ${DECIMAL_ENVELOPE_SCHEMA}, "parameters": { "scale": "17" } }, "payload": 1.23456789123456789 }`,
        decimalSchema(17),
        Decimal.parse("1.23456789123456789"),
      ],
      [
        "date",
        `{ "schema": { "type": "int32", "name": "org.apache.kafka.connect.data.Date", "version": 1 }, "payload": 10000 }`,
        DATE_SCHEMA,
        new Date(10000 * DAY),
      ],
      [
        "optional date",
        `{ "schema": { "type": "int32", "name": "org.apache.kafka.connect.data.Date", "version": 1, "optional": true }, "payload": null }`,
        dateBuilder().optional().build(),
        null,
      ],
      [
        "date with default",
        `{ "schema": { "type": "int32", "name": "org.apache.kafka.connect.data.Date", "version": 1, "default": 0 }, "payload": null }`,
        dateBuilder().defaultValue(new Date(0)).build(),
        new Date(0),
      ],
      [
        "optional date with default",
        `{ "schema": { "type": "int32", "name": "org.apache.kafka.connect.data.Date", "version": 1, "optional": true, "default": 0 }, "payload": null }`,
        dateBuilder().optional().defaultValue(new Date(0)).build(),
        new Date(0),
      ],
      [
        "time",
        `{ "schema": { "type": "int32", "name": "org.apache.kafka.connect.data.Time", "version": 1 }, "payload": 14400000 }`,
        TIME_SCHEMA,
        new Date(14400000),
      ],
      [
        "optional time",
        `{ "schema": { "type": "int32", "name": "org.apache.kafka.connect.data.Time", "version": 1, "optional": true }, "payload": null }`,
        timeBuilder().optional().build(),
        null,
      ],
      [
        "time with default",
        `{ "schema": { "type": "int32", "name": "org.apache.kafka.connect.data.Time", "version": 1, "default": 0 }, "payload": null }`,
        timeBuilder().defaultValue(new Date(0)).build(),
        new Date(0),
      ],
      [
        "timestamp",
        `{ "schema": { "type": "int64", "name": "org.apache.kafka.connect.data.Timestamp", "version": 1 }, "payload": 4000000000 }`,
        TIMESTAMP_SCHEMA,
        new Date(4000000000),
      ],
      [
        "optional timestamp",
        `{ "schema": { "type": "int64", "name": "org.apache.kafka.connect.data.Timestamp", "version": 1, "optional": true }, "payload": null }`,
        timestampBuilder().optional().build(),
        null,
      ],
      [
        "timestamp with default",
        `{ "schema": { "type": "int64", "name": "org.apache.kafka.connect.data.Timestamp", "version": 1, "default": 42 }, "payload": null }`,
        timestampBuilder().defaultValue(new Date(42)).build(),
        new Date(42),
      ],
      [
        "optional timestamp with default",
        `{ "schema": { "type": "int64", "name": "org.apache.kafka.connect.data.Timestamp", "version": 1,  "optional": true, "default": 42 }, "payload": null }`,
        timestampBuilder().optional().defaultValue(new Date(42)).build(),
        new Date(42),
      ],
    ];
    it.each(decimalCases)("%s", (_name, json, schema, value) => {
      const r = toConnect(converter(), json);
      expect(r.schema).toEqual(schema);
      expect(r.value).toEqual(value);
    });

    it("keeps the exact scale of a numeric decimal", () => {
      const r = toConnect(
        converter(),
        `{ "schema": { ${DECIMAL_ENVELOPE_SCHEMA}, "parameters": { "scale": "4" } }, "payload": 1.5600 }`,
      );
      expect((r.value as Decimal).scale).toBe(4);
      expect(String(r.value)).toBe("1.5600");
    });

    it("rejects Time values outside a day and Dates that are not integers", () => {
      const c = converter();
      expect(() =>
        toConnect(c, `{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Time"},"payload":-1}`),
      ).toThrow("Time values must use number of milliseconds greater than 0 and less than 86400000");
      expect(() =>
        toConnect(c, `{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date"},"payload":"x"}`),
      ).toThrow("Invalid type for Date, underlying representation should be integer but was STRING");
      expect(() =>
        toConnect(
          c,
          `{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal"},"payload":"AJw="}`,
        ),
      ).toThrow("Invalid bytes for Decimal field");
    });
  });
});

describe("JsonConverter fromConnectData: byte-exact envelopes", () => {
  const struct4 = SchemaBuilder.struct()
    .field("field1", Schemas.BOOLEAN)
    .field("field2", Schemas.STRING)
    .field("field3", Schemas.STRING)
    .field("field4", Schemas.BOOLEAN)
    .build();
  const cases: [string, Schema | null, unknown, string][] = [
    ["string", Schemas.STRING, "hello", `{"schema":{"type":"string","optional":false},"payload":"hello"}`],
    ["boolean", Schemas.BOOLEAN, true, `{"schema":{"type":"boolean","optional":false},"payload":true}`],
    [
      "optional null",
      Schemas.OPTIONAL_BOOLEAN,
      null,
      `{"schema":{"type":"boolean","optional":true},"payload":null}`,
    ],
    ["int8", Schemas.INT8, 12, `{"schema":{"type":"int8","optional":false},"payload":12}`],
    ["int16", Schemas.INT16, 12, `{"schema":{"type":"int16","optional":false},"payload":12}`],
    ["int32", Schemas.INT32, 12, `{"schema":{"type":"int32","optional":false},"payload":12}`],
    [
      "int64",
      Schemas.INT64,
      4398046511104,
      `{"schema":{"type":"int64","optional":false},"payload":4398046511104}`,
    ],
    [
      "int64 bigint",
      Schemas.INT64,
      9223372036854775807n,
      `{"schema":{"type":"int64","optional":false},"payload":9223372036854775807}`,
    ],
    ["float", Schemas.FLOAT32, 12.34, `{"schema":{"type":"float","optional":false},"payload":12.34}`],
    ["double", Schemas.FLOAT64, 12.34, `{"schema":{"type":"double","optional":false},"payload":12.34}`],
    ["double 1.0", Schemas.FLOAT64, 1, `{"schema":{"type":"double","optional":false},"payload":1.0}`],
    ["double 1e21", Schemas.FLOAT64, 1e21, `{"schema":{"type":"double","optional":false},"payload":1.0E21}`],
    [
      "double NaN",
      Schemas.FLOAT64,
      Number.NaN,
      `{"schema":{"type":"double","optional":false},"payload":"NaN"}`,
    ],
    [
      "bytes",
      Schemas.BYTES,
      Buffer.from("test-string"),
      `{"schema":{"type":"bytes","optional":false},"payload":"dGVzdC1zdHJpbmc="}`,
    ],
    [
      "string with control characters",
      Schemas.STRING,
      'a\u001f\n"\\',
      `{"schema":{"type":"string","optional":false},"payload":"a\\u001F\\n\\"\\\\"}`,
    ],
    [
      "array",
      SchemaBuilder.array(Schemas.INT32).build(),
      [1, 2, 3],
      `{"schema":{"type":"array","items":{"type":"int32","optional":false},"optional":false},"payload":[1,2,3]}`,
    ],
    [
      "map with string keys",
      SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build(),
      new Map([
        ["key1", 12],
        ["key2", 15],
      ]),
      `{"schema":{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":{"key1":12,"key2":15}}`,
    ],
    [
      "map with string keys from a plain object",
      SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build(),
      { key1: 12, key2: 15 },
      `{"schema":{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":{"key1":12,"key2":15}}`,
    ],
    [
      "map with non-string keys",
      SchemaBuilder.map(Schemas.INT32, Schemas.INT32).build(),
      new Map([
        [1, 12],
        [2, 15],
      ]),
      `{"schema":{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":[[1,12],[2,15]]}`,
    ],
    [
      "struct",
      struct4,
      new Struct(struct4)
        .put("field1", true)
        .put("field2", "string2")
        .put("field3", "string3")
        .put("field4", false),
      `{"schema":{"type":"struct","fields":[{"type":"boolean","optional":false,"field":"field1"},{"type":"string","optional":false,"field":"field2"},{"type":"string","optional":false,"field":"field3"},{"type":"boolean","optional":false,"field":"field4"}],"optional":false},"payload":{"field1":true,"field2":"string2","field3":"string3","field4":false}}`,
    ],
    [
      "schema metadata",
      new SchemaBuilder("boolean")
        .name("bool")
        .version(3)
        .doc("the documentation")
        .parameter("foo", "bar")
        .build(),
      true,
      `{"schema":{"type":"boolean","optional":false,"name":"bool","version":3,"doc":"the documentation","parameters":{"foo":"bar"}},"payload":true}`,
    ],
    [
      "default",
      new SchemaBuilder("boolean").defaultValue(true).build(),
      true,
      `{"schema":{"type":"boolean","optional":false,"default":true},"payload":true}`,
    ],
    [
      "decimal",
      decimalSchema(2),
      new Decimal(156n, 2),
      `{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":"AJw="}`,
    ],
    [
      "date",
      DATE_SCHEMA,
      new Date(10000 * DAY),
      `{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1},"payload":10000}`,
    ],
    [
      "time",
      TIME_SCHEMA,
      new Date(14400000),
      `{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1},"payload":14400000}`,
    ],
    [
      "timestamp",
      TIMESTAMP_SCHEMA,
      new Date(4000000000),
      `{"schema":{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1},"payload":4000000000}`,
    ],
    ["null schema, boolean", null, true, `{"schema":null,"payload":true}`],
    ["null schema, array", null, [1, "string", true], `{"schema":null,"payload":[1,"string",true]}`],
    [
      "null schema, map",
      null,
      { key1: 12, key2: "string", key3: true },
      `{"schema":null,"payload":{"key1":12,"key2":"string","key3":true}}`,
    ],
    [
      "null schema, map with non-string keys",
      null,
      new Map<unknown, unknown>([
        ["string", 12],
        [52, "string"],
        [false, true],
      ]),
      `{"schema":null,"payload":[["string",12],[52,"string"],[false,true]]}`,
    ],
  ];
  it.each(cases)("%s", (_name, schema, value, expected) => {
    expect(fromConnect(converter(), schema, value)).toBe(expected);
  });

  it("writes NUMERIC decimals as JSON numbers, keeping trailing zeros", () => {
    const c = converter({ "decimal.format": "numeric" });
    expect(fromConnect(c, decimalSchema(2), new Decimal(156n, 2))).toBe(
      `{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":1.56}`,
    );
    expect(fromConnect(c, decimalSchema(4), new Decimal(15600n, 4))).toMatch(/"payload":1\.5600}$/);
  });

  it("writes a float32 as Java's Float.toString", () => {
    const c = converter({ "schemas.enable": "false" });
    const cases: [number, string][] = [
      [Math.fround(0.1), "0.1"],
      [1e-5, "1.0E-5"],
      [3.4028234663852886e38, "3.4028235E38"],
      [16777216, "1.6777216E7"],
      [-2.5, "-2.5"],
    ];
    for (const [v, text] of cases) expect(fromConnect(c, Schemas.FLOAT32, v)).toBe(text);
  });

  it("returns null bytes for a null schema and null value (a tombstone)", () => {
    expect(converter().fromConnectData(TOPIC, null, null)).toBeNull();
    expect(converter({ "schemas.enable": "false" }, true).fromConnectData(TOPIC, null, null)).toBeNull();
  });

  it("accepts a Struct whose schema is an equal but different object", () => {
    const copy = SchemaBuilder.struct()
      .field("field1", Schemas.BOOLEAN)
      .field("field2", Schemas.STRING)
      .field("field3", Schemas.STRING)
      .field("field4", Schemas.BOOLEAN)
      .build();
    const input = new Struct(copy)
      .put("field1", true)
      .put("field2", "a")
      .put("field3", "b")
      .put("field4", false);
    expect(fromConnect(converter(), struct4, input)).toContain(`"payload":{"field1":true`);
  });

  it("caches the schema JSON per Schema object", () => {
    const c = converter();
    const s = SchemaBuilder.struct().field("a", Schemas.INT32).build();
    const first = fromConnect(c, s, new Struct(s).put("a", 1));
    const second = fromConnect(c, s, new Struct(s).put("a", 2));
    expect(first?.replace(`"a":1`, `"a":2`)).toBe(second);
  });

  const errorCases: [string, Schema | null, unknown, string | RegExp][] = [
    ["boolean for a double", Schemas.FLOAT64, true, "Invalid type for FLOAT64: boolean"],
    ["decimal without a schema", null, new Decimal(156n, 2), "does not have corresponding schema type"],
    ["date without a schema", null, new Date(0), "does not have corresponding schema type"],
    [
      "null for a required field",
      Schemas.INT32,
      null,
      "Conversion error: null value for field that is required and has no default value",
    ],
    ["out of range int8", Schemas.INT8, 300, "out of range for INT8"],
    ["fractional int32", Schemas.INT32, 1.5, "Invalid type for INT32: number"],
    [
      "decimal with another scale",
      decimalSchema(2),
      new Decimal(1n, 3),
      "Decimal value has mismatching scale for given Decimal schema. Schema has scale 2, value has scale 3.",
    ],
    [
      "date with a time of day",
      DATE_SCHEMA,
      new Date(DAY + 1),
      "Kafka Connect Date type should not have any time fields set to non-zero values.",
    ],
    [
      "time with a date",
      TIME_SCHEMA,
      new Date(2 * DAY),
      "Kafka Connect Time type should not have any date fields set to non-zero values.",
    ],
    [
      "struct with another schema",
      struct4,
      new Struct(SchemaBuilder.struct().build()),
      "Mismatching schema.",
    ],
    ["struct without a schema", null, new Struct(struct4), "Mismatching schema."],
  ];
  it.each(errorCases)("rejects %s", (_name, schema, value, message) => {
    expect(() => converter().fromConnectData(TOPIC, schema, value)).toThrow(DataError);
    expect(() => converter().fromConnectData(TOPIC, schema, value)).toThrow(message);
  });
});

describe("JsonConverter replace.null.with.default", () => {
  const optionalWithDefault = new SchemaBuilder("string").optional().defaultValue("default").build();
  const structSchema = SchemaBuilder.struct().field("field1", optionalWithDefault).build();

  it.each([
    ["true", `{"schema":{"type":"string","optional":true,"default":"default"},"payload":"default"}`],
    ["false", `{"schema":{"type":"string","optional":true,"default":"default"},"payload":null}`],
  ])("serializes a null value with replace.null.with.default=%s", (flag, expected) => {
    expect(fromConnect(converter({ "replace.null.with.default": flag }), optionalWithDefault, null)).toBe(
      expected,
    );
  });

  it.each([
    [
      "true",
      `{"schema":{"type":"struct","fields":[{"type":"string","optional":true,"default":"default","field":"field1"}],"optional":false},"payload":{"field1":"default"}}`,
    ],
    [
      "false",
      `{"schema":{"type":"struct","fields":[{"type":"string","optional":true,"default":"default","field":"field1"}],"optional":false},"payload":{"field1":null}}`,
    ],
  ])("serializes a null struct field with replace.null.with.default=%s", (flag, expected) => {
    expect(
      fromConnect(converter({ "replace.null.with.default": flag }), structSchema, new Struct(structSchema)),
    ).toBe(expected);
  });

  it.each([
    ["true", "default"],
    ["false", null],
  ])("deserializes a null value with replace.null.with.default=%s", (flag, expected) => {
    const r = toConnect(
      converter({ "replace.null.with.default": flag }),
      `{"schema":{"type":"string","optional":true,"default":"default"},"payload":null}`,
    );
    expect(r.value).toBe(expected);
  });

  it.each([
    ["true", "default"],
    ["false", null],
  ])("deserializes a null struct field with replace.null.with.default=%s", (flag, expected) => {
    const r = toConnect(
      converter({ "replace.null.with.default": flag }),
      `{"schema":{"type":"struct","fields":[{"type":"string","optional":true,"default":"default","field":"field1"}],"optional":false},"payload":{"field1":null}}`,
    );
    expect(r.schema).toEqual(structSchema);
    expect((r.value as Struct).getWithoutDefault("field1")).toBe(expected);
  });
});

describe("JsonConverter envelope and parse errors", () => {
  const ENVELOPE =
    'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.';
  it.each([
    ["payload only", `{"payload": 1}`],
    ["schema only", `{"schema": null}`],
    ["an extra field", `{"schema": null, "payload": 1, "extra": 2}`],
    ["an array", `[1, 2]`],
    ["a bare value", `"text"`],
    ["empty input", ``],
  ])("rejects %s with Kafka's message", (_name, json) => {
    expect(() => toConnect(converter(), json)).toThrow(ENVELOPE);
  });

  it("wraps invalid JSON as a serialization error", () => {
    const c = converter();
    expect(() => toConnect(c, `{"schema": `)).toThrow(DataError);
    expect(() => toConnect(c, `{"schema": `)).toThrow(
      /^Converting byte\[\] to Kafka Connect data failed due to serialization error: /,
    );
    expect(() => toConnect(converter({ "schemas.enable": "false" }), `{"a": tru}`)).toThrow(
      /^Converting byte\[\] to Kafka Connect data failed due to serialization error: /,
    );
  });

  it.each([
    [`{"schema": {"optional": true}, "payload": 1}`, "Schema must contain 'type' field"],
    [`{"schema": {"type": "uint8"}, "payload": 1}`, "Unknown schema type: uint8"],
    [`{"schema": {"type": "array"}, "payload": []}`, "Array schema did not specify the element type"],
    [
      `{"schema": {"type": "map", "values": {"type": "int8"}}, "payload": {}}`,
      "Map schema did not specify the key type",
    ],
    [
      `{"schema": {"type": "struct", "fields": 1}, "payload": {}}`,
      `Struct schema's "fields" argument is not an array.`,
    ],
    [
      `{"schema": {"type": "struct", "fields": [{"type": "int8"}]}, "payload": {}}`,
      "Struct schema's field name not specified properly",
    ],
    [
      `{"schema": {"type": "int8", "parameters": {"a": 1}}, "payload": 1}`,
      "Schema parameters must have string values.",
    ],
    [`{"schema": {"type": "int8"}, "payload": null}`, "Invalid null value for required INT8 field"],
    [
      `{"schema": {"type": "map", "keys": {"type": "string"}, "values": {"type": "int8"}}, "payload": [1]}`,
      "Maps with string fields should be encoded as JSON objects, but found ARRAY",
    ],
    [
      `{"schema": {"type": "map", "keys": {"type": "int8"}, "values": {"type": "int8"}}, "payload": {}}`,
      "Maps with non-string fields should be encoded as JSON array of tuples, but found OBJECT",
    ],
    [
      `{"schema": {"type": "map", "keys": {"type": "int8"}, "values": {"type": "int8"}}, "payload": [[1]]}`,
      "Found invalid map entry, expected length 2 but found :1",
    ],
    [
      `{"schema": {"type": "struct", "fields": []}, "payload": 1}`,
      "Structs should be encoded as JSON objects, but found NUMBER",
    ],
    [`{"schema": {"type": "bytes"}, "payload": "not base64!"}`, "Invalid bytes field"],
  ])("rejects %s", (json, message) => {
    expect(() => toConnect(converter(), json)).toThrow(message);
  });

  it("coerces mismatched JSON types as Jackson does", () => {
    const c = converter();
    expect(toConnect(c, `{"schema":{"type":"int32"},"payload":"12"}`).value).toBe(0);
    expect(toConnect(c, `{"schema":{"type":"int8"},"payload":300}`).value).toBe(44);
    expect(toConnect(c, `{"schema":{"type":"int32"},"payload":12.9}`).value).toBe(12);
    expect(toConnect(c, `{"schema":{"type":"boolean"},"payload":1}`).value).toBe(false);
    expect(toConnect(c, `{"schema":{"type":"string","optional":true},"payload":1}`).value).toBeNull();
    expect(() =>
      toConnect(c, `{"schema":{"type":"struct","fields":[{"field":"s","type":"string"}]},"payload":{"s":1}}`),
    ).toThrow(`Invalid value: null used for required field: "s", schema type: STRING`);
  });
});

describe("JsonConverter round trips", () => {
  const inner = SchemaBuilder.struct().field("x", Schemas.INT32).field("y", Schemas.OPTIONAL_STRING).build();
  const schema = SchemaBuilder.struct()
    .field("i8", Schemas.INT8)
    .field("i16", Schemas.INT16)
    .field("i32", Schemas.INT32)
    .field("i64", Schemas.INT64)
    .field("big", Schemas.INT64)
    .field("f32", Schemas.FLOAT32)
    .field("f64", Schemas.FLOAT64)
    .field("bool", Schemas.BOOLEAN)
    .field("str", Schemas.STRING)
    .field("bytes", Schemas.BYTES)
    .field("arr", SchemaBuilder.array(Schemas.OPTIONAL_STRING).build())
    .field("smap", SchemaBuilder.map(Schemas.STRING, inner).build())
    .field("imap", SchemaBuilder.map(Schemas.INT64, Schemas.BOOLEAN).build())
    .field("dec", decimalSchema(3))
    .field("date", DATE_SCHEMA)
    .field("time", TIME_SCHEMA)
    .field("ts", TIMESTAMP_SCHEMA)
    .field("opt", Schemas.OPTIONAL_INT32)
    .build();
  const value = new Struct(schema)
    .put("i8", -128)
    .put("i16", 32767)
    .put("i32", -2147483648)
    .put("i64", 1234567890123)
    .put("big", 9007199254740993n)
    .put("f32", Math.fround(3.14))
    .put("f64", -0.000123)
    .put("bool", true)
    .put("str", "héllo \u2028 wörld")
    .put("bytes", Buffer.from([0, 1, 254, 255]))
    .put("arr", ["a", null, "c"])
    .put("smap", { k: new Struct(inner).put("x", 1).put("y", null) })
    .put(
      "imap",
      new Map([
        [1, true],
        [2, false],
      ]),
    )
    .put("dec", new Decimal(-1234567n, 3))
    .put("date", new Date(19000 * DAY))
    .put("time", new Date(3723004))
    .put("ts", new Date(1700000000123))
    .put("opt", null);

  it.each([["BASE64"], ["NUMERIC"]])("round-trips every type (decimal.format=%s)", (format) => {
    const c = converter({ "decimal.format": format });
    const bytes = c.fromConnectData(TOPIC, schema, value);
    for (let i = 0; i < 3; i++) {
      // Repeats take the cached-prefix path; results must not differ.
      const r = c.toConnectData(TOPIC, bytes);
      expect(r.schema).toEqual(schema);
      const s = r.value as Struct;
      for (const f of schema.fields ?? []) expect(s.get(f.name)).toEqual(value.get(f.name));
      expect(c.fromConnectData(TOPIC, r.schema, r.value)?.equals(bytes as Buffer)).toBe(true);
    }
  });

  it("returns the same Schema object for records with the same schema", () => {
    const c = converter();
    const a = toConnect(c, `{"schema":{"type":"int64","optional":false},"payload":1}`);
    const b = toConnect(c, `{"schema":{"type":"int64","optional":false},"payload":2}`);
    expect(b.schema).toBe(a.schema);
    expect(b.value).toBe(2);
  });

  it("reads int64 beyond 2^53 exactly, as bigint", () => {
    const c = converter();
    for (let i = 0; i < 2; i++) {
      const r = toConnect(c, `{"schema":{"type":"int64","optional":false},"payload":9223372036854775807}`);
      expect(r.value).toBe(9223372036854775807n);
    }
    expect(toConnect(c, `{"schema":{"type":"int64","optional":false},"payload":5}`).value).toBe(5);
  });

  it("does not take the fast path when the rest of the record is not just the payload", () => {
    const c = converter();
    toConnect(c, `{"schema":{"type":"int32","optional":false},"payload":1}`);
    expect(() => toConnect(c, `{"schema":{"type":"int32","optional":false},"payload":1,"extra":2}`)).toThrow(
      'requires "schema" and "payload" fields',
    );
    expect(toConnect(c, `{"schema":{"type":"int32","optional":false},"payload":7}  \n`).value).toBe(7);
    expect(() => toConnect(c, `{"schema":{"type":"int32","optional":false},"payload":}`)).toThrow(
      "serialization error",
    );
  });

  it("keeps the first JSON value and ignores trailing content, as Jackson", () => {
    expect(toConnect(converter({ "schemas.enable": "false" }), `{"a":1} trailing`).value).toEqual({ a: 1 });
  });

  it("caches schemas by their JSON text (testCacheSchemaToConnectConversion)", () => {
    const c = converter();
    expect(c.toConnectSchemaCacheSize).toBe(0);
    toConnect(c, `{ "schema": { "type": "boolean" }, "payload": true }`);
    expect(c.toConnectSchemaCacheSize).toBe(1);
    toConnect(c, `{ "schema": { "type": "boolean" }, "payload": true }`);
    expect(c.toConnectSchemaCacheSize).toBe(1);
    toConnect(c, `{ "schema": { "type": "boolean", "optional": true }, "payload": true }`);
    expect(c.toConnectSchemaCacheSize).toBe(2);
    toConnect(c, `{ "schema": { "type": "boolean", "optional": false }, "payload": true }`);
    expect(c.toConnectSchemaCacheSize).toBe(3);
  });

  it("bounds the schema cache by schemas.cache.size", () => {
    const c = converter({ "schemas.cache.size": "2" });
    for (const t of ["int8", "int16", "int32", "int64"])
      toConnect(c, `{"schema":{"type":"${t}"},"payload":1}`);
    expect(c.toConnectSchemaCacheSize).toBe(2);
  });

  it("keeps a __proto__ map key as data", () => {
    const c = converter();
    const s = SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build();
    const r = toConnect(
      c,
      `{"schema":${JSON.stringify({ type: "map", keys: { type: "string" }, values: { type: "int32" } })},"payload":{"__proto__":1}}`,
    );
    expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
    expect(Object.keys(r.value as object)).toEqual(["__proto__"]);
    expect(fromConnect(c, s, r.value)).toContain(`"payload":{"__proto__":1}`);
  });
});

describe("JsonConverter with schemas.enable=false", () => {
  const c = converter({ "schemas.enable": "false" }, true);

  it.each([
    ["true", true],
    ["12", 12],
    ["12.5", 12.5],
    [`"s"`, "s"],
    ["[1,2]", [1, 2]],
    [`{"a":{"b":[null]}}`, { a: { b: [null] } }],
  ])("reads %s as plain JSON", (json, value) => {
    expect(toConnect(c, json)).toEqual({ schema: null, value });
  });

  it.each<[Schema | null, unknown, string]>([
    [null, true, "true"],
    [null, { a: [1, "x", null], b: 1.5 }, `{"a":[1,"x",null],"b":1.5}`],
    [Schemas.STRING, "x", `"x"`],
    // Kafka writes the JSON text null (not a tombstone) for a null value with a schema.
    [Schemas.OPTIONAL_STRING, null, "null"],
  ])("writes %o %o without an envelope", (schema, value, text) => {
    expect(fromConnect(c, schema, value)).toBe(text);
  });
});

describe("JsonConverter configuration and headers", () => {
  it("defines Kafka's config keys", () => {
    const names = new JsonConverter()
      .config()
      .list()
      .map((k) => k.name);
    expect(names).toEqual([
      "converter.type",
      "schemas.enable",
      "schemas.cache.size",
      "decimal.format",
      "replace.null.with.default",
    ]);
  });

  it("rejects an unknown decimal.format", () => {
    expect(() => converter({ "decimal.format": "hex" })).toThrow(ConverterConfigError);
    expect(() => converter({ "decimal.format": "hex" })).toThrow(
      "Invalid value hex for configuration decimal.format: String must be one of (case insensitive): BASE64, NUMERIC",
    );
    expect(() => converter({ "schemas.enable": "yes" })).toThrow("Expected value to be either true or false");
  });

  it("delegates header conversion to data conversion", () => {
    const c = new JsonConverter();
    c.configure({ "converter.type": "header" });
    const b = c.fromConnectHeader(TOPIC, "h", Schemas.STRING, "test-string");
    expect(b?.toString()).toBe(`{"schema":{"type":"string","optional":false},"payload":"test-string"}`);
    expect(
      c.toConnectHeader(
        TOPIC,
        "h",
        Buffer.from(`{ "schema": { "type": "string" }, "payload": "foo-bar-baz" }`),
      ),
    ).toEqual({ schema: Schemas.STRING, value: "foo-bar-baz" });
  });
});
