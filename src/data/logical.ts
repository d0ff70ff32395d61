/**
 * Connect's logical types (org.apache.kafka.connect.data.Date/Time/Timestamp/Decimal): their schemas and the
 * checks Kafka applies when converting between the logical value and its underlying int/long/bytes form.
 * Logical values are JS `Date` for Date/Time/Timestamp and `Decimal` for Decimal.
 */
import { DataError, LogicalTypes, type Schema, SchemaBuilder } from "../api/schema.js";
import { Decimal } from "./decimal.js";

export const MILLIS_PER_DAY = 86_400_000;

/** Date.SCHEMA, Time.SCHEMA and Timestamp.SCHEMA: required, version 1. */
export const DATE_SCHEMA: Schema = new SchemaBuilder("int32").name(LogicalTypes.DATE).version(1).build();
export const TIME_SCHEMA: Schema = new SchemaBuilder("int32").name(LogicalTypes.TIME).version(1).build();
export const TIMESTAMP_SCHEMA: Schema = new SchemaBuilder("int64")
  .name(LogicalTypes.TIMESTAMP)
  .version(1)
  .build();

/** Decimal.builder(scale): bytes named Decimal with a "scale" parameter, version 1. */
export function decimalSchemaBuilder(scale: number): SchemaBuilder {
  return new SchemaBuilder("bytes").name(LogicalTypes.DECIMAL).parameter("scale", String(scale)).version(1);
}

export function decimalSchema(scale: number): Schema {
  return decimalSchemaBuilder(scale).build();
}

/** The scale parameter of a Decimal schema, with Kafka's errors when it is missing or not an int. */
export function decimalScale(schema: Schema): number {
  const s = schema.parameters?.scale;
  if (s === undefined) throw new DataError("Invalid Decimal schema: scale parameter not found.");
  if (!/^[+-]?\d+$/.test(s) || Math.abs(Number(s)) > 2147483647) {
    throw new DataError(`Invalid scale parameter found in Decimal schema: For input string: "${s}"`);
  }
  return Number(s);
}

function millis(kind: string, value: unknown): number {
  if (!(value instanceof Date)) {
    const got = value === null || typeof value !== "object" ? typeof value : value.constructor.name;
    throw new DataError(`Invalid type for ${kind}, expected Date but was ${got}`);
  }
  const ms = value.getTime();
  if (Number.isNaN(ms))
    throw new DataError(`Invalid type for ${kind}, expected a valid Date but was Invalid Date`);
  return ms;
}

/** Date.fromLogical: days since epoch; the time of day (UTC) must be zero. */
export function dateToDays(value: unknown): number {
  const ms = millis("Date", value);
  if (ms % MILLIS_PER_DAY !== 0) {
    throw new DataError("Kafka Connect Date type should not have any time fields set to non-zero values.");
  }
  return ms / MILLIS_PER_DAY;
}

export function daysToDate(days: number): Date {
  return new Date(days * MILLIS_PER_DAY);
}

/** Time.fromLogical: milliseconds since midnight; the date part must be 1970-01-01. */
export function timeToMillis(value: unknown): number {
  const ms = millis("Time", value);
  if (ms < 0 || ms > MILLIS_PER_DAY) {
    throw new DataError("Kafka Connect Time type should not have any date fields set to non-zero values.");
  }
  return ms;
}

export function millisToTime(ms: number): Date {
  if (ms < 0 || ms > MILLIS_PER_DAY) {
    throw new DataError("Time values must use number of milliseconds greater than 0 and less than 86400000");
  }
  return new Date(ms);
}

export function timestampToMillis(value: unknown): number {
  return millis("Timestamp", value);
}

/**
 * A decimal value for a Decimal schema of the given scale. A Decimal must already have that scale, as Kafka
 * requires; text, numbers and bigints (JS conveniences) are rescaled when that needs no rounding.
 */
export function decimalForScale(value: unknown, scale: number): Decimal {
  if (value instanceof Decimal) {
    if (value.scale !== scale) {
      throw new DataError(
        `Decimal value has mismatching scale for given Decimal schema. Schema has scale ${scale}, value has scale ${value.scale}.`,
      );
    }
    return value;
  }
  if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") {
    return Decimal.from(value).setScale(scale);
  }
  const got = value === null || typeof value !== "object" ? typeof value : value.constructor.name;
  throw new DataError(`Invalid type for Decimal, expected Decimal but was ${got}`);
}

/** Optional forms of Date.SCHEMA, Time.SCHEMA and Timestamp.SCHEMA (Date.builder().optional() and so on). */
export const OPTIONAL_DATE_SCHEMA: Schema = new SchemaBuilder("int32")
  .name(LogicalTypes.DATE)
  .version(1)
  .optional()
  .build();
export const OPTIONAL_TIME_SCHEMA: Schema = new SchemaBuilder("int32")
  .name(LogicalTypes.TIME)
  .version(1)
  .optional()
  .build();
export const OPTIONAL_TIMESTAMP_SCHEMA: Schema = new SchemaBuilder("int64")
  .name(LogicalTypes.TIMESTAMP)
  .version(1)
  .optional()
  .build();
