import { describe, expect, it } from "vitest";
import { SchemaBuilder, Schemas, type Struct } from "../../../src/api/schema.js";
import { ValueToKey } from "../../../src/transforms/value-to-key.js";
import { sinkRec, struct, structSchema } from "./helpers.js";

function valueToKey(props: Record<string, string>): ValueToKey {
  const t = new ValueToKey();
  t.configure(props);
  return t;
}

describe("ValueToKey", () => {
  it("schemaless", () => {
    const out = valueToKey({ fields: "a,b" }).apply(sinkRec({ value: { a: 1, b: 2, c: 3 } }));
    expect(out.keySchema).toBeNull();
    expect(out.key).toEqual({ a: 1, b: 2 });
    expect(valueToKey({ fields: "a,z" }).apply(sinkRec({ value: new Map([["a", 1]]) })).key).toEqual(
      new Map([
        ["a", 1],
        ["z", null],
      ]),
    );
  });

  it("with schema", () => {
    const valueSchema = structSchema([
      ["a", Schemas.INT32],
      ["b", Schemas.INT32],
      ["c", Schemas.INT32],
    ]);
    const t = valueToKey({ fields: "a,b" });
    const out = t.apply(sinkRec({ valueSchema, value: struct(valueSchema, { a: 1, b: 2, c: 3 }) }));
    expect(out.keySchema).toEqual(
      structSchema([
        ["a", Schemas.INT32],
        ["b", Schemas.INT32],
      ]),
    );
    expect((out.key as Struct).toJSON()).toEqual({ a: 1, b: 2 });
    expect((out.value as Struct).toJSON()).toEqual({ a: 1, b: 2, c: 3 });
    expect(
      t.apply(sinkRec({ valueSchema, value: struct(valueSchema, { a: 1, b: 2, c: 3 }) })).keySchema,
    ).toBe(out.keySchema);
  });

  it("fails for a field missing from the schema", () => {
    const valueSchema = structSchema([["a", Schemas.INT32]]);
    expect(() =>
      valueToKey({ fields: "not_exist" }).apply(
        sinkRec({ valueSchema, value: struct(valueSchema, { a: 1 }) }),
      ),
    ).toThrow("Field does not exist: not_exist");
  });

  it.each([
    ["false", null],
    ["true", 42],
  ])("replace.null.with.default=%s", (flag, expected) => {
    const valueSchema = structSchema([
      ["optional_with_default", new SchemaBuilder("int32").optional().defaultValue(42).build()],
    ]);
    const out = valueToKey({ fields: "optional_with_default", "replace.null.with.default": flag }).apply(
      sinkRec({ valueSchema, value: struct(valueSchema, { optional_with_default: null }) }),
    );
    expect((out.key as Struct).getWithoutDefault("optional_with_default")).toBe(expected);
  });

  it("fails on tombstones and non-map values, as Kafka does", () => {
    expect(() => valueToKey({ fields: "a" }).apply(sinkRec())).toThrow(
      "Only Map objects supported in absence of schema for [copying fields from value to key], found: null",
    );
    expect(() =>
      valueToKey({ fields: "a" }).apply(sinkRec({ valueSchema: Schemas.STRING, value: "x" })),
    ).toThrow("Only Struct objects supported for [copying fields from value to key], found: string");
  });

  it("needs at least one field", () => {
    expect(() => valueToKey({ fields: "" })).toThrow("Invalid value  for configuration fields: Empty list");
  });
});
