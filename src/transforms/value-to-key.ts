/** ValueToKey: replace the key with a Struct or map of the listed fields of the value (Kafka's ValueToKey). */
import { ConfigDef } from "../api/config-def.js";
import type { ConnectRecord } from "../api/records.js";
import { DataError, type Field, type Schema, SchemaBuilder, Struct } from "../api/schema.js";
import type { Transformation } from "../api/transform.js";
import {
  fieldValue,
  findField,
  mapEmptyLike,
  mapGet,
  mapSet,
  NON_EMPTY_LIST,
  parseConfig,
  REPLACE_NULL_WITH_DEFAULT,
  requireMap,
  requireStruct,
  SchemaCache,
  transformationPlugin,
} from "./util.js";

const FIELDS_CONFIG = "fields";

const CONFIG_DEF = new ConfigDef()
  .define({
    name: FIELDS_CONFIG,
    type: "LIST",
    importance: "HIGH",
    documentation: "Field names on the record value to extract as the record key.",
    check: NON_EMPTY_LIST,
  })
  .define(REPLACE_NULL_WITH_DEFAULT);

const PURPOSE = "copying fields from value to key";

interface Plan {
  readonly keySchema: Schema;
  readonly fields: readonly Field[];
}

export class ValueToKey implements Transformation {
  private fields: readonly string[] = [];
  private replaceNullWithDefault = true;
  private readonly plans = new SchemaCache<Plan>();

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const values = parseConfig(CONFIG_DEF, props);
    this.fields = values[FIELDS_CONFIG] as string[];
    this.replaceNullWithDefault = values[REPLACE_NULL_WITH_DEFAULT.name] as boolean;
  }

  apply<R extends ConnectRecord>(record: R): R {
    if (record.valueSchema === null) {
      const value = requireMap(record.value, PURPOSE);
      const key = mapEmptyLike(value);
      for (const f of this.fields) mapSet(key, f, mapGet(value, f));
      return { ...record, keySchema: null, key };
    }
    const value = requireStruct(record.value, PURPOSE);
    const plan = this.plans.get(value.schema, (s) => this.buildPlan(s));
    const key = new Struct(plan.keySchema);
    for (const f of plan.fields) key.put(f.name, fieldValue(value, f, this.replaceNullWithDefault));
    return { ...record, keySchema: plan.keySchema, key, valueSchema: value.schema };
  }

  private buildPlan(schema: Schema): Plan {
    const b = SchemaBuilder.struct();
    const fields = this.fields.map((name) => {
      const f = findField(schema, name);
      if (!f) throw new DataError(`Field does not exist: ${name}`);
      b.field(name, f.schema);
      return f;
    });
    return { keySchema: b.build(), fields };
  }

  close(): void {}
}

export const valueToKeyPlugin = transformationPlugin("ValueToKey", () => new ValueToKey());
