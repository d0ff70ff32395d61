import type { ConfigDef } from "../api/config-def.js";
import type { Converter, HeaderConverter, SchemaAndValue } from "../api/converter.js";
import { DataError, type Schema, Schemas } from "../api/schema.js";
import { Decimal } from "../data/decimal.js";
import { integerString, javaDoubleString, javaFloatString } from "../data/java-format.js";
import { type Charset, charsetForName } from "./charsets.js";
import { ConverterConfigError, newConverterConfigDef, parseConverterConfig } from "./converter-config.js";
import { base64 } from "./json-text.js";

const ENCODING_CONFIG = "converter.encoding";

/** StringConverterConfig's definitions. */
export const STRING_CONVERTER_CONFIG_DEF: ConfigDef = newConverterConfigDef().define({
  name: ENCODING_CONFIG,
  type: "STRING",
  default: "UTF-8",
  importance: "HIGH",
  documentation: "The name of the Java character set to use for encoding strings as byte arrays.",
  orderInGroup: -1,
  width: "MEDIUM",
  displayName: "Encoding",
});

/** JSON.stringify hook for values JSON has no form for. `this[key]` is the value before any toJSON ran. */
function jsonReplacer(this: unknown, key: string, value: unknown): unknown {
  const original = (this as Record<string, unknown>)[key];
  if (original instanceof Uint8Array) return base64(original);
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Map) {
    const keys = [...value.keys()];
    if (keys.every((k) => typeof k === "string")) return Object.fromEntries(value);
    return [...value.entries()];
  }
  return value;
}

/**
 * The text Kafka's StringConverter writes for a value. Kafka calls Object.toString(); for the types where that
 * is well defined we match it (numbers print as Java does, with the schema telling float from double; Decimal
 * as BigDecimal.toString). Where Java's form is not meaningful we choose: ISO-8601 for Date, base64 for
 * bytes, and JSON for arrays, maps, Structs and other objects.
 */
export function connectValueToString(schema: Schema | null, value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      if (schema?.type === "float32") return javaFloatString(value);
      if (schema?.type === "float64") return javaDoubleString(value);
      return Number.isInteger(value) ? integerString(value) : javaDoubleString(value);
    case "bigint":
    case "boolean":
      return String(value);
  }
  if (value instanceof Decimal) return value.toString();
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new DataError("Failed to serialize to a string: Invalid Date");
    return value.toISOString();
  }
  if (value instanceof Uint8Array) return base64(value);
  return JSON.stringify(value, jsonReplacer) ?? String(value);
}

/**
 * org.apache.kafka.connect.storage.StringConverter: values as text in `converter.encoding` (default UTF-8);
 * reads always give an optional string schema. Also usable as a header converter.
 */
export class StringConverter implements Converter, HeaderConverter {
  private serializer: Charset = charsetForName("UTF-8") as Charset;
  private deserializer: Charset = this.serializer;

  config(): ConfigDef {
    return STRING_CONVERTER_CONFIG_DEF;
  }

  configure(config: Readonly<Record<string, string>>, isKey?: boolean): void {
    const values = parseConverterConfig(STRING_CONVERTER_CONFIG_DEF, config, isKey);
    const encoding = values[ENCODING_CONFIG] as string;
    // As Kafka's StringSerializer/Deserializer: key./value.(de)serializer.encoding win over converter.encoding.
    const role =
      isKey === true || (isKey === undefined && config["converter.type"] === "key") ? "key" : "value";
    this.serializer = resolve(config[`${role}.serializer.encoding`] ?? encoding);
    this.deserializer = resolve(config[`${role}.deserializer.encoding`] ?? encoding);
  }

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    return this.serializer.encode(connectValueToString(schema, value));
  }

  toConnectData(_topic: string, data: Buffer | null): SchemaAndValue {
    return {
      schema: Schemas.OPTIONAL_STRING,
      value: data === null || data === undefined ? null : this.deserializer.decode(data),
    };
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, data: Buffer | null): SchemaAndValue {
    return this.toConnectData(topic, data);
  }
}

function resolve(name: string): Charset {
  const c = charsetForName(name);
  if (!c) throw new ConverterConfigError(`Unsupported encoding ${name}`);
  return c;
}
