// The two systems under comparison — Ferry (dist/) and Apache Kafka Connect (the 4.3.1 jars that
// deploy/local/services caches: connect-runtime, connect-file, connect-json, ...) — started the same way:
// one worker properties file, standalone or distributed, output to a log file under test/.runs/bench.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  ferryArgs,
  freePort,
  httpOk,
  KAFKA_BOOTSTRAP,
  kafkaConnectArgs,
  startProcess,
  waitUntil,
} from "./lib.mjs";

export const SYSTEMS = ["ferry", "kafka-connect"];
export const LABEL = { ferry: "Ferry", "kafka-connect": "Kafka Connect" };
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export const CONVERTERS = {
  string: "org.apache.kafka.connect.storage.StringConverter",
  json: "org.apache.kafka.connect.json.JsonConverter",
};

export function converterClass(name) {
  const c = CONVERTERS[name];
  if (!c)
    throw new Error(`unknown converter "${name}" (expected one of ${Object.keys(CONVERTERS).join(", ")})`);
  return c;
}

function commonProps(port, converter) {
  return [
    `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
    `key.converter=${converterClass(converter)}`,
    `value.converter=${converterClass(converter)}`,
    "key.converter.schemas.enable=false",
    "value.converter.schemas.enable=false",
    `listeners=http://127.0.0.1:${port}`,
    "rest.advertised.host.name=127.0.0.1",
    `rest.advertised.port=${port}`,
    // Kafka Connect: scan the classpath only (no plugin.path); Ferry ignores it
    "plugin.discovery=only_scan",
  ];
}

/** Writes a standalone worker file; returns {file, port, url}. */
export async function standaloneWorker(dir, { converter = "string", extra = [] } = {}) {
  const port = await freePort();
  const file = join(dir, `standalone-${port}.properties`);
  await writeFile(
    file,
    [
      ...commonProps(port, converter),
      `offset.storage.file.filename=${join(dir, `offsets-${port}`)}`,
      "offset.flush.interval.ms=10000",
      ...extra,
      "",
    ].join("\n"),
  );
  return { file, port, url: `http://127.0.0.1:${port}` };
}

/**
 * Writes one distributed worker file per worker of a fresh group (own group.id and internal topics);
 * Ferry's get redis.url. Returns [{i, file, port, url, id}] where id is the worker_id status shows.
 */
export async function distributedWorkers(
  dir,
  system,
  group,
  count,
  { converter = "string", extra = [] } = {},
) {
  const workers = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const file = join(dir, `${group}-w${i}.properties`);
    await writeFile(
      file,
      [
        ...commonProps(port, converter),
        `group.id=${group}`,
        `config.storage.topic=${group}-configs`,
        `offset.storage.topic=${group}-offsets`,
        `status.storage.topic=${group}-status`,
        "config.storage.replication.factor=1",
        "offset.storage.replication.factor=1",
        "offset.storage.partitions=3",
        "status.storage.replication.factor=1",
        "status.storage.partitions=3",
        "offset.flush.interval.ms=1000",
        ...(system === "ferry" ? [`redis.url=${REDIS_URL}`] : []),
        ...extra,
        "",
      ].join("\n"),
    );
    workers.push({ i, file, port, url: `http://127.0.0.1:${port}`, id: `127.0.0.1:${port}`, p: null });
  }
  return workers;
}

/** Starts a standalone worker with connector property files. */
export function launchStandalone(system, workerFile, connectorFiles, name, { nodeFlags = [] } = {}) {
  const [cmd, argv] =
    system === "ferry"
      ? ferryArgs(["standalone", workerFile, ...connectorFiles], nodeFlags)
      : kafkaConnectArgs([workerFile, ...connectorFiles]);
  return startProcess(cmd, argv, name, { env: { ...process.env, FERRY_LOG_LEVEL: "warn" } });
}

/** Starts a distributed worker (w from distributedWorkers) and waits until its REST API answers. */
export async function launchDistributed(system, w, name, { timeoutMs = 180_000, nodeFlags = [] } = {}) {
  const [cmd, argv] =
    system === "ferry"
      ? ferryArgs(["distributed", w.file], nodeFlags)
      : kafkaConnectArgs([w.file], "org.apache.kafka.connect.cli.ConnectDistributed");
  w.p = startProcess(cmd, argv, name, { env: { ...process.env, FERRY_LOG_LEVEL: "info" } });
  const died = w.p.exited.then(({ code, signal }) => {
    throw new Error(
      `${system} worker ${w.i} exited (code ${code}, signal ${signal}) before REST answered; see ${w.p.logFile}`,
    );
  });
  await Promise.race([
    waitUntil(() => httpOk(`${w.url}/connectors`), `${system} worker ${w.i} REST`, timeoutMs),
    died,
  ]);
  died.catch(() => {});
  return w;
}

/** Kills a process (default SIGKILL) and waits for it to exit. */
export async function reap(p, signal = "SIGKILL") {
  if (!p) return;
  if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill(signal);
  await p.exited;
}

/** JSON REST call; throws with the body on a non-2xx answer. */
export async function rest(url, method = "GET", body = undefined) {
  const r = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${url}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
