import { describe, expect, it } from "vitest";
import type { SourceRecord } from "../../../src/api/records.js";
import { type Schema, SchemaBuilder, Schemas, type Struct } from "../../../src/api/schema.js";
import { HeaderFrom } from "../../../src/transforms/header-from.js";
import { ConfigError, KEY, VALUE } from "../../../src/transforms/util.js";
import { header, partOf, sourceRec, struct, structSchema } from "./helpers.js";

type FieldSpec = [string, Schema, unknown];

function headerFrom(
  part: "key" | "value",
  fields: string,
  headers: string,
  operation: string,
  replace = true,
) {
  const t = new HeaderFrom(part === "key" ? KEY : VALUE);
  t.configure({ fields, headers, operation, "replace.null.with.default": String(replace) });
  return t;
}

function record(
  part: "key" | "value",
  schema: Schema | null,
  value: unknown,
  headers: SourceRecord["headers"],
) {
  return part === "key"
    ? sourceRec({ keySchema: schema, key: value, value: "value", headers })
    : sourceRec({ valueSchema: schema, value, key: "key", headers });
}

const optionalWithDefault = new SchemaBuilder("string").defaultValue("default").optional().build();
const innerSchema = structSchema([["foo", Schemas.STRING]]);
const inner = struct(innerSchema, { foo: "foo-value" });
const existing = header("header1", "existing-value", Schemas.STRING);

const cases: [string, FieldSpec[], string, string, string, boolean, string[], [string, Schema, unknown][]][] =
  [
    [
      "basic copy",
      [
        ["field1", Schemas.STRING, "field1-value"],
        ["field2", Schemas.STRING, "field2-value"],
      ],
      "field1",
      "inserted1",
      "copy",
      true,
      ["field1", "field2"],
      [["inserted1", Schemas.STRING, "field1-value"]],
    ],
    [
      "basic move",
      [
        ["field1", Schemas.STRING, "field1-value"],
        ["field2", Schemas.STRING, "field2-value"],
      ],
      "field1",
      "inserted1",
      "move",
      true,
      ["field2"],
      [["inserted1", Schemas.STRING, "field1-value"]],
    ],
    [
      "move with struct value",
      [
        ["field1", innerSchema, inner],
        ["field2", Schemas.STRING, "field2-value"],
      ],
      "field1",
      "inserted1",
      "move",
      true,
      ["field2"],
      [["inserted1", innerSchema, inner]],
    ],
    [
      "two headers from same field",
      [
        ["field1", Schemas.STRING, "field1-value"],
        ["field2", Schemas.STRING, "field2-value"],
      ],
      "field1,field1",
      "inserted1,inserted2",
      "move",
      true,
      ["field2"],
      [
        ["inserted1", Schemas.STRING, "field1-value"],
        ["inserted2", Schemas.STRING, "field1-value"],
      ],
    ],
    [
      "two fields to same header",
      [
        ["field1", Schemas.STRING, "field1-value"],
        ["field2", Schemas.STRING, "field2-value"],
      ],
      "field1,field2",
      "inserted1,inserted1",
      "move",
      true,
      [],
      [
        ["inserted1", Schemas.STRING, "field1-value"],
        ["inserted1", Schemas.STRING, "field2-value"],
      ],
    ],
    [
      "copy null field without default",
      [
        ["field1", optionalWithDefault, "field1-value"],
        ["field2", optionalWithDefault, null],
      ],
      "field1,field2",
      "inserted1,inserted2",
      "copy",
      false,
      ["field1", "field2"],
      [
        ["inserted1", optionalWithDefault, "field1-value"],
        ["inserted2", optionalWithDefault, null],
      ],
    ],
    [
      "move null field with default",
      [
        ["field1", optionalWithDefault, "field1-value"],
        ["field2", optionalWithDefault, null],
      ],
      "field1,field2",
      "inserted1,inserted2",
      "move",
      true,
      [],
      [
        ["inserted1", optionalWithDefault, "field1-value"],
        ["inserted2", optionalWithDefault, "default"],
      ],
    ],
  ];

describe.each(["key", "value"] as const)("HeaderFrom on the %s", (part) => {
  it.each(cases)("%s, with schema", (_, fields, fieldList, headerList, op, replace, kept, added) => {
    const schema = structSchema(fields.map(([n, s]) => [n, s]));
    const value = struct(schema, Object.fromEntries(fields.map(([n, , v]) => [n, v])));
    const out = headerFrom(part, fieldList, headerList, op, replace).apply(
      record(part, schema, value, [existing]),
    );
    const { schema: outSchema, value: outValue } = partOf(out, part);
    expect(outSchema?.fields?.map((f) => f.name)).toEqual(kept);
    expect((outValue as Struct).schema).toBe(outSchema);
    if (op === "copy") expect(outValue).toBe(value);
    expect(out.headers).toEqual([existing, ...added.map(([k, s, v]) => header(k, v, s))]);
  });

  it.each(cases)("%s, schemaless", (_, fields, fieldList, headerList, op, replace, kept, added) => {
    const value = Object.fromEntries(fields.map(([n, , v]) => [n, v]));
    const out = headerFrom(part, fieldList, headerList, op, replace).apply(
      record(part, null, value, [existing]),
    );
    const { schema: outSchema, value: outValue } = partOf(out, part);
    expect(outSchema).toBeNull();
    expect(Object.keys(outValue as object)).toEqual(kept);
    // without a schema there is no default to fall back to, and headers carry no schema
    const expected = added.map(([k, , v]) => header(k, v === "default" ? null : v));
    expect(out.headers).toEqual([existing, ...expected]);
    expect(value).toEqual(Object.fromEntries(fields.map(([n, , v]) => [n, v]))); // input untouched
  });

  it("fails on tombstones and non-struct values, as Kafka does", () => {
    expect(() => headerFrom(part, "a", "b", "copy").apply(record(part, null, null, []))).toThrow(
      "Only Map objects supported in absence of schema for [header copy], found: null",
    );
    expect(() => headerFrom(part, "a", "b", "move").apply(record(part, Schemas.STRING, "x", []))).toThrow(
      "Only Struct objects supported for [header move], found: string",
    );
  });

  it("fails for a field missing from the schema", () => {
    const schema = structSchema([["a", Schemas.STRING]]);
    expect(() =>
      headerFrom(part, "b", "h", "copy").apply(record(part, schema, struct(schema, { a: "x" }), [])),
    ).toThrow("b is not a valid field name");
  });
});

describe("HeaderFrom config", () => {
  it.each([
    [
      { fields: "foo,bar", headers: "foo", operation: "copy" },
      "headers",
      "'fields' config must have the same number",
    ],
    [
      { fields: "foo", headers: "foo,bar", operation: "copy" },
      "headers",
      "'fields' config must have the same number",
    ],
    [
      { fields: "", headers: "", operation: "copy" },
      "fields",
      "Invalid value  for configuration fields: Empty list",
    ],
    [{ fields: "a", headers: "b", operation: "rename" }, "operation", "String must be one of: move, copy"],
    [{ fields: "a", headers: "b" }, "operation", 'Missing required configuration "operation"'],
  ])("rejects %o", (props, key, message) => {
    let err: unknown;
    try {
      new HeaderFrom(VALUE).configure(props);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe(key);
    expect((err as Error).message).toContain(message);
  });
});
