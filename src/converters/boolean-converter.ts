import type { ConfigDef } from "../api/config-def.js";
import type { Converter, HeaderConverter, SchemaAndValue } from "../api/converter.js";
import { DataError, type Schema, Schemas } from "../api/schema.js";
import { describe } from "../data/describe.js";
import { newConverterConfigDef } from "./converter-config.js";
import { typeName } from "./json-text.js";

const CONFIG_DEF: ConfigDef = newConverterConfigDef();
const TRUE = Buffer.from([1]);
const FALSE = Buffer.from([0]);

/** org.apache.kafka.connect.converters.BooleanConverter: one byte, 0x01 or 0x00 (BooleanSerializer). */
export class BooleanConverter implements Converter, HeaderConverter {
  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(_config: Readonly<Record<string, string>>, _isKey?: boolean): void {}

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Buffer | null {
    if (schema && schema.type !== "boolean") {
      throw new DataError(`Invalid schema type for BooleanConverter: ${typeName(schema)}`);
    }
    if (value === null || value === undefined) return null;
    // Fresh buffers: callers may own and mutate what they are given.
    if (value === true) return Buffer.from(TRUE);
    if (value === false) return Buffer.from(FALSE);
    throw new DataError(`BooleanConverter is not compatible with objects of type ${describe(value)}`);
  }

  toConnectData(_topic: string, data: Buffer | null): SchemaAndValue {
    if (data === null || data === undefined) return { schema: Schemas.OPTIONAL_BOOLEAN, value: null };
    if (data.length !== 1) {
      throw new DataError(
        "Failed to deserialize boolean: Size of data received by BooleanDeserializer is not 1",
      );
    }
    if (data[0] === 1) return { schema: Schemas.OPTIONAL_BOOLEAN, value: true };
    if (data[0] === 0) return { schema: Schemas.OPTIONAL_BOOLEAN, value: false };
    const signed = ((data[0] as number) << 24) >> 24;
    throw new DataError(
      `Failed to deserialize boolean: Unexpected byte received by BooleanDeserializer: ${signed}`,
    );
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, data: Buffer | null): SchemaAndValue {
    return this.toConnectData(topic, data);
  }
}
