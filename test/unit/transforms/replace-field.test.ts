import { describe, expect, it } from "vitest";
import { SchemaBuilder, Schemas, type Struct } from "../../../src/api/schema.js";
import { ReplaceField } from "../../../src/transforms/replace-field.js";
import { KEY, VALUE } from "../../../src/transforms/util.js";
import { partOf, struct, structSchema, withPart } from "./helpers.js";

function replace(part: "key" | "value", props: Record<string, string>): ReplaceField {
  const t = new ReplaceField(part === "key" ? KEY : VALUE);
  t.configure(props);
  return t;
}

const schema = structSchema([
  ["dont", Schemas.STRING],
  ["abc", Schemas.INT32],
  ["foo", Schemas.BOOLEAN],
  ["etc", Schemas.STRING],
]);
const value = { dont: "whatever", abc: 42, foo: true, etc: "etc" };

describe.each(["key", "value"] as const)("ReplaceField on the %s", (part) => {
  it.each([
    [
      { exclude: "dont", renames: "abc:xyz,foo:bar" },
      { xyz: 42, bar: true, etc: "etc" },
    ],
    [
      { include: "abc,foo", renames: "abc:xyz,foo:bar" },
      { xyz: 42, bar: true },
    ],
    [{ include: "abc,foo", exclude: "foo" }, { abc: 42 }],
    [{}, value],
    [{ include: "nope" }, {}],
  ])("%o", (props, expected) => {
    const schemaless = partOf(replace(part, props).apply(withPart(part, null, value)), part);
    expect(schemaless.schema).toBeNull();
    expect(schemaless.value).toEqual(expected);

    const out = partOf(replace(part, props).apply(withPart(part, schema, struct(schema, value))), part);
    expect(out.schema?.fields?.map((f) => f.name)).toEqual(Object.keys(expected));
    expect((out.value as Struct).toJSON()).toEqual(expected);
  });

  it("keeps Maps as Maps", () => {
    const out = partOf(
      replace(part, { renames: "a:b" }).apply(withPart(part, null, new Map([["a", 1]]))),
      part,
    );
    expect(out.value).toEqual(new Map([["b", 1]]));
  });

  it("keeps the schema's name and caches the new schema", () => {
    const named = new SchemaBuilder("struct").name("n").version(3).field("a", Schemas.INT32).build();
    const t = replace(part, { renames: "a:b" });
    const a = partOf(t.apply(withPart(part, named, struct(named, { a: 1 }))), part);
    const b = partOf(t.apply(withPart(part, named, struct(named, { a: 2 }))), part);
    expect(a.schema).toMatchObject({ name: "n", version: 3 });
    expect(b.schema).toBe(a.schema);
  });

  it.each([null, schema])("passes tombstones through (schema %#)", (s) => {
    const r = withPart(part, s, null);
    expect(replace(part, { include: "abc,foo", renames: "abc:xyz,foo:bar" }).apply(r)).toBe(r);
  });

  it.each([
    ["false", null],
    ["true", 42],
  ])("replace.null.with.default=%s", (flag, expected) => {
    const s = structSchema([["abc", new SchemaBuilder("int32").optional().defaultValue(42).build()]]);
    const out = partOf(
      replace(part, {
        include: "abc",
        renames: "abc:optional_with_default",
        "replace.null.with.default": flag,
      }).apply(withPart(part, s, struct(s, { abc: null }))),
      part,
    );
    expect(out.schema?.fields?.length).toBe(1);
    expect((out.value as Struct).getWithoutDefault("optional_with_default")).toBe(expected);
  });
});

describe("ReplaceField config", () => {
  it.each(["a", "a:b:c", "a:"])("rejects the rename mapping %j", (mapping) => {
    expect(() => replace("value", { renames: mapping })).toThrow(
      `Invalid value ${mapping} for configuration renames: Invalid rename mapping: ${mapping}`,
    );
  });
});
