/** HoistField$Key / HoistField$Value: wrap the key/value in a Struct or map under one field (Kafka's HoistField). */
import { ConfigDef } from "../api/config-def.js";
import type { ConnectRecord } from "../api/records.js";
import { type Schema, SchemaBuilder, Struct } from "../api/schema.js";
import type { Transformation } from "../api/transform.js";
import { keyValuePlugins, mapSet, parseConfig, type RecordPart, SchemaCache } from "./util.js";

const FIELD_CONFIG = "field";

const CONFIG_DEF = new ConfigDef().define({
  name: FIELD_CONFIG,
  type: "STRING",
  importance: "MEDIUM",
  documentation: "Field name for the single field that will be created in the resulting Struct or Map.",
});

export class HoistField implements Transformation {
  private fieldName = "";
  private readonly schemas = new SchemaCache<Schema>();

  constructor(private readonly part: RecordPart) {}

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    this.fieldName = parseConfig(CONFIG_DEF, props)[FIELD_CONFIG] as string;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = this.part.schema(record);
    const value = this.part.value(record);
    if (schema === null) {
      const updated: Record<string, unknown> = {};
      mapSet(updated, this.fieldName, value);
      return this.part.with(record, null, updated);
    }
    const updatedSchema = this.schemas.get(schema, (s) =>
      SchemaBuilder.struct().field(this.fieldName, s).build(),
    );
    return this.part.with(record, updatedSchema, new Struct(updatedSchema).put(this.fieldName, value));
  }

  close(): void {}
}

export const hoistFieldPlugins = keyValuePlugins("HoistField", (part) => new HoistField(part));
