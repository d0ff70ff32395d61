/**
 * REST authentication: the credentials files, the constant-time check, and the middleware in the real app
 * (401 with Kafka's error body and WWW-Authenticate for missing and wrong credentials, 200 for right ones,
 * probes open).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createRestApp } from "../../../src/rest/app.js";
import {
  authorized,
  loadRestCredentials,
  parseBasicCredentials,
  parseBearerTokens,
  RestAuthError,
} from "../../../src/rest/auth.js";
import { herderWith } from "./support.js";

const dir = mkdtempSync(join(tmpdir(), "ferry-auth-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const basicFile = file(
  "credentials.properties",
  "# Kafka's PropertyFileLoginModule format\nalice: s3cret pw\nbob=hunter2\n",
);
const tokensFile = file("tokens.txt", "# one a line\ntok-123\n\ntok-456\n");
const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString("base64")}`;

function credentials(files: { basicCredentialsFile: string | null; bearerTokensFile: string | null }) {
  const creds = loadRestCredentials(files);
  if (!creds) throw new Error("expected credentials");
  return creds;
}

function app(files: { basicCredentialsFile: string | null; bearerTokensFile: string | null }) {
  return createRestApp({
    herder: herderWith({ ready: () => true, connectors: () => ["c1"], kafkaClusterId: () => "k" }),
    logger: pino({ level: "silent" }),
    commit: "test",
    operations: {},
    security: { credentials: loadRestCredentials(files), allowOrigins: [], allowMethods: [] },
  });
}

describe("credentials files", () => {
  it("reads user: password lines (Java properties syntax) and skips comments", () => {
    const creds = credentials({ basicCredentialsFile: basicFile, bearerTokensFile: null });
    expect(creds.basic).toHaveLength(2);
    expect(authorized(basic("alice", "s3cret pw"), creds)).toBe(true);
    expect(authorized(basic("bob", "hunter2"), creds)).toBe(true);
  });

  it("is off when neither file is set", () => {
    expect(loadRestCredentials({ basicCredentialsFile: null, bearerTokensFile: null })).toBeNull();
  });

  it("names the key and the file when a file is missing, empty or malformed, never a password", () => {
    const missing = join(dir, "nope.properties");
    expect(() => loadRestCredentials({ basicCredentialsFile: missing, bearerTokensFile: null })).toThrow(
      new RegExp(`rest\\.auth\\.basic\\.credentials\\.file=${missing}: cannot read the file`),
    );
    expect(() => parseBasicCredentials("# nothing\n", "rest.auth.basic.credentials.file", "f")).toThrow(
      /rest\.auth\.basic\.credentials\.file=f: the file holds no "user: password" line/,
    );
    expect(() => parseBasicCredentials("carol:\n", "k", "f")).toThrow(/user "carol" has an empty password/);
    expect(() => parseBearerTokens("\n# x\n", "rest.auth.bearer.tokens.file", "t")).toThrow(
      /rest\.auth\.bearer\.tokens\.file=t: the file holds no token/,
    );
    try {
      parseBearerTokens("good\nbad token-secret\n", "k", "t");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RestAuthError);
      expect((e as Error).message).toBe("k=t: token 2 holds white space");
    }
  });

  it("rejects wrong users, wrong passwords, prefixes and other schemes", () => {
    const creds = credentials({ basicCredentialsFile: basicFile, bearerTokensFile: tokensFile });
    expect(authorized(basic("alice", "s3cret"), creds)).toBe(false);
    expect(authorized(basic("alice", "s3cret pw "), creds)).toBe(false);
    expect(authorized(basic("mallory", "hunter2"), creds)).toBe(false);
    expect(authorized("Bearer tok-12", creds)).toBe(false);
    expect(authorized("Bearer tok-1234", creds)).toBe(false);
    expect(authorized("Digest tok-123", creds)).toBe(false);
    expect(authorized("tok-123", creds)).toBe(false);
    expect(authorized(undefined, creds)).toBe(false);
    expect(authorized("Bearer tok-456", creds)).toBe(true);
    expect(authorized("bearer tok-123", creds)).toBe(true);
  });
});

describe("authentication on the REST app", () => {
  const a = app({ basicCredentialsFile: basicFile, bearerTokensFile: tokensFile });

  it("answers 401 with Kafka's error body and both challenges without credentials", async () => {
    const r = await a.request("/connectors");
    expect(r.status).toBe(401);
    expect(await r.json()).toEqual({
      error_code: 401,
      message: "Authentication required: send HTTP basic credentials or a bearer token",
    });
    expect(r.headers.get("www-authenticate")).toBe(
      'Basic realm="Ferry", charset="UTF-8", Bearer realm="Ferry"',
    );
  });

  it("answers 401 for wrong credentials", async () => {
    for (const authorization of [basic("alice", "wrong"), basic("eve", "s3cret pw"), "Bearer nope"]) {
      const r = await a.request("/connectors", { headers: { authorization } });
      expect(r.status).toBe(401);
      expect(await r.json()).toEqual({ error_code: 401, message: "Invalid credentials" });
    }
  });

  it("lets the right basic credentials and bearer tokens through", async () => {
    for (const authorization of [basic("alice", "s3cret pw"), basic("bob", "hunter2"), "Bearer tok-123"]) {
      const r = await a.request("/connectors", { headers: { authorization } });
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual(["c1"]);
    }
  });

  it("keeps probes open and protects the rest, including the API description", async () => {
    expect((await a.request("/healthz")).status).toBe(200);
    expect((await a.request("/readyz")).status).toBe(200);
    expect((await a.request("/health")).status).toBe(200);
    expect((await a.request("/openapi.json")).status).toBe(401);
    expect((await a.request("/")).status).toBe(401);
    expect((await a.request("/connectors/c1", { method: "DELETE" })).status).toBe(401);
  });

  it("challenges only with the scheme that is configured", async () => {
    const onlyBearer = app({ basicCredentialsFile: null, bearerTokensFile: tokensFile });
    const r = await onlyBearer.request("/connectors", {
      headers: { authorization: basic("alice", "s3cret pw") },
    });
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toBe('Bearer realm="Ferry"');
  });

  it("without security options nothing is asked", async () => {
    const open = createRestApp({
      herder: herderWith({ connectors: () => [] }),
      logger: pino({ level: "silent" }),
      commit: "test",
    });
    expect((await open.request("/connectors")).status).toBe(200);
  });
});
