// Scale, Ferry against Apache Kafka Connect: distributed, 3 workers per system, C FileStreamSource
// connectors with one task each over one empty file (a cheap source: nothing to read, the same for both).
// Measures the time to create them all over REST (--clients concurrent clients spread over the workers;
// a 409 "rebalance in progress" is retried and counted), the time until all are RUNNING with their task,
// the latency of GET /connectors?expand=status (p50/p99 of --status-requests calls), and each worker's RSS.
// The systems run one after the other (A B, --pairs times).
// Usage: node test/bench/scale.mjs [--connectors 500] [--clients 4] [--status-requests 50] [--pairs 1]
//        [--only ferry|kafka-connect] [--timeout-s 900]
// Prints one JSON document and a Markdown table. Needs `npm run build` and the local services.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  createTopic,
  ferryBuild,
  fmt,
  kafka,
  machine,
  median,
  percentile,
  procStats,
  rssMiB,
  sleep,
  snapshotDist,
  table,
  waitUntil,
} from "./lib.mjs";
import { distributedWorkers, LABEL, launchDistributed, reap, rest, SYSTEMS } from "./systems.mjs";

const { values: opt } = parseArgs({
  options: {
    connectors: { type: "string", default: "500" },
    clients: { type: "string", default: "4" },
    "status-requests": { type: "string", default: "50" },
    pairs: { type: "string", default: "1" },
    only: { type: "string" },
    "timeout-s": { type: "string", default: "900" },
  },
});
for (const k of ["connectors", "clients", "status-requests", "pairs", "timeout-s"])
  if (!(Number(opt[k]) > 0)) throw new Error(`--${k} must be a positive number, got "${opt[k]}"`);
const C = Number(opt.connectors);
const CLIENTS = Number(opt.clients);
const STATUS_REQUESTS = Number(opt["status-requests"]);
const PAIRS = Number(opt.pairs);
const TIMEOUT_MS = Number(opt["timeout-s"]) * 1000;
const systems = opt.only ? [opt.only] : SYSTEMS;
for (const s of systems) if (!SYSTEMS.includes(s)) throw new Error(`--only: unknown system "${s}"`);
snapshotDist();

/** POST /connectors, retrying while Kafka Connect answers 409 (rebalance in progress); returns the retries. */
async function create(url, body) {
  for (let retries = 0; ; retries++) {
    const r = await fetch(`${url}/connectors`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await r.text();
    if (r.status === 201) return retries;
    if (r.status !== 409 || retries > 600)
      throw new Error(`POST ${url}/connectors ${body.name}: ${r.status} ${text}`);
    await sleep(100);
  }
}

async function once(system, dir, pair) {
  const group = `bench-scale-${system}-${pair}-${Date.now()}`;
  const workers = await distributedWorkers(dir, system, group, 3);
  const topic = `${group}-out`;
  const input = join(dir, `${group}.txt`);
  await writeFile(input, "");
  await createTopic(topic);
  try {
    await Promise.all(workers.map((w) => launchDistributed(system, w, `scale-${system}-${pair}-w${w.i}`)));
    const names = Array.from({ length: C }, (_, k) => `${group}-c${k}`);
    let next = 0;
    let retries = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let k = next++; k < C; k = next++) {
          const w = workers[(client + k) % workers.length];
          retries += await create(w.url, {
            name: names[k],
            config: { "connector.class": "FileStreamSource", "tasks.max": "1", file: input, topic },
          });
        }
      }),
    );
    const createMs = performance.now() - t0;
    process.stderr.write(`${system}: created ${C} in ${fmt(createMs)} ms (${retries} retries)\n`);
    let running = 0;
    await waitUntil(
      async () => {
        const all = await rest(`${workers[0].url}/connectors?expand=status`).catch(() => ({}));
        running = names.filter((n) => {
          const s = all[n]?.status;
          return s?.connector.state === "RUNNING" && s.tasks.length === 1 && s.tasks[0].state === "RUNNING";
        }).length;
        return running === C;
      },
      `${system}: all ${C} RUNNING (last count ${running})`,
      TIMEOUT_MS,
      250,
    );
    const runningMs = performance.now() - t0;
    process.stderr.write(`${system}: all RUNNING after ${fmt(runningMs)} ms\n`);
    await sleep(2000);
    const lat = [];
    for (let i = 0; i < STATUS_REQUESTS; i++) {
      const w = workers[i % workers.length];
      const s = performance.now();
      const all = await rest(`${w.url}/connectors?expand=status`);
      lat.push(performance.now() - s);
      if (Object.keys(all).length < C)
        throw new Error(`${system}: ${w.url} listed ${Object.keys(all).length} of ${C}`);
    }
    const perWorker = workers.map((w) => ({ rssMiB: rssMiB(w.p.proc.pid), ...procStats(w.p.proc.pid) }));
    return {
      system,
      pair,
      createMs,
      createRetries: retries,
      runningMs,
      statusP50Ms: median(lat),
      statusP99Ms: percentile(lat, 99),
      perWorker,
      rssMiBPerWorker: median(perWorker.map((w) => w.rssMiB)),
    };
  } finally {
    await Promise.all(workers.map((w) => reap(w.p)));
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  }
}

const dir = await mkdtemp(join(tmpdir(), "ferry-scale-"));
const runs = [];
try {
  for (let pair = 0; pair < PAIRS; pair++)
    for (const system of systems) runs.push(await once(system, dir, pair));
} finally {
  await rm(dir, { recursive: true, force: true });
}
const KEYS = ["createMs", "runningMs", "statusP50Ms", "statusP99Ms", "rssMiBPerWorker"];
const summary = Object.fromEntries(
  systems.map((s) => {
    const rs = runs.filter((r) => r.system === s);
    return [s, Object.fromEntries(KEYS.map((k) => [k, median(rs.map((r) => r[k]))]))];
  }),
);
process.stdout.write(
  `${JSON.stringify({ benchmark: "scale", ferryBuild: ferryBuild(), machine: await machine(), connectors: C, clients: CLIENTS, statusRequests: STATUS_REQUESTS, runs, summary }, null, 2)}\n\n`,
);
const F = summary.ferry;
const K = summary["kafka-connect"];
const row = (what, key) => [what, fmt(F?.[key]), fmt(K?.[key]), F && K ? fmt(F[key] / K[key], 2) : "–"];
process.stdout.write(
  `${C} FileStreamSource connectors (1 task each, empty file) on 3 distributed workers per system; ${CLIENTS} concurrent REST clients; medians of ${PAIRS} run(s); ratio = ${LABEL.ferry} / ${LABEL["kafka-connect"]} (lower is better)\n\n` +
    table(
      ["measure", "Ferry", "Kafka Connect", "ratio"],
      [
        row("create all (ms)", "createMs"),
        row("create → all RUNNING (ms)", "runningMs"),
        row("GET /connectors?expand=status p50 (ms)", "statusP50Ms"),
        row("GET /connectors?expand=status p99 (ms)", "statusP99Ms"),
        row("RSS per worker (MiB, median of 3)", "rssMiBPerWorker"),
      ],
    ) +
    "\n",
);
