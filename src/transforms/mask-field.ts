/**
 * MaskField$Key / MaskField$Value: replace fields with an "empty" value of their type (0, false, "", epoch,
 * empty array/map), or with `replacement` converted to the field's numeric or string type (Kafka's MaskField).
 * With a schema the field's type decides; without, the JS type of the value does.
 */
import { ConfigDef } from "../api/config-def.js";
import type { ConnectRecord } from "../api/records.js";
import { DataError, type Schema, Struct } from "../api/schema.js";
import type { Transformation } from "../api/transform.js";
import { toInt64 } from "../data/int64.js";
import {
  fieldValue,
  isSchemalessMap,
  keyValuePlugins,
  mapCopy,
  mapEmptyLike,
  mapGet,
  mapSet,
  NON_EMPTY_LIST,
  NON_EMPTY_STRING,
  parseConfig,
  REPLACE_NULL_WITH_DEFAULT,
  type RecordPart,
  requireMap,
  requireStruct,
  typeName,
} from "./util.js";

const FIELDS_CONFIG = "fields";
const REPLACEMENT_CONFIG = "replacement";

const CONFIG_DEF = new ConfigDef()
  .define({
    name: FIELDS_CONFIG,
    type: "LIST",
    importance: "HIGH",
    documentation: "Names of fields to mask.",
    check: NON_EMPTY_LIST,
  })
  .define({
    name: REPLACEMENT_CONFIG,
    type: "STRING",
    default: null,
    importance: "LOW",
    documentation:
      "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only).",
    check: NON_EMPTY_STRING,
  })
  .define(REPLACE_NULL_WITH_DEFAULT);

const PURPOSE = "mask fields";
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The replacement string, pre-converted to the numeric forms a field may need. */
class Replacement {
  private readonly decimal: number | null;

  constructor(readonly text: string) {
    this.decimal = DECIMAL.test(text.trim()) ? Number(text.trim()) : null;
  }

  private number(): number {
    if (this.decimal === null) throw new DataError(`Unable to convert ${this.text} (string) to a number`);
    return this.decimal;
  }

  /** Values.convertToByte/Short/Integer: the integral part, narrowed as a Java cast would. */
  integer(bits: 8 | 16 | 32): number {
    const n = Math.trunc(this.number());
    const shift = 32 - bits;
    return Number.isSafeInteger(n) ? ((n | 0) << shift) >> shift : 0;
  }

  long(): number | bigint {
    const n = Math.trunc(this.number());
    return Number.isSafeInteger(n) ? n : toInt64(BigInt(n));
  }

  float32(): number {
    return Math.fround(this.number());
  }

  float64(): number {
    return this.number();
  }
}

export class MaskField implements Transformation {
  private fields: ReadonlySet<string> = new Set();
  private replacement: Replacement | null = null;
  private replaceNullWithDefault = true;

  constructor(private readonly part: RecordPart) {}

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const values = parseConfig(CONFIG_DEF, props);
    this.fields = new Set(values[FIELDS_CONFIG] as string[]);
    const replacement = values[REPLACEMENT_CONFIG] as string | null;
    this.replacement = replacement === null ? null : new Replacement(replacement);
    this.replaceNullWithDefault = values[REPLACE_NULL_WITH_DEFAULT.name] as boolean;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = this.part.schema(record);
    const value = this.part.value(record);
    if (schema === null) {
      const map = requireMap(value, PURPOSE);
      const updated = mapCopy(map);
      for (const f of this.fields) mapSet(updated, f, this.maskSchemaless(mapGet(map, f)));
      return this.part.with(record, null, updated);
    }
    const struct = requireStruct(value, PURPOSE);
    const updated = new Struct(struct.schema);
    for (const f of struct.schema.fields ?? []) {
      const v = fieldValue(struct, f, this.replaceNullWithDefault);
      updated.put(f.name, this.fields.has(f.name) ? this.maskWithSchema(f.schema, v) : v);
    }
    return this.part.with(record, schema, updated);
  }

  private maskWithSchema(schema: Schema, v: unknown): unknown {
    if (v === null || v === undefined) return null;
    const r = this.replacement;
    switch (schema.type) {
      case "int8":
        return r ? r.integer(8) : 0;
      case "int16":
        return r ? r.integer(16) : 0;
      case "int32":
        if (v instanceof Date) break; // Date and Time: masked to the epoch, no custom replacement
        return r ? r.integer(32) : 0;
      case "int64":
        if (v instanceof Date) break; // Timestamp
        if (r) return r.long();
        return typeof v === "bigint" ? 0n : 0;
      case "float32":
        return r ? r.float32() : 0;
      case "float64":
        return r ? r.float64() : 0;
      case "string":
        return r ? r.text : "";
      case "boolean":
        if (!r) return false;
        break;
      case "array":
        if (!r) return [];
        break;
      case "map":
        if (!r) return isSchemalessMap(v) ? mapEmptyLike(v) : new Map();
        break;
    }
    if (!r && v instanceof Date) return new Date(0);
    throw this.cannotMask(v);
  }

  private maskSchemaless(v: unknown): unknown {
    if (v === null || v === undefined) return null;
    const r = this.replacement;
    if (typeof v === "number") {
      // integral numbers behave as Java integers (the replacement is truncated), others as doubles
      if (!r) return 0;
      return Number.isInteger(v) ? r.long() : r.float64();
    }
    if (typeof v === "bigint") {
      if (!r) return 0n;
      const n = r.long();
      return typeof n === "bigint" ? n : BigInt(n);
    }
    if (typeof v === "string") return r ? r.text : "";
    if (!r) {
      if (typeof v === "boolean") return false;
      if (v instanceof Date) return new Date(0);
      if (Array.isArray(v)) return [];
      if (isSchemalessMap(v)) return mapEmptyLike(v);
    }
    throw this.cannotMask(v);
  }

  private cannotMask(v: unknown): DataError {
    return this.replacement
      ? new DataError(`Cannot mask value of type ${typeName(v)} with custom replacement.`)
      : new DataError(`Cannot mask value of type: ${typeName(v)}`);
  }

  close(): void {}
}

export const maskFieldPlugins = keyValuePlugins("MaskField", (part) => new MaskField(part));
