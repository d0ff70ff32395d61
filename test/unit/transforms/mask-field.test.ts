import { describe, expect, it } from "vitest";
import { SchemaBuilder, Schemas, type Struct } from "../../../src/api/schema.js";
import { DATE_SCHEMA, TIME_SCHEMA, TIMESTAMP_SCHEMA } from "../../../src/data/logical.js";
import { MaskField } from "../../../src/transforms/mask-field.js";
import { KEY, VALUE } from "../../../src/transforms/util.js";
import { partOf, struct, structSchema, withPart } from "./helpers.js";

function mask(
  part: "key" | "value",
  fields: string[],
  replacement?: string,
  replaceNull = "false",
): MaskField {
  const t = new MaskField(part === "key" ? KEY : VALUE);
  t.configure({
    fields: fields.join(","),
    "replace.null.with.default": replaceNull,
    ...(replacement === undefined ? {} : { replacement }),
  });
  return t;
}

const SCHEMA = structSchema([
  ["magic", Schemas.INT32],
  ["bool", Schemas.BOOLEAN],
  ["byte", Schemas.INT8],
  ["short", Schemas.INT16],
  ["int", Schemas.INT32],
  ["long", Schemas.INT64],
  ["float", Schemas.FLOAT32],
  ["double", Schemas.FLOAT64],
  ["string", Schemas.STRING],
  ["date", DATE_SCHEMA],
  ["time", TIME_SCHEMA],
  ["timestamp", TIMESTAMP_SCHEMA],
  ["array", SchemaBuilder.array(Schemas.INT32).build()],
  ["map", SchemaBuilder.map(Schemas.STRING, Schemas.STRING).build()],
  ["withDefault", new SchemaBuilder("string").optional().defaultValue("default").build()],
]);

const withSchema = () =>
  struct(SCHEMA, {
    magic: 42,
    bool: true,
    byte: 42,
    short: 42,
    int: 42,
    long: 42,
    float: 42,
    double: 42,
    string: "hmm",
    date: new Date(),
    time: new Date(),
    timestamp: new Date(),
    array: [1, 2, 3],
    map: { what: "what" },
    withDefault: null,
  });

const schemaless = () => ({
  magic: 42,
  bool: true,
  int: 42,
  bigint: 42n,
  double: 42.5,
  string: "55.121.20.20",
  date: new Date(),
  list: [42],
  map: { key: "value" },
  jsMap: new Map([["k", "v"]]),
});

describe.each(["key", "value"] as const)("MaskField on the %s", (part) => {
  it("masks schemaless fields with empty values of their type", () => {
    const fields = Object.keys(schemaless()).filter((f) => f !== "magic");
    const out = partOf(
      mask(part, [...fields, "absent"]).apply(withPart(part, null, schemaless())),
      part,
    ).value;
    expect(out).toEqual({
      magic: 42,
      bool: false,
      int: 0,
      bigint: 0n,
      double: 0,
      string: "",
      date: new Date(0),
      list: [],
      map: {},
      jsMap: new Map(),
      absent: null,
    });
  });

  it("masks struct fields with empty values of their schema type", () => {
    const fields = (SCHEMA.fields ?? []).map((f) => f.name).filter((f) => f !== "magic");
    const out = partOf(mask(part, fields).apply(withPart(part, SCHEMA, withSchema())), part);
    expect(out.schema).toBe(SCHEMA);
    expect((out.value as Struct).toJSON()).toEqual({
      magic: 42,
      bool: false,
      byte: 0,
      short: 0,
      int: 0,
      long: 0,
      float: 0,
      double: 0,
      string: "",
      date: new Date(0),
      time: new Date(0),
      timestamp: new Date(0),
      array: [],
      map: {},
      withDefault: null,
    });
    expect((out.value as Struct).getWithoutDefault("withDefault")).toBeNull();
  });

  it.each([
    ["short", "123", 123],
    ["byte", "123", 123],
    ["byte", "300", 44],
    ["int", "123", 123],
    ["int", "123.9", 123],
    ["long", "123", 123],
    ["float", "123.0", 123],
    ["double", "123.5", 123.5],
    ["string", "123", "123"],
  ])("replaces struct field %s with %j", (field, replacement, expected) => {
    const out = partOf(mask(part, [field], replacement).apply(withPart(part, SCHEMA, withSchema())), part);
    expect((out.value as Struct).get(field)).toBe(expected);
  });

  it.each([
    ["int", "123", 123],
    ["int", "123.9", 123],
    ["bigint", "123", 123n],
    ["double", "123.5", 123.5],
    ["string", "123", "123"],
  ])("replaces schemaless field %s with %j", (field, replacement, expected) => {
    const out = partOf(mask(part, [field], replacement).apply(withPart(part, null, schemaless())), part);
    expect((out.value as Record<string, unknown>)[field]).toBe(expected);
  });

  it.each([
    [null, "date"],
    [null, "bool"],
    [null, "list"],
    [null, "map"],
    [SCHEMA, "time"],
    [SCHEMA, "timestamp"],
    [SCHEMA, "array"],
    [SCHEMA, "bool"],
  ])("cannot replace a %s field %s with a custom value", (schema, field) => {
    const value = schema ? withSchema() : schemaless();
    expect(() => mask(part, [field], "123").apply(withPart(part, schema, value))).toThrow(
      /^Cannot mask value of type .* with custom replacement\.$/,
    );
  });

  it.each([
    [null, "int"],
    [null, "double"],
    [null, "bigint"],
    [SCHEMA, "long"],
  ])("rejects a non-numeric replacement for a numeric %s field %s", (schema, field) => {
    const value = schema ? withSchema() : schemaless();
    expect(() => mask(part, [field], "foo").apply(withPart(part, schema, value))).toThrow(
      "Unable to convert foo (string) to a number",
    );
  });

  it("cannot mask bytes or structs", () => {
    const schema = structSchema([["b", Schemas.BYTES]]);
    expect(() =>
      mask(part, ["b"]).apply(withPart(part, schema, struct(schema, { b: Buffer.from("x") }))),
    ).toThrow("Cannot mask value of type: Buffer");
  });

  it("fails on tombstones, as Kafka does", () => {
    expect(() => mask(part, ["a"]).apply(withPart(part, null, null))).toThrow(
      "Only Map objects supported in absence of schema for [mask fields], found: null",
    );
  });

  it("gives fresh, mutable empty arrays and maps", () => {
    const out = partOf(mask(part, ["array", "map"]).apply(withPart(part, SCHEMA, withSchema())), part)
      .value as Struct;
    (out.get("array") as number[]).push(0);
    expect(out.get("array")).toEqual([0]);
    const again = partOf(mask(part, ["array"]).apply(withPart(part, SCHEMA, withSchema())), part)
      .value as Struct;
    expect(again.get("array")).toEqual([]);
  });
});

describe("MaskField config", () => {
  it("rejects an empty replacement and an empty field list", () => {
    expect(() => mask("value", ["short"], "")).toThrow(
      "Invalid value  for configuration replacement: String must be non-empty",
    );
    expect(() => mask("value", [])).toThrow("Invalid value  for configuration fields: Empty list");
  });
});
