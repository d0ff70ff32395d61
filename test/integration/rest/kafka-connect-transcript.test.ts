/**
 * One REST transcript sent to Apache Kafka Connect 4.3.1 and to Ferry, on the same broker: every endpoint of
 * wrangler-free-docs/reference/rest.md with its error cases (404, 409, 400 validation, bad JSON, 415, 405),
 * compared call by call on status code and JSON shape (keys and value types, not values: worker ids,
 * timestamps and traces differ by nature). Every deliberate difference is listed in DIFFERENCES with its
 * reason; the test fails on any other difference, and on a listed one that is no longer a difference.
 *
 * Both run standalone: Kafka Connect's standalone herder answers synchronously, so the transcript needs no
 * waiting on rebalances, and one JVM start is enough; the REST layer Ferry serves is the same code in both
 * modes (its distributed-only answers are in test/cluster/rest-conformance.test.ts). Both transcripts are
 * kept in test/.runs/kafka-connect-transcript.json, Kafka Connect's log in test/.runs/.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueName } from "../../support/env.js";
import { tempDir } from "../../support/files.js";
import { createTopic } from "../../support/kafka.js";
import {
  KAFKA_CONNECT_VERSION,
  type KafkaConnectWorker,
  startKafkaConnectStandalone,
} from "../../support/kafka-connect.js";
import { runsDir, waitFor } from "../../support/worker-process.js";
import { type RestWorker, startRestWorker } from "./support.js";

/** label → why Ferry answers differently, on purpose */
const DIFFERENCES: Record<string, string> = {
  "create: malformed JSON":
    "Kafka Connect answers 500 with Jackson's parse error; Ferry answers 400: the request is at fault, not the worker",
  "tasks-config":
    "Kafka Connect 4.0 removed the deprecated GET /connectors/{c}/tasks-config (KIP-970); Ferry still serves it for 3.x clients",
  "validate: no connector.class":
    "Kafka Connect 4.3.1 throws its BadRequestException on the validation executor, and the wrapped exception answers 500; Ferry answers the 400 that exception means",
  "restart: unknown":
    "Kafka Connect 4.3.1's standalone herder fails with a NullPointerException (500); its distributed herder answers 404 (DistributedHerder.restartConnector, by code reading), as Ferry does in both modes",
  "stop: unknown":
    "Kafka Connect 4.3.1's standalone herder throws a plain ConnectException (500 'No connector ... configured'); the documented answer is 404 (reference/kafka-connect.md §1.2), as Ferry gives in both modes",
};

type Sys = "kafka-connect" | "ferry";

interface Entry {
  readonly label: string;
  readonly request: string;
  readonly status: number;
  readonly body: unknown;
  /** the body is a map with keys of its own (loggers): only its values' shapes are compared */
  readonly map: boolean;
}

interface Side {
  readonly sys: Sys;
  readonly base: string;
  /** unique per side: connector names and the topic start with it; replaced by <p> before comparing */
  readonly p: string;
  readonly dir: string;
  readonly entries: Entry[];
}

interface CallOptions {
  readonly body?: unknown;
  /** sent as is (malformed JSON) */
  readonly raw?: string;
  /** null: no Content-Type header */
  readonly contentType?: string | null;
  readonly map?: boolean;
}

async function call(side: Side, label: string, method: string, path: string, o: CallOptions = {}) {
  const headers: Record<string, string> = {};
  const payload = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  if (payload !== undefined && o.contentType !== null)
    headers["content-type"] = o.contentType ?? "application/json";
  const r = await fetch(side.base + path.replaceAll("<p>", side.p), {
    method,
    headers,
    ...(payload !== undefined
      ? { body: payload.replaceAll("<p>", side.p).replaceAll("<dir>", side.dir) }
      : {}),
  });
  const text = await r.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = { "<not JSON>": text.slice(0, 200) };
    }
  }
  if (side.entries.some((e) => e.label === label)) throw new Error(`label "${label}" used twice`);
  side.entries.push({ label, request: `${method} ${path}`, status: r.status, body, map: o.map ?? false });
  return { status: r.status, body };
}

async function get(side: Side, path: string): Promise<unknown> {
  const r = await fetch(side.base + path.replaceAll("<p>", side.p));
  return r.status === 200 ? r.json() : null;
}

interface Status {
  connector: { state: string };
  tasks: { state: string }[];
}

/** polls the connector's status until the connector and all its tasks (at least one) are in `state` */
async function until(side: Side, connector: string, state: string, tasks = true): Promise<void> {
  let last: unknown = null;
  await waitFor(
    async () => {
      const s = (await get(side, `/connectors/${connector}/status`)) as Status | null;
      last = s;
      if (!s || s.connector.state !== state) return false;
      return tasks ? s.tasks.length > 0 && s.tasks.every((t) => t.state === state) : s.tasks.length === 0;
    },
    `${side.sys}: ${connector} ${state}`,
    60_000,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; last status: ${JSON.stringify(last)}`);
  });
}

async function untilOffsets(side: Side, connector: string): Promise<void> {
  await waitFor(
    async () =>
      ((await get(side, `/connectors/${connector}/offsets`)) as { offsets?: unknown[] } | null)?.offsets
        ?.length,
    `${side.sys}: offsets of ${connector}`,
    60_000,
  );
}

const SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
const SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";

/** The transcript: the same calls, in the same order, to either side. */
async function transcript(s: Side): Promise<void> {
  const input = join(s.dir, "input.txt");
  const output = join(s.dir, "output.txt");
  await writeFile(input, "one\ntwo\nthree\n");
  const source = { "connector.class": SOURCE, file: input, topic: "<p>", "tasks.max": "1" };
  const sink = { "connector.class": SINK, file: output, topics: "<p>", "tasks.max": "1" };

  // worker
  await call(s, "root", "GET", "/");
  await call(s, "health", "GET", "/health");

  // plugins and validation
  await call(s, "plugins", "GET", "/connector-plugins");
  await call(s, "plugins: all types", "GET", "/connector-plugins?connectorsOnly=false");
  await call(
    s,
    "plugins: repeated boolean takes the first",
    "GET",
    "/connector-plugins?connectorsOnly=true&connectorsOnly=false",
  );
  await call(s, "plugin config", "GET", "/connector-plugins/FileStreamSinkConnector/config");
  await call(s, "plugin config: unknown plugin", "GET", "/connector-plugins/com.example.Nope/config");
  await call(s, "validate", "PUT", "/connector-plugins/FileStreamSinkConnector/config/validate", {
    body: { "connector.class": "FileStreamSink", name: "<p>-v", topics: "<p>" },
  });
  await call(s, "validate: errors", "PUT", "/connector-plugins/FileStreamSinkConnector/config/validate", {
    body: { "connector.class": "FileStreamSink", name: "<p>-v", "tasks.max": "zero" },
  });
  await call(
    s,
    "validate: no connector.class",
    "PUT",
    "/connector-plugins/FileStreamSinkConnector/config/validate",
    {
      body: { name: "<p>-v", topics: "<p>" },
    },
  );
  await call(s, "validate: class mismatch", "PUT", "/connector-plugins/FileStreamSource/config/validate", {
    body: { "connector.class": "FileStreamSink", name: "<p>-v", topics: "<p>" },
  });

  // create
  await call(s, "list: empty", "GET", "/connectors");
  await call(s, "create", "POST", "/connectors", { body: { name: "<p>-src", config: source } });
  await until(s, "<p>-src", "RUNNING");
  await call(s, "create: exists", "POST", "/connectors", { body: { name: "<p>-src", config: source } });
  await call(s, "create: name mismatch", "POST", "/connectors", {
    body: { name: "<p>-x", config: { ...source, name: "<p>-y" } },
  });
  await call(s, "create: no connector.class", "POST", "/connectors", {
    body: { name: "<p>-x", config: { file: input } },
  });
  await call(s, "create: unknown class", "POST", "/connectors", {
    body: { name: "<p>-x", config: { "connector.class": "com.example.Nope" } },
  });
  await call(s, "create: invalid config", "POST", "/connectors", {
    body: { name: "<p>-x", config: { ...source, "tasks.max": "zero" } },
  });
  await call(s, "create: malformed JSON", "POST", "/connectors", { raw: '{"name": ' });
  await call(s, "create: text/plain", "POST", "/connectors", {
    body: { name: "<p>-x", config: source },
    contentType: "text/plain",
  });
  await call(s, "create: initial_state STOPPED", "POST", "/connectors", {
    body: {
      name: "<p>-later",
      config: { ...source, file: join(s.dir, "later.txt") },
      initial_state: "stopped",
    },
  });
  await until(s, "<p>-later", "STOPPED", false);
  await call(s, "status: created STOPPED", "GET", "/connectors/<p>-later/status");
  await call(s, "delete: the STOPPED one", "DELETE", "/connectors/<p>-later");
  await call(s, "put config: creates", "PUT", "/connectors/<p>-sink/config", { body: sink });
  await until(s, "<p>-sink", "RUNNING");
  await call(s, "put config: updates", "PUT", "/connectors/<p>-sink/config", { body: sink });
  await until(s, "<p>-sink", "RUNNING");
  await call(s, "put config: name mismatch", "PUT", "/connectors/<p>-sink/config", {
    body: { ...sink, name: "<p>-other" },
  });
  await call(s, "patch config", "PATCH", "/connectors/<p>-sink/config", { body: { "tasks.max": "1" } });
  await until(s, "<p>-sink", "RUNNING");
  await call(s, "patch config: unknown", "PATCH", "/connectors/<p>-nope/config", {
    body: { "tasks.max": "1" },
  });
  // records flow before the reads below (active topics, offsets)
  await waitFor(
    async () => (await readFile(output, "utf8").catch(() => "")).includes("three"),
    `${s.sys}: the sink wrote the input`,
    60_000,
  );

  // read
  await call(s, "list", "GET", "/connectors");
  await call(s, "list: expand", "GET", "/connectors?expand=status&expand=info&expand=bogus");
  await call(s, "info", "GET", "/connectors/<p>-src");
  await call(s, "info: unknown", "GET", "/connectors/<p>-nope");
  await call(s, "config", "GET", "/connectors/<p>-src/config");
  await call(s, "config: unknown", "GET", "/connectors/<p>-nope/config");
  await call(s, "status", "GET", "/connectors/<p>-src/status");
  await call(s, "status: unknown", "GET", "/connectors/<p>-nope/status");
  await call(s, "tasks", "GET", "/connectors/<p>-src/tasks");
  await call(s, "tasks: unknown", "GET", "/connectors/<p>-nope/tasks");
  await call(s, "tasks-config", "GET", "/connectors/<p>-src/tasks-config");
  await call(s, "task status", "GET", "/connectors/<p>-src/tasks/0/status");
  await call(s, "task status: unknown task", "GET", "/connectors/<p>-src/tasks/9/status");
  await call(s, "task status: not a number", "GET", "/connectors/<p>-src/tasks/x/status");

  // active topics
  await call(s, "topics: source", "GET", "/connectors/<p>-src/topics");
  await call(s, "topics: sink", "GET", "/connectors/<p>-sink/topics");
  await call(s, "topics: unknown", "GET", "/connectors/<p>-nope/topics");
  await call(s, "topics: reset", "PUT", "/connectors/<p>-sink/topics/reset");
  await call(s, "topics: after reset", "GET", "/connectors/<p>-sink/topics");

  // restarts
  await call(s, "restart", "POST", "/connectors/<p>-src/restart");
  await until(s, "<p>-src", "RUNNING");
  await call(s, "restart: with tasks", "POST", "/connectors/<p>-src/restart?includeTasks=true");
  await until(s, "<p>-src", "RUNNING");
  await call(
    s,
    "restart: only failed (none)",
    "POST",
    "/connectors/<p>-src/restart?includeTasks=true&onlyFailed=true",
  );
  await call(
    s,
    "restart: repeated booleans take the first",
    "POST",
    "/connectors/<p>-src/restart?onlyFailed=x&onlyFailed=true",
  );
  await until(s, "<p>-src", "RUNNING");
  await call(s, "restart: unknown", "POST", "/connectors/<p>-nope/restart");
  await call(s, "task restart", "POST", "/connectors/<p>-src/tasks/0/restart");
  await until(s, "<p>-src", "RUNNING");

  // pause, resume
  await call(s, "pause", "PUT", "/connectors/<p>-src/pause");
  await until(s, "<p>-src", "PAUSED");
  await call(s, "status: paused", "GET", "/connectors/<p>-src/status");
  await call(s, "pause: unknown", "PUT", "/connectors/<p>-nope/pause");
  await call(s, "resume", "PUT", "/connectors/<p>-src/resume");
  await until(s, "<p>-src", "RUNNING");
  await call(s, "resume: unknown", "PUT", "/connectors/<p>-nope/resume");

  // offsets
  await untilOffsets(s, "<p>-src");
  await untilOffsets(s, "<p>-sink");
  await call(s, "offsets: source", "GET", "/connectors/<p>-src/offsets");
  await call(s, "offsets: sink", "GET", "/connectors/<p>-sink/offsets");
  await call(s, "offsets: unknown", "GET", "/connectors/<p>-nope/offsets");
  const alter = { offsets: [{ partition: { filename: input }, offset: { position: 4 } }] };
  await call(s, "offsets alter: running", "PATCH", "/connectors/<p>-src/offsets", { body: alter });
  await call(s, "offsets reset: running", "DELETE", "/connectors/<p>-src/offsets");
  await call(s, "stop", "PUT", "/connectors/<p>-src/stop");
  await until(s, "<p>-src", "STOPPED", false);
  await call(s, "status: stopped", "GET", "/connectors/<p>-src/status");
  await call(s, "tasks: stopped", "GET", "/connectors/<p>-src/tasks");
  await call(s, "stop: unknown", "PUT", "/connectors/<p>-nope/stop");
  await call(s, "offsets alter: no offsets", "PATCH", "/connectors/<p>-src/offsets", { body: {} });
  await call(s, "offsets alter", "PATCH", "/connectors/<p>-src/offsets", { body: alter });
  await call(s, "offsets: altered", "GET", "/connectors/<p>-src/offsets");
  await call(s, "offsets reset", "DELETE", "/connectors/<p>-src/offsets");
  await call(s, "offsets: after reset", "GET", "/connectors/<p>-src/offsets");
  await call(s, "resume: stopped", "PUT", "/connectors/<p>-src/resume");
  await until(s, "<p>-src", "RUNNING");

  // loggers
  await call(s, "loggers", "GET", "/admin/loggers", { map: true });
  // TRACE: a change on both (Kafka Connect's root is INFO, the test Ferry's DEBUG)
  await call(s, "logger set", "PUT", "/admin/loggers/<p>.ns", { body: { level: "TRACE" } });
  await call(s, "logger set: unchanged", "PUT", "/admin/loggers/<p>.ns", { body: { level: "TRACE" } });
  await call(s, "logger get", "GET", "/admin/loggers/<p>.ns");
  await call(
    s,
    "logger set: repeated scope takes the first",
    "PUT",
    "/admin/loggers/<p>.ns?scope=worker&scope=cluster",
    {
      body: { level: "INFO" },
    },
  );
  await call(s, "logger set: cluster scope", "PUT", "/admin/loggers/<p>.ns?scope=cluster", {
    body: { level: "WARN" },
  });
  await call(s, "logger set: invalid level", "PUT", "/admin/loggers/<p>.ns", { body: { level: "LOUD" } });
  await call(s, "logger set: no level", "PUT", "/admin/loggers/<p>.ns", { body: {} });

  // errors of the HTTP layer
  await call(s, "unknown path", "GET", "/no/such/path");
  await call(s, "wrong method", "DELETE", "/connector-plugins");

  // delete (restarting a task that does not exist leaves Kafka Connect with a FAILED status for it: last)
  await call(s, "task restart: unknown task", "POST", "/connectors/<p>-sink/tasks/9/restart");
  await call(s, "delete", "DELETE", "/connectors/<p>-sink");
  await call(s, "delete: unknown", "DELETE", "/connectors/<p>-sink");
  await call(s, "list: after delete", "GET", "/connectors");
}

// ---------------------------------------------------------------- comparing shapes

/** one representative of an array's elements: their keys merged, so that optional keys are seen */
function merged(values: readonly unknown[]): unknown {
  const objects = values.filter((v) => v !== null && typeof v === "object" && !Array.isArray(v)) as Record<
    string,
    unknown
  >[];
  if (objects.length !== values.length) return values.find((v) => v !== null) ?? null;
  const out: Record<string, unknown[]> = {};
  for (const o of objects) for (const [k, v] of Object.entries(o)) (out[k] ??= []).push(v);
  return Object.fromEntries(Object.entries(out).map(([k, vs]) => [k, mergedValue(vs)]));
}

function mergedValue(vs: readonly unknown[]): unknown {
  const arrays = vs.filter(Array.isArray) as unknown[][];
  if (arrays.length > 0 && arrays.length === vs.filter((v) => v !== null).length) return arrays.flat();
  return merged(vs);
}

/**
 * Differences of shape between a (Kafka Connect) and b (Ferry): object keys (after replacing each side's
 * name prefix by <p>), value types, element shapes. A null on either side matches anything (Kafka's
 * nullable fields: last_modified, default_value); an empty array matches any array when both sides hold
 * values the other lacks by nature (lists of definitions), but not where emptiness is the answer.
 */
function shapeDiff(a: unknown, b: unknown, at: string, out: string[]): void {
  if (a === null || b === null) return;
  const kind = (v: unknown) => (Array.isArray(v) ? "array" : typeof v);
  if (kind(a) !== kind(b)) {
    out.push(`${at}: ${kind(a)} vs ${kind(b)}`);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if ((a.length === 0) !== (b.length === 0)) {
      out.push(
        `${at}: ${a.length === 0 ? "empty" : "non-empty"} vs ${b.length === 0 ? "empty" : "non-empty"}`,
      );
      return;
    }
    if (a.length > 0) shapeDiff(merged(a), merged(b), `${at}[]`, out);
    return;
  }
  if (typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    for (const k of ka) if (!kb.includes(k)) out.push(`${at}.${k}: only in Kafka Connect`);
    for (const k of kb) if (!ka.includes(k)) out.push(`${at}.${k}: only in Ferry`);
    for (const k of ka)
      if (kb.includes(k))
        shapeDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`, out);
  }
}

/** keys with the side's prefix (connector names in maps) made comparable */
function normalized(v: unknown, p: string): unknown {
  if (Array.isArray(v)) return v.map((x) => normalized(x, p));
  if (v !== null && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replaceAll(p, "<p>"), normalized(x, p)]));
  return v;
}

function compare(kc: Entry, kcP: string, ferry: Entry, ferryP: string): string[] {
  const out: string[] = [];
  if (kc.status !== ferry.status) out.push(`status ${kc.status} vs ${ferry.status}`);
  let a = normalized(kc.body, kcP);
  let b = normalized(ferry.body, ferryP);
  if (kc.map && a && b) {
    a = merged(Object.values(a as object));
    b = merged(Object.values(b as object));
  }
  shapeDiff(a, b, "body", out);
  return out;
}

// ---------------------------------------------------------------- the test

describe(`REST transcript: Kafka Connect ${KAFKA_CONNECT_VERSION} and Ferry, standalone, one broker`, () => {
  let kc: KafkaConnectWorker | undefined;
  let ferry: RestWorker | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  const sides: Record<Sys, Side | undefined> = { "kafka-connect": undefined, ferry: undefined };

  beforeAll(async () => {
    const kcDir = await tempDir("kc-transcript");
    cleanups.push(kcDir.cleanup);
    const kcP = uniqueName("kc-transcript-kc");
    await createTopic(kcP);
    // both start at once: the JVM's start-up (5-30 s) dominates
    const [k, f] = await Promise.all([
      startKafkaConnectStandalone(kcDir.path, kcP),
      startRestWorker("kc-transcript-ferry"),
    ]);
    kc = k;
    ferry = f;
    sides["kafka-connect"] = { sys: "kafka-connect", base: k.base, p: kcP, dir: kcDir.path, entries: [] };
    sides.ferry = { sys: "ferry", base: f.base, p: f.topic, dir: f.dir, entries: [] };
    // one after the other: two workers moving records at once on two cores would only slow both
    await transcript(sides["kafka-connect"]);
    await transcript(sides.ferry);
    await writeFile(
      join(runsDir, "kafka-connect-transcript.json"),
      JSON.stringify({ kafkaConnect: sides["kafka-connect"].entries, ferry: sides.ferry.entries }, null, 2),
    );
  }, 600_000);

  afterAll(async () => {
    await kc?.stop();
    await ferry?.stop();
    for (const c of cleanups) await c();
  });

  function differences(): Map<string, string[]> {
    const a = sides["kafka-connect"];
    const b = sides.ferry;
    if (!a || !b) throw new Error("the transcripts did not run");
    expect(b.entries.map((e) => e.label)).toEqual(a.entries.map((e) => e.label));
    const out = new Map<string, string[]>();
    a.entries.forEach((e, i) => {
      const f = b.entries[i];
      if (!f) return;
      const d = compare(e, a.p, f, b.p);
      if (d.length > 0) out.set(e.label, d);
    });
    return out;
  }

  it("every call answers with Kafka Connect's status code and JSON shape, but for the listed differences", () => {
    const undeclared = [...differences()].filter(([label]) => !(label in DIFFERENCES));
    expect(Object.fromEntries(undeclared)).toEqual({});
  });

  it("every listed difference is still one (the list stays exact)", () => {
    const found = differences();
    expect(Object.keys(DIFFERENCES).filter((label) => !found.has(label))).toEqual([]);
  });

  it("the transcript covers every endpoint of reference/rest.md", async () => {
    const doc = await readFile(
      join(import.meta.dirname, "../../../wrangler-free-docs/reference/rest.md"),
      "utf8",
    );
    const documented = [...doc.matchAll(/^### `(GET|POST|PUT|PATCH|DELETE) (\/[^`]*)`/gm)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    // Ferry's own endpoints, not Kafka Connect's: nothing to compare them with
    const ferryOnly = ["/healthz", "/readyz", "/metrics", "/cluster/scaling", "/openapi.json", "/docs"];
    const toRoute = (request: string) =>
      request
        .replace(/\?.*$/, "")
        .replace(/^(\w+) \/connectors\/<p>-\w+/, "$1 /connectors/{connector}")
        .replace(/\/tasks\/[^/]+\//, "/tasks/{task}/")
        .replace(/^(\w+) \/connector-plugins\/[^/]+\/config/, "$1 /connector-plugins/{plugin}/config")
        .replace(/^(\w+) \/admin\/loggers\/.+$/, "$1 /admin/loggers/{logger}");
    const sent = new Set((sides.ferry?.entries ?? []).map((e) => toRoute(e.request)));
    const missing = documented.filter((r) => !ferryOnly.some((f) => r.endsWith(` ${f}`)) && !sent.has(r));
    expect(missing).toEqual([]);
  });
});
