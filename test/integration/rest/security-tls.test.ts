/**
 * A real standalone worker behind an https:// listener with basic and bearer authentication: a real TLS
 * handshake against a self-signed certificate made here, 401s for missing and wrong credentials, 200 for
 * the right ones, probes open, plain HTTP to the TLS port refused; a bad TLS setting stops start-up naming
 * the key.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { request } from "node:https";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KAFKA_BOOTSTRAP, uniqueName } from "../../support/env.js";
import { tempDir } from "../../support/files.js";
import { freePort } from "../../support/ports.js";
import { type FerryProcess, startFerry, waitFor } from "../../support/worker-process.js";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** the server certificate's subject CN, as the client saw it */
  peerCN: string | undefined;
}

let dir: { path: string; cleanup(): Promise<void> };
let port: number;
let ca: string;
let worker: FerryProcess;

function httpsGet(path: string, headers: Record<string, string> = {}, trust = true): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "GET",
        headers,
        ...(trust ? { ca } : {}),
        servername: "localhost",
        // a fresh handshake every time: a resumed TLS session (the global agent caches sessions) shows the
        // client no peer certificate, and whether a session ticket arrived in time is a race
        agent: false,
      },
      (res) => {
        // read the certificate now: the socket is detached from the response once it ends
        const cert = (res.socket as TLSSocket | null)?.getPeerCertificate();
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          text += d;
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            peerCN: [cert?.subject?.CN].flat()[0],
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString("base64")}`;

async function workerFile(name: string, lines: string[]): Promise<string> {
  const path = join(dir.path, name);
  await writeFile(
    path,
    [
      `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
      "key.converter=org.apache.kafka.connect.storage.StringConverter",
      "value.converter=org.apache.kafka.connect.storage.StringConverter",
      `offset.storage.file.filename=${join(dir.path, `${name}.offsets`)}`,
      ...lines,
      "",
    ].join("\n"),
  );
  return path;
}

beforeAll(async () => {
  dir = await tempDir("rest-tls");
  // a self-signed certificate for localhost and 127.0.0.1; key and chain in one PEM file (ssl.keystore.type=PEM)
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout",
      join(dir.path, "key.pem"),
      "-out",
      join(dir.path, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  ca = readFileSync(join(dir.path, "cert.pem"), "utf8");
  await writeFile(join(dir.path, "keystore.pem"), readFileSync(join(dir.path, "key.pem"), "utf8") + ca);
  await writeFile(join(dir.path, "credentials.properties"), "# user: password\nadmin: adm1n-pw\n");
  await writeFile(join(dir.path, "tokens.txt"), "tok-abcdef-123456\n");
  port = await freePort();
  const file = await workerFile("worker", [
    `listeners=https://127.0.0.1:${port}`,
    "ssl.keystore.type=PEM",
    `ssl.keystore.location=${join(dir.path, "keystore.pem")}`,
    `rest.auth.basic.credentials.file=${join(dir.path, "credentials.properties")}`,
    `rest.auth.bearer.tokens.file=${join(dir.path, "tokens.txt")}`,
  ]);
  worker = startFerry(["standalone", file], uniqueName("rest-tls"));
  await waitFor(
    async () => {
      if (worker.proc.exitCode !== null) throw new Error(`ferry exited; see ${worker.logFile}`);
      return (await httpsGet("/health")).status === 200;
    },
    "the https worker to be healthy",
    60_000,
  );
});

afterAll(async () => {
  await worker?.kill("SIGTERM");
  await dir?.cleanup();
});

describe("https listener", () => {
  it("completes a TLS handshake with the configured certificate, verified against it", async () => {
    const r = await httpsGet("/healthz");
    expect(r.status).toBe(200);
    expect(r.peerCN).toBe("localhost");
  });

  it("is refused by a client that does not trust the certificate", async () => {
    await expect(httpsGet("/healthz", {}, false)).rejects.toThrow(/self[- ]signed/i);
  });

  it("does not speak plain HTTP on the TLS port", async () => {
    await expect(
      fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5000) }),
    ).rejects.toThrow();
  });
});

describe("authentication", () => {
  it("answers 401 with Kafka's error body and a challenge without credentials", async () => {
    const r = await httpsGet("/connectors");
    expect(r.status).toBe(401);
    expect(JSON.parse(r.text)).toMatchObject({ error_code: 401 });
    expect(String(r.headers["www-authenticate"])).toContain('Basic realm="Ferry"');
  });

  it("answers 401 for a wrong password, a wrong user and a wrong token", async () => {
    for (const authorization of [
      basic("admin", "adm1n-PW"),
      basic("root", "adm1n-pw"),
      "Bearer tok-abcdef-12345",
    ]) {
      const r = await httpsGet("/connectors", { authorization });
      expect(r.status, authorization).toBe(401);
      expect(JSON.parse(r.text)).toEqual({ error_code: 401, message: "Invalid credentials" });
    }
  });

  it("accepts the right basic credentials and bearer token", async () => {
    for (const authorization of [basic("admin", "adm1n-pw"), "Bearer tok-abcdef-123456"]) {
      const r = await httpsGet("/connectors", { authorization });
      expect(r.status, authorization).toBe(200);
      expect(JSON.parse(r.text)).toEqual([]);
      expect((await httpsGet("/metrics", { authorization })).status).toBe(200);
    }
  });

  it("keeps the probes open and /metrics closed", async () => {
    for (const p of ["/healthz", "/readyz", "/health"]) expect((await httpsGet(p)).status, p).toBe(200);
    expect((await httpsGet("/metrics")).status).toBe(401);
  });
});

describe("bad TLS settings stop start-up naming the key", () => {
  it("an https listener without a key store", async () => {
    const p = await freePort();
    const file = await workerFile("no-keystore", [`listeners=https://127.0.0.1:${p}`]);
    const bad = startFerry(["standalone", file], uniqueName("rest-tls-bad"));
    const { code } = await bad.exited;
    expect(code).toBe(1);
    expect(readFileSync(bad.logFile, "utf8")).toMatch(/an https:\/\/ listener needs ssl\.keystore\.location/);
  });

  it("a key store file that does not exist", async () => {
    const p = await freePort();
    const missing = join(dir.path, "missing.pem");
    const file = await workerFile("missing-keystore", [
      `listeners=https://127.0.0.1:${p}`,
      `listeners.https.ssl.keystore.location=${missing}`,
    ]);
    const bad = startFerry(["standalone", file], uniqueName("rest-tls-bad"));
    const { code } = await bad.exited;
    expect(code).toBe(1);
    expect(readFileSync(bad.logFile, "utf8")).toContain(
      `listeners.https.ssl.keystore.location=${missing}: cannot read the file`,
    );
  });
});
