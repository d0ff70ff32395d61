/**
 * The value and schema translation of Kafka's JsonConverter, compiled once per Schema object into closures so
 * that the per-record work is a walk over the value with no schema inspection, map lookups or re-serialisation.
 *
 * Value representation (what toConnect produces and fromConnect accepts):
 * - int8/int16/int32, float32/float64: number; int64: number, or bigint when beyond ±2^53 (accepted either way)
 * - bytes: Buffer (Uint8Array accepted); string; boolean; array: JS array; struct: Struct
 * - map: a plain object when the key schema is string (JSON object form), else a Map (JSON array of [k, v])
 * - Decimal: Decimal; Date, Time, Timestamp: JS Date (UTC)
 */
import {
  DataError,
  LogicalTypes,
  type Schema,
  SchemaBuilder,
  type SchemaType,
  Struct,
} from "../api/schema.js";
import { Decimal } from "../data/decimal.js";
import { describe } from "../data/describe.js";
import { toInt64 } from "../data/int64.js";
import { integerString, jsonDouble, jsonFloat } from "../data/java-format.js";
import {
  dateToDays,
  daysToDate,
  decimalForScale,
  decimalScale,
  millisToTime,
  timestampToMillis,
  timeToMillis,
} from "../data/logical.js";
import { isPlainObject } from "../data/plain-object.js";
import { base64, decodeBase64, invalidType, nodeType, quote, typeName } from "./json-text.js";
import { JsonNumber } from "./lossless-json.js";
import { schemaEquals } from "./schema-equals.js";
import { structValues } from "./struct-access.js";

export type DecimalFormat = "BASE64" | "NUMERIC";

export interface JsonCodecOptions {
  readonly replaceNullWithDefault: boolean;
  readonly decimalFormat: DecimalFormat;
}

type Writer = (value: unknown) => string;
type Reader = (json: unknown) => unknown;

/**
 * Thrown (one shared instance, so no stack trace is built per record) by a reader that met a JSON number it cannot take from
 * a JS number without loss: a Decimal in NUMERIC form or an int64 beyond 2^53. The converter then re-parses the
 * record with exact numbers (lossless-json) and reads it again.
 */
export class NeedExactNumbers extends Error {
  override name = "NeedExactNumbers";
}
export const NEED_EXACT_NUMBERS = new NeedExactNumbers("record needs exact number parsing");

const JSON_TYPE_NAMES: Readonly<Record<SchemaType, string>> = {
  int8: '"int8"',
  int16: '"int16"',
  int32: '"int32"',
  int64: '"int64"',
  float32: '"float"',
  float64: '"double"',
  boolean: '"boolean"',
  string: '"string"',
  bytes: '"bytes"',
  array: '"array"',
  map: '"map"',
  struct: '"struct"',
};

const SCHEMA_TYPES_BY_JSON_NAME: Readonly<Record<string, SchemaType>> = {
  boolean: "boolean",
  int8: "int8",
  int16: "int16",
  int32: "int32",
  int64: "int64",
  float: "float32",
  double: "float64",
  bytes: "bytes",
  string: "string",
  array: "array",
  map: "map",
  struct: "struct",
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TWO_POW_63 = 2 ** 63;
const ENVELOPE_END = "}";

function isJsonObject(j: unknown): j is Record<string, unknown> {
  return typeof j === "object" && j !== null && !Array.isArray(j) && !(j instanceof JsonNumber);
}

/** A JSON node's number, 0 for non-numbers as Jackson's accessors; int readers then narrow it like Java casts. */
function numberOf(j: unknown): number {
  if (typeof j === "number") return j;
  if (j instanceof JsonNumber) return j.toNumber();
  return 0;
}

/** Floats also read the "NaN"/"Infinity" strings Jackson writes for non-finite values (Kafka itself reads 0 there). */
function floatOf(j: unknown): number {
  if (typeof j === "number") return j;
  if (j instanceof JsonNumber) return j.toNumber();
  if (j === "NaN") return Number.NaN;
  if (j === "Infinity") return Number.POSITIVE_INFINITY;
  if (j === "-Infinity") return Number.NEGATIVE_INFINITY;
  return 0;
}

/** int64 from exact text: truncated and wrapped to 64 bits like Jackson's longValue(); number when safe. */
function int64FromText(text: string): number | bigint {
  const whole = /^-?\d+$/.test(text) ? BigInt(text) : Decimal.parse(text).toBigInt();
  return toInt64(whole);
}

/** Jackson's isInt(): an integral number within int32. */
function int32Node(j: unknown): number | null {
  let n: number;
  if (typeof j === "number") n = j;
  else if (j instanceof JsonNumber && j.isIntegral) n = j.toNumber();
  else return null;
  return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? n : null;
}

function intWriter(schema: Schema, min: number, max: number): Writer {
  return (v) => {
    if (typeof v === "number" && Number.isInteger(v)) {
      if (v >= min && v <= max) return String(v);
      throw new DataError(`Value ${v} is out of range for ${typeName(schema)}`);
    }
    throw invalidType(schema, v);
  };
}

/** Converts a schemaless JSON value to its Connect form; only exact-number parses need any work. */
function plainValue(j: unknown): unknown {
  if (typeof j !== "object" || j === null) return j;
  if (j instanceof JsonNumber) {
    if (!j.isIntegral) return j.toNumber();
    return int64FromText(j.text);
  }
  if (Array.isArray(j)) {
    for (let i = 0; i < j.length; i++) j[i] = plainValue(j[i]);
    return j;
  }
  const o = j as Record<string, unknown>;
  for (const k of Object.keys(o)) o[k] = plainValue(o[k]);
  return o;
}

export class JsonCodec {
  private readonly options: JsonCodecOptions;
  private readonly writers = new WeakMap<Schema, Writer>();
  private readonly readers = new WeakMap<Schema, Reader>();
  private readonly schemaJson = new WeakMap<Schema, string>();
  private readonly envelopes = new WeakMap<Schema, string>();

  constructor(options: JsonCodecOptions) {
    this.options = options;
  }

  // ---------------------------------------------------------------- Connect → JSON

  /** `{"schema":<schema>,"payload":` for this schema, computed once per Schema object. */
  envelopeStart(schema: Schema): string {
    let s = this.envelopes.get(schema);
    if (s === undefined) {
      s = `{"schema":${this.schemaToJson(schema)},"payload":`;
      this.envelopes.set(schema, s);
    }
    return s;
  }

  envelope(schema: Schema | null, value: unknown): string {
    if (schema === null) return `{"schema":null,"payload":${this.writeSchemaless(value)}${ENVELOPE_END}`;
    return this.envelopeStart(schema) + this.writer(schema)(value) + ENVELOPE_END;
  }

  /** JsonConverter.asJsonSchema, with Kafka's key order so the text matches Kafka byte for byte. */
  schemaToJson(schema: Schema): string {
    const cached = this.schemaJson.get(schema);
    if (cached !== undefined) return cached;
    let s = `{"type":${JSON_TYPE_NAMES[schema.type]}`;
    switch (schema.type) {
      case "array":
        s += `,"items":${this.optionalSchemaJson(schema.valueSchema)}`;
        break;
      case "map":
        s += `,"keys":${this.optionalSchemaJson(schema.keySchema)},"values":${this.optionalSchemaJson(schema.valueSchema)}`;
        break;
      case "struct": {
        const parts: string[] = [];
        for (const f of schema.fields ?? []) {
          // Kafka copies the field's schema JSON and appends "field" last.
          parts.push(`${this.schemaToJson(f.schema).slice(0, -1)},"field":${quote(f.name)}}`);
        }
        s += `,"fields":[${parts.join(",")}]`;
        break;
      }
    }
    s += `,"optional":${schema.optional ? "true" : "false"}`;
    if (schema.name !== undefined && schema.name !== null) s += `,"name":${quote(schema.name)}`;
    if (schema.version !== undefined && schema.version !== null)
      s += `,"version":${integerString(schema.version)}`;
    if (schema.doc !== undefined && schema.doc !== null) s += `,"doc":${quote(schema.doc)}`;
    if (schema.parameters !== undefined && schema.parameters !== null) {
      const params: string[] = [];
      for (const [k, v] of Object.entries(schema.parameters)) params.push(`${quote(k)}:${quote(v)}`);
      s += `,"parameters":{${params.join(",")}}`;
    }
    if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
      s += `,"default":${this.writer(schema)(schema.defaultValue)}`;
    }
    s += "}";
    this.schemaJson.set(schema, s);
    return s;
  }

  private optionalSchemaJson(schema: Schema | undefined): string {
    return schema ? this.schemaToJson(schema) : "null";
  }

  /** JSON text of a value of `schema` (JsonConverter.convertToJson). */
  writer(schema: Schema): Writer {
    let w = this.writers.get(schema);
    if (w === undefined) {
      w = this.compileWriter(schema);
      this.writers.set(schema, w);
    }
    return w;
  }

  private compileWriter(schema: Schema): Writer {
    const inner = this.compileValueWriter(schema);
    const def = schema.defaultValue;
    const useDefault = def !== undefined && def !== null && this.options.replaceNullWithDefault;
    const optional = schema.optional;
    return (v) => {
      if (v === null || v === undefined) {
        if (useDefault) return inner(def);
        if (optional) return "null";
        throw new DataError(
          "Conversion error: null value for field that is required and has no default value",
        );
      }
      return inner(v);
    };
  }

  private compileValueWriter(schema: Schema): Writer {
    switch (schema.name) {
      case LogicalTypes.DECIMAL:
        if (this.options.decimalFormat === "NUMERIC") {
          return (v) => {
            if (v instanceof Decimal) return v.toString();
            if (typeof v === "string" || typeof v === "number" || typeof v === "bigint") {
              return Decimal.from(v).toString();
            }
            throw new DataError(`Invalid type for Decimal, expected Decimal but was ${describe(v)}`);
          };
        }
        return (v) => `"${decimalForScale(v, decimalScale(schema)).toBytes().toString("base64")}"`;
      case LogicalTypes.DATE:
        return (v) => String(dateToDays(v));
      case LogicalTypes.TIME:
        return (v) => String(timeToMillis(v));
      case LogicalTypes.TIMESTAMP:
        return (v) => integerString(timestampToMillis(v));
    }
    switch (schema.type) {
      case "int8":
        return intWriter(schema, -128, 127);
      case "int16":
        return intWriter(schema, -32768, 32767);
      case "int32":
        return intWriter(schema, -2147483648, 2147483647);
      case "int64":
        return (v) => {
          if (typeof v === "number") {
            if (Number.isInteger(v) && v >= -TWO_POW_63 && v < TWO_POW_63) return integerString(v);
          } else if (typeof v === "bigint") {
            if (v >= INT64_MIN && v <= INT64_MAX) return v.toString();
          }
          throw invalidType(schema, v);
        };
      case "float32":
        return (v) => {
          if (typeof v === "number") return jsonFloat(v);
          throw invalidType(schema, v);
        };
      case "float64":
        return (v) => {
          if (typeof v === "number") return jsonDouble(v);
          throw invalidType(schema, v);
        };
      case "boolean":
        return (v) => {
          if (v === true) return "true";
          if (v === false) return "false";
          throw invalidType(schema, v);
        };
      case "string":
        return (v) => {
          if (typeof v === "string") return quote(v);
          throw invalidType(schema, v);
        };
      case "bytes":
        return (v) => {
          if (v instanceof Uint8Array) return `"${base64(v)}"`;
          if (v instanceof ArrayBuffer) return `"${Buffer.from(v).toString("base64")}"`;
          throw new DataError(`Invalid type for bytes type: ${describe(v)}`);
        };
      case "array":
        return this.arrayWriter(schema);
      case "map":
        return this.mapWriter(schema);
      case "struct":
        return this.structWriter(schema);
    }
  }

  private arrayWriter(schema: Schema): Writer {
    const elem = schema.valueSchema
      ? this.writer(schema.valueSchema)
      : (v: unknown) => this.writeSchemaless(v);
    return (v) => {
      if (!Array.isArray(v)) throw invalidType(schema, v);
      const n = v.length;
      if (n === 0) return "[]";
      let s = `[${elem(v[0])}`;
      for (let i = 1; i < n; i++) s += `,${elem(v[i])}`;
      return `${s}]`;
    };
  }

  private mapWriter(schema: Schema): Writer {
    const keySchema = schema.keySchema;
    const keyW = keySchema ? this.writer(keySchema) : (v: unknown) => this.writeSchemaless(v);
    const valW = schema.valueSchema
      ? this.writer(schema.valueSchema)
      : (v: unknown) => this.writeSchemaless(v);
    if (keySchema && keySchema.type !== "string") {
      // Non-string keys: a JSON array of [key, value] pairs.
      return (v) => {
        let s = "[";
        let first = true;
        const add = (k: unknown, val: unknown) => {
          s += `${first ? "" : ","}[${keyW(k)},${valW(val)}]`;
          first = false;
        };
        if (v instanceof Map) for (const [k, val] of v) add(k, val);
        else if (isPlainObject(v)) for (const k of Object.keys(v)) add(k, v[k]);
        else throw invalidType(schema, v);
        return `${s}]`;
      };
    }
    return (v) => {
      if (isPlainObject(v)) {
        let s = "{";
        let first = true;
        for (const k of Object.keys(v)) {
          s += `${first ? "" : ","}${quote(k)}:${valW(v[k])}`;
          first = false;
        }
        return `${s}}`;
      }
      if (!(v instanceof Map)) throw invalidType(schema, v);
      // Kafka writes the key's JSON as text (asText), so a null key becomes "null".
      let s = "{";
      let first = true;
      for (const [k, val] of v) {
        const kj = keyW(k);
        s += `${first ? "" : ","}${kj.charCodeAt(0) === 0x22 ? kj : quote(kj)}:${valW(val)}`;
        first = false;
      }
      return `${s}}`;
    };
  }

  private structWriter(schema: Schema): Writer {
    const fields = schema.fields ?? [];
    const n = fields.length;
    const names = fields.map((f) => f.name);
    const writers = fields.map((f) => this.writer(f.schema));
    const keys = fields.map((f, i) => `${i === 0 ? "{" : ","}${quote(f.name)}:`);
    return (v) => {
      if (!(v instanceof Struct)) throw invalidType(schema, v);
      if (v.schema !== schema && !schemaEquals(v.schema, schema)) throw new DataError("Mismatching schema.");
      if (n === 0) return "{}";
      const values = structValues(v);
      let s = "";
      for (let i = 0; i < n; i++) {
        const name = names[i] as string;
        const fv = values ? (values.get(name) ?? null) : v.getWithoutDefault(name);
        s += keys[i] + (writers[i] as Writer)(fv);
      }
      return `${s}}`;
    };
  }

  /** A value without a schema (JsonConverter infers the type from the Java class). */
  writeSchemaless(v: unknown): string {
    if (v === null || v === undefined) return "null";
    switch (typeof v) {
      case "string":
        return quote(v);
      case "number":
        return Number.isInteger(v) ? integerString(v) : jsonDouble(v);
      case "boolean":
        return v ? "true" : "false";
      case "bigint":
        return v.toString();
      case "object":
        break;
      default:
        throw new DataError(`JavaScript type ${typeof v} does not have corresponding schema type.`);
    }
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      let s = "[";
      for (let i = 0; i < v.length; i++) s += (i === 0 ? "" : ",") + this.writeSchemaless(v[i]);
      return `${s}]`;
    }
    if (v instanceof Uint8Array) return `"${base64(v)}"`;
    if (isPlainObject(v)) {
      let s = "{";
      let first = true;
      for (const k of Object.keys(v)) {
        s += `${first ? "" : ","}${quote(k)}:${this.writeSchemaless(v[k])}`;
        first = false;
      }
      return `${s}}`;
    }
    if (v instanceof Map) {
      let stringKeys = true;
      for (const k of v.keys()) {
        if (typeof k !== "string") {
          stringKeys = false;
          break;
        }
      }
      let s = stringKeys ? "{" : "[";
      let first = true;
      for (const [k, val] of v) {
        const sep = first ? "" : ",";
        first = false;
        if (stringKeys) s += `${sep}${quote(k)}:${this.writeSchemaless(val)}`;
        else s += `${sep}[${this.writeSchemaless(k)},${this.writeSchemaless(val)}]`;
      }
      return s + (stringKeys ? "}" : "]");
    }
    // A Struct carries its own schema, but Kafka refuses it here too (its schema cannot equal null).
    if (v instanceof Struct) throw new DataError("Mismatching schema.");
    throw new DataError(`JavaScript class ${describe(v)} does not have corresponding schema type.`);
  }

  // ---------------------------------------------------------------- JSON → Connect

  /** The Connect value of parsed JSON for `schema` (JsonConverter.convertToConnect). */
  reader(schema: Schema): Reader {
    let r = this.readers.get(schema);
    if (r === undefined) {
      r = this.compileReader(schema);
      this.readers.set(schema, r);
    }
    return r;
  }

  /** Schemaless JSON is already in Connect form (objects are string-keyed maps). */
  readSchemaless(j: unknown): unknown {
    return plainValue(j);
  }

  private compileReader(schema: Schema): Reader {
    const inner = this.compileValueReader(schema);
    const def = schema.defaultValue;
    const useDefault = def !== undefined && def !== null && this.options.replaceNullWithDefault;
    const optional = schema.optional;
    return (j) => {
      if (j === null || j === undefined) {
        if (useDefault) return def;
        if (optional) return null;
        throw new DataError(`Invalid null value for required ${typeName(schema)} field`);
      }
      return inner(j);
    };
  }

  // Mismatched JSON types are coerced the way Jackson's JsonNode accessors do (e.g. a string read as int32
  // gives 0, a number read as string gives null), because that is what Kafka's JsonConverter returns.
  private compileValueReader(schema: Schema): Reader {
    switch (schema.name) {
      case LogicalTypes.DECIMAL:
        return (j) => {
          if (typeof j === "string") {
            const bytes = decodeBase64(j);
            if (bytes === null) throw new DataError("Invalid bytes for Decimal field");
            try {
              return Decimal.fromBytes(bytes, decimalScale(schema));
            } catch (e) {
              throw new DataError("Invalid bytes for Decimal field", { cause: e });
            }
          }
          if (j instanceof JsonNumber) return Decimal.parse(j.text);
          if (typeof j === "number") throw NEED_EXACT_NUMBERS;
          throw new DataError(
            `Invalid type for Decimal, underlying representation should be numeric or bytes but was ${nodeType(j)}`,
          );
        };
      case LogicalTypes.DATE:
        return (j) => {
          const n = int32Node(j);
          if (n === null) {
            throw new DataError(
              `Invalid type for Date, underlying representation should be integer but was ${nodeType(j)}`,
            );
          }
          return daysToDate(n);
        };
      case LogicalTypes.TIME:
        return (j) => {
          const n = int32Node(j);
          if (n === null) {
            throw new DataError(
              `Invalid type for Time, underlying representation should be integer but was ${nodeType(j)}`,
            );
          }
          return millisToTime(n);
        };
      case LogicalTypes.TIMESTAMP:
        return (j) => {
          if (typeof j === "number" && Number.isInteger(j)) return new Date(j);
          if (j instanceof JsonNumber && j.isIntegral) return new Date(j.toNumber());
          throw new DataError(
            `Invalid type for Timestamp, underlying representation should be integral but was ${nodeType(j)}`,
          );
        };
    }
    switch (schema.type) {
      case "boolean":
        return (j) => j === true;
      case "int8":
        return (j) => (numberOf(j) << 24) >> 24;
      case "int16":
        return (j) => (numberOf(j) << 16) >> 16;
      case "int32":
        return (j) => numberOf(j) | 0;
      case "int64":
        return (j) => {
          if (typeof j === "number") {
            if (Number.isSafeInteger(j)) return j;
            const t = Math.trunc(j);
            if (Number.isSafeInteger(t)) return t;
            throw NEED_EXACT_NUMBERS;
          }
          if (j instanceof JsonNumber) return int64FromText(j.text);
          return 0;
        };
      case "float32":
        return (j) => Math.fround(floatOf(j));
      case "float64":
        return floatOf;
      case "string":
        return (j) => (typeof j === "string" ? j : null);
      case "bytes":
        return (j) => {
          if (typeof j !== "string") return null;
          const bytes = decodeBase64(j);
          if (bytes === null) throw new DataError("Invalid bytes field");
          return bytes;
        };
      case "array": {
        const elem = schema.valueSchema ? this.reader(schema.valueSchema) : plainValue;
        return (j) => {
          if (Array.isArray(j)) {
            for (let i = 0; i < j.length; i++) j[i] = elem(j[i]);
            return j;
          }
          // Jackson iterates an object's values and a scalar's nothing.
          if (isJsonObject(j)) return Object.values(j).map(elem);
          return [];
        };
      }
      case "map":
        return this.mapReader(schema);
      case "struct":
        return this.structReader(schema);
    }
  }

  private mapReader(schema: Schema): Reader {
    const keySchema = schema.keySchema;
    const valR = schema.valueSchema ? this.reader(schema.valueSchema) : plainValue;
    if (!keySchema || keySchema.type === "string") {
      return (j) => {
        if (!isJsonObject(j)) {
          throw new DataError(
            `Maps with string fields should be encoded as JSON objects, but found ${nodeType(j)}`,
          );
        }
        // The parsed object is ours: convert in place rather than allocate a copy.
        for (const k of Object.keys(j)) j[k] = valR(j[k]);
        return j;
      };
    }
    const keyR = this.reader(keySchema);
    return (j) => {
      if (!Array.isArray(j)) {
        throw new DataError(
          `Maps with non-string fields should be encoded as JSON array of tuples, but found ${nodeType(j)}`,
        );
      }
      const out = new Map<unknown, unknown>();
      for (const entry of j) {
        if (!Array.isArray(entry)) {
          throw new DataError(`Found invalid map entry instead of array tuple: ${nodeType(entry)}`);
        }
        if (entry.length !== 2) {
          throw new DataError(`Found invalid map entry, expected length 2 but found :${entry.length}`);
        }
        out.set(keyR(entry[0]), valR(entry[1]));
      }
      return out;
    };
  }

  private structReader(schema: Schema): Reader {
    const fields = schema.fields ?? [];
    const n = fields.length;
    const names = fields.map((f) => f.name);
    const readers = fields.map((f) => this.reader(f.schema));
    const optional = fields.map((f) => f.schema.optional);
    // Names like "toString" would otherwise read Object.prototype members of the parsed object.
    const guarded = names.map((name) => name in Object.prototype);
    return (j) => {
      if (!isJsonObject(j)) {
        throw new DataError(`Structs should be encoded as JSON objects, but found ${nodeType(j)}`);
      }
      const struct = new Struct(schema);
      const values = structValues(struct);
      for (let i = 0; i < n; i++) {
        const name = names[i] as string;
        const raw = guarded[i] && !Object.hasOwn(j, name) ? undefined : j[name];
        const v = (readers[i] as Reader)(raw);
        // Struct.put validates in Kafka; only coerced values (a non-string read as string) can be null here.
        if (v === null && !optional[i]) {
          throw new DataError(
            `Invalid value: null used for required field: "${name}", schema type: ${typeName((fields[i] as { schema: Schema }).schema)}`,
          );
        }
        if (values) values.set(name, v);
        else struct.put(name, v);
      }
      return struct;
    };
  }

  /** JsonConverter.asConnectSchema: the Connect schema of a parsed JSON schema (null for JSON null). */
  readSchema(j: unknown): Schema | null {
    if (j === null) return null;
    const obj = isJsonObject(j) ? j : undefined;
    const typeNode = obj?.type;
    if (!obj || typeof typeNode !== "string") throw new DataError("Schema must contain 'type' field");
    const type = Object.hasOwn(SCHEMA_TYPES_BY_JSON_NAME, typeNode)
      ? SCHEMA_TYPES_BY_JSON_NAME[typeNode]
      : undefined;
    let b: SchemaBuilder;
    switch (type) {
      case undefined:
        throw new DataError(`Unknown schema type: ${typeNode}`);
      case "array": {
        const items = obj.items;
        if (items === undefined || items === null)
          throw new DataError("Array schema did not specify the element type");
        b = SchemaBuilder.array(this.requiredSchema(items, "valueSchema"));
        break;
      }
      case "map": {
        if (obj.keys === undefined) throw new DataError("Map schema did not specify the key type");
        if (obj.values === undefined) throw new DataError("Map schema did not specify the value type");
        b = SchemaBuilder.map(
          this.requiredSchema(obj.keys, "keySchema"),
          this.requiredSchema(obj.values, "valueSchema"),
        );
        break;
      }
      case "struct": {
        b = SchemaBuilder.struct();
        const fields = obj.fields;
        if (!Array.isArray(fields)) throw new DataError(`Struct schema's "fields" argument is not an array.`);
        for (const field of fields) {
          const fieldName = isJsonObject(field) ? field.field : undefined;
          if (typeof fieldName !== "string")
            throw new DataError("Struct schema's field name not specified properly");
          b.field(fieldName, this.requiredSchema(field, "field schema"));
        }
        break;
      }
      default:
        b = new SchemaBuilder(type);
    }
    if (obj.optional === true) b.optional();
    if (typeof obj.name === "string") b.name(obj.name);
    const version = obj.version;
    if (typeof version === "number" && Number.isInteger(version)) b.version(version | 0);
    else if (version instanceof JsonNumber && version.isIntegral) b.version(version.toNumber() | 0);
    if (typeof obj.doc === "string") b.doc(obj.doc);
    const params = obj.parameters;
    if (isJsonObject(params)) {
      for (const [k, v] of Object.entries(params)) {
        if (typeof v !== "string") throw new DataError("Schema parameters must have string values.");
        b.parameter(k, v);
      }
    }
    if (obj.default !== undefined) {
      // Read the default against the schema as built so far (no default yet), as Kafka reads it with the builder.
      const withoutDefault = b.build();
      b.defaultValue(this.compileReader(withoutDefault)(obj.default));
    }
    return b.build();
  }

  private requiredSchema(j: unknown, what: string): Schema {
    const s = this.readSchema(j);
    if (s === null) throw new DataError(`${what} cannot be null.`);
    return s;
  }
}
