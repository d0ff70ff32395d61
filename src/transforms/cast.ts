/**
 * Cast$Key / Cast$Value: cast fields, or the whole key/value, to another primitive type (Kafka's Cast).
 * Numbers follow Java's narrowing (integers wrap, fractions truncate, out-of-int range floats saturate);
 * strings are parsed as Java's Byte/Short/Integer/Long/Float/Double/Boolean.parseX would; bytes only cast to
 * a base64 string; Date/Time/Timestamp cast to their int32/int64 encodings or to ISO-8601 strings.
 */

import { z } from "zod";
import { ConfigDef } from "../api/config-def.js";
import type { ConnectRecord } from "../api/records.js";
import { DataError, type Field, LogicalTypes, type Schema, SchemaBuilder, Struct } from "../api/schema.js";
import type { Transformation } from "../api/transform.js";
import { toInt64 } from "../data/int64.js";
import { javaDoubleString, javaFloatString } from "../data/java-format.js";
import { dateToDays, timestampToMillis, timeToMillis } from "../data/logical.js";
import { formatConnectDate } from "./date-format.js";
import {
  copySchemaBasics,
  fieldValue,
  inferSchemaType,
  keyValuePlugins,
  mapCopy,
  mapGet,
  mapSet,
  parseConfig,
  REPLACE_NULL_WITH_DEFAULT,
  type RecordPart,
  requireMap,
  requireStruct,
  SchemaCache,
  typeName,
} from "./util.js";

export type CastType = "int8" | "int16" | "int32" | "int64" | "float32" | "float64" | "boolean" | "string";

const ALL_TYPES: readonly string[] = [
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
  "map",
  "struct",
];
const OUTPUT_TYPES: ReadonlySet<string> = new Set(ALL_TYPES.slice(0, 8));
const INPUT_TYPES: ReadonlySet<string> = new Set(ALL_TYPES.slice(0, 9));
const listed = (types: ReadonlySet<string>) => `[${[...types].map((t) => t.toUpperCase()).join(", ")}]`;

export interface CastSpec {
  /** set when the spec is a single type for the whole key/value */
  readonly whole?: CastType;
  readonly fields: ReadonlyMap<string, CastType>;
}

function parseType(name: string): CastType {
  const t = name.trim().toLowerCase();
  if (!ALL_TYPES.includes(t)) throw new Error(`Invalid type found in casting spec: ${name.trim()}`);
  if (!OUTPUT_TYPES.has(t)) {
    throw new Error(
      `Cast transformation does not support casting to ${t.toUpperCase()}; supported types are ${listed(OUTPUT_TYPES)}`,
    );
  }
  return t as CastType;
}

/** Parse `field1:type,field2:type` or a single `type`; throws an Error saying what is wrong. */
export function parseCastSpec(mappings: readonly string[]): CastSpec {
  if (mappings.length === 0) throw new Error("Must specify at least one field to cast.");
  const fields = new Map<string, CastType>();
  let whole: CastType | undefined;
  for (const mapping of mappings) {
    // Java's String.split drops trailing empty parts: "foo:" is a single part
    const parts = mapping.split(":");
    while (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
    if (parts.length > 2) throw new Error(`Invalid cast mapping: ${mapping}`);
    if (parts.length === 1) whole = parseType(parts[0] ?? "");
    else fields.set((parts[0] ?? "").trim(), parseType(parts[1] ?? ""));
  }
  if (whole !== undefined && mappings.length > 1) {
    throw new Error(
      "Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec",
    );
  }
  return whole !== undefined ? { whole, fields } : { fields };
}

export const SPEC_CONFIG = "spec";

const CONFIG_DEF = new ConfigDef()
  .define({
    name: SPEC_CONFIG,
    type: "LIST",
    importance: "HIGH",
    documentation:
      "List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string. Note that binary fields can only be cast to string.",
    check: z.array(z.string()).transform((list, ctx) => {
      try {
        return parseCastSpec(list);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message });
        return z.NEVER;
      }
    }),
  })
  .define(REPLACE_NULL_WITH_DEFAULT);

const PURPOSE = "cast types";

/** What a Struct schema turns into: the new schema and, per input field, the cast to apply (if any). */
interface StructPlan {
  readonly schema: Schema;
  readonly fields: readonly { readonly field: Field; readonly target: CastType | undefined }[];
}

export class Cast implements Transformation {
  private spec: CastSpec = { fields: new Map() };
  private replaceNullWithDefault = true;
  private readonly wholeSchemas = new SchemaCache<Schema>();
  private readonly structPlans = new SchemaCache<StructPlan>();

  constructor(private readonly part: RecordPart) {}

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const values = parseConfig(CONFIG_DEF, props);
    this.spec = values[SPEC_CONFIG] as CastSpec;
    this.replaceNullWithDefault = values[REPLACE_NULL_WITH_DEFAULT.name] as boolean;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = this.part.value(record);
    if (value === null || value === undefined) return record;
    const schema = this.part.schema(record);
    const whole = this.spec.whole;
    if (schema === null) {
      if (whole !== undefined) return this.part.with(record, null, castValue(null, value, whole));
      const map = requireMap(value, PURPOSE);
      const updated = mapCopy(map);
      for (const [field, target] of this.spec.fields)
        mapSet(updated, field, castValue(null, mapGet(map, field), target));
      return this.part.with(record, null, updated);
    }
    if (whole !== undefined) {
      const updatedSchema = this.wholeSchemas.get(schema, (s) => this.buildWholeSchema(s, whole));
      return this.part.with(record, updatedSchema, castValue(schema, value, whole));
    }
    const struct = requireStruct(value, PURPOSE);
    const plan = this.structPlans.get(schema, (s) => this.buildStructPlan(s));
    return this.part.with(record, plan.schema, this.castStruct(struct, plan));
  }

  private castStruct(struct: Struct, plan: StructPlan): Struct {
    const out = new Struct(plan.schema);
    for (const { field, target } of plan.fields) {
      const v = fieldValue(struct, field, this.replaceNullWithDefault);
      out.put(field.name, target === undefined ? v : castValue(field.schema, v, target));
    }
    return out;
  }

  private buildWholeSchema(schema: Schema, target: CastType): Schema {
    // Kafka copies name, version, doc and parameters even onto the new type
    const b = copySchemaBasics(schema, new SchemaBuilder(target));
    if (schema.optional) b.optional();
    if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
      b.defaultValue(castValue(schema, schema.defaultValue, target));
    }
    return b.build();
  }

  private buildStructPlan(schema: Schema): StructPlan {
    if (schema.type !== "struct") {
      throw new DataError(`Only Struct objects supported for [${PURPOSE}], found: ${schema.type}`);
    }
    const b = copySchemaBasics(schema, SchemaBuilder.struct());
    const fields: { field: Field; target: CastType | undefined }[] = [];
    for (const f of schema.fields ?? []) {
      const target = this.spec.fields.get(f.name);
      fields.push({ field: f, target });
      if (target === undefined) {
        b.field(f.name, f.schema);
        continue;
      }
      const fb = new SchemaBuilder(target);
      if (f.schema.optional) fb.optional();
      if (f.schema.defaultValue !== undefined && f.schema.defaultValue !== null) {
        fb.defaultValue(castValue(f.schema, f.schema.defaultValue, target));
      }
      b.field(f.name, fb.build());
    }
    if (schema.optional) b.optional();
    const withoutDefault = b.build();
    const plan = { schema: withoutDefault, fields };
    if (schema.defaultValue instanceof Struct) {
      // Kafka cannot cast a struct default (it fails); here the default is cast field by field.
      b.defaultValue(this.castStruct(schema.defaultValue, plan));
      return { schema: b.build(), fields };
    }
    return plan;
  }

  close(): void {}
}

// ---- value casts -----------------------------------------------------------------------------------------

/** A Date/Time/Timestamp value as its int form, with Kafka's checks (Date.fromLogical and so on). */
function encodeLogical(schema: Schema, value: unknown): unknown {
  if (!(value instanceof Date)) return value;
  switch (schema.name) {
    case LogicalTypes.DATE:
      return dateToDays(value);
    case LogicalTypes.TIME:
      return timeToMillis(value);
    case LogicalTypes.TIMESTAMP:
      return timestampToMillis(value);
    default:
      return value;
  }
}

class NumberFormatError extends Error {}

/** Cast one value; `schema` is its schema, or null for schemaless data (the type is then inferred). */
export function castValue(schema: Schema | null, value: unknown, target: CastType): unknown {
  if (value === null || value === undefined) return null;
  const inferred = schema ? schema.type : inferSchemaType(value);
  if (inferred === null) {
    throw new DataError(
      `Cast transformation was passed a value of type ${typeName(value)} which is not supported by Connect's data API`,
    );
  }
  if (!INPUT_TYPES.has(inferred)) {
    throw new DataError(
      `Cast transformation does not support casting from ${inferred.toUpperCase()}; supported types are ${listed(INPUT_TYPES)}`,
    );
  }
  const v = schema?.name !== undefined && target !== "string" ? encodeLogical(schema, value) : value;
  try {
    switch (target) {
      case "int8":
        return (toInt32(v, 8) << 24) >> 24;
      case "int16":
        return (toInt32(v, 16) << 16) >> 16;
      case "int32":
        return toInt32(v, 32);
      case "int64":
        return castToInt64(v);
      case "float32":
        return Math.fround(toDouble(v));
      case "float64":
        return toDouble(v);
      case "boolean":
        return castToBoolean(v);
      case "string":
        return castToString(schema, v);
    }
  } catch (e) {
    if (e instanceof NumberFormatError) {
      throw new DataError(`Value (${String(v)}) was out of range for requested data type`, { cause: e });
    }
    throw e;
  }
}

function unexpected(v: unknown): DataError {
  return new DataError(`Unexpected type in Cast transformation: ${typeName(v)}`);
}

const INT_RANGE: Record<number, [number, number]> = {
  8: [-128, 127],
  16: [-32768, 32767],
  32: [-2147483648, 2147483647],
};

/** The low 32 bits as Java's Number.intValue/shortValue/byteValue would see them (before narrowing). */
function toInt32(v: unknown, bits: 8 | 16 | 32): number {
  if (typeof v === "number") {
    // safe integers behave as Java longs (wrap); fractions and huge values as doubles (truncate, saturate)
    if (Number.isSafeInteger(v)) return v | 0;
    if (Number.isNaN(v)) return 0;
    return Math.max(-2147483648, Math.min(2147483647, Math.trunc(v)));
  }
  if (typeof v === "bigint") return Number(BigInt.asIntN(32, v));
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    if (!/^[+-]?\d+$/.test(v)) throw new NumberFormatError(v);
    const n = Number(v);
    const [lo, hi] = INT_RANGE[bits] as [number, number];
    if (n < lo || n > hi) throw new NumberFormatError(v);
    return n;
  }
  throw unexpected(v);
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

function castToInt64(v: unknown): number | bigint {
  if (typeof v === "number") {
    if (Number.isSafeInteger(v)) return v;
    if (Number.isNaN(v)) return 0;
    if (v >= 2 ** 63) return LONG_MAX;
    if (v < -(2 ** 63)) return LONG_MIN;
    return toInt64(BigInt(Math.trunc(v)));
  }
  if (typeof v === "bigint") return toInt64(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    if (!/^[+-]?\d+$/.test(v)) throw new NumberFormatError(v);
    const n = BigInt(v);
    if (n < LONG_MIN || n > LONG_MAX) throw new NumberFormatError(v);
    return toInt64(n);
  }
  throw unexpected(v);
}

const JAVA_FLOAT = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;

function toDouble(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    const s = v.trim();
    if (!JAVA_FLOAT.test(s)) throw new NumberFormatError(v);
    return Number(s.replace(/[fFdD]$/, ""));
  }
  throw unexpected(v);
}

function castToBoolean(v: unknown): boolean {
  if (typeof v === "number") return !Number.isNaN(v) && Math.trunc(v) !== 0;
  if (typeof v === "bigint") return v !== 0n;
  if (typeof v === "boolean") return v;
  if (typeof v === "string") return v.toLowerCase() === "true";
  throw unexpected(v);
}

function castToString(schema: Schema | null, v: unknown): string {
  if (v instanceof Date) return formatConnectDate(v);
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
  if (typeof v === "number") {
    const type = schema?.type ?? (Number.isInteger(v) ? "int64" : "float64");
    if (type === "float32") return javaFloatString(v);
    if (type === "float64") return javaDoubleString(v);
    return String(v);
  }
  return String(v);
}

export const castPlugins = keyValuePlugins("Cast", (part) => new Cast(part));
