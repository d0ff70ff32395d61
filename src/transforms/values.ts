/**
 * The parts of Kafka's org.apache.kafka.connect.data.Values the transforms need: parseString (InsertHeader's
 * literal, with the type inferred from the text) and Java's number-to-string forms (Cast to string).
 *
 * JS representations: integers are numbers (int64 beyond 2^53 a bigint), floats numbers (float32 rounded
 * with Math.fround), Date/Time/Timestamp JS Dates, arrays arrays and maps JS Maps (keys need not be strings).
 * A number too large for int64 and for float64, which Kafka would give as a Decimal, stays a string here.
 */
import { type Schema, SchemaBuilder, Schemas } from "../api/schema.js";
import { ISO_DATE, ISO_TIME, ISO_TIMESTAMP } from "./date-format.js";
import { DATE_SCHEMA, TIME_SCHEMA, TIMESTAMP_SCHEMA, toInt64 } from "./util.js";

export interface SchemaAndValue {
  readonly schema: Schema | null;
  readonly value: unknown;
}

const NULL_SCHEMA_AND_VALUE: SchemaAndValue = { schema: null, value: null };

/** Values.parseString: the schema and value a string literal stands for. */
export function parseString(text: string): SchemaAndValue {
  if (text === "") return { schema: Schemas.STRING, value: "" };
  return new ValueParser(new Parser(text)).parse(false) ?? NULL_SCHEMA_AND_VALUE;
}

class ParseError extends Error {}

function isBlank(s: string): boolean {
  return s.trim() === "";
}

/** Values.Parser: splits on unescaped : , { } [ ] " and keeps each delimiter as a token. */
class Parser {
  private pos = 0;
  private nextToken: string | null = null;
  private previousToken: string | null = null;

  constructor(readonly original: string) {}

  position(): number {
    return this.pos;
  }

  mark(): number {
    return this.pos - (this.nextToken !== null ? this.nextToken.length : 0);
  }

  rewindTo(position: number): void {
    this.pos = position;
    this.nextToken = null;
    this.previousToken = null;
  }

  hasNext(): boolean {
    return this.nextToken !== null || this.pos < this.original.length;
  }

  next(): string {
    if (this.nextToken !== null) {
      this.previousToken = this.nextToken;
      this.nextToken = null;
    } else {
      this.previousToken = this.consumeNextToken();
    }
    return this.previousToken;
  }

  nextN(n: number): string | null {
    const start = this.mark();
    for (let i = 0; i < n; i++) {
      if (!this.hasNext()) {
        this.rewindTo(start);
        return null;
      }
      this.next();
    }
    return this.original.substring(start, this.position());
  }

  previous(): string | null {
    return this.previousToken;
  }

  canConsume(expected: string): boolean {
    if (this.isNext(expected)) {
      this.nextToken = null;
      return true;
    }
    return false;
  }

  private isNext(expected: string): boolean {
    if (this.nextToken === null) {
      if (!this.hasNext()) return false;
      this.nextToken = this.consumeNextToken();
    }
    while (isBlank(this.nextToken) && this.pos < this.original.length)
      this.nextToken = this.consumeNextToken();
    return this.nextToken.trim() === expected;
  }

  private consumeNextToken(): string {
    const s = this.original;
    let escaped = false;
    const start = this.pos;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (c === "\\") {
        escaped = !escaped;
      } else if (c === ":" || c === "," || c === "{" || c === "}" || c === "[" || c === "]" || c === '"') {
        if (!escaped) {
          if (start < this.pos) return s.substring(start, this.pos);
          this.pos++;
          return s.substring(start, start + 1);
        }
        escaped = false;
      } else {
        escaped = false;
      }
      this.pos++;
    }
    return s.substring(start, this.pos);
  }
}

const TRUE: SchemaAndValue = { schema: Schemas.BOOLEAN, value: true };
const FALSE: SchemaAndValue = { schema: Schemas.BOOLEAN, value: false };

class ValueParser {
  constructor(private readonly parser: Parser) {}

  private canParseSingleTokenLiteral(embedded: boolean, literal: string): boolean {
    const start = this.parser.mark();
    // a literal followed by more text at top level ("true}") is a string, not the literal
    if (this.parser.canConsume(literal) && (embedded || !this.parser.hasNext())) return true;
    this.parser.rewindTo(start);
    return false;
  }

  parse(embedded: boolean): SchemaAndValue | null {
    const p = this.parser;
    if (!p.hasNext()) return null;
    if (embedded && p.canConsume('"')) return this.parseQuotedString();
    if (this.canParseSingleTokenLiteral(embedded, "null")) return null;
    if (this.canParseSingleTokenLiteral(embedded, "true")) return TRUE;
    if (this.canParseSingleTokenLiteral(embedded, "false")) return FALSE;
    const start = p.mark();
    try {
      if (p.canConsume("[")) return this.parseArray();
      if (p.canConsume("{")) return this.parseMap();
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      p.rewindTo(start); // not a map or array after all: read it as a string
    }
    const token = p.next();
    if (isBlank(token)) return { schema: Schemas.STRING, value: token };
    return this.parseNextToken(embedded, token.trim());
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
    if (embedded) throw new ParseError("Failed to parse embedded value");
    return { schema: Schemas.STRING, value: this.parser.original };
  }

  private parseQuotedString(): SchemaAndValue {
    let content = "";
    while (this.parser.hasNext()) {
      if (this.parser.canConsume('"')) break;
      content += this.parser.next();
    }
    return parseAsTemporal(content) ?? { schema: Schemas.STRING, value: content };
  }

  private parseArray(): SchemaAndValue {
    const p = this.parser;
    const result: unknown[] = [];
    const element = new SchemaMerger();
    while (p.hasNext()) {
      if (p.canConsume("]")) {
        const common = element.schema();
        if (common) {
          return {
            schema: SchemaBuilder.array(common).build(),
            value: result.map((v) => alignTo(common, v)),
          };
        }
        return { schema: new SchemaBuilder("array").build(), value: result };
      }
      if (p.canConsume(",")) throw new ParseError("Unable to parse an empty array element");
      const e = this.parse(true);
      element.merge(e);
      result.push(e ? e.value : null);
      const at = p.mark();
      if (p.canConsume("]")) p.rewindTo(at);
      else if (!p.canConsume(",")) throw new ParseError("Array elements missing ',' delimiter");
    }
    throw new ParseError("Array is missing terminating ']'");
  }

  private parseMap(): SchemaAndValue {
    const p = this.parser;
    const result = new Map<unknown, unknown>();
    const keys = new SchemaMerger();
    const values = new SchemaMerger();
    while (p.hasNext()) {
      if (p.canConsume("}")) {
        const ks = keys.schema();
        const vs = values.schema();
        if (ks && vs) {
          const aligned = new Map<unknown, unknown>();
          for (const [k, v] of result) aligned.set(alignTo(ks, k), alignTo(vs, v));
          return { schema: SchemaBuilder.map(ks, vs).build(), value: aligned };
        }
        if (ks) {
          const aligned = new Map<unknown, unknown>();
          for (const [k, v] of result) aligned.set(alignTo(ks, k), v);
          return { schema: mapSchema(ks), value: aligned };
        }
        return { schema: mapSchema(), value: result };
      }
      if (p.canConsume(",")) throw new ParseError("Unable to parse a map entry with no key or value");
      const key = this.parse(true);
      if (key === null || key.value === null) throw new ParseError("Map entry may not have a null key");
      if (!p.canConsume(":")) throw new ParseError("Map entry is missing ':'");
      const value = this.parse(true);
      result.set(key.value, value ? value.value : null);
      p.canConsume(",");
      keys.merge(key);
      values.merge(value);
    }
    throw new ParseError("Map is missing terminating '}'");
  }

  private parseMultipleTokensAsTemporal(token: string): SchemaAndValue | null {
    // times and timestamps contain ':' (a delimiter), so they arrive as five tokens
    const p = this.parser;
    const at = p.mark();
    const rest = p.nextN(4);
    if (rest !== null) {
      const t = parseAsTemporal(token + rest);
      if (t) return t;
    }
    p.rewindTo(at);
    return parseAsTemporal(token);
  }
}

function mapSchema(keySchema?: Schema): Schema {
  const s: { type: "map"; optional: boolean; keySchema?: Schema } = { type: "map", optional: false };
  if (keySchema) s.keySchema = keySchema;
  return Object.freeze(s);
}

function parseAsTemporal(token: string): SchemaAndValue | null {
  const t = token.replaceAll("\\:", ":");
  const attempt = (schema: Schema, parse: (s: string) => number): SchemaAndValue | null => {
    try {
      return { schema, value: new Date(parse(t)) };
    } catch {
      return null;
    }
  };
  if (t.length === 13) return attempt(TIME_SCHEMA, ISO_TIME.parse);
  if (t.length === 24) return attempt(TIMESTAMP_SCHEMA, ISO_TIMESTAMP.parse);
  if (t.length === 10) return attempt(DATE_SCHEMA, ISO_DATE.parse);
  return null;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** The smallest integer type that holds an integral value, else float32, else float64 (Kafka's parseAsNumber). */
function parseAsNumber(token: string): SchemaAndValue | null {
  if (!DECIMAL.test(token)) return null;
  const neg = token.startsWith("-");
  const unsigned = token.replace(/^[+-]/, "");
  const [mantissa = "", exp = "0"] = unsigned.split(/[eE]/);
  const [intPart = "", fracPart = ""] = mantissa.split(".");
  const scale = fracPart.length - Number(exp);
  const integral = exactInteger(intPart + fracPart, scale, neg);
  if (integral !== null) {
    if (integral >= -128n && integral <= 127n) return { schema: Schemas.INT8, value: Number(integral) };
    if (integral >= -32768n && integral <= 32767n) return { schema: Schemas.INT16, value: Number(integral) };
    if (integral >= -(2n ** 31n) && integral < 2n ** 31n)
      return { schema: Schemas.INT32, value: Number(integral) };
    return { schema: Schemas.INT64, value: toInt64(integral) };
  }
  const d = Number(token);
  const f = Math.fround(d);
  if (Number.isFinite(f) && scale !== 0) return { schema: Schemas.FLOAT32, value: f };
  if (Number.isFinite(d) && scale !== 0) return { schema: Schemas.FLOAT64, value: d };
  return null;
}

/** The value as a bigint when it is a whole number within int64, else null. */
function exactInteger(digits: string, scale: number, neg: boolean): bigint | null {
  const trimmed = digits.replace(/^0+/, "");
  if (trimmed === "") return 0n;
  let intDigits: string;
  if (scale > 0) {
    const cut = digits.length - scale;
    const frac = cut < 0 ? digits : digits.slice(cut);
    if (!/^0*$/.test(frac)) return null;
    intDigits = cut <= 0 ? "0" : digits.slice(0, cut);
  } else {
    if (trimmed.length - scale > 20) return null; // far beyond int64
    intDigits = digits + "0".repeat(-scale);
  }
  const v = neg ? -BigInt(intDigits) : BigInt(intDigits);
  return v < LONG_MIN || v > LONG_MAX ? null : v;
}

const NUMERIC_RANK: Partial<Record<string, number>> = {
  int8: 0,
  int16: 1,
  int32: 2,
  int64: 3,
  float32: 4,
  float64: 5,
};

/** Values.SchemaMerger: the common schema of parsed elements; numeric types widen, others must agree. */
class SchemaMerger {
  private common: Schema | null = null;
  private compatible = true;

  merge(latest: SchemaAndValue | null): void {
    if (!latest?.schema || !this.compatible) return;
    if (this.common === null) {
      this.common = latest.schema;
      return;
    }
    this.common = mergeSchemas(this.common, latest.schema);
    this.compatible = this.common !== null;
  }

  schema(): Schema | null {
    return this.common;
  }
}

function mergeSchemas(previous: Schema, next: Schema): Schema | null {
  if (previous.type !== next.type) {
    const a = NUMERIC_RANK[previous.type];
    const b = NUMERIC_RANK[next.type];
    if (a === undefined || b === undefined) return null;
    return a >= b ? previous : next;
  }
  if (previous.optional === next.optional) return previous.optional ? previous : next;
  return null;
}

/** Values.convertTo for the numeric widenings a merged schema can ask for. */
function alignTo(schema: Schema, v: unknown): unknown {
  if (v === null) return null;
  if (schema.type === "float32" && typeof v === "number") return Math.fround(v);
  if ((schema.type === "float32" || schema.type === "float64") && typeof v === "bigint") return Number(v);
  return v;
}

// ---- Java's toString of numbers ------------------------------------------------------------------------

/** Double.toString: "1.0", "0.001", "1.0E7", "1.0E-4", "NaN", "Infinity". */
export function javaDoubleToString(x: number): string {
  return javaFloating(x, x.toString());
}

/** Float.toString: the shortest decimal that rounds to the same float32. */
export function javaFloatToString(x: number): string {
  const f = Math.fround(x);
  let s = f.toString();
  for (let p = 1; p <= 9; p++) {
    const candidate = f.toPrecision(p);
    if (Math.fround(Number(candidate)) === f) {
      s = Number(candidate).toString();
      break;
    }
  }
  return javaFloating(f, s);
}

function javaFloating(x: number, shortest: string): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    // plain notation, always with a fractional part
    const plain = shortest.includes("e") ? Number(shortest).toFixed(20).replace(/0+$/, "") : shortest;
    return plain.includes(".") ? plain.replace(/\.$/, ".0") : `${plain}.0`;
  }
  // computerized scientific notation with at least one fractional digit: 1.0E7, 1.234E-5
  const [m = "", e = "0"] = Number(shortest).toExponential().split("e");
  const mantissa = m.includes(".") ? m : `${m}.0`;
  return `${mantissa}E${Number(e)}`;
}
