// Start-up, Ferry against Apache Kafka Connect: a standalone worker with one FileStreamSource over a
// 10-line file into a fresh topic; from process start to the REST API answering and to the first record in
// Kafka. The systems alternate A B A B for P pairs.
// Usage: node test/bench/startup.mjs [--pairs 5] [--only ferry|kafka-connect]
// Prints one JSON document and a Markdown table. Needs `npm run build` and the local services.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  createTopic,
  ferryBuild,
  fmt,
  httpOk,
  kafka,
  machine,
  median,
  procStats,
  snapshotDist,
  table,
  topicSize,
  waitUntil,
} from "./lib.mjs";
import { LABEL, launchStandalone, reap, SYSTEMS, standaloneWorker } from "./systems.mjs";

const { values: opt } = parseArgs({
  options: { pairs: { type: "string", default: "5" }, only: { type: "string" } },
});
const PAIRS = Number(opt.pairs);
const systems = opt.only ? [opt.only] : SYSTEMS;
for (const s of systems) if (!SYSTEMS.includes(s)) throw new Error(`--only: unknown system "${s}"`);
if (!(PAIRS > 0)) throw new Error("--pairs must be positive");
snapshotDist();

async function once(system, dir, input, tag) {
  const topic = `bench-startup-${tag}-${Date.now()}`;
  await createTopic(topic);
  const w = await standaloneWorker(dir);
  const conn = join(dir, `${topic}.properties`);
  await writeFile(
    conn,
    `name=${topic}\nconnector.class=FileStreamSource\ntasks.max=1\nfile=${input}\ntopic=${topic}\n`,
  );
  const admin = kafka.admin();
  await admin.connect();
  const t0 = performance.now();
  const p = launchStandalone(system, w.file, [conn], `startup-${tag}`);
  const alive = () => {
    if (p.proc.exitCode !== null) throw new Error(`${system} exited early; see ${p.logFile}`);
    return true;
  };
  try {
    // REST and the topic are polled in parallel, so neither wait delays the other's reading
    const rest = waitUntil(async () => alive() && httpOk(`${w.url}/`), `${system} REST`, 120_000, 10).then(
      () => performance.now() - t0,
    );
    const first = waitUntil(
      async () => alive() && (await topicSize(admin, topic)) > 0,
      `${system} first record`,
      120_000,
      10,
    ).then(() => performance.now() - t0);
    const [restMs, firstRecordMs] = await Promise.all([rest, first]);
    return { restMs, firstRecordMs, ...procStats(p.proc.pid) };
  } finally {
    await reap(p);
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  }
}

const dir = await mkdtemp(join(tmpdir(), "ferry-startup-"));
const runs = [];
try {
  const input = join(dir, "input.txt");
  await writeFile(input, Array.from({ length: 10 }, (_, i) => `line ${i}\n`).join(""));
  for (let pair = 0; pair < PAIRS; pair++) {
    for (const system of systems) {
      const r = await once(system, dir, input, `${system}-${pair}`);
      runs.push({ system, pair, ...r });
      process.stderr.write(
        `${system} ${pair}: REST ${fmt(r.restMs)} ms, first record ${fmt(r.firstRecordMs)} ms\n`,
      );
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const summary = {};
for (const s of systems) {
  const rs = runs.filter((r) => r.system === s);
  summary[s] = {
    restMs: median(rs.map((r) => r.restMs)),
    firstRecordMs: median(rs.map((r) => r.firstRecordMs)),
    cpuSeconds: median(rs.map((r) => r.cpuSeconds)),
    peakRssMiB: median(rs.map((r) => r.peakRssMiB)),
  };
}
const both = systems.length === 2;
const pairRatios = both
  ? [...Array(PAIRS).keys()].map((pair) => {
      const f = runs.find((r) => r.system === "ferry" && r.pair === pair);
      const k = runs.find((r) => r.system === "kafka-connect" && r.pair === pair);
      // how many times faster Ferry is
      return { pair, rest: k.restMs / f.restMs, firstRecord: k.firstRecordMs / f.firstRecordMs };
    })
  : [];
process.stdout.write(
  `${JSON.stringify({ benchmark: "startup", ferryBuild: ferryBuild(), machine: await machine(), pairs: PAIRS, runs, summary, pairRatios }, null, 2)}\n\n`,
);
const F = summary.ferry;
const K = summary["kafka-connect"];
const row = (what, key, ratioKey, digits = 0) => [
  what,
  fmt(F?.[key], digits),
  fmt(K?.[key], digits),
  both && ratioKey ? `${fmt(median(pairRatios.map((r) => r[ratioKey])), 1)}×` : "–",
];
process.stdout.write(
  `Standalone, one FileStreamSource over a 10-line file; medians of ${PAIRS} A/B pairs; speed-up = ${LABEL["kafka-connect"]} time / ${LABEL.ferry} time (median per pair)\n\n` +
    table(
      ["measure", "Ferry", "Kafka Connect", "Ferry faster by"],
      [
        row("process start → REST answers (ms)", "restMs", "rest"),
        row("process start → first record in Kafka (ms)", "firstRecordMs", "firstRecord"),
        row("CPU s until then", "cpuSeconds", null, 2),
        row("peak RSS MiB", "peakRssMiB", null),
      ],
    ) +
    "\n",
);
