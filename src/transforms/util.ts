/**
 * Helpers shared by the built-in transforms: Kafka's Requirements, SchemaUtil and SimpleConfig, the
 * key/value accessors of the `$Key`/`$Value` variants, and the per-schema cache of derived schemas.
 */
import { z } from "zod";
import type { ConfigDef } from "../api/config-def.js";
import { ConfigError } from "../api/errors.js";
import type { ConnectRecord, SinkRecord } from "../api/records.js";
import { DataError, type Field, type Schema, SchemaBuilder, type SchemaType, Struct } from "../api/schema.js";
import type { Predicate, PredicatePlugin, Transformation, TransformationPlugin } from "../api/transform.js";
import { FERRY_VERSION } from "../version.js";

export { ConfigError };

import { isPlainObject } from "../data/plain-object.js";
import { compileJavaRegex } from "./java-regex.js";

/** A JS stand-in for Java's class name in Kafka's error messages ("found: java.lang.String" → "found: string"). */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return "null";
  const t = typeof value;
  if (t !== "object") return t;
  if (value instanceof Struct) return "Struct";
  if (Array.isArray(value)) return "Array";
  if (Buffer.isBuffer(value)) return "Buffer";
  const proto = Object.getPrototypeOf(value);
  if (proto === null || proto === Object.prototype) return "Object";
  return (proto.constructor as { name?: string } | undefined)?.name || "Object";
}

// ---- Requirements ------------------------------------------------------------------------------------

/** A schemaless map value: a plain object or a Map with string keys. */
export type SchemalessMap = Record<string, unknown> | Map<string, unknown>;

export function isSchemalessMap(value: unknown): value is SchemalessMap {
  return value instanceof Map || isPlainObject(value);
}

export function requireSchema(schema: Schema | null, purpose: string): Schema {
  if (schema === null) throw new DataError(`Schema required for [${purpose}]`);
  return schema;
}

export function requireMap(value: unknown, purpose: string): SchemalessMap {
  if (!isSchemalessMap(value)) {
    throw new DataError(
      `Only Map objects supported in absence of schema for [${purpose}], found: ${typeName(value)}`,
    );
  }
  return value;
}

export function requireMapOrNull(value: unknown, purpose: string): SchemalessMap | null {
  return value === null || value === undefined ? null : requireMap(value, purpose);
}

export function requireStruct(value: unknown, purpose: string): Struct {
  if (!(value instanceof Struct)) {
    throw new DataError(`Only Struct objects supported for [${purpose}], found: ${typeName(value)}`);
  }
  return value;
}

export function requireStructOrNull(value: unknown, purpose: string): Struct | null {
  return value === null || value === undefined ? null : requireStruct(value, purpose);
}

export function isSinkRecord(record: ConnectRecord): record is SinkRecord {
  return typeof (record as Partial<SinkRecord>).kafkaOffset === "number";
}

export function requireSinkRecord(record: ConnectRecord, purpose: string): SinkRecord {
  if (!isSinkRecord(record)) {
    const found = "sourcePartition" in record ? "SourceRecord" : typeName(record);
    throw new DataError(`Only SinkRecord supported for [${purpose}], found: ${found}`);
  }
  return record;
}

// ---- Schemaless maps: plain objects and Maps are both accepted, and the output keeps the input's kind ----

export function mapGet(map: SchemalessMap, key: string): unknown {
  if (map instanceof Map) return map.get(key) ?? null;
  return Object.hasOwn(map, key) ? (map[key] ?? null) : null;
}

export function mapSet(map: SchemalessMap, key: string, value: unknown): void {
  if (map instanceof Map) map.set(key, value);
  // a plain assignment to "__proto__" would replace the prototype instead of adding a key
  else if (key === "__proto__") Object.defineProperty(map, key, { value, enumerable: true, writable: true });
  else map[key] = value;
}

export function mapDelete(map: SchemalessMap, key: string): void {
  if (map instanceof Map) map.delete(key);
  else delete map[key];
}

/** A shallow copy of the same kind (Map or plain object). */
export function mapCopy(map: SchemalessMap): SchemalessMap {
  return map instanceof Map ? new Map(map) : { ...map };
}

/** An empty map of the same kind as `like`. */
export function mapEmptyLike(like: SchemalessMap): SchemalessMap {
  return like instanceof Map ? new Map<string, unknown>() : {};
}

export function mapEntries(map: SchemalessMap): Iterable<[string, unknown]> {
  return map instanceof Map ? map.entries() : Object.entries(map);
}

/** The Connect type of a schemaless value (Kafka's ConnectSchema.schemaType), or null for a foreign type. */
export function inferSchemaType(value: unknown): SchemaType | null {
  switch (typeof value) {
    case "string":
      return "string";
    case "boolean":
      return "boolean";
    case "number":
      // JSON-like numbers: integral ones behave as Java longs, the rest as doubles
      return Number.isInteger(value) ? "int64" : "float64";
    case "bigint":
      return "int64";
    case "object":
      if (value instanceof Uint8Array) return "bytes";
      if (Array.isArray(value)) return "array";
      if (value instanceof Struct) return "struct";
      if (isSchemalessMap(value)) return "map";
      return null;
    default:
      return null;
  }
}

// ---- Structs and schemas ---------------------------------------------------------------------------------

/**
 * A struct field's value honouring `replace.null.with.default` (KIP-1040): with `withDefault`, a null falls
 * back to the field's default, as Kafka's Struct.get does; without, the stored null is kept.
 */
export function fieldValue(struct: Struct, field: Field, withDefault: boolean): unknown {
  const v = struct.getWithoutDefault(field.name);
  return v === null && withDefault ? (field.schema.defaultValue ?? null) : v;
}

export function findField(schema: Schema, name: string): Field | undefined {
  return schema.fields?.find((f) => f.name === name);
}

/** Kafka's SchemaUtil.copySchemaBasics: name, version, doc and parameters onto `builder`. */
export function copySchemaBasics(source: Schema, builder: SchemaBuilder): SchemaBuilder {
  if (source.name !== undefined) builder.name(source.name);
  if (source.version !== undefined) builder.version(source.version);
  if (source.doc !== undefined) builder.doc(source.doc);
  for (const [k, v] of Object.entries(source.parameters ?? {})) builder.parameter(k, v);
  return builder;
}

/** A builder of the same type (and element schemas) as `source`, with its basics copied. */
export function builderLike(source: Schema): SchemaBuilder {
  let b: SchemaBuilder;
  if (source.type === "array" && source.valueSchema) b = SchemaBuilder.array(source.valueSchema);
  else if (source.type === "map" && source.keySchema && source.valueSchema)
    b = SchemaBuilder.map(source.keySchema, source.valueSchema);
  else b = new SchemaBuilder(source.type);
  return copySchemaBasics(source, b);
}

/**
 * Derived schemas, cached per input schema as Kafka's transforms do with their schema-update caches, so
 * that a schema is rebuilt once rather than per record. Lookups go by identity first (free on the hot path,
 * since converters hand out the same Schema object for the same schema); an unseen object falls back to a
 * structural fingerprint in a small LRU, as Kafka's cache keys on Schema.equals(), so equal schemas from
 * different objects still share one derived schema.
 */
export class SchemaCache<V> {
  private readonly byIdentity = new WeakMap<Schema, V>();
  private readonly byShape = new Map<string, V>();

  constructor(private readonly capacity = 16) {}

  get(schema: Schema, build: (schema: Schema) => V): V {
    const hit = this.byIdentity.get(schema);
    if (hit !== undefined) return hit;
    const shape = schemaFingerprint(schema);
    let v = this.byShape.get(shape);
    if (v === undefined) {
      v = build(schema);
      if (this.byShape.size >= this.capacity) {
        const oldest = this.byShape.keys().next().value;
        if (oldest !== undefined) this.byShape.delete(oldest);
      }
    } else {
      this.byShape.delete(shape); // re-insert below: most recently used last
    }
    this.byShape.set(shape, v);
    this.byIdentity.set(schema, v);
    return v;
  }
}

const fingerprints = new WeakMap<Schema, string>();

/** A string equal for structurally equal schemas (type, optionality, default, name, version, doc, parameters, children). */
export function schemaFingerprint(schema: Schema): string {
  let fp = fingerprints.get(schema);
  if (fp !== undefined) return fp;
  const parts: string[] = [schema.type, schema.optional ? "?" : "!"];
  if (schema.name !== undefined) parts.push(`n=${JSON.stringify(schema.name)}`);
  if (schema.version !== undefined) parts.push(`v=${schema.version}`);
  if (schema.doc !== undefined) parts.push(`d=${JSON.stringify(schema.doc)}`);
  if (schema.parameters) parts.push(`p=${JSON.stringify(Object.entries(schema.parameters).sort())}`);
  if (schema.defaultValue !== undefined) parts.push(`def=${valueFingerprint(schema.defaultValue)}`);
  if (schema.keySchema) parts.push(`k=${schemaFingerprint(schema.keySchema)}`);
  if (schema.valueSchema) parts.push(`e=${schemaFingerprint(schema.valueSchema)}`);
  if (schema.fields) {
    parts.push(
      `f=[${schema.fields.map((f) => `${JSON.stringify(f.name)}:${schemaFingerprint(f.schema)}`).join(",")}]`,
    );
  }
  fp = `{${parts.join(";")}}`;
  fingerprints.set(schema, fp);
  return fp;
}

function valueFingerprint(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v !== "object") return JSON.stringify(v) ?? String(v);
  if (v instanceof Date) return `D${v.getTime()}`;
  if (v instanceof Uint8Array)
    return `B${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64")}`;
  if (v instanceof Struct) return `S${schemaFingerprint(v.schema)}${valueFingerprint(v.toJSON())}`;
  if (Array.isArray(v)) return `[${v.map(valueFingerprint).join(",")}]`;
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
  return `{${entries.map(([k, x]) => `${valueFingerprint(k)}:${valueFingerprint(x)}`).join(",")}}`;
}

// ---- $Key / $Value -------------------------------------------------------------------------------------

/** The part of the record a `$Key` or `$Value` variant operates on (Kafka's operatingSchema/Value/newRecord). */
export interface RecordPart {
  readonly name: "key" | "value";
  schema(record: ConnectRecord): Schema | null;
  value(record: ConnectRecord): unknown;
  /** A copy of `record` with this part replaced; other fields (source offsets, sink offsets) are kept. */
  with<R extends ConnectRecord>(record: R, schema: Schema | null, value: unknown): R;
}

export const KEY: RecordPart = {
  name: "key",
  schema: (r) => r.keySchema,
  value: (r) => r.key,
  with: (r, schema, value) => ({ ...r, keySchema: schema, key: value }),
};

export const VALUE: RecordPart = {
  name: "value",
  schema: (r) => r.valueSchema,
  value: (r) => r.value,
  with: (r, schema, value) => ({ ...r, valueSchema: schema, value }),
};

// ---- Config ----------------------------------------------------------------------------------------------

/**
 * Kafka's SimpleConfig: parse and check `props` against `def`, throwing a ConfigError naming the first bad
 * key (all messages are included).
 */
export function parseConfig(
  def: ConfigDef,
  props: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const { values, errors } = def.parse(props);
  const keys = Object.keys(errors);
  const first = keys[0];
  if (first !== undefined) {
    const messages = keys.flatMap((k) => errors[k] ?? []);
    throw new ConfigError(messages.join("; "), first);
  }
  return values;
}

/** Kafka's common replace.null.with.default key (KIP-1040). */
export const REPLACE_NULL_WITH_DEFAULT = {
  name: "replace.null.with.default",
  type: "BOOLEAN",
  default: true,
  importance: "MEDIUM",
  documentation:
    "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.",
} as const;

// ---- Plugins ---------------------------------------------------------------------------------------------

/** Version reported for the built-in transforms and predicates: Ferry's own, as Kafka reports its own. */
export const TRANSFORMS_VERSION = FERRY_VERSION;

export const TRANSFORMS_PACKAGE = "org.apache.kafka.connect.transforms";
export const PREDICATES_PACKAGE = "org.apache.kafka.connect.transforms.predicates";

/** A transform registered under Kafka's class name, e.g. org.apache.kafka.connect.transforms.Filter, alias Filter. */
export function transformationPlugin(simpleName: string, create: () => Transformation): TransformationPlugin {
  return {
    type: "transformation",
    className: `${TRANSFORMS_PACKAGE}.${simpleName}`,
    aliases: [simpleName],
    version: TRANSFORMS_VERSION,
    create,
  };
}

/** The `$Key` and `$Value` variants of a transform, e.g. Cast$Key and Cast$Value. */
export function keyValuePlugins(
  simpleName: string,
  create: (part: RecordPart) => Transformation,
): TransformationPlugin[] {
  return [
    transformationPlugin(`${simpleName}$Key`, () => create(KEY)),
    transformationPlugin(`${simpleName}$Value`, () => create(VALUE)),
  ];
}

export function predicatePlugin(simpleName: string, create: () => Predicate): PredicatePlugin {
  return {
    type: "predicate",
    className: `${PREDICATES_PACKAGE}.${simpleName}`,
    aliases: [simpleName],
    version: TRANSFORMS_VERSION,
    create,
  };
}

/** Kafka's NonEmptyListValidator. */
export const NON_EMPTY_LIST = z.array(z.string()).min(1, "Empty list");

/** Kafka's ConfigDef.NonEmptyString. */
export const NON_EMPTY_STRING = z.string().min(1, "String must be non-empty");

/** Kafka's RegexValidator: the value must compile as a (Java) regex; parses to the compiled pattern. */
export const JAVA_REGEX = z.string().transform((v, ctx) => {
  try {
    return compileJavaRegex(v);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: `Invalid regex: ${(e as Error).message}` });
    return z.NEVER;
  }
});
