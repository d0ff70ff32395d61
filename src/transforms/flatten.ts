/**
 * Flatten$Key / Flatten$Value: flatten nested Structs (or schemaless maps) into one level, naming each field
 * by its path joined with `delimiter` (Kafka's Flatten). Arrays are kept as they are. A flattened field is
 * optional when any ancestor is, and takes its default from the nearest ancestor default.
 */
import { ConfigDef } from "../api/config-def.js";
import type { ConnectRecord } from "../api/records.js";
import { DataError, type Field, type Schema, SchemaBuilder, Struct } from "../api/schema.js";
import type { Transformation } from "../api/transform.js";
import {
  builderLike,
  copySchemaBasics,
  fieldValue,
  inferSchemaType,
  keyValuePlugins,
  mapEmptyLike,
  mapEntries,
  mapSet,
  parseConfig,
  type RecordPart,
  requireMap,
  requireStructOrNull,
  SchemaCache,
  type SchemalessMap,
  typeName,
} from "./util.js";

const DELIMITER_CONFIG = "delimiter";

const CONFIG_DEF = new ConfigDef().define({
  name: DELIMITER_CONFIG,
  type: "STRING",
  default: ".",
  importance: "MEDIUM",
  documentation:
    "Delimiter to insert between field names from the input record when generating field names for the output record",
});

const PURPOSE = "flattening";

const PRIMITIVE_OR_ARRAY = new Set([
  "int8",
  "int16",
  "int32",
  "int64",
  "float32",
  "float64",
  "boolean",
  "string",
  "bytes",
  "array",
]);

/** How one input field maps to the output: copied to `name`, or a struct whose fields are flattened in turn. */
interface Node {
  readonly field: Field;
  readonly name: string;
  readonly children?: readonly Node[];
}

interface Plan {
  readonly schema: Schema;
  readonly nodes: readonly Node[];
}

export class Flatten implements Transformation {
  private delimiter = ".";
  private readonly plans = new SchemaCache<Plan>();

  constructor(private readonly part: RecordPart) {}

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    this.delimiter = parseConfig(CONFIG_DEF, props)[DELIMITER_CONFIG] as string;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = this.part.value(record);
    if (value === null || value === undefined) return record;
    const schema = this.part.schema(record);
    if (schema === null) {
      const map = requireMap(value, PURPOSE);
      const out = mapEmptyLike(map);
      this.flattenMap(map, "", out);
      return this.part.with(record, null, out);
    }
    const struct = requireStructOrNull(value, PURPOSE);
    const plan = this.plans.get(schema, (s) => this.buildPlan(s));
    if (struct === null) return this.part.with(record, plan.schema, null);
    const out = new Struct(plan.schema);
    copyLeaves(struct, plan.nodes, out);
    return this.part.with(record, plan.schema, out);
  }

  private fieldName(prefix: string, name: string): string {
    return prefix === "" ? name : prefix + this.delimiter + name;
  }

  private flattenMap(map: SchemalessMap, prefix: string, out: SchemalessMap): void {
    for (const [key, v] of mapEntries(map)) {
      const name = this.fieldName(prefix, String(key));
      if (v === null || v === undefined) {
        mapSet(out, name, null);
        continue;
      }
      const type = inferSchemaType(v);
      if (type === null) {
        throw new DataError(
          `Flatten transformation was passed a value of type ${typeName(v)} which is not supported by Connect's data API`,
        );
      }
      if (PRIMITIVE_OR_ARRAY.has(type)) mapSet(out, name, v);
      else if (type === "map") this.flattenMap(requireMap(v, PURPOSE), name, out);
      else {
        throw new DataError(
          `Flatten transformation does not support ${typeName(v)} for record without schemas (for field ${name}).`,
        );
      }
    }
  }

  private buildPlan(schema: Schema): Plan {
    if (schema.type !== "struct") {
      throw new DataError(`Only Struct objects supported for [${PURPOSE}], found: ${schema.type}`);
    }
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    const defaultValue = schema.defaultValue instanceof Struct ? schema.defaultValue : null;
    const nodes = this.buildNodes(schema, "", builder, schema.optional, defaultValue);
    return { schema: builder.build(), nodes };
  }

  private buildNodes(
    schema: Schema,
    prefix: string,
    builder: SchemaBuilder,
    optional: boolean,
    defaultFromParent: Struct | null,
  ): Node[] {
    const nodes: Node[] = [];
    for (const field of schema.fields ?? []) {
      const name = this.fieldName(prefix, field.name);
      const fieldOptional = optional || field.schema.optional;
      let fieldDefault: unknown = null;
      if (field.schema.defaultValue !== undefined && field.schema.defaultValue !== null) {
        fieldDefault = field.schema.defaultValue;
      } else if (defaultFromParent !== null) {
        fieldDefault = fieldValue(defaultFromParent, field, true);
      }
      if (PRIMITIVE_OR_ARRAY.has(field.schema.type)) {
        builder.field(name, convertFieldSchema(field.schema, fieldOptional, fieldDefault));
        nodes.push({ field, name });
      } else if (field.schema.type === "struct") {
        const childDefault = fieldDefault instanceof Struct ? fieldDefault : null;
        nodes.push({
          field,
          name,
          children: this.buildNodes(field.schema, name, builder, fieldOptional, childDefault),
        });
      } else {
        throw new DataError(
          `Flatten transformation does not support ${field.schema.type.toUpperCase()} for record with schemas (for field ${name}).`,
        );
      }
    }
    return nodes;
  }

  close(): void {}
}

/** The field's schema, made optional and given the inherited default where the ancestors ask for it. */
function convertFieldSchema(orig: Schema, optional: boolean, defaultValue: unknown): Schema {
  if (orig.optional === optional && (defaultValue === null || defaultValue === orig.defaultValue))
    return orig;
  const b = builderLike(orig);
  if (optional) b.optional();
  if (defaultValue !== null && defaultValue !== undefined) b.defaultValue(defaultValue);
  return b.build();
}

function copyLeaves(struct: Struct, nodes: readonly Node[], out: Struct): void {
  for (const node of nodes) {
    const v = fieldValue(struct, node.field, true);
    if (node.children === undefined) out.put(node.name, v);
    // a null nested struct leaves its flattened fields unset, so they read as their defaults
    else if (v instanceof Struct) copyLeaves(v, node.children, out);
  }
}

export const flattenPlugins = keyValuePlugins("Flatten", (part) => new Flatten(part));
