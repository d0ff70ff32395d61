// The distributed demo: three local workers of one cluster, a pipeline created over REST (Datagen → Kafka →
// FileStreamSink), then the worker running the source task is killed with SIGKILL and the time until the
// task runs again on another worker is shown. Run through deploy/local/demo-distributed.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const repo = new URL("../..", import.meta.url).pathname;
const KAFKA = process.env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";
const REDIS = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const say = (s) => process.stdout.write(`\n\x1b[1m== ${s}\x1b[0m\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () =>
  new Promise((res) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
async function until(fn, what, timeoutMs = 60_000, every = 25) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}
const api = async (url, method = "GET", body) => {
  const r = await fetch(url, {
    method,
    ...(body ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
};

const dir = await mkdtemp(join(tmpdir(), "ferry-demo-distributed-"));
const group = `ferry-demo-${Date.now()}`;
const workers = [];
for (let i = 0; i < 3; i++) {
  const port = await freePort();
  const file = join(dir, `worker-${i}.properties`);
  await writeFile(
    file,
    [
      `bootstrap.servers=${KAFKA}`,
      `group.id=${group}`,
      `config.storage.topic=${group}-configs`,
      `offset.storage.topic=${group}-offsets`,
      `status.storage.topic=${group}-status`,
      "config.storage.replication.factor=1",
      "offset.storage.replication.factor=1",
      "status.storage.replication.factor=1",
      "key.converter=org.apache.kafka.connect.storage.StringConverter",
      "value.converter=org.apache.kafka.connect.json.JsonConverter",
      "value.converter.schemas.enable=false",
      "offset.flush.interval.ms=1000",
      `listeners=http://127.0.0.1:${port}`,
      `redis.url=${REDIS}`,
    ].join("\n"),
  );
  workers.push({ i, port, id: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}`, file, proc: null });
}
const start = (w) => {
  const log = createWriteStream(join(dir, `worker-${w.i}.log`), { flags: "a" });
  w.proc = spawn(process.execPath, [join(repo, "dist/cli/main.js"), "distributed", w.file], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  w.proc.stdout.pipe(log);
  w.proc.stderr.pipe(log);
};

try {
  say(`Starting three workers of cluster ${group} (logs in ${dir})`);
  workers.forEach(start);
  for (const w of workers) await until(async () => (await fetch(`${w.url}/health`)).ok, `worker ${w.i}`);
  for (const w of workers) console.log(`  worker ${w.i}: ${w.url}`);

  const topic = `${group}-orders`;
  const out = join(dir, "orders.jsonl");
  say("Creating a pipeline over REST: Datagen (orders, 50/s) → topic → FileStreamSink");
  const a = await api(`${workers[0].url}/connectors`, "POST", {
    name: "orders-gen",
    config: {
      "connector.class": "Datagen",
      topic,
      template: "orders",
      "records.per.second": "50",
      "topic.creation.default.replication.factor": "1",
      "topic.creation.default.partitions": "1",
    },
  });
  console.log(`  POST /connectors on worker 0 → ${a.status}`);
  await until(
    async () =>
      (await api(`${workers[1].url}/connectors/orders-gen/status`)).body?.tasks?.[0]?.state === "RUNNING",
    "source running",
  );
  const b = await api(`${workers[1].url}/connectors`, "POST", {
    name: "orders-file",
    config: { "connector.class": "FileStreamSink", topics: topic, file: out },
  });
  console.log(`  POST /connectors on worker 1 → ${b.status}`);
  await until(async () => (await readFile(out, "utf8")).split("\n").length > 20, "records in the sink file");

  const status = (await api(`${workers[2].url}/connectors?expand=status`)).body;
  say("Who runs what (GET /connectors?expand=status on worker 2)");
  for (const [name, { status: s }] of Object.entries(status)) {
    console.log(
      `  ${name}: connector on ${s.connector.worker_id}, task 0 ${s.tasks[0]?.state} on ${s.tasks[0]?.worker_id}`,
    );
  }
  const victimId = status["orders-gen"].status.tasks[0].worker_id;
  const victim = workers.find((w) => w.id === victimId);
  const observer = workers.find((w) => w !== victim);
  const linesBefore = (await readFile(out, "utf8")).split("\n").length;

  say(`kill -9 of worker ${victim.i} (${victim.id}), which runs the source task`);
  const t0 = performance.now();
  victim.proc.kill("SIGKILL");
  const moved = await until(async () => {
    const s = (await api(`${observer.url}/connectors/orders-gen/status`)).body;
    const t = s?.tasks?.[0];
    return t?.state === "RUNNING" && t.worker_id !== victimId ? t : null;
  }, "the source task on another worker");
  const tRunning = performance.now() - t0;
  await until(
    async () => (await readFile(out, "utf8")).split("\n").length > linesBefore + 25,
    "new records after the failover",
  );
  const tFlowing = performance.now() - t0;
  console.log(`  source task RUNNING again on ${moved.worker_id} after ${tRunning.toFixed(0)} ms`);
  console.log(`  new records reaching the sink file ${tFlowing.toFixed(0)} ms after the kill`);

  say("Done");
  console.log(
    `  A killed worker's task ran again elsewhere ${(tRunning / 1000).toFixed(1)} s after kill -9.`,
  );
  console.log(
    "  (Kafka Connect with default settings: about 10 s if the leader died, about 5 min for a follower.)",
  );
} finally {
  for (const w of workers) w.proc?.kill("SIGTERM");
}
