/**
 * `ferry chaos`: a failover test users run against their own Kafka and Redis, after Kafka's test_bounce.
 * It starts local distributed workers (its own group.id and topics), runs a VerifiableSource and a
 * VerifiableSink with three tasks each, bounces every worker in turn for N rounds (hard = SIGKILL, clean =
 * SIGTERM, then restart), measures how long each bounced worker's units took to run elsewhere, then stops
 * the source, lets the sink drain, and checks per source task what was acknowledged, what is in the topic
 * (read_committed) and what the sink flushed: records lost, duplicated, and gaps (chaos-analysis.ts).
 * Exit code 1 on any violation of the guarantees.
 */
import { mkdir, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Kafka } from "kafkajs";
import { z } from "zod";
import { createKafka } from "../kafka/client.js";
import { createLogger } from "../log/logger.js";
import {
  type ChaosMode,
  percentiles,
  type TaskReport,
  taskReport,
  type Violation,
  violations,
} from "./chaos-analysis.js";
import { type ChaosWorker, LocalCluster } from "./chaos-cluster.js";
import { UsageError } from "./usage-error.js";

export interface ChaosOptions {
  readonly workers: number;
  readonly rounds: number;
  readonly mode: ChaosMode;
  readonly exactlyOnce: boolean;
  /** VerifiableSource throughput per task */
  readonly recordsPerSecond: number;
  readonly tasks: number;
  readonly bootstrap: string;
  readonly redis: string;
  /** pause after every bounce once all tasks run again */
  readonly settleMs: number;
  /** each source task and each sink must get past this many records */
  readonly minRecords: number;
  /** where worker logs and reports go; a new temporary directory when absent */
  readonly dir?: string;
  /** extra worker properties (k=v), after Ferry's own */
  readonly workerProperties?: Readonly<Record<string, string>>;
  /** extra VerifiableSource connector properties, e.g. transaction.boundary=interval */
  readonly sourceProperties?: Readonly<Record<string, string>>;
  /** the workers' FERRY_LOG_LEVEL */
  readonly logLevel?: string;
  /** the `ferry` entry point the workers run (tests point at dist/cli/main.js) */
  readonly ferryMain?: string;
  /** runs once the pipeline is flowing, before the rounds (tests restart the broker or Redis here) */
  readonly disrupt?: (cluster: LocalCluster) => Promise<void>;
}

export interface Failover {
  readonly round: number;
  readonly worker: number;
  readonly signal: NodeJS.Signals;
  /** connector and task units the worker ran when it was stopped */
  readonly units: number;
  /** signal → every one of those units RUNNING on another worker; null when they never were (timeout) */
  readonly ms: number | null;
  /** a SIGTERM that had to be followed by SIGKILL */
  readonly forced: boolean;
}

export interface ChaosResult {
  readonly group: string;
  readonly dir: string;
  readonly mode: ChaosMode;
  readonly exactlyOnce: boolean;
  readonly rounds: number;
  readonly durationMs: number;
  readonly tasks: TaskReport[];
  readonly failovers: Failover[];
  readonly failoverMs: { p50: number; p95: number; max: number } | null;
  /**
   * with a disruption: its end → every source task had new records acknowledged and the sink flushed
   * them; null when that did not happen within RESUME_TIMEOUT_MS
   */
  readonly resumedMs?: number | null;
  readonly violations: Violation[];
  readonly totals: { acked: number; topic: number; flushed: number; lost: number; duplicated: number };
}

const FAILOVER_TIMEOUT_MS = 60_000;
const RUNNING_TIMEOUT_MS = 90_000;
const DRAIN_TIMEOUT_MS = 90_000;
const RESUME_TIMEOUT_MS = 60_000;
const NOT_RESUMED = `records did not flow again within ${RESUME_TIMEOUT_MS} ms of the disruption`;
/** new records per task that show a pipeline flowing again */
const RESUME_RECORDS = 10;

const Status = z.object({
  connector: z.object({ state: z.string(), worker_id: z.string() }),
  tasks: z.array(z.object({ id: z.number(), state: z.string(), worker_id: z.string() })),
});
type Status = z.infer<typeof Status>;

type Progress = (line: string) => void;

export async function runChaos(o: ChaosOptions, report: Progress = () => {}): Promise<ChaosResult> {
  const t0 = Date.now();
  const progress: Progress = (line) =>
    report(`${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${line}`);
  const group = `ferry-chaos-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
  const dir = o.dir ? join(o.dir, group) : join(tmpdir(), group);
  await mkdir(dir, { recursive: true });
  progress(`chaos ${group}: logs in ${dir}`);
  const properties: Record<string, string> = {
    "bootstrap.servers": o.bootstrap,
    "group.id": group,
    "config.storage.topic": `${group}-configs`,
    "offset.storage.topic": `${group}-offsets`,
    "status.storage.topic": `${group}-status`,
    "config.storage.replication.factor": "-1",
    "offset.storage.replication.factor": "-1",
    "status.storage.replication.factor": "-1",
    "offset.storage.partitions": "3",
    "status.storage.partitions": "3",
    "key.converter": "org.apache.kafka.connect.storage.StringConverter",
    "value.converter": "org.apache.kafka.connect.json.JsonConverter",
    "value.converter.schemas.enable": "false",
    "offset.flush.interval.ms": "1000",
    "redis.url": o.redis,
    "exactly.once.source.support": o.exactlyOnce ? "enabled" : "disabled",
    ...o.workerProperties,
  };
  const cluster = await LocalCluster.create({
    dir,
    size: o.workers,
    properties,
    logLevel: o.logLevel ?? "info",
    ...(o.ferryMain ? { main: o.ferryMain } : {}),
  });
  const onSignal = () => {
    cluster.killAll();
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const kafka = createKafka({
    brokers: [o.bootstrap],
    clientId: group,
    logger: createLogger(group, "silent"),
  });
  const topic = `${group}-data`;
  const sourceLog = join(dir, "source.jsonl");
  const sinkLog = join(dir, "sink.jsonl");
  const failovers: Failover[] = [];
  try {
    await createTopic(kafka, topic, o.tasks);
    await Promise.all(cluster.workers.map((w) => cluster.start(w)));
    progress(`${o.workers} workers up`);
    // names of their own: the sink's consumer group (connect-<name>) must not be shared with another run
    const rest = restClient(cluster, `${group}-source`, `${group}-sink`);
    await rest.create(rest.source, {
      "connector.class": "org.apache.kafka.connect.tools.VerifiableSourceConnector",
      "tasks.max": String(o.tasks),
      topic,
      throughput: String(o.recordsPerSecond),
      "verifiable.log.file": sourceLog,
      ...o.sourceProperties,
    });
    await rest.create(rest.sink, {
      "connector.class": "org.apache.kafka.connect.tools.VerifiableSinkConnector",
      "tasks.max": String(o.tasks),
      topics: topic,
      "verifiable.log.file": sinkLog,
    });
    await waitAllRunning(rest, cluster, o.tasks);
    progress("source and sink running");
    await sleep(o.settleMs);
    let resumedMs: number | null | undefined;
    if (o.disrupt) {
      await o.disrupt(cluster);
      const back = Date.now();
      await waitAllRunning(rest, cluster, o.tasks);
      resumedMs = await waitResumed(sourceLog, sinkLog, o.tasks, back);
      progress(
        resumedMs === null
          ? NOT_RESUMED
          : `records flow again: every task acknowledged and flushed new records ${resumedMs} ms after the disruption`,
      );
      await sleep(o.settleMs);
    }

    const signal: NodeJS.Signals = o.mode === "hard" ? "SIGKILL" : "SIGTERM";
    for (let round = 1; round <= o.rounds; round++) {
      for (let k = 0; k < o.workers; k++) {
        // Kafka rotates the order each round
        const w = cluster.workers[(k + round - 1) % o.workers] as ChaosWorker;
        const f = await bounce(rest, cluster, w, signal, round);
        failovers.push(f);
        progress(
          `round ${round}/${o.rounds}: ${signal} worker ${w.index} (${f.units} units) → running elsewhere in ${f.ms === null ? "TIMEOUT" : `${f.ms} ms`}${f.forced ? " (SIGTERM did not stop it; killed)" : ""}`,
        );
        await cluster.start(w);
        await waitAllRunning(rest, cluster, o.tasks);
        await sleep(o.settleMs);
      }
    }

    // stop the source as Kafka's test does (delete), wait for its last reports, then let the sink drain
    await rest.del(rest.source);
    await waitQuiet(sourceLog, 2_000);
    progress("source stopped; reading the topic (read_committed), then waiting for the sink to drain");
    const inTopic = await readTopicSeqnos(kafka, topic);
    const sinkReader = new LineReader(sinkLog);
    const flushed = new Map<number, number[]>();
    const drainDeadline = Date.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      for (const l of await sinkReader.next()) if (l.flushed === true) push(flushed, l.task, l.seqno);
      const drained = [...inTopic].every(([task, seqnos]) => {
        const have = flushed.get(task);
        return have !== undefined && maxOf(have) >= maxOf(seqnos);
      });
      if (drained || Date.now() > drainDeadline) break;
      await sleep(250);
    }
    progress("sink drained; stopping it");
    await rest.del(rest.sink);
    await waitQuiet(sinkLog, 1_000);
    for (const l of await sinkReader.next()) if (l.flushed === true) push(flushed, l.task, l.seqno);

    const acked = new Map<number, number[]>();
    for (const l of await new LineReader(sourceLog).next())
      if (l.committed === true) push(acked, l.task, l.seqno);
    const tasks: TaskReport[] = [];
    for (let t = 0; t < o.tasks; t++)
      tasks.push(taskReport(t, acked.get(t) ?? [], inTopic.get(t) ?? [], flushed.get(t) ?? []));
    const found = violations(tasks, o.mode, o.exactlyOnce, o.minRecords);
    if (resumedMs === null)
      found.push({
        task: -1,
        message: NOT_RESUMED,
      });
    for (const f of failovers)
      if (f.ms === null)
        found.push({
          task: -1,
          message: `round ${f.round}: worker ${f.worker}'s units did not run elsewhere within ${FAILOVER_TIMEOUT_MS} ms`,
        });
    const sum = (pick: (r: TaskReport) => number) => tasks.reduce((n, r) => n + pick(r), 0);
    const result: ChaosResult = {
      group,
      dir,
      mode: o.mode,
      exactlyOnce: o.exactlyOnce,
      rounds: o.rounds,
      durationMs: Date.now() - t0,
      tasks,
      failovers,
      failoverMs: percentiles(failovers.flatMap((f) => (f.ms === null ? [] : [f.ms]))),
      ...(resumedMs === undefined ? {} : { resumedMs }),
      violations: found,
      totals: {
        acked: sum((r) => r.acked.unique),
        topic: sum((r) => r.topic.count),
        flushed: sum((r) => r.flushed.count),
        lost: sum((r) => r.lostInTopic + r.lostInSink),
        duplicated: sum((r) => r.topic.duplicates),
      },
    };
    await writeFile(join(dir, "result.json"), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await cluster.stopAll("SIGTERM").catch(() => cluster.killAll());
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await deleteTopics(kafka, [topic, `${group}-configs`, `${group}-offsets`, `${group}-status`]).catch(
      (e: unknown) => progress(`could not delete the run's topics: ${(e as Error).message}`),
    );
  }
}

// ------------------------------------------------------------------ bounces and statuses

interface RestClient {
  readonly source: string;
  readonly sink: string;
  create(name: string, config: Record<string, string>): Promise<void>;
  del(name: string): Promise<void>;
  status(name: string): Promise<Status | null>;
}

/** REST calls go to any live worker; a worker that is going away is skipped for the next. */
function restClient(cluster: LocalCluster, source: string, sink: string): RestClient {
  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; text: string }> {
    let last: unknown;
    for (let attempt = 0; attempt < 40; attempt++) {
      const live = cluster.live();
      const w = live[attempt % Math.max(1, live.length)];
      if (!w) throw new Error("no worker is running");
      try {
        const r = await fetch(w.url + path, {
          method,
          signal: AbortSignal.timeout(10_000),
          ...(body === undefined
            ? {}
            : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
        });
        const text = await r.text();
        // as Kafka's harness: 409 (rebalance) and 5xx from a worker going away are retried
        if (r.status === 409 || r.status >= 500) {
          last = new Error(`${method} ${path}: ${r.status} ${text}`);
        } else return { status: r.status, text };
      } catch (e) {
        last = e;
      }
      await sleep(250);
    }
    throw new Error(`${method} ${path} failed: ${(last as Error)?.message ?? last}`);
  }
  return {
    source,
    sink,
    async create(name, config) {
      const r = await call("POST", "/connectors", { name, config });
      if (r.status !== 201) throw new Error(`creating ${name}: ${r.status} ${r.text}`);
    },
    async del(name) {
      const r = await call("DELETE", `/connectors/${name}`);
      if (r.status !== 204 && r.status !== 404) throw new Error(`deleting ${name}: ${r.status} ${r.text}`);
    },
    async status(name) {
      const r = await call("GET", `/connectors/${name}/status`);
      if (r.status === 404) return null;
      if (r.status !== 200) throw new Error(`status of ${name}: ${r.status} ${r.text}`);
      return Status.parse(JSON.parse(r.text));
    },
  };
}

type Unit = { name: string; task: number | null; worker: string; state: string };

async function units(rest: RestClient): Promise<Unit[]> {
  const out: Unit[] = [];
  for (const name of [rest.source, rest.sink]) {
    const s = await rest.status(name);
    if (!s) continue;
    out.push({ name, task: null, worker: s.connector.worker_id, state: s.connector.state });
    for (const t of s.tasks) out.push({ name, task: t.id, worker: t.worker_id, state: t.state });
  }
  return out;
}

const unitKey = (u: { name: string; task: number | null }) => `${u.name}/${u.task ?? "connector"}`;

async function waitAllRunning(rest: RestClient, cluster: LocalCluster, tasks: number): Promise<void> {
  const deadline = Date.now() + RUNNING_TIMEOUT_MS;
  let last: Unit[] = [];
  for (;;) {
    const live = new Set(cluster.live().map((w) => w.id));
    last = await units(rest);
    const running = last.filter((u) => u.state === "RUNNING" && live.has(u.worker));
    if (running.length === 2 * (tasks + 1)) return;
    if (Date.now() > deadline)
      throw new Error(
        `not every unit RUNNING after ${RUNNING_TIMEOUT_MS} ms: ${last.map((u) => `${unitKey(u)}=${u.state}@${u.worker}`).join(", ")}`,
      );
    await sleep(100);
  }
}

/**
 * After a disruption: the ms from `since` until every source task has RESUME_RECORDS more acknowledged
 * records than at the call and the sink flushed up to them; null after RESUME_TIMEOUT_MS.
 */
async function waitResumed(
  sourceLog: string,
  sinkLog: string,
  tasks: number,
  since: number,
): Promise<number | null> {
  const acked = new Map<number, number>();
  const flushed = new Map<number, number>();
  const source = new LineReader(sourceLog);
  const sink = new LineReader(sinkLog);
  const take = async () => {
    for (const l of await source.next())
      if (l.committed === true) acked.set(l.task, Math.max(acked.get(l.task) ?? -1, l.seqno));
    for (const l of await sink.next())
      if (l.flushed === true) flushed.set(l.task, Math.max(flushed.get(l.task) ?? -1, l.seqno));
  };
  await take();
  const targets = new Map<number, number>();
  for (let t = 0; t < tasks; t++) targets.set(t, (acked.get(t) ?? -1) + RESUME_RECORDS);
  const deadline = Date.now() + RESUME_TIMEOUT_MS;
  for (;;) {
    const done = [...targets].every(
      ([t, target]) => (acked.get(t) ?? -1) >= target && (flushed.get(t) ?? -1) >= target,
    );
    if (done) return Date.now() - since;
    if (Date.now() > deadline) return null;
    await sleep(100);
    await take();
  }
}

async function bounce(
  rest: RestClient,
  cluster: LocalCluster,
  w: ChaosWorker,
  signal: NodeJS.Signals,
  round: number,
): Promise<Failover> {
  const mine = (await units(rest)).filter((u) => u.worker === w.id);
  const t0 = Date.now();
  const stopping = cluster.stop(w, signal);
  let ms: number | null = null;
  const deadline = t0 + FAILOVER_TIMEOUT_MS;
  const pending = new Set(mine.map(unitKey));
  while (pending.size > 0 && Date.now() < deadline) {
    for (const u of await units(rest).catch(() => [] as Unit[]))
      if (pending.has(unitKey(u)) && u.state === "RUNNING" && u.worker !== w.id) pending.delete(unitKey(u));
    if (pending.size > 0) await sleep(50);
  }
  if (pending.size === 0) ms = Date.now() - t0;
  const { forced } = await stopping;
  return { round, worker: w.index, signal, units: mine.length, ms, forced };
}

// ------------------------------------------------------------------ reports and the topic

interface ReportLine {
  task: number;
  seqno: number;
  committed?: boolean;
  flushed?: boolean;
}

/** Reads the JSON lines appended to a file since the last call. */
class LineReader {
  private offset = 0;
  private partial = "";
  constructor(private readonly file: string) {}

  async next(): Promise<ReportLine[]> {
    const fh = await open(this.file, "r").catch(() => null);
    if (!fh) return [];
    try {
      const { size } = await fh.stat();
      if (size <= this.offset) return [];
      const buf = Buffer.alloc(size - this.offset);
      await fh.read(buf, 0, buf.length, this.offset);
      this.offset = size;
      const text = this.partial + buf.toString("utf8");
      const lines = text.split("\n");
      this.partial = lines.pop() ?? "";
      const out: ReportLine[] = [];
      for (const l of lines) {
        if (!l.startsWith("{")) continue;
        const j = JSON.parse(l) as ReportLine;
        if (typeof j.task === "number" && typeof j.seqno === "number") out.push(j);
      }
      return out;
    } finally {
      await fh.close();
    }
  }
}

/** Until the file has not grown for `quietMs`. */
async function waitQuiet(file: string, quietMs: number): Promise<void> {
  let size = -1;
  let since = Date.now();
  const deadline = Date.now() + 60_000;
  while (Date.now() - since < quietMs && Date.now() < deadline) {
    const fh = await open(file, "r").catch(() => null);
    const now = fh ? (await fh.stat()).size : 0;
    await fh?.close();
    if (now !== size) {
      size = now;
      since = Date.now();
    }
    await sleep(100);
  }
}

async function createTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: -1 }],
      waitForLeaders: false,
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await admin.fetchTopicOffsets(topic);
        return;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await sleep(100);
      }
    }
  } finally {
    await admin.disconnect();
  }
}

async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/** Seqnos per source task (the record key) in the topic, read read_committed up to the last stable offset. */
async function readTopicSeqnos(kafka: Kafka, topic: string): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  const admin = kafka.admin();
  await admin.connect();
  // kafkajs's ListOffsets asks READ_COMMITTED: `high` is the last stable offset
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(
    ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]),
  );
  if (remaining.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `${topic}-reader-${Date.now()}`, maxWaitTimeInMs: 250 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out reading ${topic} (left: ${JSON.stringify([...remaining])})`)),
        120_000,
      );
      const advance = (partition: number, next: number) => {
        const end = remaining.get(partition);
        if (end !== undefined && next >= end) remaining.delete(partition);
        if (remaining.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      // batches of transaction markers only never reach eachBatch
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) =>
        advance(e.payload.partition, Number(e.payload.lastOffset) + 1),
      );
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              const task = Number(m.key?.toString());
              const seqno = Number(m.value?.toString());
              if (Number.isInteger(task) && Number.isInteger(seqno)) push(out, task, seqno);
            }
            advance(batch.partition, Number(batch.lastOffset()) + 1);
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

function push(m: Map<number, number[]>, k: number, v: number): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function maxOf(xs: readonly number[]): number {
  let m = -1;
  for (const x of xs) if (x > m) m = x;
  return m;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ------------------------------------------------------------------ command line

export const CHAOS_USAGE = `ferry chaos [--workers 3] [--rounds 3] [--mode hard|clean] [--exactly-once]
            [--records-per-second 100] [--tasks 3] [--settle-ms 2000] [--min-records 1000]
            [--bootstrap host:port] [--redis redis://host:port] [--dir DIR]
            [--worker-property key=value ...] [--source-property key=value ...] [--json]`;

const Args = z.object({
  workers: z.coerce.number().int().min(2, "--workers must be at least 2"),
  rounds: z.coerce.number().int().min(0, "--rounds must be 0 or more"),
  mode: z.enum(["hard", "clean"], { message: "--mode must be hard or clean" }),
  recordsPerSecond: z.coerce.number().int().min(1, "--records-per-second must be at least 1"),
  tasks: z.coerce.number().int().min(1, "--tasks must be at least 1"),
  settleMs: z.coerce.number().int().min(0, "--settle-ms must be 0 or more"),
  minRecords: z.coerce.number().int().min(0, "--min-records must be 0 or more"),
  bootstrap: z.string().min(1, "--bootstrap (or KAFKA_BOOTSTRAP) is required"),
  redis: z.string().min(1, "--redis (or REDIS_URL) is required"),
});

export function parseChaosArgs(argv: string[]): ChaosOptions & { json: boolean } {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        workers: { type: "string", default: "3" },
        rounds: { type: "string", default: "3" },
        mode: { type: "string", default: "hard" },
        "exactly-once": { type: "boolean", default: false },
        "records-per-second": { type: "string", default: "100" },
        tasks: { type: "string", default: "3" },
        "settle-ms": { type: "string", default: "2000" },
        "min-records": { type: "string", default: "1000" },
        bootstrap: { type: "string", default: process.env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092" },
        redis: { type: "string", default: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" },
        dir: { type: "string" },
        "worker-property": { type: "string", multiple: true, default: [] },
        "source-property": { type: "string", multiple: true, default: [] },
        json: { type: "boolean", default: false },
      },
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nUsage: ${CHAOS_USAGE}`);
  }
  const r = Args.safeParse({
    workers: values.workers,
    rounds: values.rounds,
    mode: values.mode,
    recordsPerSecond: values["records-per-second"],
    tasks: values.tasks,
    settleMs: values["settle-ms"],
    minRecords: values["min-records"],
    bootstrap: values.bootstrap,
    redis: values.redis,
  });
  if (!r.success)
    throw new UsageError(`${r.error.issues.map((i) => i.message).join("; ")}\nUsage: ${CHAOS_USAGE}`);
  const pairs = (flag: string): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const kv of (values[flag] as string[]) ?? []) {
      const i = kv.indexOf("=");
      if (i <= 0) throw new UsageError(`--${flag} wants key=value, got "${kv}"`);
      out[kv.slice(0, i).trim()] = kv.slice(i + 1).trim();
    }
    return out;
  };
  const workerProperties = pairs("worker-property");
  const sourceProperties = pairs("source-property");
  return {
    ...r.data,
    exactlyOnce: values["exactly-once"] === true,
    workerProperties,
    sourceProperties,
    ...(typeof values.dir === "string" ? { dir: values.dir } : {}),
    json: values.json === true,
  };
}

/** A table of the per-task results, the failover times and the violations. */
export function formatChaosResult(r: ChaosResult): string {
  const rows = [
    ["task", "acked", "in topic", "sink flushed", "lost", "dup topic", "dup sink", "gaps acked/topic/sink"],
    ...r.tasks.map((t) => [
      String(t.task),
      String(t.acked.unique),
      String(t.topic.count),
      String(t.flushed.count),
      String(t.lostInTopic + t.lostInSink),
      String(t.topic.duplicates),
      String(t.flushed.duplicates),
      `${t.acked.gaps}/${t.topic.gaps}/${t.flushed.gaps}`,
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length))) ?? [];
  const lines = rows.map((row) => row.map((c, i) => c.padStart(widths[i] ?? 0)).join("  "));
  const f = r.failoverMs;
  lines.push(
    "",
    `mode ${r.mode}${r.exactlyOnce ? " + exactly-once" : ""}, ${r.rounds} rounds, ${r.failovers.length} bounces in ${(r.durationMs / 1000).toFixed(0)} s`,
    f
      ? `failover (signal → units running elsewhere): p50 ${f.p50} ms, p95 ${f.p95} ms, max ${f.max} ms`
      : "failover: no bounces",
    ...(r.resumedMs === undefined
      ? []
      : [
          r.resumedMs === null
            ? "after the disruption: records did not flow again"
            : `after the disruption: records flow again in ${r.resumedMs} ms`,
        ]),
    `logs: ${r.dir}`,
  );
  if (r.violations.length === 0) lines.push("OK: no violation of the guarantees");
  else
    for (const v of r.violations)
      lines.push(`VIOLATION${v.task >= 0 ? ` task ${v.task}` : ""}: ${v.message}`);
  return lines.join("\n");
}

/** `ferry chaos ...`: resolves with the exit code (0 ok, 1 violations). */
export async function chaosCommand(argv: string[]): Promise<number> {
  const { json, ...options } = parseChaosArgs(argv);
  const result = await runChaos(options, (line) => process.stderr.write(`${line}\n`));
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${formatChaosResult(result)}\n${JSON.stringify(result)}\n`);
  return result.violations.length > 0 ? 1 : 0;
}

/** Removes a chaos run's directory (tests keep theirs on failure). */
export async function removeChaosDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
