/** A standalone worker for the REST tests: its own temp dir, topics and port, and small HTTP helpers. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { KAFKA_BOOTSTRAP, REDIS_URL, uniqueName } from "../../support/env.js";
import { tempDir } from "../../support/files.js";
import { createTopic } from "../../support/kafka.js";
import { freePort } from "../../support/ports.js";
import { type FerryProcess, startFerry, waitFor, waitHealthy } from "../../support/worker-process.js";

export interface Reply {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
}

export interface RestWorker {
  readonly dir: string;
  /** a topic created for this worker (unique) */
  readonly topic: string;
  readonly port: number;
  readonly base: string;
  readonly proc: FerryProcess;
  /** a unique connector name */
  name(suffix: string): string;
  call(method: string, path: string, body?: unknown, contentType?: string | null): Promise<Reply>;
  get(path: string): Promise<Reply>;
  /** polls GET /connectors/{c}/status until `ok` holds */
  waitStatus(
    connector: string,
    ok: (s: StatusBody) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<StatusBody>;
  stop(): Promise<void>;
}

export interface StatusBody {
  name: string;
  connector: { state: string; worker_id: string; trace?: string };
  tasks: { id: number; state: string; worker_id: string; trace?: string }[];
  type: string;
}

export type WorkerMode = "standalone" | "distributed";

export interface WorkerSpec {
  /** standalone (default) or a one-worker distributed cluster with its own group, topics and Redis keys */
  readonly mode?: WorkerMode;
  /** connector files: name → contents (.properties or .json) */
  readonly connectorFiles?: Record<string, string>;
  /** extra worker properties lines */
  readonly workerLines?: string[];
  readonly env?: Record<string, string>;
  readonly topicPartitions?: number;
}

export async function startRestWorker(label: string, spec: WorkerSpec = {}): Promise<RestWorker> {
  const tmp = await tempDir(label);
  const dir = tmp.path;
  const topic = uniqueName(label);
  await createTopic(topic, spec.topicPartitions ?? 1);
  const port = await freePort();
  const workerFile = join(dir, "worker.properties");
  await writeFile(
    workerFile,
    [
      `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
      "key.converter=org.apache.kafka.connect.storage.StringConverter",
      "value.converter=org.apache.kafka.connect.storage.StringConverter",
      ...(spec.mode === "distributed"
        ? [
            `group.id=${topic}`,
            `config.storage.topic=${topic}-configs`,
            `offset.storage.topic=${topic}-offsets`,
            `status.storage.topic=${topic}-status`,
            "config.storage.replication.factor=1",
            "offset.storage.replication.factor=1",
            "offset.storage.partitions=1",
            "status.storage.replication.factor=1",
            "status.storage.partitions=1",
            `redis.url=${REDIS_URL}`,
          ]
        : [`offset.storage.file.filename=${join(dir, "connect.offsets")}`]),
      "offset.flush.interval.ms=200",
      `listeners=http://127.0.0.1:${port}`,
      ...(spec.workerLines ?? []),
      "",
    ].join("\n"),
  );
  const files: string[] = [];
  for (const [file, text] of Object.entries(spec.connectorFiles ?? {})) {
    const path = join(dir, file);
    await writeFile(path, text);
    files.push(path);
  }
  const proc = startFerry([spec.mode ?? "standalone", workerFile, ...files], topic, spec.env ?? {});
  await waitHealthy(port, proc);
  const base = `http://127.0.0.1:${port}`;

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    contentType: string | null = "application/json",
  ) => {
    const headers: Record<string, string> = {};
    if (body !== undefined && contentType !== null) headers["content-type"] = contentType;
    const r = await fetch(base + path, {
      method,
      headers,
      ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: r.status, body: parsed, text, headers: r.headers };
  };

  let n = 0;
  return {
    dir,
    topic,
    port,
    base,
    proc,
    name: (suffix) => `${topic}-${suffix}-${++n}`,
    call,
    get: (path) => call("GET", path),
    async waitStatus(connector, ok, what, timeoutMs = 30_000) {
      return waitFor(
        async () => {
          const r = await call("GET", `/connectors/${encodeURIComponent(connector)}/status`);
          return r.status === 200 && ok(r.body as StatusBody) ? (r.body as StatusBody) : undefined;
        },
        `${connector}: ${what}`,
        timeoutMs,
      );
    },
    async stop() {
      await proc.kill("SIGTERM");
      await tmp.cleanup();
    },
  };
}

export const allRunning = (s: StatusBody) =>
  s.connector.state === "RUNNING" && s.tasks.length > 0 && s.tasks.every((t) => t.state === "RUNNING");
