// Shared pieces of the benchmarks: processes, /proc readings, topics, medians, tables.
import { spawn } from "node:child_process";
import { cpSync, createWriteStream, mkdirSync, readFileSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const KAFKA_BOOTSTRAP = process.env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";
export const KAFKA_VERSION = "4.3.1";
export const kafkaLib = join(
  process.env.FERRY_CACHE ?? join(homedir(), ".cache/ferry"),
  `kafka-${KAFKA_VERSION}`,
  "lib",
);
export const runsDir = join(repo, "test/.runs/bench");
mkdirSync(runsDir, { recursive: true });

// through Ferry's Kafka port (the benchmarks run after `npm run build`), so kafkajs is loaded with its patches
const { createKafka } = await import(join(repo, "dist/kafka/client.js"));
const { createLogger } = await import(join(repo, "dist/log/logger.js"));
export const kafka = createKafka({
  clientId: "bench",
  brokers: [KAFKA_BOOTSTRAP],
  logger: createLogger("bench", "silent"),
  silent: true,
});

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Creates a topic and waits for its leader; a busy broker's transient metadata errors are retried. */
export async function createTopic(topic, partitions = 1) {
  for (let attempt = 1; ; attempt++) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
        waitForLeaders: true,
      });
      return;
    } catch (e) {
      if (!e.retriable || attempt >= 5)
        throw new Error(`creating topic ${topic}: ${e.message}`, { cause: e });
      await sleep(1000 * attempt);
    } finally {
      await admin.disconnect();
    }
  }
}

export async function topicSize(admin, topic) {
  const offs = await admin.fetchTopicOffsets(topic);
  return offs.reduce((n, o) => n + Number(o.high), 0);
}

/** Starts a process with output to a log file; returns {proc, logFile, exited}. */
export function startProcess(cmd, args, name, opts = {}) {
  const logFile = join(runsDir, `${name}.log`);
  const log = createWriteStream(logFile);
  const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
  proc.stdout.pipe(log);
  proc.stderr.pipe(log);
  const exited = new Promise((res) => proc.on("exit", (code, signal) => res({ code, signal })));
  return { proc, logFile, exited };
}

// Ferry runs from a private copy of dist/ (see snapshotDist) so a rebuild by someone else mid-run
// cannot swap the code under a benchmark.
let ferryDist = process.env.FERRY_BENCH_DIST ?? join(repo, "dist");

/**
 * Copies dist/ (and package.json, which dist/version.js reads) to test/.runs/bench-dist/<pid>/ and uses it;
 * node_modules still resolves from the repo.
 */
export function snapshotDist() {
  if (process.env.FERRY_BENCH_DIST) return ferryDist;
  const root = join(repo, "test/.runs/bench-dist", String(process.pid));
  cpSync(join(repo, "dist"), join(root, "dist"), { recursive: true });
  cpSync(join(repo, "package.json"), join(root, "package.json"));
  ferryDist = join(root, "dist");
  process.on("exit", () => rmSync(root, { recursive: true, force: true }));
  return ferryDist;
}

/** The commit dist/ was built from, as `npm run build` records it. */
export function ferryBuild() {
  try {
    return JSON.parse(readFileSync(join(ferryDist, "build-info.json"), "utf8")).commit;
  } catch {
    return "unknown";
  }
}

export function ferryArgs(args, nodeFlags = []) {
  return [process.execPath, [...nodeFlags, join(ferryDist, "cli/main.js"), ...args]];
}

export function kafkaConnectArgs(args, mainClass = "org.apache.kafka.connect.cli.ConnectStandalone") {
  return [
    "java",
    [
      "-Xms256m",
      "-Xmx1g",
      "-XX:+UseG1GC",
      `-Dlog4j2.configurationFile=file:${join(repo, "deploy/local/log4j2.properties")}`,
      "-cp",
      `${kafkaLib}/*`,
      mainClass,
      ...args,
    ],
  ];
}

/** Peak resident set (VmHWM) in MiB and CPU seconds (user+system) of a live process, from /proc. */
export function procStats(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { peakRssMiB: hwm, cpuSeconds: ticks / 100 };
}

export async function waitUntil(fn, what, timeoutMs, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

export async function httpOk(url) {
  try {
    const r = await fetch(url);
    return r.status === 200;
  } catch {
    return false;
  }
}

/** Percentile by nearest rank (p in 0..100) of a non-empty list. */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Current resident set (VmRSS) in MiB of a live process. */
export function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** Number formatting for tables: "–" for missing values, thousands separators. */
export function fmt(x, digits = 0) {
  if (x === undefined || x === null || Number.isNaN(x)) return "–";
  return x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The machine a run happened on, for the JSON output and the docs. */
export async function machine() {
  const os = await import("node:os");
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    loadavg: os.loadavg(),
    node: process.version,
    date: new Date().toISOString(),
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function table(headers, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

export function freePort() {
  return import("node:net").then(
    ({ createServer }) =>
      new Promise((res) => {
        const s = createServer();
        s.listen(0, "127.0.0.1", () => {
          const p = s.address().port;
          s.close(() => res(p));
        });
      }),
  );
}
