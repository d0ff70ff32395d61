import type { ConfigDef } from "../api/config-def.js";
import type { Converter, HeaderConverter, SchemaAndValue } from "../api/converter.js";
import { DataError, type Schema, Schemas } from "../api/schema.js";
import { describe } from "../data/describe.js";
import { newConverterConfigDef } from "./converter-config.js";
import { toBuffer, typeName } from "./json-text.js";

const CONFIG_DEF: ConfigDef = newConverterConfigDef();

/** org.apache.kafka.connect.converters.ByteArrayConverter: raw bytes in and out, untouched. */
export class ByteArrayConverter implements Converter, HeaderConverter {
  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(_config: Readonly<Record<string, string>>, _isKey?: boolean): void {}

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Buffer | null {
    if (schema && schema.type !== "bytes") {
      throw new DataError(`Invalid schema type for ByteArrayConverter: ${typeName(schema)}`);
    }
    if (value === null || value === undefined) return null;
    // A Uint8Array view is wrapped, not copied.
    if (value instanceof Uint8Array) return toBuffer(value);
    throw new DataError(`ByteArrayConverter is not compatible with objects of type ${describe(value)}`);
  }

  toConnectData(_topic: string, data: Buffer | null): SchemaAndValue {
    return { schema: Schemas.OPTIONAL_BYTES, value: data ?? null };
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, data: Buffer | null): SchemaAndValue {
    return this.toConnectData(topic, data);
  }
}
