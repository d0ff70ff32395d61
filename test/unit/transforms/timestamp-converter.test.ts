import { describe, expect, it } from "vitest";
import { type Schema, SchemaBuilder, Schemas, type Struct } from "../../../src/api/schema.js";
import {
  DATE_SCHEMA,
  OPTIONAL_DATE_SCHEMA,
  OPTIONAL_TIME_SCHEMA,
  OPTIONAL_TIMESTAMP_SCHEMA,
  TIME_SCHEMA,
  TIMESTAMP_SCHEMA,
} from "../../../src/data/logical.js";
import { TimestampConverter } from "../../../src/transforms/timestamp-converter.js";
import { ConfigError, KEY, VALUE } from "../../../src/transforms/util.js";
import { partOf, struct, structSchema, withPart } from "./helpers.js";

const FMT = "yyyy MM dd HH mm ss SSS z";
const EPOCH = new Date(0);
const TIME = new Date(1234);
const DATE = new Date(86_400_000);
const DATE_PLUS_TIME = new Date(86_401_234);
const UNIX = 86_401_234;
const UNIX_MICROS = UNIX * 1000 + 123;
const UNIX_NANOS = BigInt(UNIX_MICROS) * 1000n + 456n;
const UNIX_SECONDS = 86_401;
const STRING = "1970 01 02 00 00 01 234 UTC";

function converter(part: "key" | "value", props: Record<string, string>): TimestampConverter {
  const t = new TimestampConverter(part === "key" ? KEY : VALUE);
  t.configure(props);
  return t;
}

describe("TimestampConverter config", () => {
  it.each([
    [{}, "target.type", 'Missing required configuration "target.type"'],
    [
      { "target.type": "invalid" },
      "target.type",
      "String must be one of: string, unix, Date, Time, Timestamp",
    ],
    [{ "target.type": "unix", "unix.precision": "invalid" }, "unix.precision", "String must be one of"],
    [{ "target.type": "string" }, "format", "TimestampConverter requires format option to be specified"],
    [{ "target.type": "string", format: "bad-format" }, "format", "Illegal pattern character 'b'"],
    [{ "target.type": "Date", format: "yyyy'" }, "format", "Unterminated quote"],
  ])("rejects %o", (props, key, message) => {
    let err: unknown;
    try {
      converter("value", props);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe(key);
    expect((err as Error).message).toContain(message);
  });

  it("accepts every unix precision", () => {
    for (const p of ["seconds", "milliseconds", "microseconds", "nanoseconds"]) {
      expect(() => converter("value", { "target.type": "unix", "unix.precision": p })).not.toThrow();
    }
  });
});

describe.each(["key", "value"] as const)("TimestampConverter on the %s", (part) => {
  const convert = (props: Record<string, string>, schema: Schema | null, value: unknown) =>
    partOf(converter(part, props).apply(withPart(part, schema, value)), part);

  it.each([
    ["Timestamp", DATE_PLUS_TIME, DATE_PLUS_TIME],
    ["Date", DATE_PLUS_TIME, DATE],
    ["Time", DATE_PLUS_TIME, TIME],
    ["unix", DATE_PLUS_TIME, UNIX],
    ["string", DATE_PLUS_TIME, STRING],
    ["Timestamp", DATE, DATE],
    ["Timestamp", TIME, TIME],
    ["Timestamp", UNIX, DATE_PLUS_TIME],
    ["Timestamp", BigInt(UNIX), DATE_PLUS_TIME],
    ["Timestamp", STRING, DATE_PLUS_TIME],
    ["Date", new Date(-1), new Date(-86_400_000)],
    ["Time", new Date(-1), new Date(86_399_999)],
  ] as [string, unknown, unknown][])("schemaless to %s from %o", (target, input, expected) => {
    const out = convert({ "target.type": target, format: FMT }, null, input);
    expect(out.schema).toBeNull();
    expect(out.value).toEqual(expected);
  });

  it.each([
    ["Timestamp", TIMESTAMP_SCHEMA, DATE_PLUS_TIME, TIMESTAMP_SCHEMA, DATE_PLUS_TIME],
    ["Date", TIMESTAMP_SCHEMA, DATE_PLUS_TIME, DATE_SCHEMA, DATE],
    ["Time", TIMESTAMP_SCHEMA, DATE_PLUS_TIME, TIME_SCHEMA, TIME],
    ["unix", TIMESTAMP_SCHEMA, DATE_PLUS_TIME, Schemas.INT64, UNIX],
    ["string", TIMESTAMP_SCHEMA, DATE_PLUS_TIME, Schemas.STRING, STRING],
    ["Timestamp", DATE_SCHEMA, DATE, TIMESTAMP_SCHEMA, DATE],
    ["Timestamp", TIME_SCHEMA, TIME, TIMESTAMP_SCHEMA, TIME],
    ["Timestamp", Schemas.INT64, UNIX, TIMESTAMP_SCHEMA, DATE_PLUS_TIME],
    ["Timestamp", Schemas.STRING, STRING, TIMESTAMP_SCHEMA, DATE_PLUS_TIME],
  ] as [string, Schema, unknown, Schema, unknown][])(
    "with schema to %s from %o",
    (target, schema, input, expectedSchema, expected) => {
      const out = convert({ "target.type": target, format: FMT }, schema, input);
      expect(out.schema).toEqual(expectedSchema);
      expect(out.value).toEqual(expected);
    },
  );

  it.each([
    ["string", OPTIONAL_TIMESTAMP_SCHEMA, Schemas.OPTIONAL_STRING],
    ["unix", OPTIONAL_TIMESTAMP_SCHEMA, Schemas.OPTIONAL_INT64],
    ["Date", OPTIONAL_TIMESTAMP_SCHEMA, OPTIONAL_DATE_SCHEMA],
    ["Time", OPTIONAL_TIMESTAMP_SCHEMA, OPTIONAL_TIME_SCHEMA],
    ["Timestamp", Schemas.OPTIONAL_INT64, OPTIONAL_TIMESTAMP_SCHEMA],
  ] as [string, Schema, Schema][])("null value and null field to %s", (target, original, expected) => {
    const props = { "target.type": target, format: FMT };
    const whole = convert(props, original, null);
    expect(whole.schema).toEqual(expected);
    expect(whole.value).toBeNull();
    expect(convert(props, null, null)).toEqual({ schema: null, value: null });
    expect(convert({ ...props, field: "ts" }, null, null)).toEqual({ schema: null, value: null });

    const schema = structSchema([
      ["ts", original],
      ["other", Schemas.STRING],
    ]);
    const expectedSchema = structSchema([
      ["ts", expected],
      ["other", Schemas.STRING],
    ]);
    const field = convert({ ...props, field: "ts" }, schema, struct(schema, { ts: null, other: "test" }));
    expect(field.schema).toEqual(expectedSchema);
    expect((field.value as Struct).get("ts")).toBeNull();

    const optional = structSchema(
      [
        ["ts", original],
        ["other", Schemas.STRING],
      ],
      { optional: true },
    );
    const nullStruct = convert({ ...props, field: "ts" }, optional, null);
    expect(nullStruct.schema).toEqual(
      structSchema(
        (expectedSchema.fields ?? []).map((f) => [f.name, f.schema]),
        { optional: true },
      ),
    );
    expect(nullStruct.value).toBeNull();
  });

  it("converts one field of a map", () => {
    const out = convert({ "target.type": "Date", field: "ts" }, null, { ts: DATE_PLUS_TIME, other: 1 });
    expect(out.value).toEqual({ ts: DATE, other: 1 });
  });

  it("converts one field of a struct, caching the new schema", () => {
    const schema = structSchema([
      ["ts", Schemas.INT64],
      ["other", Schemas.STRING],
    ]);
    const t = converter(part, { "target.type": "Timestamp", field: "ts" });
    const out = partOf(t.apply(withPart(part, schema, struct(schema, { ts: UNIX, other: "test" }))), part);
    expect(out.schema).toEqual(
      structSchema([
        ["ts", TIMESTAMP_SCHEMA],
        ["other", Schemas.STRING],
      ]),
    );
    expect((out.value as Struct).toJSON()).toEqual({ ts: DATE_PLUS_TIME, other: "test" });
    expect(partOf(t.apply(withPart(part, schema, struct(schema, { ts: 0, other: "" }))), part).schema).toBe(
      out.schema,
    );
  });

  it.each([
    ["false", null],
    ["true", EPOCH],
  ])("replace.null.with.default=%s", (flag, expected) => {
    const schema = structSchema([
      ["ts", new SchemaBuilder("int64").optional().defaultValue(0).build()],
      ["other", Schemas.STRING],
    ]);
    const out = convert(
      { "target.type": "Timestamp", field: "ts", "replace.null.with.default": flag },
      schema,
      struct(schema, { ts: null, other: "test" }),
    );
    expect(out.schema?.fields?.[0]?.schema).toEqual(OPTIONAL_TIMESTAMP_SCHEMA);
    expect((out.value as Struct).get("ts")).toEqual(expected);
  });

  it.each([
    ["microseconds", UNIX_MICROS, DATE_PLUS_TIME],
    ["nanoseconds", UNIX_NANOS, DATE_PLUS_TIME],
    ["nanoseconds", Number(UNIX_NANOS), DATE_PLUS_TIME],
    ["seconds", UNIX_SECONDS, new Date(86_401_000)],
  ] as [string, unknown, Date][])("reads unix %s", (precision, input, expected) => {
    const schema = structSchema([["ts", Schemas.INT64]]);
    const out = convert(
      { "target.type": "Timestamp", field: "ts", "unix.precision": precision },
      schema,
      struct(schema, { ts: input }),
    );
    expect((out.value as Struct).get("ts")).toEqual(expected);
  });

  it.each([
    ["microseconds", 86_401_234_000],
    ["nanoseconds", 86_401_234_000_000],
    ["seconds", UNIX_SECONDS],
    ["milliseconds", UNIX],
  ])("writes unix %s", (precision, expected) => {
    expect(
      convert({ "target.type": "unix", "unix.precision": precision, format: FMT }, null, STRING).value,
    ).toBe(expected);
  });

  it("writes nanoseconds beyond 2^53 as a bigint", () => {
    const ms = Date.UTC(2024, 0, 1);
    expect(
      convert({ "target.type": "unix", "unix.precision": "nanoseconds" }, null, new Date(ms)).value,
    ).toBe(BigInt(ms) * 1_000_000n);
  });

  it("reports values it cannot convert", () => {
    expect(() => convert({ "target.type": "Timestamp" }, null, 1.5)).toThrow(
      "TimestampConverter does not support number objects as timestamps",
    );
    expect(() => convert({ "target.type": "Timestamp", format: FMT }, null, "nope")).toThrow(
      `Could not parse timestamp: value (nope) does not match pattern (${FMT})`,
    );
    expect(() => convert({ "target.type": "Timestamp" }, null, "2024")).toThrow(
      "TimestampConverter requires format option to be specified when using string timestamps",
    );
    expect(() => convert({ "target.type": "string", format: FMT }, Schemas.INT64, "x")).toThrow(
      "Expected Unix timestamp to be a Long, but found string",
    );
    expect(() => convert({ "target.type": "string", format: FMT }, TIMESTAMP_SCHEMA, 5)).toThrow(
      "Expected Timestamp to be a Date, but found number",
    );
    expect(() => convert({ "target.type": "string", format: FMT }, Schemas.BOOLEAN, true)).toThrow(
      "does not correspond to a known timestamp type format",
    );
    expect(() => convert({ "target.type": "Date", field: "ts" }, null, "x")).toThrow(
      "Only Map objects supported in absence of schema for [converting timestamp formats], found: string",
    );
  });
});
