/**
 * PostgreSQL sink, in the shape of Confluent's JDBC sink: each put() writes its records in one
 * transaction (multi-row INSERTs, or INSERT … ON CONFLICT (pk) DO UPDATE for upserts), so put() returning
 * means the rows are committed and the offsets the runtime commits after flush() cover only stored rows.
 * Connection loss, deadlocks and serialization failures throw RetriableError: the runtime retries put().
 */
import type pg from "pg";
import type {
  Connector,
  SinkConnectorPlugin,
  SinkTask,
  SinkTaskContext,
  TaskConfig,
} from "../../api/connector.js";
import { RetriableError } from "../../api/errors.js";
import type { SinkRecord } from "../../api/records.js";
import type { Schema } from "../../api/schema.js";
import { FERRY_VERSION } from "../../version.js";
import { sqlType, toParam } from "./column-types.js";
import { connect, isTransient } from "./connection.js";
import { parseTableName, quoteIdent, quoteTable } from "./identifiers.js";
import { postgresSinkConfigDef, type SinkSettings, sinkConfigErrors, sinkSettings } from "./sink-config.js";
import { type Row, toRow } from "./sink-rows.js";

/** PostgreSQL allows 65535 parameters in one statement */
const MAX_PARAMS = 65_000;

class PostgresSinkConnector implements Connector {
  private props: Record<string, string> = {};
  version() {
    return FERRY_VERSION;
  }
  start(config: Record<string, string>) {
    sinkSettings(config);
    this.props = { ...config };
  }
  taskConfigs(maxTasks: number): TaskConfig[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }
  stop() {}
  config() {
    return postgresSinkConfigDef();
  }
  validate(config: Record<string, string>): Record<string, string[]> {
    const { values, errors } = postgresSinkConfigDef().parse(config);
    return Object.keys(errors).length > 0 ? {} : sinkConfigErrors(values);
  }
}

export class PostgresSinkTask implements SinkTask {
  private settings!: SinkSettings;
  private client: pg.Client | null = null;
  /** tables this task created or saw created (auto.create runs its CREATE once per table) */
  private readonly created = new Set<string>();

  version() {
    return FERRY_VERSION;
  }

  async start(config: TaskConfig, _ctx: SinkTaskContext) {
    this.settings = sinkSettings(config);
    await this.connection();
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = await connect(this.settings.connection, "ferry-postgres-sink");
    client.on("error", () => {
      // the next put() reconnects; the failing query itself reports the error
      if (this.client === client) this.client = null;
    });
    this.client = client;
    return client;
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    const byTable = new Map<string, Row[]>();
    for (const r of records) {
      const row = toRow(r, this.settings);
      let rows = byTable.get(row.table);
      if (!rows) byTable.set(row.table, (rows = []));
      rows.push(row);
    }
    let client: pg.Client;
    try {
      client = await this.connection();
    } catch (e) {
      throw new RetriableError((e as Error).message, { cause: e });
    }
    try {
      await client.query("BEGIN");
      for (const [table, rows] of byTable) await this.write(client, table, rows);
      await client.query("COMMIT");
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      if (isTransient(e)) {
        await client.end().catch(() => {});
        if (this.client === client) this.client = null;
        throw new RetriableError(`PostgreSQL sink: ${(e as Error).message}`, { cause: e });
      }
      throw new Error(`PostgreSQL sink: writing ${records.length} records failed: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  private async write(client: pg.Client, table: string, input: Row[]): Promise<void> {
    const pk = input[0]?.pk ?? [];
    // upsert: one row per key (the last wins), or ON CONFLICT would touch a row twice in one statement
    const rows = this.settings.insertMode === "upsert" ? lastPerKey(input, pk) : input;
    const columns: { name: string; schema: Schema | null }[] = [];
    const seen = new Set<string>();
    for (const row of rows)
      for (const c of row.columns)
        if (!seen.has(c.name)) {
          seen.add(c.name);
          columns.push({ name: c.name, schema: c.schema });
        }
    const quoted = quoteTable(parseTableName(table));
    if (this.settings.autoCreate && !this.created.has(table)) {
      await client.query(createTable(quoted, table, columns, pk));
      this.created.add(table);
    }
    const names = columns.map((c) => quoteIdent(c.name)).join(", ");
    let conflict = "";
    if (this.settings.insertMode === "upsert") {
      const rest = columns.filter((c) => !pk.includes(c.name));
      const target = pk.map(quoteIdent).join(", ");
      conflict =
        rest.length === 0
          ? ` ON CONFLICT (${target}) DO NOTHING`
          : ` ON CONFLICT (${target}) DO UPDATE SET ${rest.map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`).join(", ")}`;
    }
    const perStatement = Math.max(
      1,
      Math.min(this.settings.batchSize, Math.floor(MAX_PARAMS / columns.length)),
    );
    for (let i = 0; i < rows.length; i += perStatement) {
      const chunk = rows.slice(i, i + perStatement);
      const values: unknown[] = [];
      const tuples = chunk.map((row) => {
        const byName = new Map(row.columns.map((c) => [c.name, c]));
        const slots = columns.map((col) => {
          const c = byName.get(col.name);
          if (!c) return "DEFAULT";
          values.push(toParam(c.value, c.schema));
          return `$${values.length}`;
        });
        return `(${slots.join(", ")})`;
      });
      await client.query(`INSERT INTO ${quoted} (${names}) VALUES ${tuples.join(", ")}${conflict}`, values);
    }
  }

  flush() {
    // put() commits before it returns: nothing is buffered
  }

  async stop() {
    const client = this.client;
    this.client = null;
    await client?.end();
  }
}

function lastPerKey(rows: Row[], pk: string[]): Row[] {
  const last = new Map<string, number>();
  rows.forEach((row, i) => {
    const key = JSON.stringify(
      pk.map((k) => {
        const v = row.columns.find((c) => c.name === k)?.value;
        return typeof v === "bigint" ? v.toString() : Buffer.isBuffer(v) ? v.toString("hex") : v;
      }),
    );
    last.set(key, i);
  });
  const keep = new Set(last.values());
  return rows.filter((_, i) => keep.has(i));
}

function createTable(
  quoted: string,
  table: string,
  columns: { name: string; schema: Schema | null }[],
  pk: string[],
): string {
  const defs = columns.map((c) => {
    if (!c.schema)
      throw new Error(
        `auto.create: cannot create ${table}: column ${c.name} has no schema (use a converter with schemas, e.g. JsonConverter with schemas.enable=true)`,
      );
    const notNull = pk.includes(c.name) || !c.schema.optional ? " NOT NULL" : "";
    return `${quoteIdent(c.name)} ${sqlType(c.schema)}${notNull}`;
  });
  if (pk.length > 0) defs.push(`PRIMARY KEY (${pk.map(quoteIdent).join(", ")})`);
  return `CREATE TABLE IF NOT EXISTS ${quoted} (${defs.join(", ")})`;
}

export const postgresSinkPlugin: SinkConnectorPlugin = {
  type: "sink",
  className: "io.ferry.connect.postgres.PostgresSinkConnector",
  aliases: ["PostgresSink", "PostgresSinkConnector"],
  version: FERRY_VERSION,
  createConnector: () => new PostgresSinkConnector(),
  createTask: () => new PostgresSinkTask(),
};
