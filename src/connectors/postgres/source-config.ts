/** The PostgreSQL source's keys: Confluent JDBC source names, checked across keys by sourceConfigErrors. */
import { z } from "zod";
import { ConfigDef } from "../../api/config-def.js";
import { ConfigError } from "../../api/errors.js";
import { type ConnectionSettings, connectionSettings, defineConnection } from "./connection.js";
import { parseTableName, type TableName } from "./identifiers.js";

export const TABLE_WHITELIST_CONFIG = "table.whitelist";
export const TABLE_INCLUDE_CONFIG = "table.include.list";
export const QUERY_CONFIG = "query";
export const MODE_CONFIG = "mode";
export const INCREMENTING_COLUMN_CONFIG = "incrementing.column.name";
export const TIMESTAMP_COLUMN_CONFIG = "timestamp.column.name";
export const TIMESTAMP_DELAY_CONFIG = "timestamp.delay.interval.ms";
export const POLL_INTERVAL_CONFIG = "poll.interval.ms";
export const BATCH_MAX_ROWS_CONFIG = "batch.max.rows";
export const TOPIC_PREFIX_CONFIG = "topic.prefix";
/** set by the connector in each task's config: the tables that task reads */
export const TASK_TABLES_CONFIG = "ferry.task.tables";

export const MODES = ["bulk", "incrementing", "timestamp", "timestamp+incrementing"] as const;
export type Mode = (typeof MODES)[number];

export function postgresSourceConfigDef(): ConfigDef {
  return defineConnection(new ConfigDef())
    .define({
      name: TABLE_WHITELIST_CONFIG,
      type: "LIST",
      default: [],
      importance: "MEDIUM",
      group: "Database",
      documentation: "Tables to copy (`table` or `schema.table`), as Confluent's table.whitelist.",
    })
    .define({
      name: TABLE_INCLUDE_CONFIG,
      type: "LIST",
      default: [],
      importance: "MEDIUM",
      group: "Database",
      documentation: "Same as table.whitelist (the newer Confluent name); the two lists are joined.",
    })
    .define({
      name: QUERY_CONFIG,
      type: "STRING",
      default: "",
      importance: "MEDIUM",
      group: "Database",
      documentation:
        "Instead of tables, copy what this SELECT returns. It is wrapped as a subquery, so it may have its own WHERE.",
    })
    .define({
      name: MODE_CONFIG,
      type: "STRING",
      importance: "HIGH",
      group: "Mode",
      documentation:
        "bulk: the whole table every poll; incrementing: rows with a larger incrementing column; timestamp: rows with a later timestamp column; timestamp+incrementing: both, exact for rows updated in place.",
      recommendedValues: [...MODES],
      check: z.enum(MODES, { error: `Value must be one of ${MODES.join(", ")}` }),
    })
    .define({
      name: INCREMENTING_COLUMN_CONFIG,
      type: "STRING",
      default: "",
      importance: "MEDIUM",
      group: "Mode",
      documentation: "A strictly increasing, non-null column (e.g. a serial id) for incrementing modes.",
    })
    .define({
      name: TIMESTAMP_COLUMN_CONFIG,
      type: "STRING",
      default: "",
      importance: "MEDIUM",
      group: "Mode",
      documentation: "A timestamp or timestamptz column set on every insert and update, for timestamp modes.",
    })
    .define({
      name: TIMESTAMP_DELAY_CONFIG,
      type: "LONG",
      default: 0,
      importance: "LOW",
      group: "Mode",
      documentation:
        "Read rows only once their timestamp is this much older than the database's clock, so transactions still open when a poll runs are not skipped.",
      check: z.number().int().min(0, "Value must be at least 0"),
    })
    .define({
      name: POLL_INTERVAL_CONFIG,
      type: "INT",
      default: 5000,
      importance: "HIGH",
      group: "Connector",
      documentation: "How often each table is queried for new rows.",
      check: z.number().int().min(1, "Value must be at least 1"),
    })
    .define({
      name: BATCH_MAX_ROWS_CONFIG,
      type: "INT",
      default: 100,
      importance: "LOW",
      group: "Connector",
      documentation:
        "The most rows one query returns (a timestamp-mode query also takes every row sharing its last timestamp).",
      check: z.number().int().min(1, "Value must be at least 1"),
    })
    .define({
      name: TOPIC_PREFIX_CONFIG,
      type: "STRING",
      importance: "HIGH",
      group: "Connector",
      documentation: "Topic = this prefix + the table name; with `query`, the whole topic name.",
    })
    .define({
      name: TASK_TABLES_CONFIG,
      type: "LIST",
      default: [],
      importance: "LOW",
      documentation: "Internal: the tables one task reads (set by the connector).",
    });
}

export interface SourceSettings {
  readonly connection: ConnectionSettings;
  readonly tables: TableName[];
  readonly query: string | null;
  readonly mode: Mode;
  readonly incrementingColumn: string | null;
  readonly timestampColumn: string | null;
  readonly timestampDelayMs: number;
  readonly pollIntervalMs: number;
  readonly batchMaxRows: number;
  readonly topicPrefix: string;
}

/** Problems across keys, per key (what validate() answers and start() throws). */
export function sourceConfigErrors(v: Record<string, unknown>): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const add = (k: string, m: string) => {
    (errors[k] ??= []).push(m);
  };
  const tables = [...(v[TABLE_WHITELIST_CONFIG] as string[]), ...(v[TABLE_INCLUDE_CONFIG] as string[])];
  const query = (v[QUERY_CONFIG] as string).trim();
  if (query !== "" && tables.length > 0)
    add(
      QUERY_CONFIG,
      `Set either ${QUERY_CONFIG} or ${TABLE_WHITELIST_CONFIG}/${TABLE_INCLUDE_CONFIG}, not both`,
    );
  if (query === "" && tables.length === 0)
    add(TABLE_WHITELIST_CONFIG, `Name at least one table, or set ${QUERY_CONFIG}`);
  for (const t of tables) {
    const n = parseTableName(t);
    if (n.table === "" || n.schema === "") add(TABLE_WHITELIST_CONFIG, `Invalid table name "${t}"`);
  }
  const mode = v[MODE_CONFIG] as Mode;
  if (mode.includes("incrementing") && (v[INCREMENTING_COLUMN_CONFIG] as string).trim() === "")
    add(INCREMENTING_COLUMN_CONFIG, `Mode ${mode} needs ${INCREMENTING_COLUMN_CONFIG}`);
  if (mode.startsWith("timestamp") && (v[TIMESTAMP_COLUMN_CONFIG] as string).trim() === "")
    add(TIMESTAMP_COLUMN_CONFIG, `Mode ${mode} needs ${TIMESTAMP_COLUMN_CONFIG}`);
  if (query !== "" && (v[TOPIC_PREFIX_CONFIG] as string).trim() === "")
    add(
      TOPIC_PREFIX_CONFIG,
      `With ${QUERY_CONFIG}, ${TOPIC_PREFIX_CONFIG} is the topic name and must not be empty`,
    );
  return errors;
}

/** Parses and checks a connector or task config; throws a ConfigError naming the first bad key. */
export function sourceSettings(config: Readonly<Record<string, string | undefined>>): SourceSettings {
  const v = postgresSourceConfigDef().parseOrThrow(config);
  const [first] = Object.entries(sourceConfigErrors(v));
  if (first) throw new ConfigError(`${first[0]}: ${first[1].join(", ")}`, first[0]);
  const mode = v[MODE_CONFIG] as Mode;
  const query = (v[QUERY_CONFIG] as string).trim();
  const assigned = v[TASK_TABLES_CONFIG] as string[];
  const tables =
    assigned.length > 0
      ? assigned
      : [...new Set([...(v[TABLE_WHITELIST_CONFIG] as string[]), ...(v[TABLE_INCLUDE_CONFIG] as string[])])];
  const column = (k: string) => ((v[k] as string).trim() === "" ? null : (v[k] as string).trim());
  return {
    connection: connectionSettings(v),
    tables: query === "" ? tables.map(parseTableName) : [],
    query: query === "" ? null : query,
    mode,
    incrementingColumn: mode.includes("incrementing") ? column(INCREMENTING_COLUMN_CONFIG) : null,
    timestampColumn: mode.startsWith("timestamp") ? column(TIMESTAMP_COLUMN_CONFIG) : null,
    timestampDelayMs: v[TIMESTAMP_DELAY_CONFIG] as number,
    pollIntervalMs: v[POLL_INTERVAL_CONFIG] as number,
    batchMaxRows: v[BATCH_MAX_ROWS_CONFIG] as number,
    topicPrefix: v[TOPIC_PREFIX_CONFIG] as string,
  };
}
