import { describe, expect, it } from "vitest";
import { type Schema, SchemaBuilder, Schemas } from "../../../src/api/schema.js";
import { ExtractField } from "../../../src/transforms/extract-field.js";
import { SingleFieldPath } from "../../../src/transforms/field-path.js";
import { ConfigError, KEY, VALUE } from "../../../src/transforms/util.js";
import { partOf, struct, structSchema, withPart } from "./helpers.js";

function extract(part: "key" | "value", props: Record<string, string>): ExtractField {
  const t = new ExtractField(part === "key" ? KEY : VALUE);
  t.configure(props);
  return t;
}

const V2 = { "field.syntax.version": "V2" };
const fooSchema = structSchema([["foo", Schemas.INT32]]);
const nestedSchema = structSchema([["magic", fooSchema]]);

describe.each(["key", "value"] as const)("ExtractField on the %s", (part) => {
  it.each([
    ["schemaless", {}, null, { magic: 42 }, null, 42],
    ["schemaless Map", {}, null, new Map([["magic", 42]]), null, 42],
    ["schemaless nested path", V2, null, { magic: { foo: 42 } }, null, 42, "magic.foo"],
    ["schemaless null", {}, null, null, null, null],
    ["schemaless missing field", {}, null, { other: 42 }, null, null],
    ["schemaless missing nested field", V2, null, { magic: { foo: 42 } }, null, null, "magic.nonexistent"],
    ["schemaless dotted name with V1", {}, null, { "magic.foo": 1 }, null, 1, "magic.foo"],
    [
      "with schema",
      {},
      structSchema([["magic", Schemas.INT32]]),
      struct(structSchema([["magic", Schemas.INT32]]), { magic: 42 }),
      Schemas.INT32,
      42,
    ],
    [
      "with schema and nested path",
      V2,
      nestedSchema,
      struct(nestedSchema, { magic: struct(fooSchema, { foo: 42 }) }),
      Schemas.INT32,
      42,
      "magic.foo",
    ],
    [
      "null struct with schema",
      {},
      structSchema([["magic", Schemas.INT32]], { optional: true }),
      null,
      Schemas.INT32,
      null,
    ],
  ] as [string, Record<string, string>, Schema | null, unknown, unknown, unknown, string?][])(
    "%s",
    (_, extra, schema, value, expectedSchema, expected, field = "magic") => {
      const out = partOf(extract(part, { field, ...extra }).apply(withPart(part, schema, value)), part);
      expect(out.schema).toEqual(expectedSchema);
      expect(out.value).toEqual(expected);
    },
  );

  it.each([
    [{ field: "nonexistent" }, structSchema([["magic", Schemas.INT32]]), "Unknown field: nonexistent"],
    [{ field: "magic.nonexistent", ...V2 }, nestedSchema, "Unknown field: magic.nonexistent"],
  ])("fails for a field missing from the schema (%o)", (props, schema, message) => {
    expect(() => extract(part, props).apply(withPart(part, schema, null))).toThrow(message);
  });

  it.each([
    ["false", null],
    ["true", 42],
  ])("replace.null.with.default=%s", (flag, expected) => {
    const schema = structSchema([
      ["optional_with_default", new SchemaBuilder("int32").optional().defaultValue(42).build()],
    ]);
    const out = extract(part, { field: "optional_with_default", "replace.null.with.default": flag }).apply(
      withPart(part, schema, struct(schema, { optional_with_default: null })),
    );
    expect(partOf(out, part).value).toBe(expected);
  });

  it("requires a struct or map", () => {
    expect(() => extract(part, { field: "a" }).apply(withPart(part, Schemas.STRING, "x"))).toThrow(
      "Only Struct objects supported for [field extraction], found: string",
    );
    expect(() => extract(part, { field: "a" }).apply(withPart(part, null, 3))).toThrow(
      "Only Map objects supported in absence of schema for [field extraction], found: number",
    );
  });
});

describe("ExtractField config", () => {
  it("requires field and validates the syntax version", () => {
    expect(() => extract("value", {})).toThrow(
      'Missing required configuration "field" which has no default value.',
    );
    expect(() => extract("value", { field: "a", "field.syntax.version": "V3" })).toThrow(ConfigError);
    expect(() => extract("value", { field: "a", "field.syntax.version": "v2" })).not.toThrow();
    expect(() => extract("value", { field: "`a.b", ...V2 })).toThrow(
      "Incomplete backtick pair in path: [`a.b], consider adding a backslash before backtick at position 0 to escape it",
    );
  });
});

describe("SingleFieldPath", () => {
  it.each([
    ["foo.bar.baz", ["foo.bar.baz"], "V1"],
    ["foo.`bar.baz`", ["foo.`bar.baz`"], "V1"],
    ["..", ["", "", ""], "V2"],
    ["foo..", ["foo", "", ""], "V2"],
    [".bar.", ["", "bar", ""], "V2"],
    ["", [], "V2"],
    ["foobarbaz", ["foobarbaz"], "V2"],
    ["foo.bar.baz", ["foo", "bar", "baz"], "V2"],
    ["foo`bar`baz", ["foo`bar`baz"], "V2"],
    ["`foo.bar.baz`", ["foo.bar.baz"], "V2"],
    ["foo.`bar.baz`", ["foo", "bar.baz"], "V2"],
    ["`foo.bar`.baz", ["foo.bar", "baz"], "V2"],
    ["foo.`bar`.baz", ["foo", "bar", "baz"], "V2"],
    ["foo.``bar.baz`", ["foo", "`bar.baz"], "V2"],
    ["foo.`bar.baz``", ["foo", "bar.baz`"], "V2"],
    ["foo.`ba`r.baz`", ["foo", "ba`r.baz"], "V2"],
    ["foo.ba`r.baz", ["foo", "ba`r", "baz"], "V2"],
    ["foo.``bar``.baz", ["foo", "`bar`", "baz"], "V2"],
    ["``foo.bar.baz``", ["`foo.bar.baz`"], "V2"],
    ["foo.`bar\\`.baz`", ["foo", "bar`.baz"], "V2"],
    ["foo.`bar.`baz`", ["foo", "bar.`baz"], "V2"],
    ["foo.`bar\\`.`baz`", ["foo", "bar`.`baz"], "V2"],
    ["foo.`bar\\\\`.\\`baz`", ["foo", "bar\\`.\\`baz"], "V2"],
  ] as [string, string[], "V1" | "V2"][])("parses %j (%s)", (path, steps, version) => {
    expect(new SingleFieldPath(path, version).steps).toEqual(steps);
  });

  it.each([
    ["`foo.bar.baz", 0],
    ["foo.`bar.baz", 4],
    ["foo.bar.`baz", 8],
    ["foo.bar.`baz\\`", 8],
  ])("rejects an unclosed backtick in %j", (path, at) => {
    expect(() => new SingleFieldPath(path, "V2")).toThrow(
      `Incomplete backtick pair in path: [${path}], consider adding a backslash before backtick at position ${at} to escape it`,
    );
  });

  it("reads nested struct and map values, null for anything missing", () => {
    const baz = structSchema([["inner", Schemas.STRING]], { optional: true });
    const bar = structSchema([
      ["bar", Schemas.INT32],
      ["baz", baz],
    ]);
    const schema = structSchema([["foo", bar]]);
    const value = struct(schema, { foo: struct(bar, { bar: 42, baz: null }) });
    const map = { foo: { bar: 42, baz: null } };
    const path = (p: string) => new SingleFieldPath(p, "V2");
    expect(path("foo.bar").fieldFrom(schema)?.schema).toBe(Schemas.INT32);
    expect(path("foo.bar").valueFromStruct(value)).toBe(42);
    expect(path("foo.bar").valueFromMap(map)).toBe(42);
    for (const p of ["un.known", "foo.unknown", "unknown", "foo.baz.inner", "foo.baz"]) {
      expect(path(p).valueFromStruct(value)).toBeNull();
      expect(path(p).valueFromMap(map)).toBeNull();
    }
    expect(path("un.known").fieldFrom(schema)).toBeUndefined();
    expect(path("test").fieldFrom(null)).toBeUndefined();
  });
});
