// Standalone throughput: FileStreamSource of N lines into Kafka, and FileStreamSink out of it, for Ferry and
// for Apache Kafka Connect (same broker, same files, same worker settings), alternating A B A B.
// Usage: node test/bench/standalone-throughput.mjs [--lines 1000000] [--bytes 100] [--pairs 3]
//        [--converter string|json] [--only ferry|kafka-connect]
// Prints one JSON document and a Markdown table. Needs `npm run build` and the local services.
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  createTopic,
  ferryArgs,
  freePort,
  httpOk,
  KAFKA_BOOTSTRAP,
  kafka,
  kafkaConnectArgs,
  median,
  procStats,
  startProcess,
  table,
  topicSize,
  waitUntil,
} from "./lib.mjs";

const { values: opt } = parseArgs({
  options: {
    lines: { type: "string", default: "1000000" },
    bytes: { type: "string", default: "100" },
    pairs: { type: "string", default: "3" },
    converter: { type: "string", default: "string" },
    only: { type: "string" },
  },
});
const N = Number(opt.lines);
const LINE_BYTES = Number(opt.bytes);
const PAIRS = Number(opt.pairs);
const converterClass =
  opt.converter === "json"
    ? "org.apache.kafka.connect.json.JsonConverter"
    : "org.apache.kafka.connect.storage.StringConverter";
const systems = opt.only ? [opt.only] : ["ferry", "kafka-connect"];

async function writeInput(path) {
  const out = createWriteStream(path);
  const pad = "x".repeat(LINE_BYTES);
  for (let i = 0; i < N; i++) {
    const head = `${i} `;
    if (!out.write(`${head}${pad.slice(0, LINE_BYTES - head.length - 1)}\n`))
      await new Promise((r) => out.once("drain", r));
  }
  await new Promise((r) => out.end(r));
}

async function workerFile(dir, port) {
  const path = join(dir, `worker-${port}.properties`);
  await writeFile(
    path,
    [
      `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
      `key.converter=${converterClass}`,
      `value.converter=${converterClass}`,
      "key.converter.schemas.enable=false",
      "value.converter.schemas.enable=false",
      `offset.storage.file.filename=${join(dir, `offsets-${port}`)}`,
      "offset.flush.interval.ms=10000",
      `listeners=http://127.0.0.1:${port}`,
      // Kafka Connect's plugin scan of the classpath; no extra plugin dirs
      "plugin.discovery=only_scan",
      "",
    ].join("\n"),
  );
  return path;
}

function launch(system, args, name) {
  const [cmd, argv] = system === "ferry" ? ferryArgs(["standalone", ...args]) : kafkaConnectArgs(args);
  return startProcess(cmd, argv, name, { env: { ...process.env, FERRY_LOG_LEVEL: "warn" } });
}

async function runSource(system, dir, input, run) {
  const topic = `bench-src-${system}-${run}-${Date.now()}`;
  await createTopic(topic);
  const port = await freePort();
  const worker = await workerFile(dir, port);
  const conn = join(dir, `src-${topic}.properties`);
  await writeFile(
    conn,
    `name=src-${topic}\nconnector.class=FileStreamSource\ntasks.max=1\nfile=${input}\ntopic=${topic}\nbatch.size=2000\n`,
  );
  const admin = kafka.admin();
  await admin.connect();
  const t0 = performance.now();
  const p = launch(system, [worker, conn], `throughput-src-${system}-${run}`);
  try {
    await waitUntil(() => httpOk(`http://127.0.0.1:${port}/`), `${system} REST`, 120_000);
    const tReady = performance.now();
    let tFirst = 0;
    await waitUntil(
      async () => {
        const n = await topicSize(admin, topic);
        if (n > 0 && !tFirst) tFirst = performance.now();
        return n >= N;
      },
      `${system} source to produce ${N}`,
      600_000,
      25,
    );
    const tEnd = performance.now();
    const s = procStats(p.proc.pid);
    const seconds = (tEnd - tFirst) / 1000;
    return {
      topic,
      startupMs: tReady - t0,
      seconds,
      recordsPerSec: N / seconds,
      mbPerSec: (N * LINE_BYTES) / seconds / 1e6,
      ...s,
    };
  } finally {
    p.proc.kill("SIGKILL");
    await p.exited;
    await admin.disconnect();
  }
}

async function runSink(system, dir, topic, run) {
  const port = await freePort();
  const worker = await workerFile(dir, port);
  const output = join(dir, `sink-${system}-${run}.txt`);
  const conn = join(dir, `sink-${system}-${run}.properties`);
  await writeFile(
    conn,
    `name=sink-${system}-${run}-${Date.now()}\nconnector.class=FileStreamSink\ntasks.max=1\nfile=${output}\ntopics=${topic}\n`,
  );
  const p = launch(system, [worker, conn], `throughput-sink-${system}-${run}`);
  try {
    await waitUntil(() => httpOk(`http://127.0.0.1:${port}/`), `${system} REST`, 120_000);
    let tFirst = 0;
    const want = N * LINE_BYTES;
    await waitUntil(
      async () => {
        const size = await stat(output).then(
          (s) => s.size,
          () => 0,
        );
        if (size > 0 && !tFirst) tFirst = performance.now();
        return size >= want;
      },
      `${system} sink to write ${N} lines`,
      600_000,
      25,
    );
    const seconds = (performance.now() - tFirst) / 1000;
    const s = procStats(p.proc.pid);
    return { seconds, recordsPerSec: N / seconds, mbPerSec: want / seconds / 1e6, ...s };
  } finally {
    p.proc.kill("SIGKILL");
    await p.exited;
  }
}

const dir = await mkdtemp(join(tmpdir(), "ferry-bench-"));
try {
  const input = join(dir, "input.txt");
  await writeInput(input);
  const runs = [];
  for (let pair = 0; pair < PAIRS; pair++) {
    for (const system of systems) {
      const source = await runSource(system, dir, input, pair);
      const sink = await runSink(system, dir, source.topic, pair);
      runs.push({ system, pair, source, sink });
      process.stderr.write(
        `${system} pair ${pair}: source ${Math.round(source.recordsPerSec)} rec/s, sink ${Math.round(sink.recordsPerSec)} rec/s\n`,
      );
    }
  }
  const summary = {};
  for (const system of systems) {
    const mine = runs.filter((r) => r.system === system);
    const m = (f) => median(mine.map(f));
    summary[system] = {
      source: {
        recordsPerSec: m((r) => r.source.recordsPerSec),
        mbPerSec: m((r) => r.source.mbPerSec),
        cpuSeconds: m((r) => r.source.cpuSeconds),
        peakRssMiB: m((r) => r.source.peakRssMiB),
      },
      sink: {
        recordsPerSec: m((r) => r.sink.recordsPerSec),
        mbPerSec: m((r) => r.sink.mbPerSec),
        cpuSeconds: m((r) => r.sink.cpuSeconds),
        peakRssMiB: m((r) => r.sink.peakRssMiB),
      },
    };
  }
  const pairRatios =
    systems.length === 2
      ? [...Array(PAIRS).keys()].map((pair) => {
          const f = runs.find((r) => r.system === "ferry" && r.pair === pair);
          const k = runs.find((r) => r.system === "kafka-connect" && r.pair === pair);
          return {
            pair,
            source: f.source.recordsPerSec / k.source.recordsPerSec,
            sink: f.sink.recordsPerSec / k.sink.recordsPerSec,
          };
        })
      : [];
  const result = {
    benchmark: "standalone-throughput",
    lines: N,
    lineBytes: LINE_BYTES,
    converter: converterClass,
    pairs: PAIRS,
    runs,
    summary,
    pairRatios,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n\n`);
  const rows = [];
  for (const side of ["source", "sink"]) {
    const f = summary.ferry?.[side];
    const k = summary["kafka-connect"]?.[side];
    const fmt = (x, d = 0) => (x === undefined ? "–" : x.toFixed(d));
    rows.push([
      side,
      fmt(f?.recordsPerSec),
      fmt(k?.recordsPerSec),
      f && k ? fmt(median(pairRatios.map((r) => r[side])), 2) : "–",
      fmt(f?.mbPerSec, 1),
      fmt(k?.mbPerSec, 1),
      fmt(f?.cpuSeconds, 1),
      fmt(k?.cpuSeconds, 1),
      fmt(f?.peakRssMiB),
      fmt(k?.peakRssMiB),
    ]);
  }
  process.stdout.write(
    `${N} lines of ${LINE_BYTES} B, ${opt.converter} converter, medians of ${PAIRS} runs each (A B alternating)\n\n` +
      table(
        [
          "side",
          "Ferry rec/s",
          "Kafka Connect rec/s",
          "ratio (median per pair)",
          "Ferry MB/s",
          "KC MB/s",
          "Ferry CPU s",
          "KC CPU s",
          "Ferry peak RSS MiB",
          "KC peak RSS MiB",
        ],
        rows,
      ) +
      "\n",
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
