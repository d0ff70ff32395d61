import { z } from "zod";
import { ConfigDef } from "../api/config-def.js";

/** Kafka's ConverterConfig.TYPE_CONFIG: how the converter is used, set by the runtime rather than the user. */
export const CONVERTER_TYPE_CONFIG = "converter.type";

export type ConverterType = "key" | "value" | "header";

/** A ConfigDef holding converter.type, as ConverterConfig.newConfigDef() does. */
export function newConverterConfigDef(): ConfigDef {
  return new ConfigDef().define({
    name: CONVERTER_TYPE_CONFIG,
    type: "STRING",
    importance: "LOW",
    documentation: "How this converter will be used.",
    check: z.enum(["key", "value", "header"], { error: "String must be one of: key, value, header" }),
  });
}

/** A bad converter configuration (Kafka's ConfigException). */
export class ConverterConfigError extends Error {
  override name = "ConfigException";
}

/**
 * Parses a converter's config as Kafka's ConverterConfig would: converter.type comes from `isKey` for a key or
 * value converter (configure(map, isKey) sets it) and defaults to "header" when configured as a header converter.
 * Throws on the first invalid or missing key.
 */
export function parseConverterConfig(
  def: ConfigDef,
  config: Readonly<Record<string, string>>,
  isKey: boolean | undefined,
): Record<string, unknown> {
  const type: string =
    isKey === undefined ? (config[CONVERTER_TYPE_CONFIG] ?? "header") : isKey ? "key" : "value";
  const parsed = def.parse({ ...config, [CONVERTER_TYPE_CONFIG]: type });
  const messages = Object.values(parsed.errors).flat();
  if (messages.length > 0) throw new ConverterConfigError(messages.join("; "));
  return parsed.values;
}
