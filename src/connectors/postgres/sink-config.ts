/** The PostgreSQL sink's keys: Confluent JDBC sink names, checked across keys by sinkConfigErrors. */
import { z } from "zod";
import { ConfigDef } from "../../api/config-def.js";
import { ConfigError } from "../../api/errors.js";
import { type ConnectionSettings, connectionSettings, defineConnection } from "./connection.js";

export const INSERT_MODE_CONFIG = "insert.mode";
export const PK_MODE_CONFIG = "pk.mode";
export const PK_FIELDS_CONFIG = "pk.fields";
export const AUTO_CREATE_CONFIG = "auto.create";
export const TABLE_FORMAT_CONFIG = "table.name.format";
export const BATCH_SIZE_CONFIG = "batch.size";

// biome-ignore lint/suspicious/noTemplateCurlyInString: Kafka Connect's placeholder syntax, not a template
export const TOPIC_PLACEHOLDER = "${topic}";

export const INSERT_MODES = ["insert", "upsert"] as const;
export const PK_MODES = ["none", "record_key", "record_value"] as const;

export function postgresSinkConfigDef(): ConfigDef {
  return defineConnection(new ConfigDef())
    .define({
      name: INSERT_MODE_CONFIG,
      type: "STRING",
      default: "insert",
      importance: "HIGH",
      group: "Writes",
      documentation:
        "insert: plain INSERT (a duplicate primary key fails the task); upsert: INSERT … ON CONFLICT (pk) DO UPDATE.",
      recommendedValues: [...INSERT_MODES],
      check: z.enum(INSERT_MODES, { error: "Value must be insert or upsert" }),
    })
    .define({
      name: PK_MODE_CONFIG,
      type: "STRING",
      default: "none",
      importance: "HIGH",
      group: "Data Mapping",
      documentation:
        "Where the primary key comes from: none, record_key (the key, a primitive or a struct), record_value (fields of the value).",
      recommendedValues: [...PK_MODES],
      check: z.enum(PK_MODES, { error: "Value must be none, record_key or record_value" }),
    })
    .define({
      name: PK_FIELDS_CONFIG,
      type: "LIST",
      default: [],
      importance: "MEDIUM",
      group: "Data Mapping",
      documentation:
        "record_key with a primitive key: the column name (default __connect_key); with a struct key, or record_value: the fields that form the key (default all fields).",
    })
    .define({
      name: AUTO_CREATE_CONFIG,
      type: "BOOLEAN",
      default: false,
      importance: "MEDIUM",
      group: "DDL Support",
      documentation:
        "Create a missing table (CREATE TABLE IF NOT EXISTS) from the record schemas, with the primary key.",
    })
    .define({
      name: TABLE_FORMAT_CONFIG,
      type: "STRING",
      default: TOPIC_PLACEHOLDER,
      importance: "MEDIUM",
      group: "Data Mapping",
      documentation: `The table to write, \${topic} replaced by the record's topic; "schema.table" names a schema.`,
      check: z.string().trim().min(1, "String must be non-empty"),
    })
    .define({
      name: BATCH_SIZE_CONFIG,
      type: "INT",
      default: 3000,
      importance: "MEDIUM",
      group: "Writes",
      documentation:
        "The most rows in one INSERT statement (a put() may run several, all in one transaction).",
      check: z.number().int().min(1, "Value must be at least 1"),
    });
}

export interface SinkSettings {
  readonly connection: ConnectionSettings;
  readonly insertMode: (typeof INSERT_MODES)[number];
  readonly pkMode: (typeof PK_MODES)[number];
  readonly pkFields: string[];
  readonly autoCreate: boolean;
  readonly tableFormat: string;
  readonly batchSize: number;
}

export function sinkConfigErrors(v: Record<string, unknown>): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  if (v[INSERT_MODE_CONFIG] === "upsert" && v[PK_MODE_CONFIG] === "none")
    errors[PK_MODE_CONFIG] = ["insert.mode=upsert needs pk.mode record_key or record_value"];
  if (v[PK_MODE_CONFIG] === "none" && (v[PK_FIELDS_CONFIG] as string[]).length > 0)
    errors[PK_FIELDS_CONFIG] = ["pk.fields needs pk.mode record_key or record_value"];
  return errors;
}

export function sinkSettings(config: Readonly<Record<string, string | undefined>>): SinkSettings {
  const v = postgresSinkConfigDef().parseOrThrow(config);
  const [first] = Object.entries(sinkConfigErrors(v));
  if (first) throw new ConfigError(`${first[0]}: ${first[1].join(", ")}`, first[0]);
  return {
    connection: connectionSettings(v),
    insertMode: v[INSERT_MODE_CONFIG] as SinkSettings["insertMode"],
    pkMode: v[PK_MODE_CONFIG] as SinkSettings["pkMode"],
    pkFields: v[PK_FIELDS_CONFIG] as string[],
    autoCreate: v[AUTO_CREATE_CONFIG] as boolean,
    tableFormat: (v[TABLE_FORMAT_CONFIG] as string).trim(),
    batchSize: v[BATCH_SIZE_CONFIG] as number,
  };
}
