import { describe, expect, it } from "vitest";
import { SchemaBuilder, Schemas, type Struct } from "../../../src/api/schema.js";
import { OPTIONAL_TIMESTAMP_SCHEMA, TIMESTAMP_SCHEMA } from "../../../src/data/logical.js";
import { InsertField } from "../../../src/transforms/insert-field.js";
import { KEY, VALUE } from "../../../src/transforms/util.js";
import { partOf, sinkRec, sourceRec, struct, structSchema } from "./helpers.js";

function insert(part: "key" | "value", props: Record<string, string>): InsertField {
  const t = new InsertField(part === "key" ? KEY : VALUE);
  t.configure(props);
  return t;
}

const all = {
  "topic.field": "topic_field!",
  "partition.field": "partition_field",
  "timestamp.field": "timestamp_field?",
  "static.field": "instance_id",
  "static.value": "my-instance-id",
};

const simpleSchema = new SchemaBuilder("struct")
  .name("name")
  .version(1)
  .doc("doc")
  .field("magic", Schemas.OPTIONAL_INT64)
  .build();

describe.each(["key", "value"] as const)("InsertField on the %s", (part) => {
  const rec = (schema: typeof simpleSchema | null, value: unknown, extra = {}) =>
    part === "key"
      ? sourceRec({ topic: "test", keySchema: schema, key: value, ...extra })
      : sourceRec({ topic: "test", valueSchema: schema, value, ...extra });

  it("copies the schema and inserts the configured fields", () => {
    const t = insert(part, all);
    const out = partOf(
      t.apply(rec(simpleSchema, struct(simpleSchema, { magic: 42 }), { timestamp: 789 })),
      part,
    );
    const s = out.schema;
    expect(s).toMatchObject({ name: "name", version: 1, doc: "doc" });
    expect(s?.fields?.map((f) => [f.name, f.schema])).toEqual([
      ["magic", Schemas.OPTIONAL_INT64],
      ["topic_field", Schemas.STRING],
      ["partition_field", Schemas.OPTIONAL_INT32],
      ["timestamp_field", OPTIONAL_TIMESTAMP_SCHEMA],
      ["instance_id", Schemas.OPTIONAL_STRING],
    ]);
    expect((out.value as Struct).toJSON()).toEqual({
      magic: 42,
      topic_field: "test",
      partition_field: 0,
      timestamp_field: new Date(789),
      instance_id: "my-instance-id",
    });
    // cached: the same output schema for the same input schema
    const again = partOf(t.apply(rec(simpleSchema, struct(simpleSchema, {}), { kafkaPartition: 1 })), part);
    expect(again.schema).toBe(s);
  });

  it("inserts into a schemaless map", () => {
    const out = partOf(insert(part, all).apply(rec(null, { magic: 42 }, { timestamp: 123 })), part);
    expect(out.value).toEqual({
      magic: 42,
      topic_field: "test",
      partition_field: 0,
      timestamp_field: 123,
      instance_id: "my-instance-id",
    });
  });

  it("skips a null partition and timestamp", () => {
    const out = partOf(insert(part, all).apply(rec(null, { magic: 42 }, { kafkaPartition: null })), part);
    expect(out.value).toEqual({ magic: 42, topic_field: "test", instance_id: "my-instance-id" });
  });

  it.each([null, simpleSchema])("passes a null %s through unchanged (schema %#)", (schema) => {
    const r = rec(schema, null);
    expect(insert(part, all).apply(r)).toBe(r);
  });

  it("inserts the offset of sink records, and refuses source records", () => {
    const t = insert(part, { "offset.field": "off!" });
    const sink =
      part === "key"
        ? sinkRec({ key: { a: 1 }, kafkaOffset: 77 })
        : sinkRec({ value: { a: 1 }, kafkaOffset: 77 });
    expect(part === "key" ? t.apply(sink).key : t.apply(sink).value).toEqual({ a: 1, off: 77 });
    const schema = structSchema([["a", Schemas.INT32]]);
    const withSchema =
      part === "key"
        ? sinkRec({ keySchema: schema, key: struct(schema, { a: 1 }), kafkaOffset: 77 })
        : sinkRec({ valueSchema: schema, value: struct(schema, { a: 1 }), kafkaOffset: 77 });
    const out = t.apply(withSchema);
    const outSchema = part === "key" ? out.keySchema : out.valueSchema;
    expect(outSchema?.fields?.[1]).toMatchObject({ name: "off", schema: Schemas.INT64 });
    expect(() => t.apply(rec(null, { a: 1 }))).toThrow(
      "Only SinkRecord supported for [field insertion], found: SourceRecord",
    );
  });

  it("uses a required Timestamp for `!`", () => {
    const schema = structSchema([["a", Schemas.INT32]]);
    const out = partOf(
      insert(part, { "timestamp.field": "ts!" }).apply(
        rec(schema, struct(schema, { a: 1 }), { timestamp: 5 }),
      ),
      part,
    );
    expect(out.schema?.fields?.[1]?.schema).toBe(TIMESTAMP_SCHEMA);
  });

  it.each([
    ["false", null],
    ["true", 42],
  ])("replace.null.with.default=%s", (flag, expected) => {
    const magic = new SchemaBuilder("int64").optional().defaultValue(42).build();
    const schema = structSchema([["magic_with_default", magic]]);
    const out = partOf(
      insert(part, { ...all, "replace.null.with.default": flag }).apply(
        rec(schema, struct(schema, { magic_with_default: null })),
      ),
      part,
    );
    expect(out.schema?.fields?.[0]?.schema).toBe(magic);
    expect((out.value as Struct).getWithoutDefault("magic_with_default")).toBe(expected);
  });

  it("requires a struct or map", () => {
    expect(() => insert(part, { "topic.field": "t" }).apply(rec(Schemas.INT32 as never, 42))).toThrow(
      "Only Struct objects supported for [field insertion], found: number",
    );
  });
});

describe("InsertField config", () => {
  it("needs at least one field, and a value for a static field", () => {
    expect(() => insert("value", {})).toThrow("No field insertion configured");
    expect(() => insert("value", { "static.field": "x" })).toThrow(
      "Invalid value null for configuration static.value: No value specified for static field: x",
    );
  });
});
