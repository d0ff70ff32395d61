/**
 * A sink task whose put() throws RetriableError gets the same records again after a backoff, as Kafka
 * Connect does for RetriableException; any other error fails the task.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { KAFKA_BOOTSTRAP, uniqueName } from "../../support/env.js";
import { readOr, tempDir } from "../../support/files.js";
import { createTopic, produce } from "../../support/kafka.js";
import { freePort } from "../../support/ports.js";
import { type FerryProcess, startFerry, waitFor, waitHealthy } from "../../support/worker-process.js";

const api = pathToFileURL(resolve("dist/api/index.js")).href;

// put() fails with RetriableError twice, then appends each value to `file`, one call per line
const PLUGIN = `import { ConfigDef, RetriableError } from ${JSON.stringify(api)};
import { appendFileSync } from "node:fs";
class Task {
  failures = 0;
  version() { return "1"; }
  start(config) { this.file = config.file; this.mode = config.mode; }
  put(records) {
    if (records.length === 0) return;
    if (this.mode === "fatal") throw new Error("not retriable");
    if (this.failures++ < 2) throw new RetriableError("try again");
    for (const r of records) appendFileSync(this.file, r.value + "\\n");
  }
  flush() {}
  stop() {}
}
export default [{
  type: "sink",
  className: "com.example.FlakySinkConnector",
  version: "1",
  createConnector: () => ({
    version: () => "1",
    start(config) { this.config_ = config; },
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

beforeAll(async () => {
  dir = await tempDir("put-retry");
  await mkdir(join(dir.path, "plugins/flaky"), { recursive: true });
  await writeFile(join(dir.path, "plugins/flaky/index.mjs"), PLUGIN);
  const port = await freePort();
  const worker = join(dir.path, "worker.properties");
  await writeFile(
    worker,
    [
      `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
      "key.converter=org.apache.kafka.connect.storage.StringConverter",
      "value.converter=org.apache.kafka.connect.storage.StringConverter",
      `offset.storage.file.filename=${join(dir.path, "offsets")}`,
      "offset.flush.interval.ms=200",
      `listeners=http://127.0.0.1:${port}`,
      `plugin.path=${join(dir.path, "plugins")}`,
    ].join("\n"),
  );
  proc = startFerry(["standalone", worker], uniqueName("put-retry"));
  base = `http://127.0.0.1:${port}`;
  await waitHealthy(port, proc);
});
afterAll(async () => {
  await proc?.kill("SIGTERM");
  await dir?.cleanup();
});

async function create(name: string, config: Record<string, string>) {
  const r = await fetch(`${base}/connectors`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, config: { "connector.class": "FlakySink", ...config } }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
}

it("retries put() on RetriableError and delivers every record once, in order", async () => {
  const topic = uniqueName("put-retry");
  await createTopic(topic);
  await produce(topic, ["a", "b", "c"]);
  const out = join(dir.path, "out.txt");
  const name = uniqueName("flaky");
  await create(name, { topics: topic, file: out });
  await waitFor(
    async () => (await readOr(out, "")) === "a\nb\nc\n",
    "the three records after two retriable failures",
  );
  const status = (await (await fetch(`${base}/connectors/${name}/status`)).json()) as {
    tasks: { state: string }[];
  };
  expect(status.tasks[0]?.state).toBe("RUNNING");
  const log = await readFile(proc.logFile, "utf8");
  expect(log.match(/put\(\) asked to retry/g)?.length).toBe(2);
});

it("fails the task on any other error from put()", async () => {
  const topic = uniqueName("put-fatal");
  await createTopic(topic);
  await produce(topic, ["x"]);
  const name = uniqueName("fatal");
  await create(name, { topics: topic, file: join(dir.path, "never.txt"), mode: "fatal" });
  await waitFor(async () => {
    const s = (await (await fetch(`${base}/connectors/${name}/status`)).json()) as {
      tasks: { state: string; trace?: string }[];
    };
    return s.tasks[0]?.state === "FAILED" && s.tasks[0].trace?.includes("not retriable");
  }, "the task to fail");
});
