/**
 * `ferry chaos`'s scenario, after Kafka's test_bounce: local distributed workers (their own group.id and
 * topics) run a VerifiableSource and a VerifiableSink; every worker is bounced in turn for N rounds (hard =
 * SIGKILL, clean = SIGTERM, then restart), with the time each bounced worker's units took to run elsewhere;
 * then the source is stopped, the sink drains, and what was acknowledged, what is in the topic
 * (read_committed) and what the sink flushed are compared per source task (chaos-analysis.ts).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKafka } from "../kafka/client.js";
import { createLogger } from "../log/logger.js";
import { sleep } from "../sleep.js";
import { addSeqno, type ChaosMode, maxSeqno, type TaskReport, taskReport } from "./chaos-analysis.js";
import { bounce, type Failover } from "./chaos-bounce.js";
import { type ChaosWorker, LocalCluster } from "./chaos-cluster.js";
import { LineReader, NOT_RESUMED, waitQuiet, waitResumed } from "./chaos-logs.js";
import { type ChaosResult, chaosResult } from "./chaos-report.js";
import { chaosRest, waitAllRunning } from "./chaos-rest.js";
import { createTopic, deleteTopics, readTopicSeqnos } from "./chaos-topic.js";

const DRAIN_TIMEOUT_MS = 90_000;

type Progress = (line: string) => void;

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
  /** aborted: every worker is killed at once (the command aborts on SIGINT and SIGTERM, then exits) */
  readonly signal?: AbortSignal;
}

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
  const onAbort = () => cluster.killAll();
  o.signal?.addEventListener("abort", onAbort, { once: true });
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
    const rest = chaosRest(cluster, `${group}-source`, `${group}-sink`);
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
      for (const l of await sinkReader.next()) if (l.flushed === true) addSeqno(flushed, l.task, l.seqno);
      const drained = [...inTopic].every(([task, seqnos]) => {
        const have = flushed.get(task);
        return have !== undefined && maxSeqno(have) >= maxSeqno(seqnos);
      });
      if (drained || Date.now() > drainDeadline) break;
      await sleep(250);
    }
    progress("sink drained; stopping it");
    await rest.del(rest.sink);
    await waitQuiet(sinkLog, 1_000);
    for (const l of await sinkReader.next()) if (l.flushed === true) addSeqno(flushed, l.task, l.seqno);

    const acked = new Map<number, number[]>();
    for (const l of await new LineReader(sourceLog).next())
      if (l.committed === true) addSeqno(acked, l.task, l.seqno);
    const tasks: TaskReport[] = [];
    for (let t = 0; t < o.tasks; t++)
      tasks.push(taskReport(t, acked.get(t) ?? [], inTopic.get(t) ?? [], flushed.get(t) ?? []));
    const result = chaosResult({
      group,
      dir,
      mode: o.mode,
      exactlyOnce: o.exactlyOnce,
      rounds: o.rounds,
      minRecords: o.minRecords,
      durationMs: Date.now() - t0,
      tasks,
      failovers,
      resumedMs,
    });
    await writeFile(join(dir, "result.json"), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await cluster.stopAll("SIGTERM").catch(() => cluster.killAll());
    o.signal?.removeEventListener("abort", onAbort);
    await deleteTopics(kafka, [topic, `${group}-configs`, `${group}-offsets`, `${group}-status`]).catch(
      (e: unknown) => progress(`could not delete the run's topics: ${(e as Error).message}`),
    );
  }
}
