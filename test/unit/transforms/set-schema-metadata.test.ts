import { describe, expect, it } from "vitest";
import { DataError, SchemaBuilder, Schemas, Struct } from "../../../src/api/schema.js";
import { SetSchemaMetadata } from "../../../src/transforms/set-schema-metadata.js";
import { KEY, VALUE } from "../../../src/transforms/util.js";
import { partOf, struct, withPart } from "./helpers.js";

function setMeta(part: "key" | "value", props: Record<string, string>): SetSchemaMetadata {
  const t = new SetSchemaMetadata(part === "key" ? KEY : VALUE);
  t.configure(props);
  return t;
}

const schema = new SchemaBuilder("struct")
  .name("my.orig.SchemaDefn")
  .field("f1", Schemas.STRING)
  .field("f2", Schemas.INT32)
  .build();

describe.each(["key", "value"] as const)("SetSchemaMetadata on the %s", (part) => {
  it.each([
    [{ "schema.name": "foo" }, "foo", undefined],
    [{ "schema.version": "42" }, "my.orig.SchemaDefn", 42],
    [{ "schema.name": "foo", "schema.version": "42" }, "foo", 42],
  ])("%o", (props, name, version) => {
    const out = partOf(setMeta(part, props).apply(withPart(part, schema, null)), part);
    expect(out.schema?.name).toBe(name);
    expect(out.schema?.version).toBe(version);
    expect(out.schema?.fields).toBe(schema.fields);
    expect(out.value).toBeNull();
  });

  it("re-creates a struct against the new schema", () => {
    const t = setMeta(part, { "schema.name": "foo", "schema.version": "42" });
    const out = partOf(t.apply(withPart(part, schema, struct(schema, { f1: "value1", f2: 1 }))), part);
    const v = out.value as Struct;
    expect(v.schema).toBe(out.schema);
    expect(v.toJSON()).toEqual({ f1: "value1", f2: 1 });
    expect(partOf(t.apply(withPart(part, schema, struct(schema, { f1: "a", f2: 2 }))), part).schema).toBe(
      out.schema,
    );
  });

  it.each([
    ["false", null],
    ["true", "default"],
  ])("replace.null.with.default=%s", (flag, expected) => {
    const s = new SchemaBuilder("struct")
      .name("my.orig.SchemaDefn")
      .field("f1", new SchemaBuilder("string").defaultValue("default").optional().build())
      .field("f2", Schemas.INT32)
      .build();
    const out = partOf(
      setMeta(part, { "schema.name": "foo", "replace.null.with.default": flag }).apply(
        withPart(part, s, struct(s, { f1: null, f2: 1 })),
      ),
      part,
    );
    expect((out.value as Struct).getWithoutDefault("f1")).toBe(expected);
  });

  it("renames non-struct schemas and leaves their values alone", () => {
    const out = partOf(setMeta(part, { "schema.name": "n" }).apply(withPart(part, Schemas.INT32, 1)), part);
    expect(out.schema).toEqual({ type: "int32", optional: false, name: "n" });
    expect(out.value).toBe(1);
  });

  it("requires a schema, except for a null schemaless value", () => {
    expect(() => setMeta(part, { "schema.name": "n" }).apply(withPart(part, null, 42))).toThrow(
      new DataError("Schema required for [updating schema metadata]"),
    );
    const r = withPart(part, null, null);
    expect(setMeta(part, { "schema.name": "n" }).apply(r)).toBe(r);
  });
});

describe("SetSchemaMetadata", () => {
  it("needs a name or a version", () => {
    expect(() => setMeta("value", {})).toThrow("Neither schema name nor version configured");
    expect(() => setMeta("value", { "schema.version": "x" })).toThrow(
      "Invalid value x for configuration schema.version: Not a number of type INT",
    );
  });

  it("updateSchemaIn leaves non-structs and null alone", () => {
    const t = setMeta("value", { "schema.name": "n" });
    expect(t.updateSchemaIn(1, Schemas.INT32)).toBe(1);
    expect(t.updateSchemaIn(null, Schemas.INT32)).toBeNull();
    const newSchema = new SchemaBuilder("struct").name("my.updated").field("f1", Schemas.STRING).build();
    const updated = t.updateSchemaIn(struct(newSchema, { f1: "x" }), newSchema) as Struct;
    expect(updated).toBeInstanceOf(Struct);
    expect(updated.schema).toBe(newSchema);
  });
});
