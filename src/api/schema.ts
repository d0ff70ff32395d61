/**
 * Kafka Connect's data model: schemas and structs, as connectors, converters and transforms see them.
 * Mirrors org.apache.kafka.connect.data so that JsonConverter envelopes round-trip with Kafka Connect.
 */

export type SchemaType =
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "float32"
  | "float64"
  | "boolean"
  | "string"
  | "bytes"
  | "array"
  | "map"
  | "struct";

export interface Field {
  readonly name: string;
  readonly index: number;
  readonly schema: Schema;
}

export interface Schema {
  readonly type: SchemaType;
  readonly optional: boolean;
  readonly defaultValue?: unknown;
  /** Logical type name, e.g. org.apache.kafka.connect.data.Timestamp. */
  readonly name?: string;
  readonly version?: number;
  readonly doc?: string;
  readonly parameters?: Readonly<Record<string, string>>;
  /** struct only, in declaration order */
  readonly fields?: readonly Field[];
  /** map only */
  readonly keySchema?: Schema;
  /** map and array */
  readonly valueSchema?: Schema;
}

/**
 * A value of a struct schema. Values are kept by field name; `get` of an unknown field throws,
 * as Kafka's Struct does, so a typo in a transform's config is an error rather than a silent null.
 */
export class Struct {
  readonly schema: Schema;
  private readonly values = new Map<string, unknown>();

  constructor(schema: Schema) {
    if (schema.type !== "struct") throw new DataError(`Struct needs a struct schema, got ${schema.type}`);
    this.schema = schema;
  }

  field(name: string): Field {
    const f = fieldIndex(this.schema).get(name);
    if (!f) throw new DataError(`${name} is not a valid field name`);
    return f;
  }

  /** The field's value; a missing or null value falls back to the field's default, as Kafka's Struct.get. */
  get(name: string): unknown {
    const f = this.field(name);
    const v = this.values.get(name);
    return v === undefined || v === null ? (f.schema.defaultValue ?? null) : v;
  }

  /** The stored value without falling back to the field default. */
  getWithoutDefault(name: string): unknown {
    this.field(name);
    return this.values.get(name) ?? null;
  }

  put(name: string, value: unknown): this {
    this.field(name);
    this.values.set(name, value);
    return this;
  }

  /** Throws when a required field is missing, as Struct.validate does. */
  validate(): void {
    for (const f of this.schema.fields ?? []) {
      const v = this.get(f.name);
      if ((v === null || v === undefined) && !f.schema.optional) {
        throw new DataError(
          `Invalid value: null used for required field: "${f.name}", schema type: ${f.schema.type}`,
        );
      }
    }
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    // an unset field shows its default; an explicit null stays null
    for (const f of this.schema.fields ?? []) {
      const v = this.values.get(f.name);
      out[f.name] = v === undefined ? (f.schema.defaultValue ?? null) : v;
    }
    return out;
  }
}

/** Field lookup by name, built once per schema object (schemas are immutable). */
const fieldIndexes = new WeakMap<Schema, Map<string, Field>>();

function fieldIndex(schema: Schema): Map<string, Field> {
  let idx = fieldIndexes.get(schema);
  if (!idx) {
    idx = new Map((schema.fields ?? []).map((f) => [f.name, f]));
    fieldIndexes.set(schema, idx);
  }
  return idx;
}

export class DataError extends Error {
  override name = "DataError";
}

/** Builder in the style of Kafka's SchemaBuilder, for connector and transform authors. */
export class SchemaBuilder {
  private s: {
    type: SchemaType;
    optional: boolean;
    defaultValue?: unknown;
    name?: string;
    version?: number;
    doc?: string;
    parameters?: Record<string, string>;
    fields?: Field[];
    keySchema?: Schema;
    valueSchema?: Schema;
  };

  constructor(type: SchemaType) {
    this.s = { type, optional: false };
    if (type === "struct") this.s.fields = [];
  }

  static struct(): SchemaBuilder {
    return new SchemaBuilder("struct");
  }
  static array(valueSchema: Schema): SchemaBuilder {
    const b = new SchemaBuilder("array");
    b.s.valueSchema = valueSchema;
    return b;
  }
  static map(keySchema: Schema, valueSchema: Schema): SchemaBuilder {
    const b = new SchemaBuilder("map");
    b.s.keySchema = keySchema;
    b.s.valueSchema = valueSchema;
    return b;
  }

  optional(): this {
    this.s.optional = true;
    return this;
  }
  required(): this {
    this.s.optional = false;
    return this;
  }
  defaultValue(v: unknown): this {
    this.s.defaultValue = v;
    return this;
  }
  name(n: string): this {
    this.s.name = n;
    return this;
  }
  version(v: number): this {
    this.s.version = v;
    return this;
  }
  doc(d: string): this {
    this.s.doc = d;
    return this;
  }
  parameter(k: string, v: string): this {
    this.s.parameters = { ...(this.s.parameters ?? {}), [k]: v };
    return this;
  }
  field(name: string, schema: Schema): this {
    if (this.s.type !== "struct") throw new DataError(`Cannot create fields on type ${this.s.type}`);
    const fields = this.s.fields ?? [];
    if (fields.some((f) => f.name === name))
      throw new DataError(`Cannot create field because of field name duplication ${name}`);
    fields.push({ name, index: fields.length, schema });
    this.s.fields = fields;
    return this;
  }
  build(): Schema {
    return Object.freeze({
      ...this.s,
      fields: this.s.fields ? Object.freeze([...this.s.fields]) : undefined,
    });
  }
}

function primitive(type: SchemaType, optional: boolean): Schema {
  return Object.freeze({ type, optional });
}

/** The constants of Kafka's Schema interface. */
export const Schemas = {
  INT8: primitive("int8", false),
  INT16: primitive("int16", false),
  INT32: primitive("int32", false),
  INT64: primitive("int64", false),
  FLOAT32: primitive("float32", false),
  FLOAT64: primitive("float64", false),
  BOOLEAN: primitive("boolean", false),
  STRING: primitive("string", false),
  BYTES: primitive("bytes", false),
  OPTIONAL_INT8: primitive("int8", true),
  OPTIONAL_INT16: primitive("int16", true),
  OPTIONAL_INT32: primitive("int32", true),
  OPTIONAL_INT64: primitive("int64", true),
  OPTIONAL_FLOAT32: primitive("float32", true),
  OPTIONAL_FLOAT64: primitive("float64", true),
  OPTIONAL_BOOLEAN: primitive("boolean", true),
  OPTIONAL_STRING: primitive("string", true),
  OPTIONAL_BYTES: primitive("bytes", true),
} as const;

/** Logical type names, as in org.apache.kafka.connect.data. */
export const LogicalTypes = {
  DECIMAL: "org.apache.kafka.connect.data.Decimal",
  DATE: "org.apache.kafka.connect.data.Date",
  TIME: "org.apache.kafka.connect.data.Time",
  TIMESTAMP: "org.apache.kafka.connect.data.Timestamp",
} as const;
