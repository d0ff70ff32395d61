/**
 * Optional REST authentication: HTTP basic against a credentials file and bearer tokens from a tokens file.
 * Every comparison is of SHA-256 digests with crypto.timingSafeEqual, and every known credential is compared
 * (no early exit), so the time taken tells nothing about how much of a user name, password or token matched.
 * Probes (/healthz, /readyz, /health) and CORS preflights stay open.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type { MiddlewareHandler } from "hono";
import { parseProperties } from "../config/properties.js";
import { errorBody } from "./errors.js";

export const REALM = "Ferry";

/** Paths served without credentials: orchestrator probes must not need a secret. */
export const OPEN_PATHS: ReadonlySet<string> = new Set(["/healthz", "/readyz", "/health"]);

export interface RestCredentials {
  /** sha256("user:password") of each basic credential */
  readonly basic: readonly Buffer[];
  /** sha256(token) of each bearer token */
  readonly bearer: readonly Buffer[];
}

export class RestAuthError extends Error {}

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

function readFile(key: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new RestAuthError(`${key}=${path}: cannot read the file: ${(e as Error).message}`, { cause: e });
  }
}

/** `user: password` lines (Java properties syntax, as Kafka's PropertyFileLoginModule reads them). */
export function parseBasicCredentials(text: string, key: string, path: string): Buffer[] {
  let entries: Map<string, string>;
  try {
    entries = parseProperties(text, path);
  } catch (e) {
    throw new RestAuthError(`${key}=${path}: ${(e as Error).message}`, { cause: e });
  }
  const out: Buffer[] = [];
  for (const [user, password] of entries) {
    // the line number would be nicer; the user name is safe to show, the password never is
    if (user.includes(":"))
      throw new RestAuthError(`${key}=${path}: user name "${user}" holds ':', which basic auth cannot carry`);
    if (password === "") throw new RestAuthError(`${key}=${path}: user "${user}" has an empty password`);
    out.push(digest(`${user}:${password}`));
  }
  if (out.length === 0) throw new RestAuthError(`${key}=${path}: the file holds no "user: password" line`);
  return out;
}

/** One token a line; blank lines and lines starting with # are skipped. */
export function parseBearerTokens(text: string, key: string, path: string): Buffer[] {
  const tokens = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  if (tokens.length === 0) throw new RestAuthError(`${key}=${path}: the file holds no token`);
  const bad = tokens.findIndex((t) => /\s/.test(t));
  if (bad >= 0) throw new RestAuthError(`${key}=${path}: token ${bad + 1} holds white space`);
  return tokens.map(digest);
}

/** Reads the configured files; null when neither is set (authentication off). */
export function loadRestCredentials(files: {
  basicCredentialsFile: string | null;
  bearerTokensFile: string | null;
}): RestCredentials | null {
  const { basicCredentialsFile: basic, bearerTokensFile: bearer } = files;
  if (basic === null && bearer === null) return null;
  return {
    basic:
      basic === null
        ? []
        : parseBasicCredentials(
            readFile("rest.auth.basic.credentials.file", basic),
            "rest.auth.basic.credentials.file",
            basic,
          ),
    bearer:
      bearer === null
        ? []
        : parseBearerTokens(
            readFile("rest.auth.bearer.tokens.file", bearer),
            "rest.auth.bearer.tokens.file",
            bearer,
          ),
  };
}

/** Whether `candidate` is one of `known`, comparing against every entry in constant time each. */
function matchesAny(candidate: Buffer, known: readonly Buffer[]): boolean {
  let found = false;
  for (const k of known) found = timingSafeEqual(candidate, k) || found;
  return found;
}

/** Checks an Authorization header value against the credentials. */
export function authorized(header: string | undefined, creds: RestCredentials): boolean {
  if (!header) return false;
  const m = /^(\S+)\s+(.+)$/.exec(header.trim());
  if (!m) return false;
  const scheme = (m[1] ?? "").toLowerCase();
  const value = (m[2] ?? "").trim();
  if (scheme === "basic" && creds.basic.length > 0) {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    if (!decoded.includes(":")) return false;
    return matchesAny(digest(decoded), creds.basic);
  }
  if (scheme === "bearer" && creds.bearer.length > 0) return matchesAny(digest(value), creds.bearer);
  return false;
}

/** The challenges a 401 carries: one per enabled scheme. */
export function challenges(creds: RestCredentials): string[] {
  const out: string[] = [];
  if (creds.basic.length > 0) out.push(`Basic realm="${REALM}", charset="UTF-8"`);
  if (creds.bearer.length > 0) out.push(`Bearer realm="${REALM}"`);
  return out;
}

/** Hono middleware: 401 with Kafka's error body and WWW-Authenticate unless the request is authorized. */
export function authentication(creds: RestCredentials): MiddlewareHandler {
  const wwwAuthenticate = challenges(creds);
  return async (c, next) => {
    if (OPEN_PATHS.has(c.req.path) || c.req.method === "OPTIONS") return next();
    const header = c.req.header("authorization");
    if (authorized(header, creds)) return next();
    for (const ch of wwwAuthenticate) c.header("WWW-Authenticate", ch, { append: true });
    return errorBody(
      c,
      401,
      header
        ? "Invalid credentials"
        : "Authentication required: send HTTP basic credentials or a bearer token",
    );
  };
}
