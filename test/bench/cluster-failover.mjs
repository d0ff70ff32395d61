// Failover and balance of a distributed Ferry cluster (issue 4's benchmark): 3 workers; 6 Datagen sources
// (1 task each) and 3 FileStreamSinks (2 tasks each): 12 tasks, 21 units with the connector instances.
// Each round SIGKILLs (then SIGTERMs) a random worker and measures, from a surviving worker:
//   - "running": kill → every unit the victim ran is RUNNING on another worker (status; a unit whose
//     reporter lost its lease shows UNASSIGNED, so a stale RUNNING does not count);
//   A sink task reports RUNNING once its consumer joined the group and got its partitions, so for sinks this
//   is also "reading again".
// Then the share round: a worker is stopped, the cluster settles, the worker is started again: time from
// its start until it holds its fair share, and the longest stop of any moved unit (from the journal).
// Usage: node test/bench/cluster-failover.mjs [--kills 20] [--terms 10] [--shares 3]
// Prints JSON and Markdown tables. Needs `npm run build` and the local services (Kafka + Redis).
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  createTopic,
  ferryBuild,
  machine,
  median,
  percentile,
  sleep,
  snapshotDist,
  table,
  waitUntil,
} from "./lib.mjs";
import { distributedWorkers, launchDistributed } from "./systems.mjs";

const { values: opt } = parseArgs({
  options: {
    kills: { type: "string", default: "20" },
    terms: { type: "string", default: "10" },
    shares: { type: "string", default: "3" },
  },
});
snapshotDist();

const dir = await mkdtemp(join(tmpdir(), "ferry-cluster-failover-"));
const group = `cluster-failover-${Date.now()}`;
const workers = (await distributedWorkers(dir, "ferry", group, 3)).map((w) => ({ ...w, logs: [] }));
let launches = 0;
async function start(w) {
  await launchDistributed("ferry", w, `${group}-w${w.i}-${launches++}`, { timeoutMs: 60_000 });
  w.logs.push(w.p.logFile);
}

/** unit → {state, worker} from one worker's view */
async function units(w) {
  const all = await (await fetch(`${w.url}/connectors?expand=status`)).json();
  const out = new Map();
  for (const [name, { status }] of Object.entries(all)) {
    out.set(`connector:${name}`, { state: status.connector.state, worker: status.connector.worker_id });
    for (const t of status.tasks) out.set(`task:${name}:${t.id}`, { state: t.state, worker: t.worker_id });
  }
  return out;
}
const UNITS = 21;
const allRunning = (u, dead) =>
  u.size === UNITS && [...u.values()].every((v) => v.state === "RUNNING" && v.worker !== dead);
/** steady state: every worker runs its share of connector instances (3) and of tasks (4) */
const balanced = (u) =>
  allRunning(u) &&
  workers.every((w) =>
    ["connector:", "task:"].every((kind) => {
      const all = [...u].filter(([k]) => k.startsWith(kind));
      const mine = all.filter(([, v]) => v.worker === w.id).length;
      return mine >= Math.floor(all.length / 3) && mine <= Math.ceil(all.length / 3);
    }),
  );
const sinkFiles = [0, 1, 2].map((s) => join(dir, `sink-${s}.txt`));

function journal() {
  const events = [];
  for (const w of workers)
    for (const f of w.logs)
      for (const line of readFileSync(f, "utf8").split("\n")) {
        if (!line.includes('"journal"')) continue;
        try {
          const e = JSON.parse(line);
          events.push({ unit: e.unit, kind: e.journal, worker: w.id, at: Date.parse(e.time) });
        } catch {}
      }
  return events.sort((a, b) => a.at - b.at);
}

const rounds = { SIGKILL: [], SIGTERM: [] };
const shareRounds = [];
try {
  await Promise.all(workers.map(start));
  for (let s = 0; s < 6; s++) {
    const topic = `${group}-src-${s}`;
    await createTopic(topic, 2);
    await post(`gen-${s}`, {
      "connector.class": "Datagen",
      topic,
      "records.per.second": "50",
      template: "users",
    });
  }
  for (let s = 0; s < 3; s++) {
    await post(`sink-${s}`, {
      "connector.class": "FileStreamSink",
      topics: `${group}-src-${2 * s},${group}-src-${2 * s + 1}`,
      file: sinkFiles[s],
      "tasks.max": "2",
    });
  }
  await waitUntil(async () => allRunning(await units(workers[0])), "all 21 units running", 60_000);
  await sleep(2000);

  const plan = [
    ...Array.from({ length: Number(opt.kills) }, () => "SIGKILL"),
    ...Array.from({ length: Number(opt.terms) }, () => "SIGTERM"),
  ];
  for (const [round, signal] of plan.entries()) {
    const victim = workers[Math.floor(Math.random() * 3)];
    const observer = workers.find((w) => w !== victim);
    await waitUntil(
      async () => balanced(await units(observer)),
      "steady and balanced before the round",
      60_000,
    );
    const before = await units(observer);
    const moved = [...before].filter(([, v]) => v.worker === victim.id).map(([k]) => k);
    const sinkTasks = moved.filter((u) => u.startsWith("task:sink-")).length;
    const t0 = performance.now();
    victim.p.proc.kill(signal);
    await waitUntil(async () => allRunning(await units(observer), victim.id), "failover", 60_000, 10);
    const running = performance.now() - t0;
    rounds[signal].push({ round, victim: victim.i, units: moved.length, sinkTasks, runningMs: running });
    process.stderr.write(
      `${signal} round ${round}: worker ${victim.i} (${moved.length} units, ${sinkTasks} sink tasks) running elsewhere in ${running.toFixed(0)} ms\n`,
    );
    await victim.p.exited;
    await start(victim);
    await sleep(1500);
  }

  for (let r = 0; r < Number(opt.shares); r++) {
    const w = workers[r % 3];
    const observer = workers[(r + 1) % 3];
    w.p.proc.kill("SIGTERM");
    await w.p.exited;
    await waitUntil(async () => allRunning(await units(observer), w.id), "settled on two workers", 60_000);
    await sleep(1000);
    const t0 = performance.now();
    const since = Date.now();
    await start(w);
    await waitUntil(
      async () => {
        const u = await units(observer);
        if (!allRunning(u)) return false;
        const n = [...u.values()].filter((v) => v.worker === w.id).length;
        return n >= Math.floor(UNITS / 3);
      },
      "fair share on the started worker",
      60_000,
      20,
    );
    const shareMs = performance.now() - t0;
    await sleep(500);
    // longest stop of a moved unit: its stop on the old worker → its start on the new one
    const ev = journal().filter((e) => e.at >= since);
    let worstStop = 0;
    const stopAt = new Map();
    for (const e of ev) {
      if (e.kind === "stop") stopAt.set(e.unit, e.at);
      else if (stopAt.has(e.unit)) {
        worstStop = Math.max(worstStop, e.at - stopAt.get(e.unit));
        stopAt.delete(e.unit);
      }
    }
    shareRounds.push({ round: r, shareMs, worstStopMs: worstStop });
    process.stderr.write(
      `share round ${r}: fair share in ${shareMs.toFixed(0)} ms, longest unit stop ${worstStop} ms\n`,
    );
  }
} finally {
  for (const w of workers) w.p?.proc.kill("SIGKILL");
  await rm(dir, { recursive: true, force: true });
}

async function post(name, config) {
  const r = await fetch(`${workers[0].url}/connectors`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, config }),
  });
  if (r.status !== 201) throw new Error(`create ${name}: ${r.status} ${await r.text()}`);
}

const stats = (xs) => {
  const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
  return s.length === 0
    ? null
    : { n: s.length, p50: median(s), p95: percentile(s, 95), p99: percentile(s, 99), max: s[s.length - 1] };
};
const summary = {
  SIGKILL: {
    running: stats(rounds.SIGKILL.map((r) => r.runningMs)),
    withSinks: stats(rounds.SIGKILL.filter((r) => r.sinkTasks > 0).map((r) => r.runningMs)),
  },
  SIGTERM: {
    running: stats(rounds.SIGTERM.map((r) => r.runningMs)),
  },
  share: {
    shareMs: stats(shareRounds.map((r) => r.shareMs)),
    worstStopMs: stats(shareRounds.map((r) => r.worstStopMs)),
  },
};
const info = { benchmark: "cluster-failover", build: ferryBuild(), machine: await machine() };
process.stdout.write(`${JSON.stringify({ ...info, rounds, shareRounds, summary }, null, 2)}\n\n`);
const row = (label, s) =>
  s ? [label, s.n, ...[s.p50, s.p95, s.p99, s.max].map((x) => x.toFixed(0))] : [label, 0, "-", "-", "-", "-"];
process.stdout.write(
  "3 workers, 6 Datagen sources + 3 two-task FileStreamSinks (12 tasks, 21 units); a random worker each round\n\n" +
    table(
      ["measure", "rounds", "p50 ms", "p95 ms", "p99 ms", "max ms"],
      [
        row("kill -9 → its units RUNNING elsewhere", summary.SIGKILL.running),
        row("  rounds where it ran sink tasks", summary.SIGKILL.withSinks),
        row("SIGTERM → its units RUNNING elsewhere", summary.SIGTERM.running),
        row("new worker started → holds its fair share", summary.share.shareMs),
        row("longest stop of a unit moved to it", summary.share.worstStopMs),
      ],
    ) +
    "\n",
);
