/**
 * The connection keys the PostgreSQL source and sink share (Confluent JDBC names) and how a task opens its
 * client: UTC session time zone and ISO dates, so timestamps read as text parse the same everywhere, and
 * every column delivered as text (column-types.ts decides what each becomes).
 */
import pg from "pg";
import { z } from "zod";
import type { ConfigDef } from "../../api/config-def.js";
import { ConfigError } from "../../api/errors.js";

export const URL_CONFIG = "connection.url";
export const USER_CONFIG = "connection.user";
export const PASSWORD_CONFIG = "connection.password";

const URL_PATTERN = /^(jdbc:)?postgres(ql)?:\/\//;

export function defineConnection(def: ConfigDef): ConfigDef {
  return def
    .define({
      name: URL_CONFIG,
      type: "STRING",
      importance: "HIGH",
      group: "Connection",
      documentation:
        "The database, as postgres://host:port/db or Confluent's jdbc:postgresql://host:port/db (user and password may be in the URL).",
      check: z
        .string()
        .trim()
        .regex(URL_PATTERN, "Expected postgres://, postgresql:// or jdbc:postgresql://"),
    })
    .define({
      name: USER_CONFIG,
      type: "STRING",
      default: null,
      importance: "HIGH",
      group: "Connection",
      documentation: "The user to connect as (overrides a user in the URL).",
    })
    .define({
      name: PASSWORD_CONFIG,
      type: "PASSWORD",
      default: null,
      importance: "HIGH",
      group: "Connection",
      documentation: "The password (overrides a password in the URL).",
    });
}

export interface ConnectionSettings {
  readonly url: string;
  readonly user: string | null;
  readonly password: string | null;
}

export function connectionSettings(values: Record<string, unknown>): ConnectionSettings {
  return {
    url: (values[URL_CONFIG] as string).trim(),
    user: values[USER_CONFIG] as string | null,
    password: values[PASSWORD_CONFIG] as string | null,
  };
}

/** Every column arrives as its text form (bytea as its hex text); nothing is parsed behind our back. */
const TEXT_TYPES = { getTypeParser: () => (text: string) => text } as unknown as pg.CustomTypesConfig;

/** A connected client; the error names the server (never the password). */
export async function connect(s: ConnectionSettings, applicationName: string): Promise<pg.Client> {
  // jdbc:postgresql://h:p/db?user=u&password=p: pg understands the same URL without the jdbc: prefix.
  // pg lets the URL win over separate user/password settings, so the overrides go into the URL.
  let u: URL;
  try {
    u = new URL(s.url.replace(/^jdbc:/, "").replace(/^postgresql:/, "postgres:"));
  } catch (e) {
    throw ConfigError.invalid(URL_CONFIG, "(hidden)", `not a URL: ${(e as Error).message}`);
  }
  if (s.user) u.username = s.user;
  if (s.password) u.password = s.password;
  const where = `${u.hostname}:${u.port || 5432}${u.pathname}`;
  const client = new pg.Client({
    connectionString: u.toString(),
    application_name: applicationName,
    types: TEXT_TYPES,
    options: "-c TimeZone=UTC -c DateStyle=ISO",
  });
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw new Error(`PostgreSQL: cannot connect to ${where}: ${(e as Error).message}`, { cause: e });
  }
  return client;
}

/** SQLSTATE classes worth retrying: connection loss, serialization failures and deadlocks, shutdown. */
export function isTransient(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  // pg rejects the queries of a connection that went away with these (no SQLSTATE)
  if (
    typeof code !== "string" &&
    e instanceof Error &&
    /Connection terminated|Client has encountered a connection error|Client was closed|not queryable/.test(
      e.message,
    )
  )
    return true;
  if (typeof code !== "string") return false;
  return (
    code.startsWith("08") ||
    code === "40001" ||
    code === "40P01" ||
    code === "57P01" ||
    code === "57P02" ||
    code === "57P03" ||
    code === "53300" ||
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"].includes(code)
  );
}
