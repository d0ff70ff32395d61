/**
 * InsertField$Key / InsertField$Value: add fields from record metadata (topic, partition, offset, timestamp)
 * or a static string (Kafka's InsertField). A field name ending in `!` is required, `?` (the default) optional.
 * Null keys/values pass through; the offset is only known for sink records.
 */
import { ConfigDef, type ConfigKey } from "../api/config-def.js";
import type { ConnectRecord } from "../api/records.js";
import { type Field, type Schema, SchemaBuilder, Schemas, Struct } from "../api/schema.js";
import type { Transformation } from "../api/transform.js";
import { OPTIONAL_TIMESTAMP_SCHEMA, TIMESTAMP_SCHEMA } from "../data/logical.js";
import {
  ConfigError,
  copySchemaBasics,
  fieldValue,
  keyValuePlugins,
  mapCopy,
  mapSet,
  parseConfig,
  REPLACE_NULL_WITH_DEFAULT,
  type RecordPart,
  requireMap,
  requireSinkRecord,
  requireStruct,
  SchemaCache,
} from "./util.js";

const TOPIC_FIELD = "topic.field";
const PARTITION_FIELD = "partition.field";
const OFFSET_FIELD = "offset.field";
const TIMESTAMP_FIELD = "timestamp.field";
const STATIC_FIELD = "static.field";
const STATIC_VALUE = "static.value";

const OPTIONALITY_DOC =
  "Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).";

function optionalString(name: string, documentation: string): ConfigKey {
  return { name, type: "STRING", default: null, importance: "MEDIUM", documentation };
}

const CONFIG_DEF = new ConfigDef()
  .define(optionalString(TOPIC_FIELD, `Field name for Kafka topic. ${OPTIONALITY_DOC}`))
  .define(optionalString(PARTITION_FIELD, `Field name for Kafka partition. ${OPTIONALITY_DOC}`))
  .define(
    optionalString(
      OFFSET_FIELD,
      `Field name for Kafka offset - only applicable to sink connectors.<br/>${OPTIONALITY_DOC}`,
    ),
  )
  .define(optionalString(TIMESTAMP_FIELD, `Field name for record timestamp. ${OPTIONALITY_DOC}`))
  .define(optionalString(STATIC_FIELD, `Field name for static data field. ${OPTIONALITY_DOC}`))
  .define(optionalString(STATIC_VALUE, "Static field value, if field name configured."))
  .define(REPLACE_NULL_WITH_DEFAULT);

const PURPOSE = "field insertion";

interface InsertionSpec {
  readonly name: string;
  readonly optional: boolean;
}

function parseSpec(spec: unknown): InsertionSpec | null {
  if (typeof spec !== "string") return null;
  if (spec.endsWith("?")) return { name: spec.slice(0, -1), optional: true };
  if (spec.endsWith("!")) return { name: spec.slice(0, -1), optional: false };
  return { name: spec, optional: true };
}

interface Plan {
  readonly schema: Schema;
  readonly fields: readonly Field[];
}

export class InsertField implements Transformation {
  private topicField: InsertionSpec | null = null;
  private partitionField: InsertionSpec | null = null;
  private offsetField: InsertionSpec | null = null;
  private timestampField: InsertionSpec | null = null;
  private staticField: InsertionSpec | null = null;
  private staticValue: string | null = null;
  private replaceNullWithDefault = true;
  private readonly plans = new SchemaCache<Plan>();

  constructor(private readonly part: RecordPart) {}

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const values = parseConfig(CONFIG_DEF, props);
    this.topicField = parseSpec(values[TOPIC_FIELD]);
    this.partitionField = parseSpec(values[PARTITION_FIELD]);
    this.offsetField = parseSpec(values[OFFSET_FIELD]);
    this.timestampField = parseSpec(values[TIMESTAMP_FIELD]);
    this.staticField = parseSpec(values[STATIC_FIELD]);
    this.staticValue = (values[STATIC_VALUE] as string | null) ?? null;
    this.replaceNullWithDefault = values[REPLACE_NULL_WITH_DEFAULT.name] as boolean;
    if (
      !this.topicField &&
      !this.partitionField &&
      !this.offsetField &&
      !this.timestampField &&
      !this.staticField
    ) {
      throw new ConfigError("No field insertion configured");
    }
    if (this.staticField && this.staticValue === null) {
      throw ConfigError.invalid(
        STATIC_VALUE,
        null,
        `No value specified for static field: ${this.staticField.name}`,
      );
    }
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = this.part.value(record);
    if (value === null || value === undefined) return record;
    const schema = this.part.schema(record);
    if (schema === null) {
      const updated = mapCopy(requireMap(value, PURPOSE));
      if (this.topicField) mapSet(updated, this.topicField.name, record.topic);
      if (this.partitionField && record.kafkaPartition !== null) {
        mapSet(updated, this.partitionField.name, record.kafkaPartition);
      }
      if (this.offsetField)
        mapSet(updated, this.offsetField.name, requireSinkRecord(record, PURPOSE).kafkaOffset);
      if (this.timestampField && record.timestamp !== null)
        mapSet(updated, this.timestampField.name, record.timestamp);
      if (this.staticField && this.staticValue !== null)
        mapSet(updated, this.staticField.name, this.staticValue);
      return this.part.with(record, null, updated);
    }
    const struct = requireStruct(value, PURPOSE);
    const plan = this.plans.get(struct.schema, (s) => this.buildPlan(s));
    const updated = new Struct(plan.schema);
    for (const f of plan.fields) updated.put(f.name, fieldValue(struct, f, this.replaceNullWithDefault));
    if (this.topicField) updated.put(this.topicField.name, record.topic);
    if (this.partitionField && record.kafkaPartition !== null) {
      updated.put(this.partitionField.name, record.kafkaPartition);
    }
    if (this.offsetField) updated.put(this.offsetField.name, requireSinkRecord(record, PURPOSE).kafkaOffset);
    if (this.timestampField && record.timestamp !== null) {
      updated.put(this.timestampField.name, new Date(record.timestamp));
    }
    if (this.staticField && this.staticValue !== null) updated.put(this.staticField.name, this.staticValue);
    return this.part.with(record, plan.schema, updated);
  }

  private buildPlan(schema: Schema): Plan {
    const b = copySchemaBasics(schema, SchemaBuilder.struct());
    const fields = schema.fields ?? [];
    for (const f of fields) b.field(f.name, f.schema);
    const add = (spec: InsertionSpec | null, optional: Schema, required: Schema) => {
      if (spec) b.field(spec.name, spec.optional ? optional : required);
    };
    add(this.topicField, Schemas.OPTIONAL_STRING, Schemas.STRING);
    add(this.partitionField, Schemas.OPTIONAL_INT32, Schemas.INT32);
    add(this.offsetField, Schemas.OPTIONAL_INT64, Schemas.INT64);
    add(this.timestampField, OPTIONAL_TIMESTAMP_SCHEMA, TIMESTAMP_SCHEMA);
    add(this.staticField, Schemas.OPTIONAL_STRING, Schemas.STRING);
    return { schema: b.build(), fields };
  }

  close(): void {}
}

export const insertFieldPlugins = keyValuePlugins("InsertField", (part) => new InsertField(part));
