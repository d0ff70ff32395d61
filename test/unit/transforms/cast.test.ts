import { describe, expect, it } from "vitest";
import { DataError, type Schema, SchemaBuilder, Schemas, Struct } from "../../../src/api/schema.js";
import { DATE_SCHEMA, TIME_SCHEMA, TIMESTAMP_SCHEMA } from "../../../src/data/logical.js";
import { Cast, parseCastSpec } from "../../../src/transforms/cast.js";
import { ConfigError, KEY, VALUE } from "../../../src/transforms/util.js";
import { struct, structSchema, withPart } from "./helpers.js";

const DAY = 86_400_000;

function cast(part: "key" | "value", spec: string, extra: Record<string, string> = {}): Cast {
  const t = new Cast(part === "key" ? KEY : VALUE);
  t.configure({ spec, ...extra });
  return t;
}

describe("Cast config", () => {
  it.each([
    ["", "Must specify at least one field to cast."],
    ["foo:faketype", "Invalid type found in casting spec: faketype"],
    ["foo:notatype", "Invalid type found in casting spec: notatype"],
    ["foo:array", "Cast transformation does not support casting to ARRAY"],
    ["array", "Cast transformation does not support casting to ARRAY"],
    ["foo:bytes", "Cast transformation does not support casting to BYTES"],
    ["foo:int8:extra", "Invalid cast mapping: foo:int8:extra"],
    ["foo:int8,int32", "may only specify a single cast in their spec"],
  ])("rejects spec %j", (spec, message) => {
    const t = new Cast(VALUE);
    let err: unknown;
    try {
      t.configure({ spec });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe("spec");
    expect((err as Error).message).toContain("for configuration spec");
    expect((err as Error).message).toContain(message);
  });

  it("requires spec", () => {
    expect(() => new Cast(VALUE).configure({})).toThrow(
      'Missing required configuration "spec" which has no default value.',
    );
  });

  it("parses field and whole-value specs, case-insensitively", () => {
    expect(parseCastSpec(["a:INT8", " b : string "])).toEqual({
      fields: new Map([
        ["a", "int8"],
        ["b", "string"],
      ]),
    });
    expect(parseCastSpec(["Float64"])).toEqual({ whole: "float64", fields: new Map() });
  });
});

describe("Cast null handling", () => {
  it.each(["key", "value"] as const)("passes a null %s through, with or without schema", (part) => {
    for (const schema of [null, Schemas.STRING]) {
      const record = withPart(part, schema, null);
      expect(cast(part, "foo:int64").apply(record)).toBe(record);
    }
  });

  it.each([
    ["false", null],
    ["true", "10"],
  ])("replace.null.with.default=%s on a null field with a default", (flag, expected) => {
    const schema = structSchema([["magic", new SchemaBuilder("int32").optional().defaultValue(10).build()]]);
    const out = cast("value", "magic:string", { "replace.null.with.default": flag }).apply(
      withPart("value", schema, struct(schema, { magic: null })),
    );
    expect((out.valueSchema?.fields ?? [])[0]?.schema.type).toBe("string");
    expect((out.value as Struct).getWithoutDefault("magic")).toBe(expected);
  });
});

describe("Cast whole value", () => {
  const cases: [string, unknown, unknown][] = [
    ["int8", 42, 42],
    ["int16", 42, 42],
    ["int32", 42, 42],
    ["int64", 42, 42],
    ["float32", 42, 42],
    ["float64", 42, 42],
    ["boolean", 42, true],
    ["boolean", 0, false],
    ["string", 42, "42"],
  ];
  it.each(cases)("with schema: int32 to %s", (type, input, expected) => {
    const out = cast("value", type).apply(withPart("value", Schemas.INT32, input));
    expect(out.valueSchema?.type).toBe(type);
    expect(out.value).toBe(expected);
  });
  it.each(cases)("schemaless: to %s", (type, input, expected) => {
    const out = cast("value", type).apply(withPart("value", null, input));
    expect(out.valueSchema).toBeNull();
    expect(out.value).toBe(expected);
  });

  it("casts the key", () => {
    const out = cast("key", "int8").apply(withPart("key", Schemas.INT32, 42));
    expect(out.keySchema?.type).toBe("int8");
    expect(out.key).toBe(42);
    expect(out.value).toBe("value");
    const schemaless = cast("key", "int8").apply(withPart("key", null, 42));
    expect(schemaless.keySchema).toBeNull();
    expect(schemaless.key).toBe(42);
  });

  it("casts the schema default value", () => {
    const schema = new SchemaBuilder("float32").defaultValue(-42.125).build();
    const out = cast("value", "int32").apply(withPart("value", schema, 42.125));
    expect(out.value).toBe(42);
    expect(out.valueSchema?.defaultValue).toBe(-42);
  });

  it("formats a Timestamp as ISO-8601", () => {
    const out = cast("value", "string").apply(withPart("value", TIMESTAMP_SCHEMA, new Date(DAY + 1)));
    expect(out.valueSchema?.type).toBe("string");
    expect(out.value).toBe("1970-01-02T00:00:00.001Z");
  });

  it("rejects a schemaless value of an unsupported type", () => {
    expect(() => cast("value", "int8").apply(withPart("value", null, ["foo"]))).toThrow(
      new DataError(
        "Cast transformation does not support casting from ARRAY; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]",
      ),
    );
    expect(() => cast("value", "int8").apply(withPart("value", null, new Date()))).toThrow(
      "Cast transformation was passed a value of type Date which is not supported by Connect's data API",
    );
  });

  it("reuses the derived schema for the same input schema", () => {
    const t = cast("value", "int64");
    const a = t.apply(withPart("value", Schemas.INT32, 1));
    const b = t.apply(withPart("value", Schemas.INT32, 2));
    const c = t.apply(withPart("value", new SchemaBuilder("int32").build(), 3));
    expect(b.valueSchema).toBe(a.valueSchema);
    expect(c.valueSchema).toBe(a.valueSchema); // equal schema, different object
  });
});

describe("Cast numeric semantics (Java narrowing and parsing)", () => {
  it.each([
    ["int8", 300, 44],
    ["int8", -129, 127],
    ["int16", 70000, 4464],
    ["int32", 2 ** 32 + 5, 5],
    ["int32", 1e20, 2147483647],
    ["int32", 42.9, 42],
    ["int32", -42.9, -42],
    ["int32", Number.NaN, 0],
    ["int64", 1.5, 1],
    ["int64", 1e19, 2n ** 63n - 1n],
    ["int8", 2n ** 40n + 3n, 3],
    ["int64", 2n ** 62n, 2n ** 62n],
    ["int64", 5n, 5],
    ["float32", 0.1, Math.fround(0.1)],
    ["float64", 7n, 7],
    ["boolean", 0.5, false],
    ["boolean", Number.NaN, false],
    ["int8", true, 1],
    ["float64", false, 0],
    ["int8", "127", 127],
    ["int16", "-300", -300],
    ["int64", "9223372036854775807", 2n ** 63n - 1n],
    ["float32", "1.5f", 1.5],
    ["float64", " 2.5e3 ", 2500],
    ["float64", "NaN", Number.NaN],
    ["boolean", "TRUE", true],
    ["boolean", "yes", false],
  ] as [string, unknown, unknown][])("%s of %s", (type, input, expected) => {
    expect(cast("value", type).apply(withPart("value", null, input)).value).toEqual(expected);
  });

  it.each([
    ["int8", "128"],
    ["int32", "abc"],
    ["int64", "9223372036854775808"],
    ["float64", "1,5"],
  ])("%s of %j is out of range", (type, input) => {
    expect(() => cast("value", type).apply(withPart("value", null, input))).toThrow(
      `Value (${input}) was out of range for requested data type`,
    );
  });

  it.each([
    [Schemas.FLOAT32, 32, "32.0"],
    [Schemas.FLOAT32, 1.1, "1.1"],
    [Schemas.FLOAT64, -64, "-64.0"],
    [Schemas.FLOAT64, 1e7, "1.0E7"],
    [Schemas.FLOAT64, 0.0001, "1.0E-4"],
    [Schemas.FLOAT64, 123.456, "123.456"],
    [Schemas.INT64, 2 ** 53 + 2, "9007199254740994"],
    [Schemas.BOOLEAN, true, "true"],
    [Schemas.BYTES, Buffer.from([0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10]), "/ty6mHZUMhA="],
    [Schemas.BYTES, new Uint8Array([0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10]), "/ty6mHZUMhA="],
  ])("string of a %o value %s", (schema, input, expected) => {
    expect(cast("value", "string").apply(withPart("value", schema, input)).value).toBe(expected);
  });

  it("does not cast bytes to a number", () => {
    expect(() => cast("value", "int32").apply(withPart("value", Schemas.BYTES, Buffer.from("x")))).toThrow(
      "Unexpected type in Cast transformation: Buffer",
    );
  });
});

describe("Cast struct fields", () => {
  it("casts the listed fields of a struct and keeps the rest", () => {
    const schema = new SchemaBuilder("struct")
      .name("my.Struct")
      .field("int8", Schemas.INT8)
      .field("int16", Schemas.OPTIONAL_INT16)
      .field("int32", new SchemaBuilder("int32").defaultValue(2).build())
      .field("int64", Schemas.INT64)
      .field("float32", Schemas.FLOAT32)
      .field("float64", new SchemaBuilder("float64").defaultValue(-1.125).build())
      .field("boolean", Schemas.BOOLEAN)
      .field("string", Schemas.STRING)
      .field("date", DATE_SCHEMA)
      .field("optional", Schemas.OPTIONAL_FLOAT32)
      .field("timestamp", TIMESTAMP_SCHEMA)
      .field("bytes", Schemas.BYTES)
      .build();
    const value = struct(schema, {
      int8: 8,
      int16: 16,
      int32: 32,
      int64: 64,
      float32: 32,
      float64: -64,
      boolean: true,
      string: "42",
      date: new Date(DAY),
      timestamp: new Date(0),
      bytes: Buffer.from([0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10]),
    });
    const out = cast(
      "value",
      "int8:int16,int16:int32,int32:int64,int64:boolean,float32:float64,float64:boolean,boolean:int8,string:int32,date:string,optional:int32,bytes:string",
    ).apply(withPart("value", schema, value));
    const v = out.value as Struct;
    const s = v.schema;
    expect(s.name).toBe("my.Struct");
    expect(v.toJSON()).toEqual({
      int8: 8,
      int16: 16,
      int32: 32,
      int64: true,
      float32: 32,
      float64: true,
      boolean: 1,
      string: 42,
      date: "1970-01-02",
      optional: null,
      timestamp: new Date(0),
      bytes: "/ty6mHZUMhA=",
    });
    const field = (n: string) => s.fields?.find((f) => f.name === n)?.schema;
    expect(field("int8")?.type).toBe("int16");
    expect(field("int16")).toMatchObject({ type: "int32", optional: true });
    expect(field("int32")).toMatchObject({ type: "int64", defaultValue: 2 });
    expect(field("float64")).toMatchObject({ type: "boolean", defaultValue: true });
    expect(field("optional")).toMatchObject({ type: "int32", optional: true });
    expect(field("timestamp")).toBe(TIMESTAMP_SCHEMA);
  });

  it("casts logical types to their encodings", () => {
    const schema = structSchema([
      ["date_to_int32", DATE_SCHEMA],
      ["timestamp_to_int64", TIMESTAMP_SCHEMA],
      ["time_to_int64", TIME_SCHEMA],
      [
        "null_timestamp_to_int32",
        new SchemaBuilder("int64")
          .name(TIMESTAMP_SCHEMA.name ?? "")
          .optional()
          .build(),
      ],
    ]);
    const out = cast(
      "value",
      "date_to_int32:int32,timestamp_to_int64:int64,time_to_int64:int64,null_timestamp_to_int32:int32",
    ).apply(
      withPart(
        "value",
        schema,
        struct(schema, {
          date_to_int32: new Date(DAY),
          timestamp_to_int64: new Date(0),
          time_to_int64: new Date(1),
        }),
      ),
    );
    expect((out.value as Struct).toJSON()).toEqual({
      date_to_int32: 1,
      timestamp_to_int64: 0,
      time_to_int64: 1,
      null_timestamp_to_int32: null,
    });
  });

  it("casts logical types to strings", () => {
    const schema = structSchema([
      ["date", DATE_SCHEMA],
      ["time", TIME_SCHEMA],
      ["timestamp", TIMESTAMP_SCHEMA],
    ]);
    const ts = new Date(Date.UTC(2024, 4, 6, 7, 8, 9, 10));
    const out = cast("value", "date:string,time:string,timestamp:string").apply(
      withPart(
        "value",
        schema,
        struct(schema, { date: new Date(DAY), time: new Date(3_600_000), timestamp: ts }),
      ),
    );
    expect((out.value as Struct).toJSON()).toEqual({
      date: "1970-01-02",
      time: "01:00:00.000Z",
      timestamp: "2024-05-06T07:08:09.010Z",
    });
  });

  it("casts a struct default value field by field", () => {
    const inner = structSchema([["a", Schemas.INT32]]);
    const schema = new SchemaBuilder("struct")
      .field("a", Schemas.INT32)
      .optional()
      .defaultValue(struct(inner, { a: 7 }))
      .build();
    const out = cast("value", "a:string").apply(withPart("value", schema, struct(schema, { a: 1 })));
    expect((out.valueSchema as Schema).defaultValue).toBeInstanceOf(Struct);
    expect(((out.valueSchema as Schema).defaultValue as Struct).toJSON()).toEqual({ a: "7" });
    expect((out.value as Struct).toJSON()).toEqual({ a: "1" });
  });

  it("casts the fields of a schemaless map and adds listed fields that are missing", () => {
    const out = cast(
      "value",
      "int8:int16,int16:int32,int32:int64,int64:boolean,float32:float64,float64:boolean,boolean:int8,string:int32,missing:int8",
    ).apply(
      withPart("value", null, {
        int8: 8,
        int16: 16,
        int32: 32,
        int64: 64,
        float32: 32,
        float64: -64,
        boolean: true,
        string: "42",
        other: "x",
      }),
    );
    expect(out.value).toEqual({
      int8: 8,
      int16: 16,
      int32: 32,
      int64: true,
      float32: 32,
      float64: true,
      boolean: 1,
      string: 42,
      other: "x",
      missing: null,
    });
  });

  it("keeps a Map a Map", () => {
    const out = cast("key", "a:string").apply(withPart("key", null, new Map([["a", 1]])));
    expect(out.key).toEqual(new Map([["a", "1"]]));
  });

  it.each(["key", "value"] as const)("requires a struct for field casts on the %s", (part) => {
    expect(() => cast(part, "a:int8").apply(withPart(part, Schemas.STRING, "x"))).toThrow(
      "Only Struct objects supported for [cast types], found: string",
    );
    expect(() => cast(part, "a:int8").apply(withPart(part, null, "x"))).toThrow(
      "Only Map objects supported in absence of schema for [cast types], found: string",
    );
  });
});
