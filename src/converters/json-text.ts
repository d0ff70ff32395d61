import { DataError, type Schema } from "../api/schema.js";
import { describe } from "../data/describe.js";
import { JsonNumber } from "./lossless-json.js";

/** Jackson escapes control characters as \u00XX with upper-case hex; JSON.stringify uses lower case. */
const LOWER_HEX_ESCAPE = /(\\+)u00([0-9a-f]{2})/g;

/** Characters JSON must escape, plus surrogates (a lone one must be escaped to stay valid UTF-8). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string literal, byte-identical to what Jackson writes for the same string. */
export function quote(s: string): string {
  // Most strings need no escaping; a regex test is much cheaper than JSON.stringify for them.
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  const out = JSON.stringify(s);
  // Only escaped text is longer than its two quotes; skip the scan for the common plain string.
  if (out.length === s.length + 2) return out;
  return out.replace(LOWER_HEX_ESCAPE, (m, slashes: string, hex: string) =>
    slashes.length % 2 === 1 ? `${slashes}u00${hex.toUpperCase()}` : m,
  );
}

export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function base64(bytes: Uint8Array): string {
  return toBuffer(bytes).toString("base64");
}

const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 decoding (Buffer.from silently skips bad characters); null when the text is not base64. */
export function decodeBase64(text: string): Buffer | null {
  if (text.length % 4 === 1 || !BASE64_TEXT.test(text)) return null;
  return Buffer.from(text, "base64");
}

/** Jackson's JsonNodeType name of a parsed JSON value, for error messages. */
export function nodeType(j: unknown): string {
  if (j === undefined) return "MISSING";
  if (j === null) return "NULL";
  switch (typeof j) {
    case "boolean":
      return "BOOLEAN";
    case "number":
      return "NUMBER";
    case "string":
      return "STRING";
  }
  if (Array.isArray(j)) return "ARRAY";
  if (j instanceof JsonNumber) return "NUMBER";
  return "OBJECT";
}

/** Kafka prints Schema.Type enum names (INT32, STRING, ...). */
export function typeName(schema: Schema): string {
  return schema.type.toUpperCase();
}

export function invalidType(schema: Schema, v: unknown): DataError {
  return new DataError(`Invalid type for ${typeName(schema)}: ${describe(v)}`);
}
