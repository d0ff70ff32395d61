/**
 * PostgreSQL column types ↔ Kafka Connect schemas, as Confluent's JDBC connectors map them. Columns arrive
 * as text (see connection.ts) and are parsed here, so int8 and numeric keep every digit and timestamps keep
 * their microseconds for offsets.
 */
import { DataError, LogicalTypes, type Schema, SchemaBuilder } from "../../api/schema.js";
import { Decimal } from "../../data/decimal.js";
import { toInt64 } from "../../data/int64.js";

/** pg_type OIDs of the built-in types mapped below. */
export const OID = {
  BOOL: 16,
  BYTEA: 17,
  INT8: 20,
  INT2: 21,
  INT4: 23,
  OID: 26,
  FLOAT4: 700,
  FLOAT8: 701,
  NUMERIC: 1700,
  DATE: 1082,
  TIME: 1083,
  TIMESTAMP: 1114,
  TIMESTAMPTZ: 1184,
} as const;

export interface ColumnInfo {
  readonly name: string;
  readonly typeOid: number;
  /** atttypmod: precision and scale of numeric(p,s); -1 when unconstrained */
  readonly typmod: number;
  readonly optional: boolean;
}

export interface ColumnCodec {
  readonly name: string;
  readonly schema: Schema;
  parse(text: string): unknown;
}

function build(b: SchemaBuilder, optional: boolean): Schema {
  return (optional ? b.optional() : b).build();
}

/** int64 as a number when it fits, else a bigint (the JSON converter writes both exactly). */
function parseInt64(text: string): number | bigint {
  return toInt64(BigInt(text));
}

export function codecFor(c: ColumnInfo): ColumnCodec {
  const opt = c.optional;
  const named = (type: ConstructorParameters<typeof SchemaBuilder>[0], name: string) =>
    build(new SchemaBuilder(type).name(name).version(1), opt);
  const plain = (type: ConstructorParameters<typeof SchemaBuilder>[0]) => build(new SchemaBuilder(type), opt);
  const codec = (schema: Schema, parse: (t: string) => unknown): ColumnCodec => ({
    name: c.name,
    schema,
    parse,
  });
  switch (c.typeOid) {
    case OID.BOOL:
      return codec(plain("boolean"), (t) => t === "t");
    case OID.INT2:
      return codec(plain("int16"), Number);
    case OID.INT4:
      return codec(plain("int32"), Number);
    case OID.INT8:
    case OID.OID:
      return codec(plain("int64"), parseInt64);
    case OID.FLOAT4:
      return codec(plain("float32"), Number);
    case OID.FLOAT8:
      return codec(plain("float64"), Number);
    case OID.NUMERIC: {
      // numeric(p,s): typmod = ((p << 16) | s) + 4. Unconstrained numeric has no fixed scale: text.
      if (c.typmod < 4) return codec(plain("string"), (t) => t);
      const scale = (c.typmod - 4) & 0xffff;
      const schema = build(
        new SchemaBuilder("bytes").name(LogicalTypes.DECIMAL).version(1).parameter("scale", String(scale)),
        opt,
      );
      return codec(schema, (t) => {
        const d = Decimal.tryParse(t);
        if (!d) throw new DataError(`column ${c.name}: ${t} is not a decimal Connect can hold`);
        return d;
      });
    }
    case OID.BYTEA:
      return codec(plain("bytes"), (t) => Buffer.from(t.startsWith("\\x") ? t.slice(2) : t, "hex"));
    case OID.DATE:
      return codec(
        named("int32", LogicalTypes.DATE),
        (t) => new Date(finite(c, parseTimestamp(`${t} 00:00:00`)).ms),
      );
    case OID.TIME:
      return codec(
        named("int32", LogicalTypes.TIME),
        (t) => new Date(finite(c, parseTimestamp(`1970-01-01 ${t}`)).ms),
      );
    case OID.TIMESTAMP:
    case OID.TIMESTAMPTZ:
      return codec(named("int64", LogicalTypes.TIMESTAMP), (t) => new Date(finite(c, parseTimestamp(t)).ms));
    default:
      // text, varchar, uuid, json(b), arrays, enums, …: their PostgreSQL text form
      return codec(plain("string"), (t) => t);
  }
}

function finite(c: ColumnInfo, ts: Instant | null): Instant {
  if (!ts) throw new DataError(`column ${c.name}: infinite or BC dates cannot become Connect timestamps`);
  return ts;
}

/** A point in time to the microsecond: epoch milliseconds and the microseconds within that millisecond. */
export interface Instant {
  readonly ms: number;
  readonly micros: number;
}

const TIMESTAMP_TEXT =
  /^(\d{4,})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?|Z)?$/;

/**
 * PostgreSQL's ISO text of a date, time, timestamp or timestamptz; without a zone it is read as UTC (the
 * session's zone). Null for infinity and BC dates.
 */
export function parseTimestamp(text: string): Instant | null {
  const m = TIMESTAMP_TEXT.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac = "", sign, oh = "0", om = "0", os = "0"] = m;
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  const micros = Number(frac.padEnd(6, "0"));
  const offsetMs = sign
    ? (sign === "-" ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60 + Number(os)) * 1000
    : 0;
  return { ms: date.getTime() + Math.floor(micros / 1000) - offsetMs, micros: micros % 1000 };
}

/** An Instant as timestamptz text in UTC; PostgreSQL reads it as the same wall time for a timestamp column. */
export function formatInstant(t: Instant): string {
  const iso = new Date(t.ms).toISOString(); // 2026-11-25T15:00:00.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${String(t.micros).padStart(3, "0")}+00`;
}

// ---------------------------------------------------------------------------
// Sink: Connect schemas → column types and parameter values
// ---------------------------------------------------------------------------

/** The SQL type auto.create gives a field, as Confluent's PostgreSqlDatabaseDialect. */
export function sqlType(schema: Schema): string {
  switch (schema.name) {
    case LogicalTypes.DECIMAL:
      return "NUMERIC";
    case LogicalTypes.DATE:
      return "DATE";
    case LogicalTypes.TIME:
      return "TIME";
    case LogicalTypes.TIMESTAMP:
      return "TIMESTAMP";
  }
  switch (schema.type) {
    case "int8":
    case "int16":
      return "SMALLINT";
    case "int32":
      return "INT";
    case "int64":
      return "BIGINT";
    case "float32":
      return "REAL";
    case "float64":
      return "DOUBLE PRECISION";
    case "boolean":
      return "BOOLEAN";
    case "string":
      return "TEXT";
    case "bytes":
      return "BYTEA";
    default:
      // struct, array, map: kept whole as JSON
      return "JSONB";
  }
}

/** A record field's value as a pg query parameter; dates in UTC whatever the process's time zone. */
export function toParam(value: unknown, schema: Schema | null): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Decimal) return value.toString();
  if (value instanceof Date) {
    const iso = value.toISOString(); // 2026-11-25T15:00:00.123Z
    if (schema?.name === LogicalTypes.DATE) return iso.slice(0, 10);
    if (schema?.name === LogicalTypes.TIME) return iso.slice(11, 23);
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)}+00`;
  }
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (typeof value !== "object") return value;
  return JSON.stringify(value, (_k, v) =>
    typeof v === "bigint" ? v.toString() : v instanceof Decimal ? v.toString() : v,
  );
}
