/**
 * HeaderFrom$Key / HeaderFrom$Value: copy or move fields of the key/value into headers (Kafka's HeaderFrom).
 * `fields` and `headers` pair up by position; with schemas each header carries its field's schema.
 */

import { z } from "zod";
import { ConfigDef } from "../api/config-def.js";
import type { ConnectRecord, Header } from "../api/records.js";
import { DataError, type Field, type Schema, SchemaBuilder, Struct } from "../api/schema.js";
import type { Transformation } from "../api/transform.js";
import {
  ConfigError,
  copySchemaBasics,
  fieldValue,
  findField,
  keyValuePlugins,
  mapCopy,
  mapDelete,
  mapGet,
  NON_EMPTY_LIST,
  parseConfig,
  REPLACE_NULL_WITH_DEFAULT,
  type RecordPart,
  requireMap,
  requireStruct,
  SchemaCache,
} from "./util.js";

const FIELDS_FIELD = "fields";
const HEADERS_FIELD = "headers";
const OPERATION_FIELD = "operation";

const CONFIG_DEF = new ConfigDef()
  .define({
    name: FIELDS_FIELD,
    type: "LIST",
    importance: "HIGH",
    documentation: "Field names in the record whose values are to be copied or moved to headers.",
    check: NON_EMPTY_LIST,
  })
  .define({
    name: HEADERS_FIELD,
    type: "LIST",
    importance: "HIGH",
    documentation:
      "Header names, in the same order as the field names listed in the fields configuration property.",
    check: NON_EMPTY_LIST,
  })
  .define({
    name: OPERATION_FIELD,
    type: "STRING",
    importance: "HIGH",
    documentation:
      "Either <code>move</code> if the fields are to be moved to the headers (removed from the key/value), or <code>copy</code> if the fields are to be copied to the headers (retained in the key/value).",
    check: z.enum(["move", "copy"], { message: "String must be one of: move, copy" }),
    recommendedValues: ["move", "copy"],
  })
  .define(REPLACE_NULL_WITH_DEFAULT);

/** Per input schema: the value schema after the operation, and each header's source field. */
interface Plan {
  readonly schema: Schema;
  readonly keptFields: readonly Field[];
  readonly sources: readonly { readonly header: string; readonly field: Field }[];
}

export class HeaderFrom implements Transformation {
  private fields: readonly string[] = [];
  private headers: readonly string[] = [];
  private move = false;
  private replaceNullWithDefault = true;
  private purpose = "header copy";
  private readonly plans = new SchemaCache<Plan>();

  constructor(private readonly part: RecordPart) {}

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const values = parseConfig(CONFIG_DEF, props);
    this.fields = values[FIELDS_FIELD] as string[];
    this.headers = values[HEADERS_FIELD] as string[];
    if (this.fields.length !== this.headers.length) {
      throw new ConfigError(
        `'${FIELDS_FIELD}' config must have the same number of elements as '${HEADERS_FIELD}' config.`,
        HEADERS_FIELD,
      );
    }
    this.move = values[OPERATION_FIELD] === "move";
    this.purpose = `header ${values[OPERATION_FIELD] as string}`;
    this.replaceNullWithDefault = values[REPLACE_NULL_WITH_DEFAULT.name] as boolean;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = this.part.schema(record);
    const value = this.part.value(record);
    const headers: Header[] = [...record.headers];
    if (schema === null) {
      const map = requireMap(value, this.purpose);
      const updated = this.move ? mapCopy(map) : map;
      for (let i = 0; i < this.fields.length; i++) {
        const field = this.fields[i] as string;
        headers.push({ key: this.headers[i] as string, schema: null, value: mapGet(map, field) });
        if (this.move) mapDelete(updated, field);
      }
      return { ...this.part.with(record, null, updated), headers };
    }
    const struct = requireStruct(value, this.purpose);
    const plan = this.plans.get(schema, (s) => this.buildPlan(s));
    for (const { header, field } of plan.sources) {
      headers.push({
        key: header,
        schema: field.schema,
        value: fieldValue(struct, field, this.replaceNullWithDefault),
      });
    }
    let updated = struct;
    if (this.move) {
      updated = new Struct(plan.schema);
      for (const f of plan.keptFields)
        updated.put(f.name, fieldValue(struct, f, this.replaceNullWithDefault));
    }
    return { ...this.part.with(record, plan.schema, updated), headers };
  }

  private buildPlan(schema: Schema): Plan {
    const sources = this.fields.map((name, i) => {
      const field = findField(schema, name);
      if (!field) throw new DataError(`${name} is not a valid field name`);
      return { header: this.headers[i] as string, field };
    });
    if (!this.move) return { schema, keptFields: schema.fields ?? [], sources };
    const moved = new Set(this.fields);
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    const keptFields = (schema.fields ?? []).filter((f) => !moved.has(f.name));
    for (const f of keptFields) builder.field(f.name, f.schema);
    return { schema: builder.build(), keptFields, sources };
  }

  close(): void {}
}

export const headerFromPlugins = keyValuePlugins("HeaderFrom", (part) => new HeaderFrom(part));
