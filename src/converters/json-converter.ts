import { z } from "zod";
import type { ConfigDef } from "../api/config-def.js";
import type { Converter, HeaderConverter, SchemaAndValue } from "../api/converter.js";
import { DataError, type Schema } from "../api/schema.js";
import { errorMessage } from "../errors.js";
import { newConverterConfigDef, parseConverterConfig } from "./converter-config.js";
import { type DecimalFormat, JsonCodec, NEED_EXACT_NUMBERS } from "./json-codec.js";
import { parseJson, parseJsonStrict } from "./lossless-json.js";
import { LruCache } from "./lru-cache.js";

const SCHEMAS_ENABLE = "schemas.enable";
const SCHEMAS_CACHE_SIZE = "schemas.cache.size";
const DECIMAL_FORMAT = "decimal.format";
const REPLACE_NULL_WITH_DEFAULT = "replace.null.with.default";

/** JsonConverterConfig's definitions (plus converter.type, as every ConverterConfig has). */
export const JSON_CONVERTER_CONFIG_DEF: ConfigDef = newConverterConfigDef()
  .define({
    name: SCHEMAS_ENABLE,
    type: "BOOLEAN",
    default: true,
    importance: "HIGH",
    documentation: "Include schemas within each of the serialized values and keys.",
    group: "Schemas",
    orderInGroup: 0,
    width: "MEDIUM",
    displayName: "Enable Schemas",
  })
  .define({
    name: SCHEMAS_CACHE_SIZE,
    type: "INT",
    default: 1000,
    importance: "HIGH",
    documentation: "The maximum number of schemas that can be cached in this converter instance.",
    group: "Schemas",
    orderInGroup: 1,
    width: "MEDIUM",
    displayName: "Schema Cache Size",
  })
  .define({
    name: DECIMAL_FORMAT,
    type: "STRING",
    default: "BASE64",
    importance: "LOW",
    documentation:
      "Controls which format this converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'",
    group: "Serialization",
    orderInGroup: 0,
    width: "MEDIUM",
    displayName: "Decimal Format",
    check: z.string().refine((v) => v.toUpperCase() === "BASE64" || v.toUpperCase() === "NUMERIC", {
      message: "String must be one of (case insensitive): BASE64, NUMERIC",
    }),
  })
  .define({
    name: REPLACE_NULL_WITH_DEFAULT,
    type: "BOOLEAN",
    default: true,
    importance: "LOW",
    documentation:
      "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.",
    group: "Serialization",
    orderInGroup: 1,
    width: "MEDIUM",
    displayName: "Replace null with default",
  });

const ENVELOPE_ERROR =
  'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields.' +
  " If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.";

const NULL_SCHEMA_AND_VALUE: SchemaAndValue = Object.freeze({ schema: null, value: null });
const ENVELOPE_START = '{"schema":';
const PAYLOAD_KEY = ',"payload":';
/** How many recently seen schema prefixes toConnectData compares raw bytes against. */
const RECENT_PREFIXES = 4;

/** A schema read from JSON, with what is needed to read payloads of it. */
interface SchemaEntry {
  readonly schema: Schema;
  /** `{"schema":<exact schema bytes>,"payload":` when the record had that layout; enables the byte fast path */
  prefix: Buffer | null;
  /** payloads of this schema have needed exact numbers before; parse them exactly straight away */
  exact: boolean;
}

/** Index just past the JSON value starting at `i` of valid JSON text, or -1. */
function skipJsonValue(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c === 0x22) return skipJsonString(t, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let j = i; j < t.length; j++) {
      const ch = t.charCodeAt(j);
      if (ch === 0x22) {
        j = skipJsonString(t, j) - 1;
        if (j < 0) return -1;
      } else if (ch === 0x7b || ch === 0x5b) {
        depth++;
      } else if (ch === 0x7d || ch === 0x5d) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < t.length && ",}] \t\r\n".indexOf(t.charAt(j)) < 0) j++;
  return j > i ? j : -1;
}

function skipJsonString(t: string, i: number): number {
  for (let j = i + 1; j < t.length; j++) {
    const ch = t.charCodeAt(j);
    if (ch === 0x5c) j++;
    else if (ch === 0x22) return j + 1;
  }
  return -1;
}

function serializationError(e: unknown): DataError {
  const why = errorMessage(e);
  return new DataError(`Converting byte[] to Kafka Connect data failed due to serialization error: ${why}`, {
    cause: e,
  });
}

/** JSON.parse, falling back to the Jackson-compatible parser for what JSON.parse rejects; undefined = no content. */
function parseRecord(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (first) {
    try {
      return parseJson(text, { lossless: false });
    } catch {
      throw serializationError(first);
    }
  }
}

/**
 * org.apache.kafka.connect.json.JsonConverter: Connect data as JSON, by default inside an envelope
 * `{"schema": ..., "payload": ...}` whose schema text matches Kafka's byte for byte.
 *
 * Hot-path notes: schema JSON and the per-schema writer/reader are computed once per Schema object (WeakMap).
 * On read, a record whose bytes start with the exact schema prefix of a recently seen record skips parsing the
 * schema: only the payload is parsed. Known limits: JSON numbers without a schema (schemas.enable=false, or a
 * null schema) are JS numbers, so integers beyond 2^53 lose precision there; with a schema, int64 values beyond
 * 2^53 come back as bigint and NUMERIC decimals exactly.
 */
export class JsonConverter implements Converter, HeaderConverter {
  private schemasEnable = true;
  private cacheSize = 1000;
  private codec = new JsonCodec({ replaceNullWithDefault: true, decimalFormat: "BASE64" });
  private schemaCache = new LruCache<string, SchemaEntry>(1000);
  private recent: SchemaEntry[] = [];

  config(): ConfigDef {
    return JSON_CONVERTER_CONFIG_DEF;
  }

  /** As a header converter the runtime calls configure(config) with no isKey. */
  configure(config: Readonly<Record<string, string>>, isKey?: boolean): void {
    const values = parseConverterConfig(JSON_CONVERTER_CONFIG_DEF, config, isKey);
    this.schemasEnable = values[SCHEMAS_ENABLE] as boolean;
    this.cacheSize = values[SCHEMAS_CACHE_SIZE] as number;
    this.codec = new JsonCodec({
      replaceNullWithDefault: values[REPLACE_NULL_WITH_DEFAULT] as boolean,
      decimalFormat: String(values[DECIMAL_FORMAT]).toUpperCase() as DecimalFormat,
    });
    this.schemaCache = new LruCache(this.cacheSize);
    this.recent = [];
  }

  /** Number of JSON schemas cached for toConnectData (Kafka's toConnectSchemaCache). */
  get toConnectSchemaCacheSize(): number {
    return this.schemaCache.size;
  }

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Buffer | null {
    if ((schema === null || schema === undefined) && (value === null || value === undefined)) return null;
    const s = schema ?? null;
    let text: string;
    if (this.schemasEnable) text = this.codec.envelope(s, value);
    else text = s === null ? this.codec.writeSchemaless(value) : this.codec.writer(s)(value);
    return Buffer.from(text, "utf8");
  }

  toConnectData(_topic: string, data: Buffer | null): SchemaAndValue {
    // A tombstone, whatever schemas.enable says.
    if (data === null || data === undefined) return NULL_SCHEMA_AND_VALUE;
    if (!this.schemasEnable) {
      const value = parseRecord(data.toString("utf8"));
      return value === undefined || value === null ? NULL_SCHEMA_AND_VALUE : { schema: null, value };
    }
    for (const entry of this.recent) {
      const prefix = entry.prefix as Buffer;
      if (data.length > prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0) {
        const r = this.readPayloadOnly(data, entry);
        if (r !== undefined) return r;
        break;
      }
    }
    return this.readEnvelope(data);
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, data: Buffer | null): SchemaAndValue {
    return this.toConnectData(topic, data);
  }

  /**
   * Fast path: the bytes are `<known prefix><payload>}`. Returns undefined when the rest is not exactly one
   * JSON value, so that the full parse reports the problem.
   */
  private readPayloadOnly(data: Buffer, entry: SchemaEntry): SchemaAndValue | undefined {
    let end = data.length - 1;
    while (end > 0 && (data[end] === 0x20 || data[end] === 0x0a || data[end] === 0x0d || data[end] === 0x09))
      end--;
    if (data[end] !== 0x7d) return undefined;
    const text = data.toString("utf8", (entry.prefix as Buffer).length, end);
    let payload: unknown;
    try {
      payload = entry.exact ? parseJsonStrict(text, { lossless: true }) : JSON.parse(text);
    } catch {
      return undefined;
    }
    const reader = this.codec.reader(entry.schema);
    try {
      return { schema: entry.schema, value: reader(payload) };
    } catch (e) {
      if (e !== NEED_EXACT_NUMBERS) throw e;
    }
    entry.exact = true;
    try {
      payload = parseJsonStrict(text, { lossless: true });
    } catch {
      return undefined;
    }
    return { schema: entry.schema, value: reader(payload) };
  }

  private readEnvelope(data: Buffer): SchemaAndValue {
    const text = data.toString("utf8");
    const root = parseRecord(text);
    if (
      typeof root !== "object" ||
      root === null ||
      Array.isArray(root) ||
      !Object.hasOwn(root, "schema") ||
      !Object.hasOwn(root, "payload") ||
      Object.keys(root).length !== 2
    ) {
      throw new DataError(ENVELOPE_ERROR);
    }
    try {
      return this.convertEnvelope(text, root as { schema: unknown; payload: unknown }, false);
    } catch (e) {
      if (e !== NEED_EXACT_NUMBERS) throw e;
    }
    let exactRoot: unknown;
    try {
      exactRoot = parseJson(text, { lossless: true });
    } catch (e) {
      throw serializationError(e);
    }
    return this.convertEnvelope(text, exactRoot as { schema: unknown; payload: unknown }, true);
  }

  private convertEnvelope(
    text: string,
    root: { schema: unknown; payload: unknown },
    exact: boolean,
  ): SchemaAndValue {
    if (root.schema === null) {
      // Only an exact-number parse leaves anything to convert in schemaless JSON.
      const value = exact ? this.codec.readSchemaless(root.payload) : root.payload;
      return value === null || value === undefined ? NULL_SCHEMA_AND_VALUE : { schema: null, value };
    }
    // The schema's own text is the cache key when the record starts with it (the usual layout); otherwise
    // the re-serialised parsed schema.
    let key: string | null = null;
    let prefixText: string | null = null;
    if (text.startsWith(ENVELOPE_START)) {
      const end = skipJsonValue(text, ENVELOPE_START.length);
      if (end > 0) {
        key = text.slice(ENVELOPE_START.length, end);
        if (text.startsWith(PAYLOAD_KEY, end)) prefixText = text.slice(0, end + PAYLOAD_KEY.length);
      }
    }
    if (key === null && !exact) key = JSON.stringify(root.schema);
    let entry = key === null ? undefined : this.schemaCache.get(key);
    if (entry === undefined) {
      const schema = this.codec.readSchema(root.schema) as Schema;
      entry = { schema, prefix: null, exact: false };
      if (key !== null) this.schemaCache.set(key, entry);
    }
    if (exact) entry.exact = true;
    if (prefixText !== null && entry.prefix === null && this.cacheSize > 0) {
      entry.prefix = Buffer.from(prefixText, "utf8");
      this.recent.unshift(entry);
      if (this.recent.length > RECENT_PREFIXES) this.recent.pop();
    }
    return { schema: entry.schema, value: this.codec.reader(entry.schema)(root.payload) };
  }
}
