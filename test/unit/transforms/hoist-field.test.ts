import { describe, expect, it } from "vitest";
import { Schemas, type Struct } from "../../../src/api/schema.js";
import { HoistField } from "../../../src/transforms/hoist-field.js";
import { KEY, VALUE } from "../../../src/transforms/util.js";
import { partOf, withPart } from "./helpers.js";

function hoist(part: "key" | "value", field = "magic"): HoistField {
  const t = new HoistField(part === "key" ? KEY : VALUE);
  t.configure({ field });
  return t;
}

describe.each(["key", "value"] as const)("HoistField on the %s", (part) => {
  it.each([42, null, "x", { nested: true }])("schemaless %j", (value) => {
    const out = partOf(hoist(part).apply(withPart(part, null, value)), part);
    expect(out.schema).toBeNull();
    expect(out.value).toEqual({ magic: value });
  });

  it("with schema wraps the value in a struct and caches the schema", () => {
    const t = hoist(part);
    const out = partOf(t.apply(withPart(part, Schemas.INT32, 42)), part);
    expect(out.schema?.type).toBe("struct");
    expect(out.schema?.fields?.[0]).toMatchObject({ name: "magic", schema: Schemas.INT32 });
    expect((out.value as Struct).get("magic")).toBe(42);
    expect(partOf(t.apply(withPart(part, Schemas.INT32, 1)), part).schema).toBe(out.schema);
  });

  it("wraps a null value with its optional schema", () => {
    const out = partOf(hoist(part).apply(withPart(part, Schemas.OPTIONAL_INT32, null)), part);
    expect((out.value as Struct).get("magic")).toBeNull();
  });

  it("gives a fresh, mutable map", () => {
    const out = partOf(hoist(part).apply(withPart(part, null, 420)), part).value as Record<string, unknown>;
    out.k = "v";
    expect(out).toEqual({ magic: 420, k: "v" });
  });

  it("requires field", () => {
    expect(() => new HoistField(VALUE).configure({})).toThrow('Missing required configuration "field"');
  });
});
