import { ConfigDef } from "../api/config-def.js";
import type { HeaderConverter, SchemaAndValue } from "../api/converter.js";
import { type Schema, Schemas } from "../api/schema.js";
import { convertToString, parseString } from "../data/values.js";

const CONFIG_DEF = new ConfigDef();
const NULL_SCHEMA_AND_VALUE: SchemaAndValue = Object.freeze({ schema: null, value: null });

/**
 * org.apache.kafka.connect.storage.SimpleHeaderConverter, the default header converter: writes header values
 * as their Values string form (UTF-8) and reads text back into the most specific type it looks like
 * (boolean, integer, float, Decimal, date/time, array, map), else a string. Schemas are inferred, not stored.
 * See values.ts for the few places where this deliberately differs from Kafka.
 */
export class SimpleHeaderConverter implements HeaderConverter {
  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(_config: Readonly<Record<string, string>>): void {}

  toConnectHeader(_topic: string, _headerKey: string, data: Buffer | null): SchemaAndValue {
    if (data === null || data === undefined) return NULL_SCHEMA_AND_VALUE;
    try {
      return parseString(data.toString("utf8")) ?? NULL_SCHEMA_AND_VALUE;
    } catch {
      // As Kafka: anything the parser cannot handle is passed on as the raw bytes.
      return { schema: Schemas.BYTES, value: data };
    }
  }

  fromConnectHeader(
    _topic: string,
    _headerKey: string,
    schema: Schema | null,
    value: unknown,
  ): Buffer | null {
    const text = convertToString(schema, value);
    return text === null ? null : Buffer.from(text, "utf8");
  }
}
