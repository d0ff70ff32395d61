/** Record builders and small helpers shared by the transform tests. */
import type { Header, SinkRecord, SourceRecord } from "../../../src/api/records.js";
import { type Schema, SchemaBuilder, Struct } from "../../../src/api/schema.js";

export function sourceRec(init: Partial<SourceRecord> = {}): SourceRecord {
  return {
    topic: "topic",
    kafkaPartition: 0,
    keySchema: null,
    key: null,
    valueSchema: null,
    value: null,
    timestamp: null,
    headers: [],
    sourcePartition: { foo: "bar" },
    sourceOffset: { baz: "quxx" },
    ...init,
  };
}

export function sinkRec(init: Partial<SinkRecord> = {}): SinkRecord {
  return {
    topic: "test",
    kafkaPartition: 0,
    keySchema: null,
    key: null,
    valueSchema: null,
    value: null,
    timestamp: null,
    headers: [],
    kafkaOffset: 0,
    timestampType: "CreateTime",
    ...init,
  };
}

/** A record with the given schema and value on the key (`part` "key") or the value. */
export function withPart(part: "key" | "value", schema: Schema | null, value: unknown): SourceRecord {
  return part === "key"
    ? sourceRec({ keySchema: schema, key: value, value: "value" })
    : sourceRec({ valueSchema: schema, value, key: "key" });
}

export function partOf(
  record: SourceRecord,
  part: "key" | "value",
): { schema: Schema | null; value: unknown } {
  return part === "key"
    ? { schema: record.keySchema, value: record.key }
    : { schema: record.valueSchema, value: record.value };
}

export function struct(schema: Schema, values: Record<string, unknown>): Struct {
  const s = new Struct(schema);
  for (const [k, v] of Object.entries(values)) s.put(k, v);
  return s;
}

/** A struct schema from `[name, fieldSchema]` pairs. */
export function structSchema(
  fields: [string, Schema][],
  opts: { optional?: boolean; name?: string } = {},
): Schema {
  const b = SchemaBuilder.struct();
  for (const [n, s] of fields) b.field(n, s);
  if (opts.optional) b.optional();
  if (opts.name) b.name(opts.name);
  return b.build();
}

export function header(key: string, value: unknown, schema: Schema | null = null): Header {
  return { key, schema, value };
}
