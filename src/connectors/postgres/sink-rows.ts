/**
 * SinkRecords → table rows: which table, which columns (with their Connect schemas when the record has
 * one) and which of them form the primary key, as Confluent's JDBC sink reads pk.mode and pk.fields.
 */

import type { SinkRecord } from "../../api/records.js";
import { DataError, type Schema, Struct } from "../../api/schema.js";
import { type SinkSettings, TOPIC_PLACEHOLDER } from "./sink-config.js";

export interface Column {
  readonly name: string;
  /** null for schemaless (JSON map) values */
  readonly schema: Schema | null;
  readonly value: unknown;
}

export interface Row {
  readonly table: string;
  readonly columns: Column[];
  readonly pk: string[];
}

function where(r: SinkRecord): string {
  return `${r.topic}-${r.kafkaPartition}@${r.kafkaOffset}`;
}

/** The columns of a Struct or a JSON object; anything else cannot be a row. */
function columnsOf(r: SinkRecord, what: "key" | "value", v: unknown, schema: Schema | null): Column[] {
  if (v instanceof Struct)
    return (v.schema.fields ?? []).map((f) => ({ name: f.name, schema: f.schema, value: v.get(f.name) }));
  if (v !== null && typeof v === "object" && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date))
    return Object.entries(v as Record<string, unknown>).map(([name, value]) => ({
      name,
      schema: null,
      value,
    }));
  throw new DataError(
    `record ${where(r)}: the ${what} must be a struct or a JSON object to map to columns, got ${v === null ? "null" : (schema?.type ?? typeof v)}`,
  );
}

export function toRow(r: SinkRecord, s: SinkSettings): Row {
  const table = s.tableFormat.replaceAll(TOPIC_PLACEHOLDER, r.topic);
  if (r.value === null || r.value === undefined)
    throw new DataError(
      `record ${where(r)}: null value (tombstone); the PostgreSQL sink does not delete rows`,
    );
  const columns = columnsOf(r, "value", r.value, r.valueSchema);
  const pick = (from: Column[], names: string[], what: string): string[] => {
    const want = names.length > 0 ? names : from.map((c) => c.name);
    for (const n of want)
      if (!from.some((c) => c.name === n))
        throw new DataError(
          `record ${where(r)}: pk.fields names ${n}, which the record ${what} does not have`,
        );
    if (want.length === 0)
      throw new DataError(`record ${where(r)}: the record ${what} has no fields for a primary key`);
    return want;
  };
  switch (s.pkMode) {
    case "none":
      return { table, columns, pk: [] };
    case "record_value":
      return { table, columns, pk: pick(columns, s.pkFields, "value") };
    case "record_key": {
      if (r.key === null || r.key === undefined)
        throw new DataError(`record ${where(r)}: pk.mode=record_key but the record has no key`);
      const isMap = r.key instanceof Struct || (typeof r.key === "object" && !Buffer.isBuffer(r.key));
      const keyColumns: Column[] = isMap
        ? columnsOf(r, "key", r.key, r.keySchema)
        : [{ name: s.pkFields[0] ?? "__connect_key", schema: r.keySchema, value: r.key }];
      const pk = isMap ? pick(keyColumns, s.pkFields, "key") : [keyColumns[0]?.name as string];
      const keyCols = keyColumns.filter((c) => pk.includes(c.name));
      // key columns first; a value field of the same name is the same column and the key wins
      return { table, columns: [...keyCols, ...columns.filter((c) => !pk.includes(c.name))], pk };
    }
  }
}
