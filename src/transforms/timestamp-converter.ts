/**
 * TimestampConverter$Key / TimestampConverter$Value: convert a timestamp (the whole key/value, or one
 * `field`) between Unix epoch numbers, formatted strings and Connect Date/Time/Timestamp (Kafka's
 * TimestampConverter). Everything goes through epoch milliseconds, so sub-millisecond precision is lost, as
 * in Kafka. Strings are parsed and printed with the SimpleDateFormat `format`, in UTC.
 */

import { z } from "zod";
import { ConfigDef } from "../api/config-def.js";
import type { ConnectRecord } from "../api/records.js";
import { DataError, type Field, type Schema, SchemaBuilder, Schemas, Struct } from "../api/schema.js";
import type { Transformation } from "../api/transform.js";
import { toInt64 } from "../data/int64.js";
import {
  DATE_SCHEMA,
  MILLIS_PER_DAY,
  OPTIONAL_DATE_SCHEMA,
  OPTIONAL_TIME_SCHEMA,
  OPTIONAL_TIMESTAMP_SCHEMA,
  TIME_SCHEMA,
  TIMESTAMP_SCHEMA,
} from "../data/logical.js";
import { compileDateFormat, type DateFormat } from "./date-format.js";
import {
  ConfigError,
  copySchemaBasics,
  fieldValue,
  keyValuePlugins,
  mapCopy,
  mapGet,
  mapSet,
  parseConfig,
  REPLACE_NULL_WITH_DEFAULT,
  type RecordPart,
  requireMap,
  requireStructOrNull,
  SchemaCache,
  schemaFingerprint,
  typeName,
} from "./util.js";

const FIELD_CONFIG = "field";
const TARGET_TYPE_CONFIG = "target.type";
const FORMAT_CONFIG = "format";
const UNIX_PRECISION_CONFIG = "unix.precision";

const TYPES = ["string", "unix", "Date", "Time", "Timestamp"] as const;
type TimestampType = (typeof TYPES)[number];
const PRECISIONS = ["nanoseconds", "microseconds", "milliseconds", "seconds"] as const;
type UnixPrecision = (typeof PRECISIONS)[number];

const CONFIG_DEF = new ConfigDef()
  .define({
    name: FIELD_CONFIG,
    type: "STRING",
    default: "",
    importance: "HIGH",
    documentation: "The field containing the timestamp, or empty if the entire value is a timestamp",
  })
  .define({
    name: TARGET_TYPE_CONFIG,
    type: "STRING",
    importance: "HIGH",
    documentation: "The desired timestamp representation: string, unix, Date, Time, or Timestamp",
    check: z.enum(TYPES, { message: `String must be one of: ${TYPES.join(", ")}` }),
    recommendedValues: TYPES,
  })
  .define({
    name: FORMAT_CONFIG,
    type: "STRING",
    default: "",
    importance: "MEDIUM",
    documentation:
      "A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string.",
  })
  .define({
    name: UNIX_PRECISION_CONFIG,
    type: "STRING",
    default: "milliseconds",
    importance: "LOW",
    documentation:
      "The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long.Note: This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components.",
    check: z.enum(PRECISIONS, { message: `String must be one of: ${PRECISIONS.join(", ")}` }),
    recommendedValues: PRECISIONS,
  })
  .define(REPLACE_NULL_WITH_DEFAULT);

const PURPOSE = "converting timestamp formats";

/** Per input struct schema: the output schema and the source type of the converted field. */
interface Plan {
  readonly schema: Schema;
  readonly fields: readonly Field[];
  readonly sourceType: TimestampType | null;
}

export class TimestampConverter implements Transformation {
  private field = "";
  private target: TimestampType = "Timestamp";
  private format: DateFormat | null = null;
  private precision: UnixPrecision = "milliseconds";
  private replaceNullWithDefault = true;
  private readonly plans = new SchemaCache<Plan>();

  constructor(private readonly part: RecordPart) {}

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const values = parseConfig(CONFIG_DEF, props);
    this.field = values[FIELD_CONFIG] as string;
    this.target = values[TARGET_TYPE_CONFIG] as TimestampType;
    this.precision = values[UNIX_PRECISION_CONFIG] as UnixPrecision;
    this.replaceNullWithDefault = values[REPLACE_NULL_WITH_DEFAULT.name] as boolean;
    const pattern = values[FORMAT_CONFIG] as string;
    if (this.target === "string" && pattern.trim() === "") {
      throw new ConfigError(
        "TimestampConverter requires format option to be specified when using string timestamps",
        FORMAT_CONFIG,
      );
    }
    this.format = null;
    if (pattern.trim() !== "") {
      try {
        this.format = compileDateFormat(pattern);
      } catch (e) {
        throw ConfigError.invalid(
          FORMAT_CONFIG,
          pattern,
          `TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: ${pattern} (${(e as Error).message})`,
        );
      }
    }
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = this.part.schema(record);
    const value = this.part.value(record);
    if (schema === null) {
      if (value === null || value === undefined || this.field === "") {
        return this.part.with(record, null, this.convert(value ?? null, null));
      }
      const map = requireMap(value, PURPOSE);
      const updated = mapCopy(map);
      mapSet(updated, this.field, this.convert(mapGet(map, this.field), null));
      return this.part.with(record, null, updated);
    }
    if (this.field === "") {
      return this.part.with(
        record,
        this.typeSchema(schema.optional),
        this.convert(value ?? null, sourceTypeOf(schema)),
      );
    }
    const struct = requireStructOrNull(value, PURPOSE);
    const plan = this.plans.get(schema, (s) => this.buildPlan(s));
    return this.part.with(
      record,
      plan.schema,
      struct === null ? null : this.convertStruct(struct, plan, plan.schema),
    );
  }

  private typeSchema(optional: boolean): Schema {
    switch (this.target) {
      case "string":
        return optional ? Schemas.OPTIONAL_STRING : Schemas.STRING;
      case "unix":
        return optional ? Schemas.OPTIONAL_INT64 : Schemas.INT64;
      case "Date":
        return optional ? OPTIONAL_DATE_SCHEMA : DATE_SCHEMA;
      case "Time":
        return optional ? OPTIONAL_TIME_SCHEMA : TIME_SCHEMA;
      case "Timestamp":
        return optional ? OPTIONAL_TIMESTAMP_SCHEMA : TIMESTAMP_SCHEMA;
    }
  }

  private buildPlan(schema: Schema): Plan {
    const b = copySchemaBasics(schema, SchemaBuilder.struct());
    let sourceType: TimestampType | null = null;
    for (const f of schema.fields ?? []) {
      if (f.name === this.field) {
        b.field(f.name, this.typeSchema(f.schema.optional));
        sourceType = sourceTypeOf(f.schema);
      } else {
        b.field(f.name, f.schema);
      }
    }
    if (schema.optional) b.optional();
    const fields = schema.fields ?? [];
    const plan = { schema: b.build(), fields, sourceType };
    if (schema.defaultValue instanceof Struct) {
      b.defaultValue(this.convertStruct(schema.defaultValue, plan, plan.schema));
      return { ...plan, schema: b.build() };
    }
    return plan;
  }

  private convertStruct(struct: Struct, plan: Plan, schema: Schema): Struct {
    const out = new Struct(schema);
    for (const f of plan.fields) {
      const v = fieldValue(struct, f, this.replaceNullWithDefault);
      out.put(f.name, f.name === this.field ? this.convert(v, plan.sourceType) : v);
    }
    return out;
  }

  /** Convert one timestamp; `source` is its type, or null to infer it from the JS value. */
  private convert(timestamp: unknown, source: TimestampType | null): unknown {
    if (timestamp === null || timestamp === undefined) return null;
    const from = source ?? inferType(timestamp);
    return this.fromMillis(this.toMillis(from, timestamp));
  }

  private toMillis(from: TimestampType, v: unknown): number {
    switch (from) {
      case "string": {
        if (typeof v !== "string") {
          throw new DataError(`Expected string timestamp to be a String, but found ${typeName(v)}`);
        }
        if (this.format === null) {
          throw new DataError(
            "TimestampConverter requires format option to be specified when using string timestamps",
          );
        }
        try {
          return this.format.parse(v);
        } catch {
          throw new DataError(
            `Could not parse timestamp: value (${v}) does not match pattern (${this.format.pattern})`,
          );
        }
      }
      case "unix":
        return unixToMillis(v, this.precision);
      default:
        if (!(v instanceof Date))
          throw new DataError(`Expected ${from} to be a Date, but found ${typeName(v)}`);
        return v.getTime();
    }
  }

  private fromMillis(ms: number): unknown {
    switch (this.target) {
      case "string":
        return (this.format as DateFormat).format(ms);
      case "unix":
        switch (this.precision) {
          case "seconds":
            return Math.trunc(ms / 1000);
          case "microseconds":
            return toInt64(BigInt(ms) * 1000n);
          case "nanoseconds":
            return toInt64(BigInt(ms) * 1_000_000n);
          default:
            return ms;
        }
      case "Date":
        return new Date(Math.floor(ms / MILLIS_PER_DAY) * MILLIS_PER_DAY);
      case "Time":
        return new Date(((ms % MILLIS_PER_DAY) + MILLIS_PER_DAY) % MILLIS_PER_DAY);
      case "Timestamp":
        return new Date(ms);
    }
  }

  close(): void {}
}

function unixToMillis(v: unknown, precision: UnixPrecision): number {
  if (typeof v === "bigint") {
    switch (precision) {
      case "seconds":
        return Number(v * 1000n);
      case "microseconds":
        return Number(v / 1000n);
      case "nanoseconds":
        return Number(v / 1_000_000n);
      default:
        return Number(v);
    }
  }
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new DataError(`Expected Unix timestamp to be a Long, but found ${typeName(v)}`);
  }
  switch (precision) {
    case "seconds":
      return v * 1000;
    case "microseconds":
      return Math.trunc(v / 1000);
    case "nanoseconds":
      return Math.trunc(v / 1_000_000);
    default:
      return v;
  }
}

/** The timestamp type a schema stands for: its logical type, else string, else int64 as Unix time. */
function sourceTypeOf(schema: Schema): TimestampType {
  switch (schema.name) {
    case "org.apache.kafka.connect.data.Timestamp":
      return "Timestamp";
    case "org.apache.kafka.connect.data.Date":
      return "Date";
    case "org.apache.kafka.connect.data.Time":
      return "Time";
  }
  if (schema.type === "string") return "string";
  if (schema.type === "int64") return "unix";
  throw new DataError(
    `Schema ${schemaFingerprint(schema)} does not correspond to a known timestamp type format`,
  );
}

/** Schemaless values: a Date is a Timestamp (Date and Time look the same), an integer Unix time, a string text. */
function inferType(v: unknown): TimestampType {
  if (v instanceof Date) return "Timestamp";
  if (typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v))) return "unix";
  if (typeof v === "string") return "string";
  throw new DataError(`TimestampConverter does not support ${typeName(v)} objects as timestamps`);
}

export const timestampConverterPlugins = keyValuePlugins(
  "TimestampConverter",
  (part) => new TimestampConverter(part),
);
