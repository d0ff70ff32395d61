import { describe, expect, it } from "vitest";
import { DataError, SchemaBuilder, Schemas, Struct } from "../../../src/api/schema.js";
import { Flatten } from "../../../src/transforms/flatten.js";
import { KEY, VALUE } from "../../../src/transforms/util.js";
import { partOf, sourceRec, struct, structSchema, withPart } from "./helpers.js";

function flatten(part: "key" | "value", props: Record<string, string> = {}): Flatten {
  const t = new Flatten(part === "key" ? KEY : VALUE);
  t.configure(props);
  return t;
}

const supportedTypesSchema = structSchema([
  ["int8", Schemas.INT8],
  ["int16", Schemas.INT16],
  ["int32", Schemas.INT32],
  ["int64", Schemas.INT64],
  ["float32", Schemas.FLOAT32],
  ["float64", Schemas.FLOAT64],
  ["boolean", Schemas.BOOLEAN],
  ["string", Schemas.STRING],
  ["bytes", Schemas.BYTES],
]);
const supported = {
  int8: 8,
  int16: 16,
  int32: 32,
  int64: 64,
  float32: 32,
  float64: 64,
  boolean: true,
  string: "stringy",
  bytes: Buffer.from("bytes"),
};

describe.each(["key", "value"] as const)("Flatten on the %s", (part) => {
  it("flattens nested structs", () => {
    const oneLevel = structSchema([["B", supportedTypesSchema]]);
    const twoLevel = structSchema([["A", oneLevel]]);
    const value = struct(twoLevel, { A: struct(oneLevel, { B: struct(supportedTypesSchema, supported) }) });
    const out = partOf(flatten(part).apply(withPart(part, twoLevel, value)), part);
    expect(out.schema?.fields?.map((f) => f.name)).toEqual(Object.keys(supported).map((k) => `A.B.${k}`));
    expect((out.value as Struct).toJSON()).toEqual(
      Object.fromEntries(Object.entries(supported).map(([k, v]) => [`A.B.${k}`, v])),
    );
  });

  it("flattens nested maps with a custom delimiter, keeping order", () => {
    const out = partOf(
      flatten(part, { delimiter: "#" }).apply(withPart(part, null, { A: { B: supported }, z: 1 })),
      part,
    );
    expect(out.schema).toBeNull();
    expect(Object.keys(out.value as object)).toEqual([...Object.keys(supported).map((k) => `A#B#${k}`), "z"]);
    expect((out.value as Record<string, unknown>)["A#B#bytes"]).toEqual(Buffer.from("bytes"));
  });

  it("flattens JS Maps into a Map", () => {
    const out = partOf(
      flatten(part).apply(withPart(part, null, new Map([["A", new Map([["B", 12]])]]))),
      part,
    );
    expect(out.value).toEqual(new Map([["A.B", 12]]));
  });

  it("keeps null fields of maps and structs", () => {
    const map = {
      firstNull: null,
      firstNonNull: "nonNull",
      secondNull: null,
      secondNonNull: "alsoNonNull",
      third: null,
    };
    expect(partOf(flatten(part).apply(withPart(part, null, map)), part).value).toEqual(map);
    const schema = structSchema(Object.keys(map).map((k) => [k, Schemas.OPTIONAL_STRING]));
    const value = struct(schema, map);
    const out = partOf(flatten(part).apply(withPart(part, schema, value)), part);
    expect(out.schema).toEqual(schema);
    expect((out.value as Struct).toJSON()).toEqual(map);
  });

  it("keeps optional null fields of nested structs, and of null nested structs", () => {
    const inner = structSchema([["opt_int32", Schemas.OPTIONAL_INT32]], { optional: true });
    const outer = structSchema([["B", inner]]);
    for (const b of [struct(inner, { opt_int32: null }), null]) {
      const out = partOf(flatten(part).apply(withPart(part, outer, struct(outer, { B: b }))), part);
      expect((out.value as Struct).get("B.opt_int32")).toBeNull();
    }
    expect(partOf(flatten(part).apply(withPart(part, null, { B: { opt_int32: null } })), part).value).toEqual(
      {
        "B.opt_int32": null,
      },
    );
  });

  it("leaves arrays alone", () => {
    const value = { foo: ["bar", { baz: { lfg: "lfg" } }] };
    expect(partOf(flatten(part).apply(withPart(part, null, value)), part).value).toEqual(value);
    const nested = structSchema([["lfg", Schemas.STRING]]);
    const innerSchema = structSchema([["baz", nested]]);
    const schema = structSchema([["foo", SchemaBuilder.array(innerSchema).doc("durk").build()]]);
    const s = struct(schema, { foo: [struct(innerSchema, { baz: struct(nested, { lfg: "lfg" }) })] });
    const out = partOf(flatten(part).apply(withPart(part, schema, s)), part);
    expect(out.schema).toEqual(schema);
    expect((out.value as Struct).toJSON()).toEqual(s.toJSON());
  });

  it("makes flattened fields optional and inherits defaults from optional parents", () => {
    const builderFields = structSchema([
      ["req_field", Schemas.STRING],
      ["opt_field", new SchemaBuilder("string").optional().defaultValue("child_default").build()],
    ]);
    const childDefault = struct(builderFields, { req_field: "req_default" });
    const schema = new SchemaBuilder("struct")
      .field("req_field", Schemas.STRING)
      .field("opt_field", new SchemaBuilder("string").optional().defaultValue("child_default").build())
      .optional()
      .defaultValue(childDefault)
      .build();
    const out = partOf(flatten(part).apply(withPart(part, schema, new Struct(schema))), part);
    expect(out.schema?.fields?.map((f) => f.schema)).toEqual([
      new SchemaBuilder("string").optional().defaultValue("req_default").build(),
      new SchemaBuilder("string").optional().defaultValue("child_default").build(),
    ]);
  });

  it("passes tombstones through unchanged", () => {
    const schema = new SchemaBuilder("struct")
      .name("name")
      .version(1)
      .doc("doc")
      .field("magic", Schemas.OPTIONAL_INT64)
      .build();
    for (const s of [null, schema]) {
      const record = withPart(part, s, null);
      expect(flatten(part).apply(record)).toBe(record);
    }
  });

  it("requires a struct or a map at the top", () => {
    expect(() => flatten(part).apply(withPart(part, Schemas.INT32, 42))).toThrow(DataError);
    expect(() => flatten(part).apply(withPart(part, null, 42))).toThrow(
      "Only Map objects supported in absence of schema for [flattening], found: number",
    );
  });

  it("rejects maps in schemas and foreign types without", () => {
    const schema = structSchema([["m", SchemaBuilder.map(Schemas.STRING, Schemas.STRING).build()]]);
    expect(() => flatten(part).apply(withPart(part, schema, struct(schema, { m: {} })))).toThrow(
      "Flatten transformation does not support MAP for record with schemas (for field m).",
    );
    expect(() => flatten(part).apply(withPart(part, null, { d: new Date(0) }))).toThrow(
      "Flatten transformation was passed a value of type Date which is not supported by Connect's data API",
    );
  });
});

it("Flatten caches the flattened schema", () => {
  const t = flatten("value");
  const schema = structSchema([["a", structSchema([["b", Schemas.INT32]])]]);
  const inner = schema.fields?.[0]?.schema as never;
  const a = t.apply(
    sourceRec({ valueSchema: schema, value: struct(schema, { a: struct(inner, { b: 1 }) }) }),
  );
  const b = t.apply(
    sourceRec({ valueSchema: schema, value: struct(schema, { a: struct(inner, { b: 2 }) }) }),
  );
  expect(b.valueSchema).toBe(a.valueSchema);
  expect((b.value as Struct).get("a.b")).toBe(2);
});
