/**
 * Kafka's org.apache.kafka.connect.data.Values (src/data/values.ts), the one port converters and transforms
 * share: the cases of Kafka's ValuesTest, the cases the two former ports (converters/values.ts and
 * transforms/values.ts) were tested with, and the inputs on which those two disagreed, each with Kafka's answer.
 */
import { describe, expect, it } from "vitest";
import { LogicalTypes, type Schema, SchemaBuilder, Schemas } from "../../../src/api/schema.js";
import { Decimal } from "../../../src/data/decimal.js";
import { DATE_SCHEMA, decimalSchema, TIME_SCHEMA, TIMESTAMP_SCHEMA } from "../../../src/data/logical.js";
import { convertToString, parseString } from "../../../src/data/values.js";

const STRING_MAP_SCHEMA = SchemaBuilder.map(Schemas.STRING, Schemas.STRING).build();
const STRING_SHORT_MAP_SCHEMA = SchemaBuilder.map(Schemas.STRING, Schemas.INT16).build();
const STRING_INT_MAP_SCHEMA = SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build();
const STRING_MAP = { foo: "123", bar: "baz" };
const STRING_SHORT_MAP = { foo: 12345, bar: 0, baz: -4321 };
const STRING_INT_MAP = { foo: 1234567890, bar: 0, baz: -987654321 };

describe("where the two former ports disagreed (Kafka's answer)", () => {
  it("reads the first value and ignores the rest, as Kafka does (the converters port kept the whole text)", () => {
    expect(parseString("12:30")).toEqual({ schema: Schemas.INT8, value: 12 });
    expect(parseString("[1,2]x")).toEqual({
      schema: SchemaBuilder.array(Schemas.INT8).build(),
      value: [1, 2],
    });
  });

  it("keeps backslashes in quoted strings inside arrays (the converters port removed them)", () => {
    expect(parseString('["a\\"b", "c\\\\d"]')?.value).toEqual(['a\\"b', "c\\\\d"]);
  });

  it("reads the text null as null, not a schema-and-value of nulls (the transforms port)", () => {
    expect(parseString("null")).toBeNull();
  });

  it("reads integers beyond int64 as a Decimal of scale 0 (the transforms port kept them as text)", () => {
    for (const text of ["9223372036854775808", "-9223372036854775809"]) {
      expect(parseString(text)).toEqual({ schema: decimalSchema(0), value: new Decimal(BigInt(text), 0) });
    }
  });

  it("trims as Java's String.trim, not Unicode white space (the transforms port read NBSP-padded true)", () => {
    expect(parseString("\u00a0true\u00a0")).toEqual({ schema: Schemas.STRING, value: "\u00a0true\u00a0" });
    expect(parseString("\t true \n")).toEqual({ schema: Schemas.BOOLEAN, value: true });
  });

  it("widens an int64 beyond 2^53 to a float in a float array (the converters port fell back to a string)", () => {
    expect(parseString("[9223372036854775807, 1.5]")).toEqual({
      schema: SchemaBuilder.array(Schemas.FLOAT32).build(),
      value: [Math.fround(Number(2n ** 63n - 1n)), 1.5],
    });
  });

  it("gives string-keyed maps as plain objects and other maps as Maps (a representation, not Kafka's)", () => {
    expect(parseString('{"a": 1}')?.value).toEqual({ a: 1 });
    expect(parseString("{true: false, false: true}")?.value).toEqual(
      new Map([
        [true, false],
        [false, true],
      ]),
    );
  });
});

describe("Values.convertToString (ValuesTest)", () => {
  it("escapes quotes and backslashes of strings inside arrays and maps only", () => {
    expect(convertToString(Schemas.STRING, 'three"blind\\"mice')).toBe('three"blind\\"mice');
    expect(convertToString(SchemaBuilder.array(Schemas.STRING).build(), ['three"blind\\"mice'])).toBe(
      '["three\\"blind\\\\\\"mice"]',
    );
  });

  it("writes null as null and the string null as text", () => {
    expect(convertToString(Schemas.STRING, null)).toBeNull();
    expect(convertToString(Schemas.STRING, "null")).toBe("null");
  });

  it.each<[Schema, unknown]>([
    [SchemaBuilder.map(Schemas.STRING, Schemas.INT16).build(), { foo: 12345, bar: 0, baz: -4321 }],
    [SchemaBuilder.array(Schemas.INT32).build(), [1234567890, -987654321]],
    [SchemaBuilder.array(Schemas.STRING).build(), ["foo", "bar"]],
    [Schemas.BOOLEAN, false],
  ])("round-trips %o through parseString", (schema, value) => {
    expect(parseString(convertToString(schema, value) ?? "")?.value).toEqual(value);
  });
});

describe("Values.parseString (more of ValuesTest)", () => {
  it("reads Byte, Short, Integer, Long MIN and MAX as int8, int16, int32, int64", () => {
    expect(parseString("127")).toEqual({ schema: Schemas.INT8, value: 127 });
    expect(parseString("-128")).toEqual({ schema: Schemas.INT8, value: -128 });
    expect(parseString("32767")).toEqual({ schema: Schemas.INT16, value: 32767 });
    expect(parseString("-32768")).toEqual({ schema: Schemas.INT16, value: -32768 });
    expect(parseString("2147483647")).toEqual({ schema: Schemas.INT32, value: 2147483647 });
    expect(parseString("-2147483648")).toEqual({ schema: Schemas.INT32, value: -2147483648 });
    expect(parseString("9223372036854775807")).toEqual({ schema: Schemas.INT64, value: 2n ** 63n - 1n });
    expect(parseString("-9223372036854775808")).toEqual({ schema: Schemas.INT64, value: -(2n ** 63n) });
  });

  it("reads Float and Double MAX as float32 and float64", () => {
    expect(parseString("3.4028235E38")).toEqual({
      schema: Schemas.FLOAT32,
      value: Math.fround(3.4028235e38),
    });
    expect(parseString("-3.4028235E38")).toEqual({
      schema: Schemas.FLOAT32,
      value: -Math.fround(3.4028235e38),
    });
    expect(parseString("1.7976931348623157E308")).toEqual({
      schema: Schemas.FLOAT64,
      value: Number.MAX_VALUE,
    });
  });

  it("reads times and timestamps with escaped colons", () => {
    expect(parseString("2019-08-23T14\\:34\\:54.346Z")).toEqual({
      schema: TIMESTAMP_SCHEMA,
      value: new Date(Date.UTC(2019, 7, 23, 14, 34, 54, 346)),
    });
    expect(parseString("14\\:34\\:54.346Z")).toEqual({
      schema: TIME_SCHEMA,
      value: new Date(Date.UTC(1970, 0, 1, 14, 34, 54, 346)),
    });
  });

  it("reads dates, times and timestamps inside arrays and maps, quoted or not", () => {
    expect(parseString("[2019-08-23]")).toEqual({
      schema: SchemaBuilder.array(DATE_SCHEMA).build(),
      value: [new Date(Date.UTC(2019, 7, 23))],
    });
    const ts = "[2019-08-23T14:34:54.346Z,2019-01-23T15:12:34.567Z,   2019-04-23T19:12:34.567Z]";
    expect(parseString(ts)?.schema).toEqual(SchemaBuilder.array(TIMESTAMP_SCHEMA).build());
    for (const map of ['{"k1":"14:34:54.346Z"}', '{"k1":14:34:54.346Z}']) {
      expect(parseString(map)).toEqual({
        schema: SchemaBuilder.map(Schemas.STRING, TIME_SCHEMA).build(),
        value: { k1: new Date(Date.UTC(1970, 0, 1, 14, 34, 54, 346)) },
      });
    }
  });

  it("reads a list of mixed element types without a value schema", () => {
    const result = parseString('[1, 2, 3, "four"]');
    expect(result?.schema?.type).toBe("array");
    expect(result?.schema?.valueSchema).toBeUndefined();
    expect(result?.value).toEqual([1, 2, 3, "four"]);
  });
});

describe("Values.parseString (ValuesTest)", () => {
  it.each([
    "{foo: 3}",
    "{3: foo}",
    "[foo]",
    "null=",
    "true}",
    "false]",
    "{6:9 4:20}",
    "[0 1 2]",
    "{null: 3}",
    "[1, 2, 3,,,]",
    "[1, null]",
    "[null, 1]",
    "  ",
    "simple",
    "simple string",
    "simple \n\t\bstring",
    "'simple' string",
    "si\\mple",
    'si\\"mple',
    "si\\{mple",
    "a{b",
    "a:b",
    "}b",
    "\uffff",
  ])("keeps %o as a string", (text) => {
    expect(parseString(text)).toEqual({ schema: Schemas.STRING, value: text });
  });

  it.each([" \t null \n", "null"])("reads %o as null", (text) => {
    expect(parseString(text)).toBeNull();
  });

  it.each<[string, Schema, unknown]>([
    [" \t true \n", Schemas.BOOLEAN, true],
    ["false", Schemas.BOOLEAN, false],
    ["127", Schemas.INT8, 127],
    ["-129", Schemas.INT16, -129],
    ["32768", Schemas.INT32, 32768],
    ["2147483648", Schemas.INT64, 2147483648],
    ["9223372036854775807", Schemas.INT64, 9223372036854775807n],
    ["1.0", Schemas.INT8, 1],
    ["1.5", Schemas.FLOAT32, 1.5],
    ["3.14", Schemas.FLOAT32, Math.fround(3.14)],
    ["1.7976931348623157E308", Schemas.FLOAT64, Number.MAX_VALUE],
    ["12345678901234567890", decimalSchema(0), Decimal.parse("12345678901234567890")],
    ["1e400", decimalSchema(-400), Decimal.parse("1e400")],
    ["[true, false]", SchemaBuilder.array(Schemas.BOOLEAN).build(), [true, false]],
    ["[1, 2, 32768]", SchemaBuilder.array(Schemas.INT32).build(), [1, 2, 32768]],
    ["[1, 2, 3.4028235E38]", SchemaBuilder.array(Schemas.FLOAT32).build(), [1, 2, 3.4028234663852886e38]],
    [
      "[1, 2, 1.7976931348623157E308]",
      SchemaBuilder.array(Schemas.FLOAT64).build(),
      [1, 2, Number.MAX_VALUE],
    ],
    ["[null]", new SchemaBuilder("array").build(), [null]],
    ["[]", new SchemaBuilder("array").build(), []],
    ["[[]]", SchemaBuilder.array(new SchemaBuilder("array").build()).build(), [[]]],
    [
      "{true: false, false: true}",
      SchemaBuilder.map(Schemas.BOOLEAN, Schemas.BOOLEAN).build(),
      new Map([
        [true, false],
        [false, true],
      ]),
    ],
    [`{ "foo" : "123", \n"bar" : "baz" } `, STRING_MAP_SCHEMA, STRING_MAP],
    [`{"foo":12345,"bar":0,"baz":-4321}`, STRING_SHORT_MAP_SCHEMA, STRING_SHORT_MAP],
    [` { "foo" :  1234567890 , "bar" : 0,  "baz" : -987654321 }  `, STRING_INT_MAP_SCHEMA, STRING_INT_MAP],
    ["2019-08-23T14:34:54.346Z", TIMESTAMP_SCHEMA, new Date(Date.UTC(2019, 7, 23, 14, 34, 54, 346))],
    ["2019-08-23T14\\:34\\:54.346Z", TIMESTAMP_SCHEMA, new Date(Date.UTC(2019, 7, 23, 14, 34, 54, 346))],
    ["2019-08-23", DATE_SCHEMA, new Date(Date.UTC(2019, 7, 23))],
    ["14:34:54.346Z", TIME_SCHEMA, new Date(Date.UTC(1970, 0, 1, 14, 34, 54, 346))],
    ["14\\:34\\:54.346Z", TIME_SCHEMA, new Date(Date.UTC(1970, 0, 1, 14, 34, 54, 346))],
    ["[2019-08-23]", SchemaBuilder.array(DATE_SCHEMA).build(), [new Date(Date.UTC(2019, 7, 23))]],
    [
      "[14:34:54.346Z]",
      SchemaBuilder.array(TIME_SCHEMA).build(),
      [new Date(Date.UTC(1970, 0, 1, 14, 34, 54, 346))],
    ],
    [
      "[2019-08-23T14:34:54.346Z,2019-01-23T15:12:34.567Z,   2019-04-23T19:12:34.567Z]",
      SchemaBuilder.array(TIMESTAMP_SCHEMA).build(),
      [
        new Date(Date.UTC(2019, 7, 23, 14, 34, 54, 346)),
        new Date(Date.UTC(2019, 0, 23, 15, 12, 34, 567)),
        new Date(Date.UTC(2019, 3, 23, 19, 12, 34, 567)),
      ],
    ],
    [
      `{"k1":"14:34:54.346Z"}`,
      SchemaBuilder.map(Schemas.STRING, TIME_SCHEMA).build(),
      { k1: new Date(Date.UTC(1970, 0, 1, 14, 34, 54, 346)) },
    ],
    [
      `{"k1":14:34:54.346Z}`,
      SchemaBuilder.map(Schemas.STRING, TIME_SCHEMA).build(),
      { k1: new Date(Date.UTC(1970, 0, 1, 14, 34, 54, 346)) },
    ],
  ])("reads %o", (text, schema, value) => {
    const r = parseString(text);
    expect(r?.schema).toEqual(schema);
    expect(r?.value).toEqual(value);
  });

  it("keeps a null map value with the key schema only", () => {
    const r = parseString("{3: null}");
    expect(r?.schema?.type).toBe("map");
    expect(r?.schema?.keySchema).toEqual(Schemas.INT8);
    expect(r?.schema?.valueSchema).toBeUndefined();
    expect(r?.value).toEqual(new Map([[3, null]]));
  });

  it.each<[string, unknown[]]>([
    ['[1, 2, 300, "four"]', [1, 2, 300, "four"]],
    ['["four", 1, 2, 300]', ["four", 1, 2, 300]],
  ])("reads %o as a list without a common schema", (text, value) => {
    const r = parseString(text);
    expect(r?.schema).toEqual(new SchemaBuilder("array").build());
    expect(r?.value).toEqual(value);
  });

  it.each(['{1:1, 2:1, 300:300, "four":1}', '{"four":1, 1:1, 2:1, 300:300}'])(
    "reads %o as a map without a common key schema",
    (text) => {
      const r = parseString(text);
      expect(r?.schema?.type).toBe("map");
      expect(r?.schema?.keySchema).toBeUndefined();
      expect(r?.schema?.valueSchema).toBeUndefined();
      expect(r?.value).toEqual(
        new Map<unknown, unknown>([
          [1, 1],
          [2, 1],
          [300, 300],
          ["four", 1],
        ]),
      );
    },
  );

  it("reads nested maps and arrays", () => {
    expect(parseString(`{"a":{}}`)?.schema?.valueSchema?.type).toBe("map");
    expect(parseString(`{"a":[]}`)?.schema?.valueSchema?.type).toBe("array");
    expect(parseString(`[{}]`)?.schema?.valueSchema?.type).toBe("map");
  });

  it("reads the empty string as a string", () => {
    expect(parseString("")).toEqual({ schema: Schemas.STRING, value: "" });
  });

  it("uses UTC and the logical type names", () => {
    expect(parseString("1970-01-02")?.value).toEqual(new Date(86_400_000));
    expect(parseString("1970-01-02")?.schema?.name).toBe(LogicalTypes.DATE);
  });
});

describe("Values.parseString (cases from the transforms port)", () => {
  it.each([
    ["", Schemas.STRING, ""],
    ["  ", Schemas.STRING, "  "],
    ["simple string", Schemas.STRING, "simple string"],
    ["true", Schemas.BOOLEAN, true],
    ["  false  ", Schemas.BOOLEAN, false],
    ["true}", Schemas.STRING, "true}"],
    ["null=", Schemas.STRING, "null="],
    ["{foo: 3}", Schemas.STRING, "{foo: 3}"],
    ["[foo]", Schemas.STRING, "[foo]"],
    ["[0 1 2]", Schemas.STRING, "[0 1 2]"],
    ["{6:9 4:20}", Schemas.STRING, "{6:9 4:20}"],
    ["{null: 3}", Schemas.STRING, "{null: 3}"],
    ["[1, 2, 3,,,]", Schemas.STRING, "[1, 2, 3,,,]"],
    ["1", Schemas.INT8, 1],
    ["-129", Schemas.INT16, -129],
    ["66000", Schemas.INT32, 66000],
    ["9223372036854775807", Schemas.INT64, 2n ** 63n - 1n],
    ["1.0", Schemas.INT8, 1],
    ["300.0", Schemas.INT16, 300],
    ["66000.0", Schemas.INT32, 66000],
    ["1.1", Schemas.FLOAT32, Math.fround(1.1)],
    ["3.4028235E38", Schemas.FLOAT32, Math.fround(3.4028235e38)],
    ["1.7976931348623157E308", Schemas.FLOAT64, 1.7976931348623157e308],
    ["2019-01-02", DATE_SCHEMA, new Date(Date.UTC(2019, 0, 2))],
    ["10:15:30.123Z", TIME_SCHEMA, new Date(Date.UTC(1970, 0, 1, 10, 15, 30, 123))],
    ["2019-01-02T10:15:30.123Z", TIMESTAMP_SCHEMA, new Date(Date.UTC(2019, 0, 2, 10, 15, 30, 123))],
  ] as [string, unknown, unknown][])("%j", (text, schema, value) => {
    expect(parseString(text)).toEqual({ schema, value });
  });

  it("parses arrays and maps with a common element schema", () => {
    expect(parseString("[true, false]")).toEqual({
      schema: SchemaBuilder.array(Schemas.BOOLEAN).build(),
      value: [true, false],
    });
    expect(parseString("[1, 1000]")).toEqual({
      schema: SchemaBuilder.array(Schemas.INT16).build(),
      value: [1, 1000],
    });
    expect(parseString('["a", "b"]')?.value).toEqual(["a", "b"]);
    expect(parseString("[null]")?.value).toEqual([null]);
    expect(parseString("[]")?.value).toEqual([]);
    expect(parseString("[[]]")?.schema?.valueSchema?.type).toBe("array");
    // string-keyed maps are plain objects (as json-codec.ts represents them), others Maps
    const map = parseString('{"a": 1, "b": 2}');
    expect(map?.schema).toEqual(SchemaBuilder.map(Schemas.STRING, Schemas.INT8).build());
    expect(map?.value).toEqual({ a: 1, b: 2 });
    const mixed = parseString('{1:1, 2:1, 300:300, 4:"four"}');
    expect(mixed?.schema?.keySchema).toBe(Schemas.INT16);
    expect(mixed?.schema?.valueSchema).toBeUndefined();
    expect(parseString("{3: null}")?.value).toEqual(new Map([[3, null]]));
    expect(parseString("{}")?.value).toEqual({});
  });
});
