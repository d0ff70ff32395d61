import type { ConfigDef } from "../api/config-def.js";
import type { Converter, HeaderConverter, SchemaAndValue } from "../api/converter.js";
import { DataError, type Schema } from "../api/schema.js";
import { describe } from "../data/describe.js";
import { newConverterConfigDef } from "./converter-config.js";

const CONFIG_DEF: ConfigDef = newConverterConfigDef();

/**
 * Kafka's NumberConverter: a fixed-width big-endian number, as the matching Kafka serializer writes it.
 * Nulls pass through; reads always give the converter's optional schema. The schema given to
 * fromConnectData is not checked, as in Kafka.
 */
export abstract class NumberConverter implements Converter, HeaderConverter {
  private readonly typeName: string;
  private readonly schema: Schema;
  private readonly size: number;
  private readonly deserializerName: string;

  protected constructor(typeName: string, schema: Schema, size: number, deserializerName: string) {
    this.typeName = typeName;
    this.schema = schema;
    this.size = size;
    this.deserializerName = deserializerName;
  }

  /** The bytes of `value`, or null when it is not a value of this converter's type. */
  protected abstract encode(value: unknown): Buffer | null;
  protected abstract decode(data: Buffer): unknown;

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(_config: Readonly<Record<string, string>>, _isKey?: boolean): void {}

  fromConnectData(_topic: string, _schema: Schema | null, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    const bytes = this.encode(value);
    if (bytes === null)
      throw new DataError(
        `Failed to serialize to ${this.typeName} (was ${describe(value)}): ${String(value)}`,
      );
    return bytes;
  }

  toConnectData(_topic: string, data: Buffer | null): SchemaAndValue {
    if (data === null || data === undefined) return { schema: this.schema, value: null };
    if (data.length !== this.size) {
      throw new DataError(
        `Failed to deserialize ${this.typeName}: Size of data received by ${this.deserializerName} is not ${this.size}`,
      );
    }
    return { schema: this.schema, value: this.decode(data) };
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, data: Buffer | null): SchemaAndValue {
    return this.toConnectData(topic, data);
  }
}

/** An integer `value` within [min, max], else null. */
export function integerIn(value: unknown, min: number, max: number): number | null {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max ? value : null;
}
