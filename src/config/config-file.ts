/**
 * What the connector-file and worker-file loaders share: reading and decoding a file, telling JSON from
 * properties, and turning JSON scalars into config strings the way Jackson does.
 */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { z } from "zod";
import { errorMessage } from "../errors.js";
import { JsonNumber, JsonSyntaxError, type JsonValue, parseJson } from "./json.js";
import { PropertiesError, parseProperties } from "./properties.js";

/** A config file problem; the message is "<kind> <path>: <problem>". */
export class ConfigFileError extends Error {
  override name = "ConfigFileError";
  constructor(
    /** e.g. "connector config file" */
    readonly kind: string,
    readonly path: string,
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`${kind} ${path}: ${problem}`, options);
  }
}

/** Throws the caller's ConfigFileError subclass for a problem with its file. */
export type Fail = (problem: string, cause?: unknown) => never;

const utf8 = new TextDecoder("utf-8", { fatal: true });
const latin1 = new TextDecoder("latin1");

/**
 * Reads a config file as text. UTF-8 first (what people write today); bytes that are not valid UTF-8 are read
 * as ISO-8859-1, which is what Java's Properties.load(InputStream) (and so Kafka) always uses. A UTF-8 byte
 * order mark is dropped rather than becoming part of the first key.
 */
export async function readConfigText(path: string, fail: Fail): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") fail("file not found", e);
    if (code === "EISDIR") fail("is a directory, not a file", e);
    if (code === "EACCES" || code === "EPERM") fail("permission denied", e);
    fail(`cannot read file: ${errorMessage(e)}`, e);
  }
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

/**
 * Kafka tries JSON first and silently falls back to properties when JSON parsing fails, so a broken JSON file
 * surfaces as a baffling "missing name". Deciding up front instead gives a JSON syntax error: a file is JSON
 * when it is named *.json or starts (after whitespace) with '{', which no sensible properties file does.
 */
export function looksLikeJson(path: string, text: string): boolean {
  return extname(path).toLowerCase() === ".json" || /^[ \t\r\n]*\{/.test(text);
}

export function parseJsonText(text: string, fail: Fail): JsonValue {
  try {
    return parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) fail(`invalid JSON: ${e.message}`, e);
    throw e;
  }
}

export function parsePropertiesText(text: string, path: string, fail: Fail): Map<string, string> {
  try {
    return parseProperties(text, path);
  } catch (e) {
    if (e instanceof PropertiesError) fail(`line ${e.line}: ${e.reason}`, e);
    throw e;
  }
}

/** "an object value", "a null value", ...: how a value that is not a config string is described. */
export function describeJsonKind(value: unknown): string {
  if (value === undefined) return "no value";
  if (value === null) return "a null value";
  if (Array.isArray(value)) return "an array value";
  if (value instanceof JsonNumber) return "a number value";
  return typeof value === "object" ? "an object value" : `a ${typeof value} value`;
}

/**
 * One config value. Jackson's StringDeserializer accepts any scalar token as its text (numbers as written,
 * true/false) and rejects objects and arrays. JSON null is rejected too: Jackson would keep a null, which a
 * string config cannot hold, so the key is named instead of failing somewhere later.
 */
export const configValueSchema = z.union(
  [
    z.string(),
    z.instanceof(JsonNumber).transform((n) => n.text),
    z.boolean().transform((b) => (b ? "true" : "false")),
  ],
  { error: (issue) => describeJsonKind(issue.input) },
);

/** A JSON object used as a string→string config map. */
export const configMapSchema = z.record(z.string(), configValueSchema);

export function isJsonObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber)
  );
}

/** Describes the bad entries of a config map from zod issues whose path starts at the map. */
export function describeBadEntries(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const key = issue.path[0];
      return key === undefined ? issue.message : `key ${JSON.stringify(String(key))} has ${issue.message}`;
    })
    .join("; ");
}

/** A properties file or a flat JSON object, as a config map. */
export function parseConfigMap(path: string, text: string, fail: Fail): Record<string, string> {
  if (!looksLikeJson(path, text)) return Object.fromEntries(parsePropertiesText(text, path, fail));
  const json = parseJsonText(text, fail);
  if (!isJsonObject(json)) fail(`must be a JSON object, but it holds ${describeJsonKind(json)}`);
  const parsed = configMapSchema.safeParse(json);
  if (!parsed.success) fail(`must be a JSON object of strings; ${describeBadEntries(parsed.error.issues)}`);
  return parsed.data;
}
