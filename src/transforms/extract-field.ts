/**
 * ExtractField$Key / ExtractField$Value: replace the key/value with one of its fields, from a Struct or a
 * schemaless map; null passes through. With `field.syntax.version=V2` the field may be a nested path.
 */
import { ConfigDef } from "../api/config-def.js";
import type { ConnectRecord } from "../api/records.js";
import { DataError, type Field, type Schema } from "../api/schema.js";
import type { Transformation } from "../api/transform.js";
import {
  FIELD_SYNTAX_VERSION_CONFIG,
  FIELD_SYNTAX_VERSION_KEY,
  type FieldSyntaxVersion,
  SingleFieldPath,
} from "./field-path.js";
import {
  keyValuePlugins,
  parseConfig,
  REPLACE_NULL_WITH_DEFAULT,
  type RecordPart,
  requireMapOrNull,
  requireStructOrNull,
  SchemaCache,
} from "./util.js";

const FIELD_CONFIG = "field";

const CONFIG_DEF = new ConfigDef()
  .define({
    name: FIELD_CONFIG,
    type: "STRING",
    importance: "MEDIUM",
    documentation: "Field name to extract.",
  })
  .define(REPLACE_NULL_WITH_DEFAULT)
  .define(FIELD_SYNTAX_VERSION_KEY);

const PURPOSE = "field extraction";

export class ExtractField implements Transformation {
  private path = new SingleFieldPath("", "V1");
  private replaceNullWithDefault = true;
  private readonly fields = new SchemaCache<Field | null>();

  constructor(private readonly part: RecordPart) {}

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const values = parseConfig(CONFIG_DEF, props);
    this.path = new SingleFieldPath(
      values[FIELD_CONFIG] as string,
      values[FIELD_SYNTAX_VERSION_CONFIG] as FieldSyntaxVersion,
    );
    this.replaceNullWithDefault = values[REPLACE_NULL_WITH_DEFAULT.name] as boolean;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = this.part.schema(record);
    const value = this.part.value(record);
    if (schema === null) {
      const map = requireMapOrNull(value, PURPOSE);
      return this.part.with(record, null, map === null ? null : this.path.valueFromMap(map));
    }
    const struct = requireStructOrNull(value, PURPOSE);
    const field = this.fields.get(schema, (s: Schema) => this.path.fieldFrom(s) ?? null);
    if (field === null) throw new DataError(`Unknown field: ${this.path.path}`);
    return this.part.with(
      record,
      field.schema,
      struct === null ? null : this.path.valueFromStruct(struct, this.replaceNullWithDefault),
    );
  }

  close(): void {}
}

export const extractFieldPlugins = keyValuePlugins("ExtractField", (part) => new ExtractField(part));
