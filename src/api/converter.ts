import type { ConfigDef } from "./config-def.js";
import type { Header } from "./records.js";
import type { Schema } from "./schema.js";

export interface SchemaAndValue {
  readonly schema: Schema | null;
  readonly value: unknown;
}

/**
 * Turns Connect data into bytes and back (Kafka's Converter). `configure` receives the converter's own
 * sub-keys with the prefix removed (e.g. `schemas.enable` from `value.converter.schemas.enable`).
 */
export interface Converter {
  configure(config: Readonly<Record<string, string>>, isKey: boolean): void;
  fromConnectData(
    topic: string,
    schema: Schema | null,
    value: unknown,
    headers?: readonly Header[],
  ): Buffer | null;
  toConnectData(topic: string, data: Buffer | null, headers?: readonly Header[]): SchemaAndValue;
  config?(): ConfigDef;
}

/** Converts header values to bytes and back (Kafka's HeaderConverter). */
export interface HeaderConverter {
  configure(config: Readonly<Record<string, string>>): void;
  fromConnectHeader(topic: string, headerKey: string, schema: Schema | null, value: unknown): Buffer | null;
  toConnectHeader(topic: string, headerKey: string, data: Buffer | null): SchemaAndValue;
  config?(): ConfigDef;
}

export interface ConverterPlugin {
  readonly type: "converter" | "header_converter";
  readonly className: string;
  readonly aliases?: readonly string[];
  readonly version: string;
  create(): Converter | HeaderConverter;
}
