/**
 * SetSchemaMetadata$Key / SetSchemaMetadata$Value: set the name and/or version of the key/value schema
 * (Kafka's SetSchemaMetadata). A Struct is re-created against the renamed schema so the two stay consistent.
 */
import { ConfigDef } from "../api/config-def.js";
import type { ConnectRecord } from "../api/records.js";
import { type Schema, Struct } from "../api/schema.js";
import type { Transformation } from "../api/transform.js";
import {
  ConfigError,
  fieldValue,
  keyValuePlugins,
  parseConfig,
  REPLACE_NULL_WITH_DEFAULT,
  type RecordPart,
  requireSchema,
  SchemaCache,
} from "./util.js";

const SCHEMA_NAME = "schema.name";
const SCHEMA_VERSION = "schema.version";

const CONFIG_DEF = new ConfigDef()
  .define({
    name: SCHEMA_NAME,
    type: "STRING",
    default: null,
    importance: "HIGH",
    documentation: "Schema name to set.",
  })
  .define({
    name: SCHEMA_VERSION,
    type: "INT",
    default: null,
    importance: "HIGH",
    documentation: "Schema version to set.",
  })
  .define(REPLACE_NULL_WITH_DEFAULT);

export class SetSchemaMetadata implements Transformation {
  private schemaName: string | null = null;
  private schemaVersion: number | null = null;
  private replaceNullWithDefault = true;
  // Kafka builds the new schema per record; it only depends on the input schema, so it is cached
  private readonly schemas = new SchemaCache<Schema>();

  constructor(private readonly part: RecordPart) {}

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const values = parseConfig(CONFIG_DEF, props);
    this.schemaName = (values[SCHEMA_NAME] as string | null) ?? null;
    this.schemaVersion = (values[SCHEMA_VERSION] as number | null) ?? null;
    this.replaceNullWithDefault = values[REPLACE_NULL_WITH_DEFAULT.name] as boolean;
    if (this.schemaName === null && this.schemaVersion === null) {
      throw new ConfigError("Neither schema name nor version configured");
    }
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = this.part.value(record);
    const schema = this.part.schema(record);
    if ((value === null || value === undefined) && schema === null) return record;
    const updatedSchema = this.schemas.get(requireSchema(schema, "updating schema metadata"), (s) =>
      this.rename(s),
    );
    return this.part.with(record, updatedSchema, this.updateSchemaIn(value, updatedSchema));
  }

  private rename(schema: Schema): Schema {
    const renamed: { -readonly [K in keyof Schema]: Schema[K] } = { ...schema };
    if (this.schemaName !== null) renamed.name = this.schemaName;
    if (this.schemaVersion !== null) renamed.version = this.schemaVersion;
    return Object.freeze(renamed);
  }

  /** A Struct rebuilt against `updatedSchema` (same fields); anything else is returned as is. */
  updateSchemaIn(value: unknown, updatedSchema: Schema): unknown {
    if (!(value instanceof Struct)) return value;
    const out = new Struct(updatedSchema);
    for (const f of updatedSchema.fields ?? [])
      out.put(f.name, fieldValue(value, f, this.replaceNullWithDefault));
    return out;
  }

  close(): void {}
}

export const setSchemaMetadataPlugins = keyValuePlugins(
  "SetSchemaMetadata",
  (part) => new SetSchemaMetadata(part),
);
