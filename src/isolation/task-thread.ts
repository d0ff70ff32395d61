/**
 * The entry of a task thread (node:worker_threads). It runs a Worker of its own — plugins loaded from
 * plugin.path, its own Kafka client (kafkajs patches applied on import), its own logger — and does what the
 * control thread asks: start and stop connectors and tasks, generate task configs. Status, connector requests
 * and metrics go back as events; offsets are read and committed through the control thread's store.
 *
 * Nothing here may end the process: process.exit in a worker thread ends only the thread, and an uncaught
 * error ends the thread too — the control thread then fails this thread's units (isolated-worker.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import type { ConnectorContext } from "../api/connector.js";
import type { WorkerConfig } from "../config/worker-config.js";
import { createKafka } from "../kafka/client.js";
import { kafkaSecurityOptions, workerClientSecurity } from "../kafka/security.js";
import { createLogger } from "../log/logger.js";
import { installProcessMetrics } from "../metrics/task-metrics.js";
import { builtinPlugins } from "../plugins/builtin.js";
import { loadPlugins } from "../plugins/loader.js";
import type { StatusListener } from "../runner/unit-status.js";
import { taskKey, Worker } from "../runner/worker.js";
import { buildTransformChain } from "../transforms/chain.js";
import { instrumentTask, PluginCalls } from "./plugin-calls.js";
import type { FromThread, OffsetsRequest, ToThread } from "./protocol.js";
import { toWire } from "./protocol.js";
import { RemoteOffsetStore } from "./remote-offsets.js";
import { RecordedMetrics } from "./thread-metrics.js";
import { ThreadBeat, UnitCell } from "./unit-cell.js";

export interface TaskThreadData {
  readonly index: number;
  readonly workerId: string;
  readonly config: WorkerConfig;
  readonly logLevel: string;
  /** the offsets topic (distributed mode), for exactly-once tasks; undefined in standalone mode */
  readonly offsetsTopic: string | undefined;
  readonly beat: SharedArrayBuffer;
  /** how often the thread's event loop writes its beat */
  readonly beatIntervalMs: number;
}

const port = parentPort;
if (!port) throw new Error("task-thread.js runs as a worker thread only");
const data = workerData as TaskThreadData;
const post = (m: FromThread) => port.postMessage(m);

const logger = createLogger(data.workerId, data.logLevel).child({ thread: data.index });
const beat = new ThreadBeat(data.beat);
beat.beat();
setInterval(() => beat.beat(), data.beatIntervalMs);

const metrics = new RecordedMetrics();
installProcessMetrics(metrics);
const flushMetrics = () => {
  const calls = metrics.drain();
  if (calls.length > 0) post({ kind: "metrics", calls });
};
setInterval(flushMetrics, 500);

// offsets requests the control thread has not answered yet
let nextRid = 1;
const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
const offsets = new RemoteOffsetStore(
  (request: OffsetsRequest) =>
    new Promise((resolve, reject) => {
      const rid = nextRid++;
      waiting.set(rid, { resolve, reject });
      post({ kind: "offsets", rid, ...request });
    }),
  data.offsetsTopic,
);

const plugins = builtinPlugins();
await loadPlugins(data.config.pluginPath, plugins, logger);
const kafka = createKafka({
  brokers: data.config.bootstrapServers,
  clientId: data.config.clientId || `ferry-${data.workerId}`,
  logger,
  security: kafkaSecurityOptions(workerClientSecurity(data.config.raw, "worker config: "), "worker config: "),
});

// per task, the calls tracker that marks its cell; set before the Worker creates the task instance
const taskCalls = new Map<string, PluginCalls>();
const connectorCalls = new Map<string, PluginCalls>();
const worker = new Worker({
  config: data.config,
  workerId: data.workerId,
  plugins,
  offsets,
  kafka,
  logger,
  chainFactory: (c) => buildTransformChain({ ...c }, plugins),
  wrapTask: (id, task) => {
    const calls = taskCalls.get(taskKey(id));
    return calls ? instrumentTask(task, calls) : task;
  },
});

function statusListener(key: string): StatusListener {
  return {
    onRunning: () => post({ kind: "status", key, event: "running" }),
    onPaused: () => post({ kind: "status", key, event: "paused" }),
    onShutdown: () => post({ kind: "status", key, event: "shutdown" }),
    onFailure: (e) => post({ kind: "status", key, event: "failure", error: toWire(e) }),
  };
}

/** Reports each topic a task uses, at most once a second per topic: the hooks fire per batch. */
function topicReporter(key: string): (topic: string) => void {
  const last = new Map<string, number>();
  return (topic) => {
    const now = Date.now();
    if (now - (last.get(topic) ?? 0) < 1_000) return;
    last.set(topic, now);
    post({ kind: "topicUsed", key, topic });
  };
}

async function handle(m: Exclude<ToThread, { kind: "reply" }>): Promise<unknown> {
  switch (m.kind) {
    case "startConnector": {
      const calls = new PluginCalls(new UnitCell(m.cell), beat, m.no);
      connectorCalls.set(m.name, calls);
      const context: ConnectorContext = {
        requestTaskReconfiguration: () => post({ kind: "connector", name: m.name, event: "reconfigure" }),
        raiseError: (e) => post({ kind: "connector", name: m.name, event: "raiseError", error: toWire(e) }),
      };
      try {
        await calls.run("start", () => worker.startConnector(m.name, m.config, context));
      } catch (e) {
        connectorCalls.delete(m.name);
        throw e;
      }
      return undefined;
    }
    case "taskConfigs": {
      const calls = connectorCalls.get(m.name);
      const generate = () => worker.connectorTaskConfigs(m.name, m.config);
      return calls ? calls.run("taskConfigs", generate) : generate();
    }
    case "stopConnector": {
      const calls = connectorCalls.get(m.name);
      const stop = () => worker.stopConnector(m.name);
      try {
        await (calls ? calls.run("stop", stop) : stop());
      } finally {
        connectorCalls.delete(m.name);
      }
      return undefined;
    }
    case "startTask": {
      const key = taskKey(m.id);
      const cell = new UnitCell(m.cell);
      taskCalls.set(key, new PluginCalls(cell, beat, m.no));
      offsets.track(m.id.connector);
      try {
        worker.startTask(m.id, m.taskConfig, m.connectorConfig, statusListener(key), {
          mayWrite: () => cell.mayWrite(),
          ...(m.reportSinkJoin
            ? { onSinkGroupJoin: (memberId: string) => post({ kind: "sinkJoin", key, memberId }) }
            : {}),
          ...(m.reportTopics ? { onTopicUsed: topicReporter(key) } : {}),
          onEnded: () => {
            taskCalls.delete(key);
            flushMetrics();
            post({ kind: "taskEnded", key });
          },
        });
      } catch (e) {
        taskCalls.delete(key);
        throw e;
      }
      return undefined;
    }
    case "stopTask":
      await worker.stopTask(m.id);
      return undefined;
  }
}

port.on("message", (m: ToThread) => {
  if (m.kind === "reply") {
    const w = waiting.get(m.rid);
    waiting.delete(m.rid);
    if (!w) return;
    if (m.ok) w.resolve(m.value);
    else w.reject(Object.assign(new Error(m.error.message), { name: m.error.name }));
    return;
  }
  handle(m).then(
    (value) => post({ kind: "reply", rid: m.rid, ok: true, value }),
    (e: unknown) => post({ kind: "reply", rid: m.rid, ok: false, error: toWire(e) }),
  );
});

logger.debug("task thread ready");
post({ kind: "ready" });
