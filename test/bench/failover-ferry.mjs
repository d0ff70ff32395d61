// Failover of a distributed Ferry cluster: 3 workers, N single-task Datagen sources; each round kills a
// random worker (SIGKILL, or SIGTERM with --signal TERM) and measures the time until every unit it ran shows
// RUNNING on another worker and its records are flowing again; the worker is then restarted.
// Usage: node test/bench/failover-ferry.mjs [--rounds 10] [--connectors 12] [--signal KILL|TERM]
// Prints JSON and a Markdown table. Needs `npm run build` and the local services (Kafka + Redis).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  createTopic,
  ferryArgs,
  freePort,
  httpOk,
  KAFKA_BOOTSTRAP,
  median,
  sleep,
  startProcess,
  table,
  waitUntil,
} from "./lib.mjs";

const { values: opt } = parseArgs({
  options: {
    rounds: { type: "string", default: "10" },
    connectors: { type: "string", default: "12" },
    signal: { type: "string", default: "KILL" },
  },
});
const ROUNDS = Number(opt.rounds);
const N = Number(opt.connectors);
const SIGNAL = `SIG${opt.signal}`;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const dir = await mkdtemp(join(tmpdir(), "ferry-failover-"));
const group = `failover-${Date.now()}`;
const workers = [];
for (let i = 0; i < 3; i++) {
  const port = await freePort();
  const file = join(dir, `w${i}.properties`);
  await writeFile(
    file,
    [
      `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
      `group.id=${group}`,
      `config.storage.topic=${group}-configs`,
      `offset.storage.topic=${group}-offsets`,
      `status.storage.topic=${group}-status`,
      "config.storage.replication.factor=1",
      "offset.storage.replication.factor=1",
      "offset.storage.partitions=3",
      "status.storage.replication.factor=1",
      "status.storage.partitions=3",
      "key.converter=org.apache.kafka.connect.storage.StringConverter",
      "value.converter=org.apache.kafka.connect.storage.StringConverter",
      "offset.flush.interval.ms=1000",
      `listeners=http://127.0.0.1:${port}`,
      `redis.url=${REDIS_URL}`,
    ].join("\n"),
  );
  workers.push({ i, port, id: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}`, file, p: null });
}
let launches = 0;
async function start(w) {
  const [cmd, argv] = ferryArgs(["distributed", w.file]);
  w.p = startProcess(cmd, argv, `failover-${group}-w${w.i}-${launches++}`, {
    env: { ...process.env, FERRY_LOG_LEVEL: "info" },
  });
  await waitUntil(() => httpOk(`${w.url}/health`), `worker ${w.i}`, 60_000);
}
const get = async (w, path) => (await fetch(w.url + path)).json();

const results = [];
try {
  await Promise.all(workers.map(start));
  const topic = `${group}-data`;
  await createTopic(topic, 3);
  const names = [];
  for (let c = 0; c < N; c++) {
    const name = `gen-${c}`;
    names.push(name);
    const r = await fetch(`${workers[0].url}/connectors`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name,
        config: { "connector.class": "Datagen", topic, "records.per.second": "20", template: "users" },
      }),
    });
    if (r.status !== 201) throw new Error(`create ${name}: ${r.status} ${await r.text()}`);
  }
  const statuses = async (w) => {
    const all = await get(w, "/connectors?expand=status");
    return names.map((n) => all[n]?.status);
  };
  const allRunning = (ss, dead) =>
    ss.every(
      (s) =>
        s &&
        s.connector.state === "RUNNING" &&
        s.connector.worker_id !== dead &&
        s.tasks.length === 1 &&
        s.tasks[0].state === "RUNNING" &&
        s.tasks[0].worker_id !== dead,
    );
  await waitUntil(async () => allRunning(await statuses(workers[0]), null), "all running", 60_000);
  await sleep(2000);

  for (let round = 0; round < ROUNDS; round++) {
    const victim = workers[Math.floor(Math.random() * 3)];
    const observer = workers.find((w) => w !== victim);
    const before = await statuses(observer);
    const moved = before
      .flatMap((s) => [
        s.connector.worker_id === victim.id ? `${s.name}` : null,
        s.tasks[0].worker_id === victim.id ? `${s.name}-0` : null,
      ])
      .filter(Boolean);
    const t0 = performance.now();
    victim.p.proc.kill(SIGNAL);
    await victim.p.exited;
    const tExit = performance.now();
    await waitUntil(async () => allRunning(await statuses(observer), victim.id), "failover", 120_000, 20);
    const t1 = performance.now();
    results.push({ round, victim: victim.i, units: moved.length, ms: t1 - t0, exitMs: tExit - t0 });
    process.stderr.write(
      `round ${round}: worker ${victim.i} (${moved.length} units) back in ${(t1 - t0).toFixed(0)} ms\n`,
    );
    await start(victim);
    await sleep(3000);
  }
} finally {
  for (const w of workers) w.p?.proc.kill("SIGKILL");
  await rm(dir, { recursive: true, force: true });
}

const ms = results
  .filter((r) => r.units > 0)
  .map((r) => r.ms)
  .sort((a, b) => a - b);
const pct = (p) => ms[Math.min(ms.length - 1, Math.ceil((p / 100) * ms.length) - 1)];
const summary = {
  rounds: results.length,
  p50: median(ms),
  p95: pct(95),
  p99: pct(99),
  max: ms[ms.length - 1],
};
process.stdout.write(
  `${JSON.stringify({ benchmark: "failover", signal: SIGNAL, connectors: N, results, summary }, null, 2)}\n\n`,
);
process.stdout.write(
  `${SIGNAL} of one of 3 workers, ${N} Datagen connectors (1 task each); time until every unit of the killed worker is RUNNING elsewhere (status seen from a surviving worker)\n\n` +
    table(
      ["rounds", "p50 ms", "p95 ms", "p99 ms", "max ms"],
      [[summary.rounds, ...[summary.p50, summary.p95, summary.p99, summary.max].map((x) => x.toFixed(0))]],
    ) +
    "\n",
);
