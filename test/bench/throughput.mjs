// Standalone throughput, Ferry against Apache Kafka Connect: FileStreamSource of N lines of B bytes into a
// fresh one-partition topic, then FileStreamSink of that topic into a file; one task each, same worker
// settings, for each line size and converter; the systems alternate A B A B for P pairs.
// Usage: node test/bench/throughput.mjs [--records 1000000] [--sizes 100,1024] [--converters json,string]
//        [--pairs 3] [--only ferry|kafka-connect] [--cpu-prof]
// Rates count the records that arrived between the first sighting of output and the last record, so
// runs much shorter than a second are meaningless; CPU seconds and peak RSS cover the whole process.
// Prints one JSON document and Markdown tables. Needs `npm run build` and the local services.
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
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
  runsDir,
  snapshotDist,
  table,
  topicSize,
  waitUntil,
} from "./lib.mjs";
import { converterClass, LABEL, launchStandalone, reap, SYSTEMS, standaloneWorker } from "./systems.mjs";

const { values: opt } = parseArgs({
  options: {
    records: { type: "string", default: "1000000" },
    lines: { type: "string" }, // old name of --records
    sizes: { type: "string", default: "100,1024" },
    bytes: { type: "string" }, // old name of --sizes
    converters: { type: "string", default: "json,string" },
    converter: { type: "string" }, // old name of --converters
    pairs: { type: "string", default: "3" },
    only: { type: "string" },
    "cpu-prof": { type: "boolean", default: false },
  },
});
const N = Number(opt.lines ?? opt.records);
const SIZES = (opt.bytes ?? opt.sizes).split(",").map(Number);
const CONVERTERS = (opt.converter ?? opt.converters).split(",");
const PAIRS = Number(opt.pairs);
const systems = opt.only ? [opt.only] : SYSTEMS;
for (const c of CONVERTERS) converterClass(c);
for (const s of systems) if (!SYSTEMS.includes(s)) throw new Error(`--only: unknown system "${s}"`);
if (!(N > 0) || SIZES.some((b) => !(b >= 16)) || !(PAIRS > 0))
  throw new Error("--records and --pairs must be positive, --sizes at least 16 bytes each");

snapshotDist();
const profDir = join(runsDir, `profiles-${Date.now()}`);
const nodeFlags = opt["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [];
if (opt["cpu-prof"]) await mkdir(profDir, { recursive: true });

async function writeInput(path, lineBytes) {
  const out = createWriteStream(path);
  const pad = "x".repeat(lineBytes);
  for (let i = 0; i < N; i++) {
    const head = `${i} `;
    if (!out.write(`${head}${pad.slice(0, lineBytes - head.length - 1)}\n`))
      await new Promise((r) => out.once("drain", r));
  }
  await new Promise((r) => out.end(r));
}

// A profiled Ferry is stopped with SIGTERM so node writes its profile; everything else is SIGKILLed.
async function waitRest(system, p, url) {
  const alive = () => {
    if (p.proc.exitCode !== null) throw new Error(`${system} exited early; see ${p.logFile}`);
    return true;
  };
  await waitUntil(async () => alive() && httpOk(`${url}/`), `${system} REST`, 120_000);
}

const stop = (system, p) => reap(p, system === "ferry" && opt["cpu-prof"] ? "SIGTERM" : "SIGKILL");

async function runSource(system, dir, input, lineBytes, converter, tag) {
  const topic = `bench-src-${tag}-${Date.now()}`;
  await createTopic(topic);
  const w = await standaloneWorker(dir, { converter });
  const conn = join(dir, `src-${topic}.properties`);
  await writeFile(
    conn,
    `name=src-${topic}\nconnector.class=FileStreamSource\ntasks.max=1\nfile=${input}\ntopic=${topic}\nbatch.size=2000\n`,
  );
  const admin = kafka.admin();
  await admin.connect();
  const t0 = performance.now();
  const p = launchStandalone(system, w.file, [conn], `throughput-src-${tag}`, { nodeFlags });
  try {
    await waitRest(system, p, w.url);
    const tReady = performance.now();
    // rate over the interval from the first sighting of records to the last record, counting only the
    // records that arrived within it (start-up and group joins stay out)
    let tFirst = 0;
    let atFirst = 0;
    await waitUntil(
      async () => {
        if (p.proc.exitCode !== null) throw new Error(`${system} exited early; see ${p.logFile}`);
        const n = await topicSize(admin, topic);
        if (n > 0 && !tFirst) [tFirst, atFirst] = [performance.now(), n];
        return n >= N;
      },
      `${system} source to produce ${N}`,
      900_000,
      25,
    );
    const seconds = (performance.now() - tFirst) / 1000;
    const s = procStats(p.proc.pid);
    const counted = N - atFirst;
    return {
      topic,
      startupMs: tReady - t0,
      seconds,
      counted,
      recordsPerSec: counted / seconds,
      mbPerSec: (counted * lineBytes) / seconds / 1e6,
      ...s,
    };
  } finally {
    await stop(system, p);
    await admin.disconnect();
  }
}

async function runSink(system, dir, topic, lineBytes, converter, tag) {
  const w = await standaloneWorker(dir, { converter });
  const output = join(dir, `sink-${tag}.txt`);
  const conn = join(dir, `sink-${tag}.properties`);
  await writeFile(
    conn,
    `name=sink-${tag}-${Date.now()}\nconnector.class=FileStreamSink\ntasks.max=1\nfile=${output}\ntopics=${topic}\n`,
  );
  const p = launchStandalone(system, w.file, [conn], `throughput-sink-${tag}`, { nodeFlags });
  try {
    await waitRest(system, p, w.url);
    let tFirst = 0;
    let atFirst = 0;
    const want = N * lineBytes;
    await waitUntil(
      async () => {
        if (p.proc.exitCode !== null) throw new Error(`${system} exited early; see ${p.logFile}`);
        const size = await stat(output).then(
          (s) => s.size,
          () => 0,
        );
        if (size > 0 && !tFirst) [tFirst, atFirst] = [performance.now(), size];
        return size >= want;
      },
      `${system} sink to write ${N} lines`,
      900_000,
      25,
    );
    const seconds = (performance.now() - tFirst) / 1000;
    const s = procStats(p.proc.pid);
    const counted = (want - atFirst) / lineBytes;
    return {
      seconds,
      counted,
      recordsPerSec: counted / seconds,
      mbPerSec: (want - atFirst) / seconds / 1e6,
      ...s,
    };
  } finally {
    await stop(system, p);
    await rm(output, { force: true });
  }
}

const METRICS = ["recordsPerSec", "mbPerSec", "cpuSeconds", "peakRssMiB"];
const dir = await mkdtemp(join(tmpdir(), "ferry-bench-"));
const runs = [];
const cases = [];
try {
  for (const lineBytes of SIZES) {
    const input = join(dir, `input-${lineBytes}.txt`);
    await writeInput(input, lineBytes);
    for (const converter of CONVERTERS) {
      const mine = [];
      for (let pair = 0; pair < PAIRS; pair++) {
        for (const system of systems) {
          const tag = `${system}-${lineBytes}-${converter}-${pair}`;
          const source = await runSource(system, dir, input, lineBytes, converter, tag);
          const sink = await runSink(system, dir, source.topic, lineBytes, converter, tag);
          const admin = kafka.admin();
          await admin.connect();
          await admin.deleteTopics({ topics: [source.topic] }).finally(() => admin.disconnect());
          const run = { system, lineBytes, converter, pair, source, sink };
          runs.push(run);
          mine.push(run);
          process.stderr.write(
            `${tag}: source ${fmt(source.recordsPerSec)} rec/s, sink ${fmt(sink.recordsPerSec)} rec/s\n`,
          );
        }
      }
      const c = { lineBytes, converter, summary: {}, pairRatios: [] };
      for (const system of systems) {
        const rs = mine.filter((r) => r.system === system);
        c.summary[system] = {};
        for (const side of ["source", "sink"]) {
          c.summary[system][side] = Object.fromEntries(
            METRICS.map((m) => [m, median(rs.map((r) => r[side][m]))]),
          );
        }
      }
      if (systems.length === 2) {
        for (let pair = 0; pair < PAIRS; pair++) {
          const f = mine.find((r) => r.system === "ferry" && r.pair === pair);
          const k = mine.find((r) => r.system === "kafka-connect" && r.pair === pair);
          c.pairRatios.push({
            pair,
            source: f.source.recordsPerSec / k.source.recordsPerSec,
            sink: f.sink.recordsPerSec / k.sink.recordsPerSec,
          });
        }
      }
      cases.push(c);
    }
    await rm(input, { force: true });
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const result = {
  benchmark: "throughput",
  ferryBuild: ferryBuild(),
  machine: await machine(),
  records: N,
  sizes: SIZES,
  converters: CONVERTERS.map(converterClass),
  pairs: PAIRS,
  cases,
  runs,
  ...(opt["cpu-prof"] ? { profiles: (await readdir(profDir)).map((f) => join(profDir, f)) } : {}),
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n\n`);
const [F, K] = ["ferry", "kafka-connect"];
const rows = [];
for (const c of cases) {
  for (const side of ["source", "sink"]) {
    const f = c.summary[F]?.[side];
    const k = c.summary[K]?.[side];
    rows.push([
      `${c.lineBytes} B`,
      c.converter,
      side,
      fmt(f?.recordsPerSec),
      fmt(k?.recordsPerSec),
      c.pairRatios.length ? fmt(median(c.pairRatios.map((r) => r[side])), 2) : "–",
      c.pairRatios.length ? c.pairRatios.map((r) => r[side].toFixed(2)).join(" ") : "–",
      fmt(f?.mbPerSec, 1),
      fmt(k?.mbPerSec, 1),
      fmt(f?.cpuSeconds, 1),
      fmt(k?.cpuSeconds, 1),
      fmt(f?.peakRssMiB),
      fmt(k?.peakRssMiB),
      f && k ? fmt(f.peakRssMiB / k.peakRssMiB, 2) : "–",
    ]);
  }
}
process.stdout.write(
  `${fmt(N)} records per run, one task, standalone; medians of ${PAIRS} A/B pairs; ratio = ${LABEL[F]} / ${LABEL[K]}\n\n` +
    table(
      [
        "line",
        "converter",
        "side",
        "Ferry rec/s",
        "KC rec/s",
        "ratio (median)",
        "ratio per pair",
        "Ferry MB/s",
        "KC MB/s",
        "Ferry CPU s",
        "KC CPU s",
        "Ferry peak RSS MiB",
        "KC peak RSS MiB",
        "RSS ratio",
      ],
      rows,
    ) +
    "\n",
);
