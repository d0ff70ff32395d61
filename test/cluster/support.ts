/** A local cluster of real `ferry distributed` processes sharing one group id, topics and Redis. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { KAFKA_BOOTSTRAP, REDIS_URL, uniqueName } from "../support/env.js";
import { tempDir } from "../support/files.js";
import { freePort } from "../support/ports.js";
import { type FerryProcess, startFerry, waitHealthy } from "../support/worker-process.js";

export interface ClusterWorker {
  port: number;
  url: string;
  proc: FerryProcess | null;
  /** the worker id in statuses (rest.advertised host:port) */
  id: string;
  /** every log file this worker slot wrote (one per start) */
  logs: string[];
}

export interface TestCluster {
  group: string;
  dir: string;
  workers: ClusterWorker[];
  workerFile(i: number): string;
  start(i: number): Promise<ClusterWorker>;
  stop(i: number, signal?: NodeJS.Signals): Promise<void>;
  cleanup(): Promise<void>;
}

export async function testCluster(
  name: string,
  size: number,
  extra: string[] = [],
  perWorker: (i: number) => string[] = () => [],
): Promise<TestCluster> {
  const tmp = await tempDir(name);
  const group = uniqueName(name);
  const workers: ClusterWorker[] = [];
  for (let i = 0; i < size; i++) {
    const port = await freePort();
    workers.push({ port, url: `http://127.0.0.1:${port}`, proc: null, id: `127.0.0.1:${port}`, logs: [] });
    await writeFile(
      join(tmp.path, `worker-${i}.properties`),
      [
        `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
        `group.id=${group}`,
        `config.storage.topic=${group}-configs`,
        `offset.storage.topic=${group}-offsets`,
        `status.storage.topic=${group}-status`,
        "config.storage.replication.factor=1",
        "offset.storage.replication.factor=1",
        "offset.storage.partitions=2",
        "status.storage.replication.factor=1",
        "status.storage.partitions=2",
        "key.converter=org.apache.kafka.connect.storage.StringConverter",
        "value.converter=org.apache.kafka.connect.storage.StringConverter",
        "offset.flush.interval.ms=500",
        `listeners=http://127.0.0.1:${port}`,
        `redis.url=${REDIS_URL}`,
        ...extra,
        ...perWorker(i),
      ].join("\n"),
    );
  }
  const c: TestCluster = {
    group,
    dir: tmp.path,
    workers,
    workerFile: (i) => join(tmp.path, `worker-${i}.properties`),
    async start(i) {
      const w = workers[i];
      if (!w) throw new Error(`no worker ${i}`);
      const log = `${group}-w${i}-${w.logs.length}`;
      w.proc = startFerry(["distributed", c.workerFile(i)], log);
      w.logs.push(w.proc.logFile);
      await waitHealthy(w.port, w.proc);
      return w;
    },
    async stop(i, signal = "SIGTERM") {
      const w = workers[i];
      await w?.proc?.kill(signal);
      if (w) w.proc = null;
    },
    async cleanup() {
      await Promise.all(workers.map((w) => w.proc?.kill("SIGKILL")));
      await tmp.cleanup();
    },
  };
  return c;
}

export async function api(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const r = await fetch(base + path, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}
