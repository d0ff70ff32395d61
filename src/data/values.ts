/**
 * Kafka's org.apache.kafka.connect.data.Values, the one port converters and transforms share:
 * `convertToString` writes a value as text (SimpleHeaderConverter) and `parseString` infers a schema and value
 * back from text (SimpleHeaderConverter, InsertHeader's value.literal).
 *
 * Parsing follows Kafka's, quirks included, so the same header bytes mean the same value in Ferry and in Kafka
 * Connect (decision: wrangler-free-docs/decisions/0014-one-values-parser.md). Kafka's quirks kept: a top-level
 * value need not use the whole text ("12:30" is the int8 12, "[1] x" the array [1]); quoted strings inside
 * arrays and maps keep their backslashes. The one difference: dates and times are written and read in UTC
 * (Kafka uses the JVM's default time zone; Connect workers usually run in UTC) and must match the ISO patterns
 * exactly (SimpleDateFormat is lenient about digit counts and rolls "2019-13-01" over into 2020).
 *
 * Values are represented as in json-codec.ts: int64 beyond 2^53 a bigint, numbers too large for int64 and
 * float64 a Decimal, maps whose keys are all strings plain objects, other maps Maps.
 */
import type { SchemaAndValue } from "../api/converter.js";
import { DataError, LogicalTypes, type Schema, SchemaBuilder, Schemas, Struct } from "../api/schema.js";
import { Decimal } from "./decimal.js";
import { describe } from "./describe.js";
import { toInt64 } from "./int64.js";
import { integerString, javaDoubleString, javaFloatString } from "./java-format.js";
import { javaTrim } from "./java-text.js";
import { DATE_SCHEMA, decimalSchema, MILLIS_PER_DAY, TIME_SCHEMA, TIMESTAMP_SCHEMA } from "./logical.js";
import { isPlainObject } from "./plain-object.js";

// ------------------------------------------------------------------ convertToString

/** Values.convertToString: null for null, else the text form of the value. */
export function convertToString(schema: Schema | null, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return append(schema ?? undefined, value, false);
}

function escapeQuoted(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

/** Java prints a Float, Double or integer differently; the schema says which a JS number is. */
function numberText(schema: Schema | undefined, v: number): string {
  if (schema?.type === "float32") return javaFloatString(v);
  if (schema?.type === "float64") return javaDoubleString(v);
  return Number.isInteger(v) ? integerString(v) : javaDoubleString(v);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** Values.dateFormatFor: a time before one day is a time of day, a whole day is a date, else a timestamp. */
function formatDate(d: Date): string {
  const t = d.getTime();
  if (Number.isNaN(t)) throw new DataError("Failed to serialize unexpected value type Date: Invalid Date");
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}Z`;
  if (t < MILLIS_PER_DAY) return time;
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  return t % MILLIS_PER_DAY === 0 ? date : `${date}T${time}`;
}

function append(schema: Schema | undefined, value: unknown, embedded: boolean): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "number":
      return numberText(schema, value);
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    case "string":
      return embedded ? `"${escapeQuoted(value)}"` : value;
  }
  if (value instanceof Decimal) return value.toString();
  if (value instanceof Uint8Array) {
    const text = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
    return embedded ? `"${text}"` : text;
  }
  if (Array.isArray(value)) {
    const elem = schema?.valueSchema;
    return `[${value.map((v) => append(elem, v, true)).join(",")}]`;
  }
  if (value instanceof Map) {
    const parts: string[] = [];
    for (const [k, v] of value)
      parts.push(`${append(schema?.keySchema, k, true)}:${append(schema?.valueSchema, v, true)}`);
    return `{${parts.join(",")}}`;
  }
  if (value instanceof Struct) {
    const parts: string[] = [];
    for (const f of value.schema.fields ?? []) {
      parts.push(`"${escapeQuoted(f.name)}":${append(f.schema, value.get(f.name), true)}`);
    }
    return `{${parts.join(",")}}`;
  }
  if (value instanceof Date) return formatDate(value);
  if (isPlainObject(value)) {
    const parts: string[] = [];
    for (const k of Object.keys(value))
      parts.push(`"${escapeQuoted(k)}":${append(schema?.valueSchema, value[k], true)}`);
    return `{${parts.join(",")}}`;
  }
  throw new DataError(`Failed to serialize unexpected value type ${describe(value)}: ${String(value)}`);
}

// ------------------------------------------------------------------ parseString

const DELIMITERS = ':,{}[]"';

function isBlank(s: string): boolean {
  return javaTrim(s).length === 0;
}

/** Values.Parser: splits on unescaped delimiters, each delimiter its own token, keeping everything else. */
class Tokenizer {
  readonly original: string;
  private pos = 0;
  private peeked: string | null = null;
  private prev: string | null = null;

  constructor(original: string) {
    this.original = original;
  }

  position(): number {
    return this.pos;
  }

  mark(): number {
    return this.pos - (this.peeked === null ? 0 : this.peeked.length);
  }

  rewindTo(position: number): void {
    this.pos = position;
    this.peeked = null;
    this.prev = null;
  }

  hasNext(): boolean {
    return this.peeked !== null || this.pos < this.original.length;
  }

  next(): string {
    if (this.peeked !== null) {
      this.prev = this.peeked;
      this.peeked = null;
    } else {
      this.prev = this.consume();
    }
    return this.prev;
  }

  /** The original text of the next n tokens, or null (and no move) when fewer remain. */
  nextN(n: number): string | null {
    const start = this.mark();
    for (let i = 0; i < n; i++) {
      if (!this.hasNext()) {
        this.rewindTo(start);
        return null;
      }
      this.next();
    }
    return this.original.slice(start, this.position());
  }

  previous(): string | null {
    return this.prev;
  }

  /** Consumes the next non-blank token when it is `expected` (ignoring surrounding whitespace). */
  canConsume(expected: string): boolean {
    if (this.peeked === null) {
      if (!this.hasNext()) return false;
      this.peeked = this.consume();
    }
    while (isBlank(this.peeked) && this.pos < this.original.length) this.peeked = this.consume();
    if (javaTrim(this.peeked) === expected) {
      this.peeked = null;
      return true;
    }
    return false;
  }

  private consume(): string {
    const s = this.original;
    const start = this.pos;
    let escaped = false;
    while (this.pos < s.length) {
      const c = s.charAt(this.pos);
      if (c === "\\") {
        escaped = !escaped;
      } else if (DELIMITERS.includes(c)) {
        if (!escaped) {
          if (start < this.pos) return s.slice(start, this.pos);
          this.pos++;
          return c;
        }
        escaped = false;
      } else {
        escaped = false;
      }
      this.pos++;
    }
    return s.slice(start, this.pos);
  }
}

const TRUE: SchemaAndValue = Object.freeze({ schema: Schemas.BOOLEAN, value: true });
const FALSE: SchemaAndValue = Object.freeze({ schema: Schemas.BOOLEAN, value: false });
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const TIME_RE = /^(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z$/;

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): Date {
  const out = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not move years 0-99 into the 1900s.
  out.setUTCFullYear(y, mo - 1, d);
  out.setUTCHours(h, mi, s, ms);
  return out;
}

function parseAsTemporal(raw: string): SchemaAndValue | null {
  const token = raw.replace(/\\:/g, ":");
  let m: RegExpExecArray | null;
  const n = (i: number) => Number(m?.[i]);
  switch (token.length) {
    case 13:
      m = TIME_RE.exec(token);
      return m ? { schema: TIME_SCHEMA, value: utc(1970, 1, 1, n(1), n(2), n(3), n(4)) } : null;
    case 24:
      m = TIMESTAMP_RE.exec(token);
      return m ? { schema: TIMESTAMP_SCHEMA, value: utc(n(1), n(2), n(3), n(4), n(5), n(6), n(7)) } : null;
    case 10:
      m = DATE_RE.exec(token);
      return m ? { schema: DATE_SCHEMA, value: utc(n(1), n(2), n(3), 0, 0, 0, 0) } : null;
    default:
      return null;
  }
}

/** The narrowest integer type for integral text, else float32, float64 or Decimal, as Values.parseAsNumber. */
function parseAsNumber(token: string): SchemaAndValue | null {
  const d = Decimal.tryParse(token);
  if (d === null) return null;
  const whole = d.toBigIntExact();
  if (whole !== null && whole >= INT64_MIN && whole <= INT64_MAX) {
    if (whole >= -128n && whole <= 127n) return { schema: Schemas.INT8, value: Number(whole) };
    if (whole >= -32768n && whole <= 32767n) return { schema: Schemas.INT16, value: Number(whole) };
    if (whole >= -2147483648n && whole <= 2147483647n) return { schema: Schemas.INT32, value: Number(whole) };
    return { schema: Schemas.INT64, value: toInt64(whole) };
  }
  const dv = Number(d.toString());
  const fv = Math.fround(dv);
  if (Number.isFinite(fv) && d.scale !== 0) return { schema: Schemas.FLOAT32, value: fv };
  if (Number.isFinite(dv) && d.scale !== 0) return { schema: Schemas.FLOAT64, value: dv };
  return { schema: decimalSchema(d.scale), value: d };
}

const NUMERIC_RANK: Readonly<Record<string, number>> = {
  int8: 0,
  int16: 1,
  int32: 2,
  int64: 3,
  float32: 4,
  float64: 5,
};

/** Values.mergeSchemas: numbers widen to the larger type; otherwise the types must match. */
function mergeSchemas(previous: Schema, next: Schema): Schema | null {
  if (previous.type !== next.type) {
    const a = NUMERIC_RANK[previous.type];
    const b = NUMERIC_RANK[next.type];
    if (a === undefined || b === undefined) return null;
    return b > a ? next : previous;
  }
  if (previous.optional === next.optional) return previous.optional ? previous : next;
  return null;
}

/** Values.SchemaMerger: the common schema of the non-null elements seen so far. */
interface Merger {
  common: Schema | null;
  compatible: boolean;
}

function merge(m: Merger, latest: SchemaAndValue | null): void {
  if (latest?.schema && m.compatible) {
    if (m.common === null) {
      m.common = latest.schema;
    } else {
      m.common = mergeSchemas(m.common, latest.schema);
      m.compatible = m.common !== null;
    }
  }
}

function cannotConvert(value: unknown, schema: Schema): DataError {
  return new DataError(`Unable to convert ${String(value)} (${describe(value)}) to ${schema.type}`);
}

/** Values.convertTo, for the conversions that aligning parsed elements to their common schema needs. */
function alignTo(schema: Schema, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (schema.optional) return null;
    throw new DataError("Unable to convert a null value to a schema that requires a value");
  }
  switch (schema.name) {
    case LogicalTypes.DATE:
      if (value instanceof Date) return value;
      if (typeof value === "number") return new Date(Math.trunc(value) * MILLIS_PER_DAY);
      throw cannotConvert(value, schema);
    case LogicalTypes.TIME:
      if (value instanceof Date) return value;
      if (typeof value === "number") {
        if (value < 0 || value > MILLIS_PER_DAY) {
          throw new DataError(
            "Time values must use number of milliseconds greater than 0 and less than 86400000",
          );
        }
        return new Date(Math.trunc(value));
      }
      throw cannotConvert(value, schema);
    case LogicalTypes.TIMESTAMP:
      if (value instanceof Date) return value;
      if (typeof value === "number") return new Date(Math.trunc(value));
      throw cannotConvert(value, schema);
  }
  switch (schema.type) {
    case "int8":
    case "int16":
    case "int32":
    case "int64":
      if (typeof value === "number" || typeof value === "bigint") return value;
      throw cannotConvert(value, schema);
    case "float64":
      // an int64 beyond 2^53 merged with doubles becomes a double, as Number.doubleValue() in Kafka
      if (typeof value === "number" || typeof value === "bigint") return Number(value);
      throw cannotConvert(value, schema);
    case "float32":
      if (typeof value === "number" || typeof value === "bigint") return Math.fround(Number(value));
      throw cannotConvert(value, schema);
    default:
      return value;
  }
}

function arraySchema(valueSchema: Schema | null): Schema {
  return valueSchema ? SchemaBuilder.array(valueSchema).build() : new SchemaBuilder("array").build();
}

function mapSchema(keySchema: Schema | null, valueSchema: Schema | null): Schema {
  if (keySchema && valueSchema) return SchemaBuilder.map(keySchema, valueSchema).build();
  const s: { type: "map"; optional: boolean; keySchema?: Schema } = { type: "map", optional: false };
  if (keySchema) s.keySchema = keySchema;
  return Object.freeze(s);
}

/** Maps keyed only by strings are plain objects, like JSON objects elsewhere; others stay Maps. */
function mapValue(entries: Map<unknown, unknown>): unknown {
  for (const k of entries.keys()) if (typeof k !== "string") return entries;
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    Object.defineProperty(out, k as string, {
      value: v,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return out;
}

class ValueParser {
  private readonly tk: Tokenizer;

  constructor(tk: Tokenizer) {
    this.tk = tk;
  }

  private canParseSingleTokenLiteral(embedded: boolean, literal: string): boolean {
    const start = this.tk.mark();
    // At top level a literal must be the whole text: "true}" is a string.
    if (this.tk.canConsume(literal) && (embedded || !this.tk.hasNext())) return true;
    this.tk.rewindTo(start);
    return false;
  }

  parse(embedded: boolean): SchemaAndValue | null {
    const tk = this.tk;
    if (!tk.hasNext()) return null;
    if (embedded && tk.canConsume('"')) return this.parseQuotedString();
    if (this.canParseSingleTokenLiteral(embedded, "null")) return null;
    if (this.canParseSingleTokenLiteral(embedded, "true")) return TRUE;
    if (this.canParseSingleTokenLiteral(embedded, "false")) return FALSE;
    const start = tk.mark();
    try {
      if (tk.canConsume("[")) return this.parseArray();
      if (tk.canConsume("{")) return this.parseMap();
    } catch (e) {
      if (!(e instanceof DataError)) throw e;
      tk.rewindTo(start);
    }
    const token = tk.next();
    if (isBlank(token)) return { schema: Schemas.STRING, value: token };
    return this.parseNextToken(embedded, javaTrim(token));
  }

  private parseNextToken(embedded: boolean, token: string): SchemaAndValue {
    const first = token.charAt(0);
    const digit = first >= "0" && first <= "9";
    if (digit) {
      const temporal = this.parseMultipleTokensAsTemporal(token);
      if (temporal) return temporal;
    }
    if (digit || first === "+" || first === "-") {
      const n = parseAsNumber(token);
      if (n) return n;
    }
    if (embedded) throw new DataError("Failed to parse embedded value");
    return { schema: Schemas.STRING, value: this.tk.original };
  }

  /** An unquoted time or timestamp is split into five tokens by its unescaped colons. */
  private parseMultipleTokensAsTemporal(token: string): SchemaAndValue | null {
    const position = this.tk.mark();
    const remainder = this.tk.nextN(4);
    if (remainder !== null) {
      const temporal = parseAsTemporal(token + remainder);
      if (temporal) return temporal;
    }
    this.tk.rewindTo(position);
    return parseAsTemporal(token);
  }

  private parseQuotedString(): SchemaAndValue {
    let content = "";
    while (this.tk.hasNext()) {
      if (this.tk.canConsume('"')) break;
      content += this.tk.next();
    }
    const temporal = parseAsTemporal(content);
    if (temporal) return temporal;
    return { schema: Schemas.STRING, value: content };
  }

  private parseArray(): SchemaAndValue {
    const tk = this.tk;
    let result: unknown[] = [];
    const merger: Merger = { common: null, compatible: true };
    while (tk.hasNext()) {
      if (tk.canConsume("]")) {
        if (merger.common === null) return { schema: arraySchema(null), value: result };
        const schema = arraySchema(merger.common);
        const elem = merger.common;
        result = result.map((v) => alignTo(elem, v));
        return { schema, value: result };
      }
      if (tk.canConsume(",")) throw new DataError(`Unable to parse an empty array element: ${tk.original}`);
      const element = this.parse(true);
      merge(merger, element);
      result.push(element ? element.value : null);
      const current = tk.mark();
      if (tk.canConsume("]")) tk.rewindTo(current);
      else if (!tk.canConsume(",")) throw new DataError("Array elements missing ',' delimiter");
    }
    if (tk.previous() === ",") throw new DataError(`Array is missing element after ',': ${tk.original}`);
    throw new DataError(`Array is missing terminating ']': ${tk.original}`);
  }

  private parseMap(): SchemaAndValue {
    const tk = this.tk;
    const result = new Map<unknown, unknown>();
    const keys: Merger = { common: null, compatible: true };
    const values: Merger = { common: null, compatible: true };
    while (tk.hasNext()) {
      if (tk.canConsume("}")) {
        let entries = result;
        if (keys.common !== null) {
          const ks = keys.common;
          const vs = values.common;
          entries = new Map();
          for (const [k, v] of result) entries.set(alignTo(ks, k), vs === null ? v : alignTo(vs, v));
        }
        return {
          schema: mapSchema(keys.common, keys.common === null ? null : values.common),
          value: mapValue(entries),
        };
      }
      if (tk.canConsume(","))
        throw new DataError(`Unable to parse a map entry with no key or value: ${tk.original}`);
      const key = this.parse(true);
      if (key === null || key.value === null)
        throw new DataError(`Map entry may not have a null key: ${tk.original}`);
      if (!tk.canConsume(":")) {
        throw new DataError(`Map entry is missing ':' at ${tk.position()} in ${tk.original}`);
      }
      const value = this.parse(true);
      result.set(key.value, value ? value.value : null);
      tk.canConsume(",");
      merge(keys, key);
      merge(values, value);
    }
    if (tk.previous() === ",") throw new DataError(`Map is missing element after ',': ${tk.original}`);
    throw new DataError(`Map is missing terminating '}': ${tk.original}`);
  }
}

/**
 * Values.parseString: the schema and value the text most likely stands for (boolean, integer of the smallest
 * width, float, Decimal, date/time/timestamp, array, map), else the text itself as a string. Like Kafka it
 * reads the first value and ignores what follows it; null for the text "null".
 */
export function parseString(text: string): SchemaAndValue | null {
  if (text.length === 0) return { schema: Schemas.STRING, value: text };
  return new ValueParser(new Tokenizer(text)).parse(false);
}
