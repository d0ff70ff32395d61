/**
 * The converters and header converters that ship with Kafka Connect, registered under Kafka's class names.
 * A class implementing both Converter and HeaderConverter is listed once per role, as Kafka's plugin scan
 * lists it (e.g. StringConverter is both a converter and a header_converter).
 */
import type { Converter, HeaderConverter } from "../api/converter.js";
import { BooleanConverter } from "./boolean-converter.js";
import { ByteArrayConverter } from "./byte-array-converter.js";
import { DoubleConverter } from "./double-converter.js";
import { FloatConverter } from "./float-converter.js";
import { IntegerConverter } from "./integer-converter.js";
import { JsonConverter } from "./json-converter.js";
import { LongConverter } from "./long-converter.js";
import { ShortConverter } from "./short-converter.js";
import { SimpleHeaderConverter } from "./simple-header-converter.js";
import { StringConverter } from "./string-converter.js";

export { Decimal } from "../data/decimal.js";
export {
  DATE_SCHEMA,
  decimalSchema,
  decimalSchemaBuilder,
  TIME_SCHEMA,
  TIMESTAMP_SCHEMA,
} from "../data/logical.js";
export { convertToString, parseString } from "../data/values.js";
export { BooleanConverter } from "./boolean-converter.js";
export { ByteArrayConverter } from "./byte-array-converter.js";
export { ConverterConfigError } from "./converter-config.js";
export { DoubleConverter } from "./double-converter.js";
export { FloatConverter } from "./float-converter.js";
export { IntegerConverter } from "./integer-converter.js";
export { JsonConverter } from "./json-converter.js";
export { LongConverter } from "./long-converter.js";
export { NumberConverter } from "./number-converter.js";
export { ShortConverter } from "./short-converter.js";
export { SimpleHeaderConverter } from "./simple-header-converter.js";
export { StringConverter } from "./string-converter.js";

/** Version reported for the built-in converters (Ferry's own version). */
export const CONVERTERS_VERSION = "0.1.0";

/** A built-in converter plugin; a union per role, so each fits the API's ConverterPlugin shape. */
export type BuiltInConverterPlugin =
  | {
      readonly className: string;
      readonly aliases: readonly string[];
      readonly type: "converter";
      readonly version: string;
      create(): Converter;
    }
  | {
      readonly className: string;
      readonly aliases: readonly string[];
      readonly type: "header_converter";
      readonly version: string;
      create(): HeaderConverter;
    };

/**
 * Kafka's aliases: the simple class name, and the name without its type suffix ("Converter" for converters,
 * "HeaderConverter" for header converters), e.g. JsonConverter → "JsonConverter", "Json". The runtime should
 * drop an alias that more than one plugin claims, as Kafka does.
 */
function aliases(className: string, type: BuiltInConverterPlugin["type"]): string[] {
  const simple = className.slice(className.lastIndexOf(".") + 1);
  const suffix = type === "converter" ? "Converter" : "HeaderConverter";
  const at = simple.lastIndexOf(suffix);
  const pruned = at > 0 ? simple.slice(0, at) : simple;
  return pruned === simple ? [simple] : [simple, pruned];
}

function both(className: string, create: () => Converter & HeaderConverter): BuiltInConverterPlugin[] {
  return [
    {
      className,
      aliases: aliases(className, "converter"),
      type: "converter",
      version: CONVERTERS_VERSION,
      create,
    },
    {
      className,
      aliases: aliases(className, "header_converter"),
      type: "header_converter",
      version: CONVERTERS_VERSION,
      create,
    },
  ];
}

const SIMPLE_HEADER_CONVERTER = "org.apache.kafka.connect.storage.SimpleHeaderConverter";

export const converterPlugins: readonly BuiltInConverterPlugin[] = Object.freeze([
  ...both("org.apache.kafka.connect.json.JsonConverter", () => new JsonConverter()),
  ...both("org.apache.kafka.connect.storage.StringConverter", () => new StringConverter()),
  ...both("org.apache.kafka.connect.converters.ByteArrayConverter", () => new ByteArrayConverter()),
  ...both("org.apache.kafka.connect.converters.BooleanConverter", () => new BooleanConverter()),
  ...both("org.apache.kafka.connect.converters.DoubleConverter", () => new DoubleConverter()),
  ...both("org.apache.kafka.connect.converters.FloatConverter", () => new FloatConverter()),
  ...both("org.apache.kafka.connect.converters.IntegerConverter", () => new IntegerConverter()),
  ...both("org.apache.kafka.connect.converters.LongConverter", () => new LongConverter()),
  ...both("org.apache.kafka.connect.converters.ShortConverter", () => new ShortConverter()),
  {
    className: SIMPLE_HEADER_CONVERTER,
    aliases: aliases(SIMPLE_HEADER_CONVERTER, "header_converter"),
    type: "header_converter",
    version: CONVERTERS_VERSION,
    create: () => new SimpleHeaderConverter(),
  },
]);
