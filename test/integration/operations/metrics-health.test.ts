/**
 * /readyz, /healthz and /metrics on a real standalone worker. A plugin connector that takes seconds to start
 * holds the worker in start-up, so /readyz is seen answering 503 before it answers 200. Records then flow
 * from that source to two sinks, one of which fails every record (errors.tolerance=all, dead-letter queue),
 * and the counters move.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KAFKA_BOOTSTRAP, uniqueName } from "../../support/env.js";
import { tempDir } from "../../support/files.js";
import { createTopic } from "../../support/kafka.js";
import { freePort } from "../../support/ports.js";
import { type FerryProcess, startFerry, waitFor } from "../../support/worker-process.js";

const api = pathToFileURL(resolve("dist/api/index.js")).href;
const RECORDS = 40;

// starts slowly; its task sends RECORDS strings in batches of 10, then idles
const PLUGIN = `import { ConfigDef, sourceRecord } from ${JSON.stringify(api)};
class Task {
  n = 0;
  version() { return "1.0.0"; }
  start(config) { this.topic = config.topic; }
  async poll() {
    if (this.n >= ${RECORDS}) { await new Promise((r) => setTimeout(r, 100)); return null; }
    const out = [];
    for (let i = 0; i < 10; i++) out.push(sourceRecord({ topic: this.topic, value: "hello-" + this.n++, sourcePartition: { p: 0 }, sourceOffset: { n: this.n } }));
    return out;
  }
  stop() {}
}
export default [{
  type: "source",
  className: "com.example.SlowStartSourceConnector",
  version: "1.0.0",
  createConnector: () => ({
    version: () => "1.0.0",
    async start(config) { this.config_ = config; await new Promise((r) => setTimeout(r, 4000)); },
    taskConfigs() { return [{ ...this.config_ }]; },
    stop() {},
    config: () => new ConfigDef(),
  }),
  createTask: () => new Task(),
}];
`;

let dir: Awaited<ReturnType<typeof tempDir>>;
let proc: FerryProcess;
let base: string;
let topic: string;
/** the first /readyz answer and the /metrics text at that moment */
let firstReady: { status: number; body: unknown };
let metricsAtStart: string;

async function metrics(): Promise<string> {
  const r = await fetch(`${base}/metrics`);
  expect(r.status).toBe(200);
  return r.text();
}

/** The value of a sample with exactly these labels, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(",");
  for (const line of text.split("\n")) {
    const m = /^([^{ ]+)\{(.*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if ((m[2] ?? "").split(",").sort().join(",") === want) return Number(m[3]);
  }
  return undefined;
}

beforeAll(async () => {
  dir = await tempDir("operations");
  topic = uniqueName("ops");
  await createTopic(topic);
  await mkdir(join(dir.path, "plugins/slow"), { recursive: true });
  await writeFile(join(dir.path, "plugins/slow/index.mjs"), PLUGIN);
  const port = await freePort();
  const worker = join(dir.path, "worker.properties");
  await writeFile(
    worker,
    [
      `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
      "key.converter=org.apache.kafka.connect.storage.StringConverter",
      "value.converter=org.apache.kafka.connect.storage.StringConverter",
      `offset.storage.file.filename=${join(dir.path, "offsets")}`,
      "offset.flush.interval.ms=300",
      `listeners=http://127.0.0.1:${port}`,
      `plugin.path=${join(dir.path, "plugins")}`,
    ].join("\n"),
  );
  const source = join(dir.path, "source.properties");
  await writeFile(
    source,
    ["name=ops-source", "connector.class=com.example.SlowStartSourceConnector", `topic=${topic}`].join("\n"),
  );
  const sink = join(dir.path, "sink.properties");
  await writeFile(
    sink,
    [
      "name=ops-sink",
      "connector.class=FileStreamSink",
      `file=${join(dir.path, "out.txt")}`,
      `topics=${topic}`,
    ].join("\n"),
  );
  // every value is plain text, so the JSON converter fails on each one: skipped and dead-lettered
  const bad = join(dir.path, "bad-sink.properties");
  await writeFile(
    bad,
    [
      "name=ops-bad-sink",
      "connector.class=FileStreamSink",
      `file=${join(dir.path, "bad.txt")}`,
      `topics=${topic}`,
      "value.converter=org.apache.kafka.connect.json.JsonConverter",
      "value.converter.schemas.enable=false",
      "errors.tolerance=all",
      `errors.deadletterqueue.topic.name=${topic}-dlq`,
      "errors.deadletterqueue.topic.replication.factor=1",
    ].join("\n"),
  );
  proc = startFerry(["standalone", worker, sink, bad, source], topic);
  base = `http://127.0.0.1:${port}`;
  // the first answer the REST server gives, as early as it gives one
  firstReady = await waitFor(
    async () => {
      if (proc.proc.exitCode !== null) throw new Error(`ferry exited; see ${proc.logFile}`);
      const r = await fetch(`${base}/readyz`);
      const answer = { status: r.status, body: await r.json() };
      metricsAtStart = await metrics();
      return answer;
    },
    "the REST server",
    60_000,
    20,
  );
});
afterAll(async () => {
  await proc?.kill("SIGTERM");
  await dir?.cleanup();
});

describe("operations endpoints", () => {
  it("/readyz is 503 during start-up, then 200 with its checks", async () => {
    expect(firstReady).toEqual({
      status: 503,
      body: { status: "not ready", checks: { herder: { ok: false, error: "starting" } } },
    });
    await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, "ready", 60_000);
    const r = await fetch(`${base}/readyz`);
    expect(await r.json()).toEqual({
      status: "ready",
      checks: { herder: { ok: true }, kafka: { ok: true } },
    });
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it("/healthz is 200 with the event-loop delay", async () => {
    const r = await fetch(`${base}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ status: "ok", eventLoop: { thresholdMs: expect.any(Number) } });
  });

  it("/metrics counters appear and move as records flow", async () => {
    const src = { connector: "ops-source", task: "0" };
    const sink = { connector: "ops-sink", task: "0" };
    const bad = { connector: "ops-bad-sink", task: "0" };
    expect(metricsAtStart).toContain("ferry_worker_info");
    expect(metricsAtStart).toContain("process_resident_memory_bytes");
    expect(sample(metricsAtStart, "ferry_source_records_polled_total", src)).toBeUndefined();

    const text = await waitFor(
      async () => {
        const t = await metrics();
        return (sample(t, "ferry_sink_records_put_total", sink) ?? 0) >= RECORDS &&
          (sample(t, "ferry_dead_letter_records_total", bad) ?? 0) >= RECORDS &&
          (sample(t, "ferry_offset_commit_seconds_count", { ...src, type: "source" }) ?? 0) > 0 &&
          (sample(t, "ferry_offset_commit_seconds_count", { ...sink, type: "sink" }) ?? 0) > 0
          ? t
          : null;
      },
      "records to flow through",
      60_000,
      250,
    );
    expect(sample(text, "ferry_source_records_polled_total", src)).toBe(RECORDS);
    expect(sample(text, "ferry_source_records_written_total", src)).toBe(RECORDS);
    expect(sample(text, "ferry_batch_size_records_sum", { ...src, type: "source" })).toBe(RECORDS);
    expect(sample(text, "ferry_sink_records_read_total", sink)).toBe(RECORDS);
    expect(sample(text, "ferry_sink_records_put_total", sink)).toBe(RECORDS);
    expect(sample(text, "ferry_record_errors_total", bad)).toBe(RECORDS);
    expect(sample(text, "ferry_records_skipped_total", bad)).toBe(RECORDS);
    expect(sample(text, "ferry_dead_letter_records_total", bad)).toBe(RECORDS);
    expect(sample(text, "ferry_sink_records_put_total", bad)).toBeUndefined();
    expect(sample(text, "ferry_connectors", {})).toBeUndefined();
    expect(text).toMatch(/^ferry_connectors 3$/m);
    expect(sample(text, "ferry_tasks", { connector: "ops-source", state: "RUNNING" })).toBe(1);
    expect(sample(text, "ferry_tasks", { connector: "ops-sink", state: "RUNNING" })).toBe(1);
  });
});
