// Task isolation (issue 14's benchmark): 3 distributed workers, 6 Datagen connectors (1 task each, 12 units).
// Phase 1: a connector whose poll() blocks its thread 2 s at a time runs for --block-seconds (60).
// Phase 2: a connector whose poll() never returns (an endless loop) runs until it was FAILED and restarted.
// Sampled every 500 ms on every worker (GET /connectors?expand=status, 5 s client timeout):
//   - healthy units moved: Datagen units whose worker differs from the one they had before phase 1;
//   - not-RUNNING samples: (worker view × healthy unit) samples whose state was not RUNNING;
//   - REST: samples a worker did not answer.
// And for phase 2: from the looping task's start (its starts file) to FAILED in status, and to its restart.
// Usage: node test/bench/isolation.mjs [--block-seconds 60] [--stall-ms 60000]
// Prints JSON and a Markdown table. Needs `npm run build` and the local services (Kafka + Redis).
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createTopic, ferryBuild, machine, repo, sleep, snapshotDist, table, waitUntil } from "./lib.mjs";
import { distributedWorkers, launchDistributed, reap } from "./systems.mjs";

const { values: opt } = parseArgs({
  options: {
    "block-seconds": { type: "string", default: "60" },
    "stall-ms": { type: "string", default: "60000" },
  },
});
const blockSeconds = Number(opt["block-seconds"]);
const stallMs = Number(opt["stall-ms"]);
snapshotDist();

const dir = await mkdtemp(join(tmpdir(), "ferry-isolation-"));
const group = `isolation-${Date.now()}`;
const workers = await distributedWorkers(dir, "ferry", group, 3, {
  extra: [
    `plugin.path=${join(repo, "test/fixtures/misbehaving-plugin")}`,
    `task.stall.timeout.ms=${stallMs}`,
  ],
});
for (const w of workers) await launchDistributed("ferry", w, `${group}-w${w.i}`, { timeoutMs: 120_000 });

const api = (w, method, path, body) =>
  fetch(`${w.url}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(5_000),
  });

async function units(w) {
  const all = await (await api(w, "GET", "/connectors?expand=status")).json();
  const out = new Map();
  for (const [name, { status }] of Object.entries(all)) {
    out.set(`connector:${name}`, { state: status.connector.state, worker: status.connector.worker_id });
    for (const t of status.tasks)
      out.set(`task:${name}:${t.id}`, { state: t.state, worker: t.worker_id, trace: t.trace });
  }
  return out;
}

const topic = `${group}-out`;
await createTopic(topic, 3);
for (let i = 0; i < 6; i++) {
  const r = await api(workers[0], "POST", "/connectors", {
    name: `datagen-${i}`,
    config: { "connector.class": "Datagen", topic, "records.per.second": "100", template: "users" },
  });
  if (r.status !== 201) throw new Error(`creating datagen-${i}: ${r.status} ${await r.text()}`);
}
const healthy = (u) => [...u.keys()].filter((k) => k.includes("datagen-"));
const first = await waitUntil(
  async () => {
    const u = await units(workers[0]);
    const h = healthy(u);
    return h.length === 12 && h.every((k) => u.get(k).state === "RUNNING") ? u : null;
  },
  "the 12 Datagen units RUNNING",
  120_000,
  200,
);

// the sampler runs through both phases
const stats = { samples: 0, notRunning: 0, unanswered: 0, moved: new Set() };
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    await Promise.all(
      workers.map(async (w) => {
        let u;
        try {
          u = await units(w);
        } catch {
          stats.unanswered++;
          return;
        }
        for (const k of healthy(first)) {
          stats.samples++;
          const v = u.get(k);
          if (v?.state !== "RUNNING") stats.notRunning++;
          if (v?.worker && v.worker !== first.get(k).worker) stats.moved.add(k);
        }
      }),
    );
    await sleep(500);
  }
})();

const misbehaving = (name, behaviour, extra = {}) => ({
  name,
  config: {
    "connector.class": "com.example.MisbehavingSourceConnector",
    topic,
    behaviour,
    "starts.file": join(dir, `${name}.starts`),
    "polls.file": join(dir, `${name}.polls`),
    ...extra,
  },
});
const lines = (f) => {
  try {
    return readFileSync(f, "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
};

// phase 1: blocking 2 s per poll
console.error(`phase 1: a task blocking 2 s per poll for ${blockSeconds} s`);
await api(workers[0], "POST", "/connectors", misbehaving("blocker", "block", { "block.ms": "2000" }));
await sleep(blockSeconds * 1000);
const blockerPolls = lines(join(dir, "blocker.polls")).length;
await api(workers[0], "DELETE", "/connectors/blocker");
const phase1 = {
  samples: stats.samples,
  notRunning: stats.notRunning,
  unanswered: stats.unanswered,
  moved: stats.moved.size,
  blockerPolls,
};

// phase 2: never returns
console.error("phase 2: a task whose poll() never returns");
const startsFile = join(dir, "looper.starts");
await api(workers[0], "POST", "/connectors", misbehaving("looper", "loop"));
const started = await waitUntil(
  () => lines(startsFile).length >= 1 && Date.now(),
  "the looper started",
  60_000,
  20,
);
const failedAt = await waitUntil(
  async () => {
    const u = await units(workers[0]).catch(() => null);
    return u?.get("task:looper:0")?.state === "FAILED" ? Date.now() : null;
  },
  "the looper FAILED",
  stallMs + 120_000,
  100,
);
const restartedAt = await waitUntil(
  () => lines(startsFile).length >= 2 && Date.now(),
  "the looper restarted",
  120_000,
  20,
);
const trace = (await units(workers[0])).get("task:looper:0")?.trace ?? "";
sampling = false;
await sampler;
await api(workers[0], "DELETE", "/connectors/looper");
for (const w of workers) await reap(w.p, "SIGTERM");

const result = {
  benchmark: "isolation",
  build: ferryBuild(),
  machine: await machine(),
  stallTimeoutMs: stallMs,
  phase1,
  total: {
    samples: stats.samples,
    notRunning: stats.notRunning,
    unanswered: stats.unanswered,
    moved: stats.moved.size,
  },
  looper: {
    startToFailedMs: failedAt - started,
    startToRestartedMs: restartedAt - started,
    trace: trace.split("\n")[0],
  },
};
console.log(JSON.stringify(result, null, 2));
console.log(
  table(
    ["", "phase 1 (blocking 2 s/poll)", "whole run"],
    [
      ["healthy units moved", String(phase1.moved), String(result.total.moved)],
      [
        "not-RUNNING samples",
        `${phase1.notRunning} of ${phase1.samples}`,
        `${result.total.notRunning} of ${result.total.samples}`,
      ],
      ["REST samples unanswered", String(phase1.unanswered), String(result.total.unanswered)],
    ],
  ),
);
console.log(
  `\nnever-returning poll(): FAILED ${result.looper.startToFailedMs} ms after its start, restarted after ${result.looper.startToRestartedMs} ms (task.stall.timeout.ms=${stallMs})`,
);
