/**
 * Apache Kafka Connect 4.3.1 as a child process, for tests that compare Ferry with it: a standalone worker
 * on the shared broker, from the jars that deploy/local/services caches (the benchmarks start it the same
 * way, test/bench/lib.mjs). Its output goes to a log file under test/.runs/; the JVM is reaped on stop and
 * at process exit.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { KAFKA_BOOTSTRAP } from "./env.js";
import { freePort } from "./ports.js";
import { runsDir, waitFor } from "./worker-process.js";

export const KAFKA_CONNECT_VERSION = "4.3.1";

/** where deploy/local/services keeps Kafka's jars (FERRY_CACHE overrides ~/.cache/ferry, as there) */
export const kafkaConnectLib = join(
  process.env.FERRY_CACHE ?? join(homedir(), ".cache/ferry"),
  `kafka-${KAFKA_CONNECT_VERSION}`,
  "lib",
);

const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const p of live) p.kill("SIGKILL");
});

export interface KafkaConnectWorker {
  readonly port: number;
  readonly base: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

/** Why Kafka Connect cannot be started here, or null when its jars and java are present. */
export function kafkaConnectUnavailable(): string | null {
  if (!existsSync(join(kafkaConnectLib, `connect-runtime-${KAFKA_CONNECT_VERSION}.jar`)))
    return `no Kafka Connect ${KAFKA_CONNECT_VERSION} jars in ${kafkaConnectLib} (bash deploy/local/services up caches them)`;
  return null;
}

/**
 * Starts `ConnectStandalone` with a worker file in `dir` (String converters, offsets file in `dir`,
 * classpath-only plugin discovery) and waits until its REST API answers GET /connectors. Start-up takes
 * 5–30 s on a busy machine; callers start one per test file.
 */
export async function startKafkaConnectStandalone(
  dir: string,
  logName: string,
  extraLines: readonly string[] = [],
  timeoutMs = 120_000,
): Promise<KafkaConnectWorker> {
  const unavailable = kafkaConnectUnavailable();
  if (unavailable) throw new Error(unavailable);
  const port = await freePort();
  const workerFile = join(dir, "kafka-connect-worker.properties");
  await writeFile(
    workerFile,
    [
      `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
      "key.converter=org.apache.kafka.connect.storage.StringConverter",
      "value.converter=org.apache.kafka.connect.storage.StringConverter",
      `offset.storage.file.filename=${join(dir, "kafka-connect.offsets")}`,
      "offset.flush.interval.ms=200",
      `listeners=http://127.0.0.1:${port}`,
      "rest.advertised.host.name=127.0.0.1",
      `rest.advertised.port=${port}`,
      "plugin.discovery=only_scan",
      ...extraLines,
      "",
    ].join("\n"),
  );
  mkdirSync(runsDir, { recursive: true });
  const logFile = join(runsDir, `${logName}.log`);
  const log = createWriteStream(logFile, { flags: "a" });
  const proc = spawn(
    "java",
    [
      "-Xms128m",
      "-Xmx512m",
      `-Dlog4j2.configurationFile=file:${join(import.meta.dirname, "../../deploy/local/log4j2.properties")}`,
      "-cp",
      `${kafkaConnectLib}/*`,
      "org.apache.kafka.connect.cli.ConnectStandalone",
      workerFile,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  live.add(proc);
  proc.stdout.pipe(log, { end: false });
  proc.stderr.pipe(log, { end: false });
  const exited = new Promise<void>((res) => {
    proc.on("exit", () => {
      live.delete(proc);
      setTimeout(() => log.end(), 50);
      res();
    });
  });
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGTERM");
      // a JVM shutdown hook stops the connectors; after 10 s it is killed
      const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (proc.exitCode !== null)
          throw new Error(`Kafka Connect exited with ${proc.exitCode}; see ${logFile}`);
        const r = await fetch(`${base}/connectors`);
        return r.status === 200;
      },
      `Kafka Connect's REST API on ${base} (log: ${logFile})`,
      timeoutMs,
      250,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, base, logFile, stop };
}
