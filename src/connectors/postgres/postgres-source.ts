/**
 * PostgreSQL source, in the shape of Confluent's JDBC source: tables (or one query) are polled every
 * poll.interval.ms; in incrementing and timestamp modes each table's source offset records where it got
 * to, so a restarted task resumes exactly after the last row Kafka acknowledged. Rows become Structs whose
 * schema follows the column types (column-types.ts). Tasks split the tables between them.
 */
import type pg from "pg";
import { pino } from "pino";
import type {
  Connector,
  SourceConnectorPlugin,
  SourceTask,
  SourceTaskContext,
  TaskConfig,
} from "../../api/connector.js";
import { ConfigError } from "../../api/errors.js";
import {
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
  sourceRecord,
} from "../../api/records.js";
import { type Schema, SchemaBuilder, Struct } from "../../api/schema.js";
import { sleep } from "../../sleep.js";
import { FERRY_VERSION } from "../../version.js";
import { type ColumnCodec, codecFor, formatInstant, type Instant, parseTimestamp } from "./column-types.js";
import { connect, isTransient } from "./connection.js";
import { quoteTable, tableText } from "./identifiers.js";
import {
  INCREMENTING_COLUMN_CONFIG,
  postgresSourceConfigDef,
  type SourceSettings,
  sourceConfigErrors,
  sourceSettings,
  TASK_TABLES_CONFIG,
  TIMESTAMP_COLUMN_CONFIG,
} from "./source-config.js";
import { nextRows, type Position, type QueryShape } from "./source-queries.js";

const log = pino({ level: process.env.FERRY_LOG_LEVEL ?? "info", base: { plugin: "PostgresSource" } });

/** how long one poll() waits for the next table to be due before returning nothing */
const MAX_IDLE_WAIT_MS = 500;
/** wait before reconnecting after a lost connection */
const RECONNECT_BACKOFF_MS = 1000;

class PostgresSourceConnector implements Connector {
  private props: Record<string, string> = {};
  private settings!: SourceSettings;
  version() {
    return FERRY_VERSION;
  }
  start(config: Record<string, string>) {
    this.settings = sourceSettings(config);
    this.props = { ...config };
  }
  /** Tables round-robin over at most maxTasks tasks; a query is one task. */
  taskConfigs(maxTasks: number): TaskConfig[] {
    if (this.settings.query !== null) return [{ ...this.props }];
    const groups: string[][] = Array.from(
      { length: Math.min(maxTasks, this.settings.tables.length) },
      () => [],
    );
    for (const [i, t] of this.settings.tables.entries()) groups[i % groups.length]?.push(tableText(t));
    return groups.map((g) => ({ ...this.props, [TASK_TABLES_CONFIG]: g.join(",") }));
  }
  stop() {}
  config() {
    return postgresSourceConfigDef();
  }
  validate(config: Record<string, string>): Record<string, string[]> {
    const { values, errors } = postgresSourceConfigDef().parse(config);
    return Object.keys(errors).length > 0 ? {} : sourceConfigErrors(values);
  }
}

/** One table (or the query): what to select, its record schema and where it got to. */
interface Source {
  readonly label: string;
  readonly partition: SourcePartition;
  readonly topic: string;
  readonly shape: QueryShape;
  readonly schemaName: string | null;
  schema: Schema | null;
  codecs: ColumnCodec[];
  incIndex: number;
  tsIndex: number;
  position: Position;
  /** the offset matching `position` (null before the first row) */
  offset: SourceOffset | null;
  dueAt: number;
}

function incrementingOffsetValue(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) && String(n) === text ? n : text;
}

/** Confluent's timestamp offset: epoch ms plus the nanoseconds within the second. */
function timestampOffset(t: Instant): { timestamp: number; timestamp_nanos: number } {
  const msInSecond = ((t.ms % 1000) + 1000) % 1000;
  return { timestamp: t.ms, timestamp_nanos: (msInSecond * 1000 + t.micros) * 1000 };
}

/** A stored offset back to a query position; throws on an offset this mode did not write. */
function positionFrom(offset: SourceOffset | null, label: string): Position {
  if (!offset) return { incrementing: null, timestamp: null };
  const inc = offset.incrementing;
  const ms = offset.timestamp;
  const nanos = offset.timestamp_nanos;
  if (inc !== undefined && typeof inc !== "number" && typeof inc !== "string")
    throw new Error(`stored offset of ${label} has an invalid incrementing value: ${JSON.stringify(offset)}`);
  if (ms !== undefined && (typeof ms !== "number" || (nanos !== undefined && typeof nanos !== "number")))
    throw new Error(`stored offset of ${label} has an invalid timestamp: ${JSON.stringify(offset)}`);
  let timestamp: string | null = null;
  if (typeof ms === "number") {
    const micros = typeof nanos === "number" ? Math.floor(nanos / 1000) % 1000 : 0;
    timestamp = formatInstant({ ms, micros });
  }
  return { incrementing: inc === undefined ? null : String(inc), timestamp };
}

export class PostgresSourceTask implements SourceTask {
  private settings!: SourceSettings;
  private ctx!: SourceTaskContext;
  private client: pg.Client | null = null;
  private sources: Source[] = [];
  private buffer: SourceRecord[] = [];

  version() {
    return FERRY_VERSION;
  }

  async start(config: TaskConfig, ctx: SourceTaskContext) {
    this.settings = sourceSettings(config);
    this.ctx = ctx;
    const s = this.settings;
    const from = (t: (typeof s.tables)[number]) => quoteTable(t);
    const defs =
      s.query !== null
        ? [
            {
              label: s.query,
              partition: { query: s.query },
              from: `(${s.query}) AS ferry_query`,
              topic: s.topicPrefix,
              name: null,
            },
          ]
        : s.tables.map((t) => ({
            label: tableText(t),
            partition: { table: tableText(t) },
            from: from(t),
            topic: `${s.topicPrefix}${t.table}`,
            name: t.table,
          }));
    const offsets = await ctx.offsetStorageReader.offsets(defs.map((d) => d.partition));
    this.sources = defs.map((d) => {
      const offset = s.mode === "bulk" ? null : (offsets.get(d.partition) ?? null);
      return {
        label: d.label,
        partition: d.partition,
        topic: d.topic,
        schemaName: d.name,
        shape: {
          mode: s.mode,
          from: d.from,
          incrementingColumn: s.incrementingColumn,
          timestampColumn: s.timestampColumn,
          batchMaxRows: s.batchMaxRows,
        },
        schema: null,
        codecs: [],
        incIndex: -1,
        tsIndex: -1,
        position: positionFrom(offset, d.label),
        offset,
        dueAt: 0,
      };
    });
    // connect and describe every table now: a missing table or column fails the start, naming it
    const client = await this.connection();
    for (const src of this.sources) await this.describe(client, src);
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = await connect(this.settings.connection, "ferry-postgres-source");
    client.on("error", (e) => {
      log.warn({ err: e }, "PostgreSQL connection lost; reconnecting on the next poll");
      if (this.client === client) this.client = null;
    });
    this.client = client;
    return client;
  }

  /** Columns, types and nullability of a table or query, from a LIMIT 0 select and pg_attribute. */
  private async describe(client: pg.Client, src: Source): Promise<void> {
    let fields: pg.FieldDef[];
    try {
      fields = (await client.query({ text: `SELECT * FROM ${src.shape.from} LIMIT 0`, rowMode: "array" }))
        .fields;
    } catch (e) {
      if (isTransient(e)) throw e;
      const key = this.settings.query !== null ? "query" : "table.whitelist";
      throw ConfigError.invalid(key, src.label, `cannot read it: ${(e as Error).message}`);
    }
    const notNull = new Set<string>();
    const tableIds = [...new Set(fields.map((f) => f.tableID).filter((id) => id > 0))];
    if (tableIds.length > 0) {
      const r = await client.query<[string, string]>({
        text: "SELECT attrelid::text, attnum::text FROM pg_attribute WHERE attrelid = ANY($1::oid[]) AND attnotnull",
        values: [tableIds],
        rowMode: "array",
      });
      for (const [rel, num] of r.rows) notNull.add(`${rel}:${num}`);
    }
    src.codecs = fields.map((f) =>
      codecFor({
        name: f.name,
        typeOid: f.dataTypeID,
        typmod: f.dataTypeModifier,
        optional: !notNull.has(`${f.tableID}:${f.columnID}`),
      }),
    );
    const b = SchemaBuilder.struct();
    if (src.schemaName !== null) b.name(src.schemaName);
    for (const c of src.codecs) {
      try {
        b.field(c.name, c.schema);
      } catch (e) {
        throw new Error(`${src.label}: ${(e as Error).message} (give the columns distinct names)`, {
          cause: e,
        });
      }
    }
    src.schema = b.build();
    const column = (key: string, name: string | null) => {
      if (name === null) return -1;
      const i = fields.findIndex((f) => f.name === name);
      if (i < 0) throw ConfigError.invalid(key, name, `${src.label} has no column ${name}`);
      return i;
    };
    src.incIndex = column(INCREMENTING_COLUMN_CONFIG, src.shape.incrementingColumn);
    src.tsIndex = column(TIMESTAMP_COLUMN_CONFIG, src.shape.timestampColumn);
  }

  async poll(): Promise<SourceRecord[] | null> {
    if (this.buffer.length > 0) return this.take();
    const signal = this.ctx.signal;
    const src = this.sources.reduce((a, b) => (b.dueAt < a.dueAt ? b : a));
    const wait = src.dueAt - Date.now();
    if (wait > 0) {
      await sleep(Math.min(wait, MAX_IDLE_WAIT_MS), signal);
      return null;
    }
    if (signal.aborted) return null;
    try {
      const full = await this.read(src);
      src.dueAt = full ? 0 : Date.now() + this.settings.pollIntervalMs;
    } catch (e) {
      if (!isTransient(e))
        throw new Error(`PostgreSQL source: reading ${src.label} failed: ${(e as Error).message}`, {
          cause: e,
        });
      log.warn({ err: e, source: src.label }, "PostgreSQL unavailable; retrying");
      await this.client?.end().catch(() => {});
      this.client = null;
      await sleep(RECONNECT_BACKOFF_MS, signal);
      return null;
    }
    return this.buffer.length > 0 ? this.take() : null;
  }

  private take(): SourceRecord[] {
    const n = this.settings.batchMaxRows;
    const out = this.buffer.length <= n ? this.buffer : this.buffer.slice(0, n);
    this.buffer = out === this.buffer ? [] : this.buffer.slice(n);
    return out;
  }

  /** Runs the next query of one source into the buffer; true when it returned a full batch (more may wait). */
  private async read(src: Source): Promise<boolean> {
    const client = await this.connection();
    if (!src.schema) await this.describe(client, src);
    let until: string | null = null;
    if (src.shape.timestampColumn !== null) {
      const r = await client.query<[string]>({
        text: "SELECT (now() - $1::bigint * interval '1 millisecond')::text",
        values: [this.settings.timestampDelayMs],
        rowMode: "array",
      });
      until = r.rows[0]?.[0] ?? null;
    }
    const stmt = nextRows(src.shape, src.position, until);
    const result = await client.query<(string | null)[]>({
      text: stmt.text,
      values: stmt.values,
      rowMode: "array",
    });
    const rows = result.rows;
    const mode = this.settings.mode;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as (string | null)[];
      const value = this.struct(src, row);
      let offset: SourceOffset | null = null;
      if (mode !== "bulk") {
        const incText = src.incIndex >= 0 ? row[src.incIndex] : null;
        const tsText = src.tsIndex >= 0 ? row[src.tsIndex] : null;
        const ts = tsText == null ? null : parseTimestamp(tsText);
        if (src.tsIndex >= 0 && !ts)
          throw new Error(`${src.label}: timestamp column value ${String(tsText)} cannot be an offset`);
        if (src.incIndex >= 0 && incText == null)
          throw new Error(`${src.label}: incrementing column ${src.shape.incrementingColumn} is null`);
        const next: Position = {
          incrementing: incText ?? null,
          timestamp: ts ? formatInstant(ts) : null,
        };
        const full: SourceOffset = {
          ...(incText != null ? { incrementing: incrementingOffsetValue(incText) } : {}),
          ...(ts ? timestampOffset(ts) : {}),
        };
        // timestamp mode: a row whose timestamp the next row shares keeps the previous offset, so a
        // restart after part of a group re-reads the group (duplicates) rather than skipping its rest
        const sameAsNext =
          mode === "timestamp" && i + 1 < rows.length && rows[i + 1]?.[src.tsIndex] === tsText;
        if (!sameAsNext) {
          src.offset = full;
          src.position = next;
        }
        offset = sameAsNext ? src.offset : full;
      }
      this.buffer.push(
        sourceRecord({
          topic: src.topic,
          valueSchema: src.schema,
          value,
          sourcePartition: mode === "bulk" ? null : src.partition,
          sourceOffset: offset,
        }),
      );
    }
    return mode !== "bulk" && rows.length >= this.settings.batchMaxRows;
  }

  private struct(src: Source, row: readonly (string | null)[]): Struct {
    const s = new Struct(src.schema as Schema);
    for (let i = 0; i < src.codecs.length; i++) {
      const c = src.codecs[i] as ColumnCodec;
      const text = row[i];
      try {
        s.put(c.name, text == null ? null : c.parse(text));
      } catch (e) {
        throw new Error(`${src.label}: column ${c.name}: ${(e as Error).message}`, { cause: e });
      }
    }
    return s;
  }

  async stop() {
    const client = this.client;
    this.client = null;
    await client?.end();
  }
}

export const postgresSourcePlugin: SourceConnectorPlugin = {
  type: "source",
  className: "io.ferry.connect.postgres.PostgresSourceConnector",
  aliases: ["PostgresSource", "PostgresSourceConnector"],
  version: FERRY_VERSION,
  createConnector: () => new PostgresSourceConnector(),
  createTask: () => new PostgresSourceTask(),
};
