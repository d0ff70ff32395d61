// Failover, Ferry against Apache Kafka Connect: distributed, 3 workers per system, T FileStreamSource
// connectors (one task each, one growing file and one topic per task; this script appends a line to every
// file every --append-ms). Each round kill -9s one worker and measures, per task the dead worker ran, the
// time from the kill to the first record in that task's topic whose timestamp is later than the kill (the
// dead process cannot write any more, so that record comes from the task's new home). The worker is then
// restarted and the cluster settles before the next round.
// Kafka Connect rounds kill a worker that is not the group leader and then the leader (read from the
// workers' "Joined group at generation N ... leaderUrl='...'" log lines); Ferry has no leader, so its rounds
// kill the worker with the most tasks, then another one. Variants:
//   ferry        Ferry with its defaults
//   kc-default   Kafka Connect with its defaults (scheduled.rebalance.max.delay.ms=300000); capped at --cap-s
//   kc-delay0    Kafka Connect with scheduled.rebalance.max.delay.ms=0
// Usage: node test/bench/failover.mjs [--variants ferry,kc-delay0,kc-default] [--rounds 3]
//        [--default-rounds 1] [--tasks 6] [--cap-s 400] [--append-ms 20] [--settle-s 5]
// Prints one JSON document and a Markdown table. Needs `npm run build` and the local services.
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
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
  rssMiB,
  sleep,
  snapshotDist,
  table,
  waitUntil,
} from "./lib.mjs";
import { distributedWorkers, launchDistributed, reap, rest } from "./systems.mjs";

const { values: opt } = parseArgs({
  options: {
    variants: { type: "string", default: "ferry,kc-delay0,kc-default" },
    rounds: { type: "string", default: "3" },
    "default-rounds": { type: "string", default: "1" },
    tasks: { type: "string", default: "6" },
    "cap-s": { type: "string", default: "400" },
    "append-ms": { type: "string", default: "20" },
    "settle-s": { type: "string", default: "5" },
  },
});
const VARIANTS = {
  ferry: { system: "ferry", extra: [] },
  "kc-default": { system: "kafka-connect", extra: [] },
  "kc-delay0": { system: "kafka-connect", extra: ["scheduled.rebalance.max.delay.ms=0"] },
};
const variants = opt.variants.split(",");
for (const v of variants)
  if (!VARIANTS[v]) throw new Error(`--variants: unknown "${v}" (ferry, kc-default, kc-delay0)`);
const TASKS = Number(opt.tasks);
const CAP_MS = Number(opt["cap-s"]) * 1000;
const APPEND_MS = Number(opt["append-ms"]);
const SETTLE_MS = Number(opt["settle-s"]) * 1000;
for (const k of ["rounds", "default-rounds", "tasks", "cap-s", "append-ms"])
  if (!(Number(opt[k]) > 0)) throw new Error(`--${k} must be a positive number, got "${opt[k]}"`);
snapshotDist();

/** Kafka Connect's current leader: the leaderUrl of the highest generation any live worker logged. */
async function kcLeader(workers) {
  let best = { generation: -1, url: null };
  for (const w of workers) {
    if (!w.p) continue;
    const text = await readFile(w.p.logFile, "utf8");
    for (const m of text.matchAll(/Joined group at generation (\d+) .*?leaderUrl='([^']+)'/g)) {
      const generation = Number(m[1]);
      if (generation > best.generation) best = { generation, url: m[2].replace(/\/$/, "") };
    }
  }
  const leader = workers.find((w) => w.url === best.url);
  if (!leader) throw new Error(`no Kafka Connect leader found in the worker logs (last seen: ${best.url})`);
  return leader;
}

async function runVariant(name, dir) {
  const { system, extra } = VARIANTS[name];
  const kc = system === "kafka-connect";
  const rounds = name === "kc-default" ? Number(opt["default-rounds"]) : Number(opt.rounds);
  const group = `bench-fo-${name}-${Date.now()}`;
  const workers = await distributedWorkers(dir, system, group, 3, { extra });
  const names = Array.from({ length: TASKS }, (_, k) => `${group}-src${k}`);
  const topics = names.map((n) => `${n}-out`);
  const files = names.map((n) => join(dir, `${n}.txt`));
  // every record's timestamp per topic, in arrival order (tens of records a second: small)
  const seen = Object.fromEntries(topics.map((t) => [t, []]));
  const consumer = kafka.consumer({ groupId: `${group}-watch`, maxWaitTimeInMs: 50 });
  let appender = null;
  let launches = 0;
  const start = (w) => launchDistributed(system, w, `failover-${name}-w${w.i}-${launches++}`);
  const results = [];
  try {
    await Promise.all(topics.map((t) => createTopic(t)));
    await Promise.all(files.map((f) => writeFile(f, "")));
    let line = 0;
    appender = setInterval(() => {
      line++;
      for (const f of files) appendFile(f, `${line} ${Date.now()}\n`).catch((e) => console.error(e));
    }, APPEND_MS);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) seen[batch.topic].push(Number(m.timestamp));
      },
    });
    await Promise.all(workers.map(start));
    for (let k = 0; k < TASKS; k++) {
      await rest(`${workers[0].url}/connectors`, "POST", {
        name: names[k],
        config: { "connector.class": "FileStreamSource", "tasks.max": "1", file: files[k], topic: topics[k] },
      });
    }
    const live = () => workers.filter((w) => w.p);
    const statuses = async () => {
      const observer = live()[0];
      const all = await rest(`${observer.url}/connectors?expand=status`);
      return names.map((n) => all[n]?.status);
    };
    const allRunningOn = (ss, ids) =>
      ss.every(
        (s) =>
          s?.connector.state === "RUNNING" &&
          s.tasks.length === 1 &&
          s.tasks[0].state === "RUNNING" &&
          ids.has(s.tasks[0].worker_id),
      );
    const settle = async () => {
      const ids = new Set(live().map((w) => w.id));
      await waitUntil(
        async () => allRunningOn(await statuses().catch(() => []), ids),
        "all tasks RUNNING",
        CAP_MS,
        200,
      );
      const since = Date.now();
      await waitUntil(() => topics.every((t) => seen[t].at(-1) > since), "every task writing", 60_000, 50);
      await sleep(SETTLE_MS);
    };
    await settle();

    for (let round = 0; round < rounds; round++) {
      for (const kind of kc ? ["non-leader", "leader"] : ["worker", "worker"]) {
        const before = await statuses();
        const tasksOf = (w) => before.filter((s) => s.tasks[0].worker_id === w.id).map((s) => s.name);
        let victim;
        if (kind === "worker") {
          // Ferry: the busiest worker on the first kill of a round, another busy one on the second
          const ranked = [...workers].sort((a, b) => tasksOf(b).length - tasksOf(a).length);
          victim = results.length % 2 === 0 ? ranked[0] : ranked[1];
        } else {
          const leader = await kcLeader(workers);
          victim =
            kind === "leader"
              ? leader
              : workers.filter((w) => w !== leader).sort((a, b) => tasksOf(b).length - tasksOf(a).length)[0];
        }
        const moved = tasksOf(victim);
        const movedTopics = moved.map((n) => topics[names.indexOf(n)]);
        // what arrived before the kill is older than it: the search for a newer record starts after it
        const from = Object.fromEntries(movedTopics.map((t) => [t, seen[t].length]));
        const killedAt = Date.now();
        const t0 = performance.now();
        victim.p.proc.kill("SIGKILL");
        await victim.p.exited;
        victim.p = null;
        const survivors = new Set(live().map((w) => w.id));
        let statusMs = null;
        const statusWatch = waitUntil(
          async () => moved.length === 0 || allRunningOn(await statuses().catch(() => []), survivors),
          "status",
          CAP_MS,
          100,
        ).then(
          () => (statusMs = performance.now() - t0),
          () => {},
        );
        const perTask = {};
        let capped = false;
        try {
          await waitUntil(
            () => {
              for (const t of movedTopics) {
                if (perTask[t] !== undefined) continue;
                const list = seen[t];
                for (; from[t] < list.length; from[t]++) {
                  if (list[from[t]] > killedAt) {
                    perTask[t] = list[from[t]] - killedAt;
                    break;
                  }
                }
              }
              return movedTopics.every((t) => perTask[t] !== undefined);
            },
            "every moved task writing again",
            CAP_MS,
            20,
          );
        } catch {
          capped = true;
        }
        await statusWatch;
        const times = Object.values(perTask);
        const r = {
          round,
          kind,
          victim: victim.i,
          tasks: moved.length,
          capped,
          ms: capped ? null : times.length ? Math.max(...times) : 0,
          perTaskMs: perTask,
          statusMs,
        };
        results.push(r);
        process.stderr.write(
          `${name} round ${round} ${kind} (worker ${victim.i}, ${moved.length} tasks): ${capped ? `capped at ${CAP_MS} ms` : `${fmt(r.ms)} ms`}, status ${fmt(statusMs)} ms\n`,
        );
        await start(victim);
        await settle();
      }
    }
    const rss = Object.fromEntries(live().map((w) => [w.i, rssMiB(w.p.proc.pid)]));
    return { variant: name, system, extra, group, results, rssMiB: rss };
  } finally {
    clearInterval(appender);
    await consumer.disconnect().catch(() => {});
    await Promise.all(workers.map((w) => reap(w.p)));
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
  }
}

const dir = await mkdtemp(join(tmpdir(), "ferry-failover-"));
const out = [];
try {
  for (const v of variants) out.push(await runVariant(v, dir));
} finally {
  await rm(dir, { recursive: true, force: true });
}

const rows = [];
const summary = {};
for (const v of out) {
  for (const kind of [...new Set(v.results.map((r) => r.kind))]) {
    const rs = v.results.filter((r) => r.kind === kind && r.tasks > 0);
    const ms = rs.filter((r) => !r.capped).map((r) => r.ms);
    const capped = rs.filter((r) => r.capped).length;
    const s = {
      kills: rs.length,
      capped,
      p50: ms.length ? median(ms) : null,
      p99: ms.length ? percentile(ms, 99) : null,
      max: ms.length ? Math.max(...ms) : null,
      statusP50: median(rs.map((r) => r.statusMs ?? CAP_MS)),
    };
    summary[`${v.variant}/${kind}`] = s;
    rows.push([
      v.variant,
      kind,
      s.kills,
      capped ? `${capped} (> ${CAP_MS / 1000} s)` : "0",
      fmt(s.p50),
      fmt(s.p99),
      fmt(s.max),
      fmt(s.statusP50),
    ]);
  }
}
const ferryAll = out
  .find((v) => v.variant === "ferry")
  ?.results.filter((r) => r.tasks > 0 && !r.capped)
  .map((r) => r.ms);
const ratios = {};
if (ferryAll?.length) {
  const f99 = percentile(ferryAll, 99);
  for (const [k, s] of Object.entries(summary))
    if (!k.startsWith("ferry/") && s.p50 !== null) ratios[k] = { kcP50OverFerryP99: s.p50 / f99 };
}
process.stdout.write(
  `${JSON.stringify({ benchmark: "failover", ferryBuild: ferryBuild(), machine: await machine(), tasks: TASKS, appendMs: APPEND_MS, capMs: CAP_MS, variants: out, summary, ratios }, null, 2)}\n\n`,
);
process.stdout.write(
  `kill -9 of one of 3 distributed workers, ${TASKS} FileStreamSource tasks (one file and topic each, a line appended every ${APPEND_MS} ms); time from the kill until every task the dead worker ran has written a record again (the slowest task of each kill); "status" = until GET /connectors?expand=status shows them RUNNING elsewhere\n\n` +
    table(["variant", "killed", "kills", "capped", "p50 ms", "p99 ms", "max ms", "status p50 ms"], rows) +
    "\n" +
    (Object.keys(ratios).length
      ? `\nKafka Connect's p50 / Ferry's p99: ${Object.entries(ratios)
          .map(([k, r]) => `${k} ${fmt(r.kcP50OverFerryP99, 1)}×`)
          .join(", ")}\n`
      : ""),
);
