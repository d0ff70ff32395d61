/**
 * The control thread's side of task isolation: runs every connector and task on a small pool of task
 * threads (task-thread.ts) and never runs plugin code itself. It places each unit on the least-loaded
 * thread, publishes each task's lease deadline in shared memory, and watches each unit's plugin call and
 * each thread's event loop: a unit stuck in one call for task.stall.timeout.ms, a thread whose loop stops,
 * or a unit that has not stopped task.shutdown.graceful.timeout.ms after a stop ends its thread
 * (`terminate()`). The stuck unit is FAILED with what it was in and for how long; the other units of that
 * thread start again on a new one. A thread that dies by itself (out of memory, an uncaught error) fails
 * all of its units.
 *
 * See wrangler-free-docs/task-isolation.md and the decision record on the thread layout.
 */
import { Worker as NodeWorker } from "node:worker_threads";
import type { ConnectorContext, TaskConfig } from "../api/connector.js";
import type { IsolationSettings } from "../config/isolation-config.js";
import type { WorkerConfig } from "../config/worker-config.js";
import { ConnectError } from "../errors.js";
import type { Logger } from "../log/logger.js";
import { taskMetrics } from "../metrics/task-metrics.js";
import { transactionOffsets } from "../runner/exactly-once.js";
import type { StatusListener } from "../runner/unit-status.js";
import { type TaskHooks, type TaskId, taskKey, type UnitHost } from "../runner/worker.js";
import type { OffsetStore } from "../state/types.js";
import {
  type Config,
  type FromThread,
  fromWire,
  type OffsetsRequest,
  type ToThread,
  toWire,
} from "./protocol.js";
import type { TaskThreadData } from "./task-thread.js";
import { replayMetrics } from "./thread-metrics.js";
import { sharedNow, ThreadBeat, UnitCell } from "./unit-cell.js";

export interface IsolatedWorkerOptions {
  readonly config: WorkerConfig;
  readonly workerId: string;
  readonly offsets: OffsetStore;
  readonly settings: IsolationSettings;
  readonly logger: Logger;
}

/** Distributes a stuck unit's failure: what it was in, for how long, and which limit it passed. */
export class TaskStuckError extends ConnectError {
  override name = "TaskStuckError";
}

type TaskUnit = {
  readonly kind: "task";
  /** a number for the unit's run on this worker (the thread marks it while the unit runs synchronously) */
  readonly no: number;
  readonly key: string;
  readonly id: TaskId;
  readonly taskConfig: TaskConfig;
  readonly connectorConfig: Config;
  readonly status: StatusListener;
  readonly hooks: TaskHooks;
  readonly cell: UnitCell;
  thread: TaskThread;
  /** set once a stop was asked for: the unit is not restarted when its thread goes */
  stopping: boolean;
  /** it reported a failure (the herder decides about its restart) */
  failed?: boolean;
  /** its thread was terminated for another unit's sake: its start on a new thread */
  replacement?: Promise<void>;
};

type ConnectorUnit = {
  readonly kind: "connector";
  readonly no: number;
  readonly key: string;
  readonly name: string;
  readonly config: Config;
  readonly context: ConnectorContext;
  readonly cell: UnitCell;
  thread: TaskThread;
  stopping: boolean;
  /** its thread was terminated for another unit's sake: its start on a new thread */
  replacement?: Promise<void>;
};

type Unit = TaskUnit | ConnectorUnit;

const connectorKey = (name: string) => `connector:${name}`;
const taskUnitKey = (id: TaskId) => `task:${taskKey(id)}`;

class TaskThread {
  readonly units = new Map<string, Unit>();
  readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly ready: Promise<void>;
  /** set when this thread is being ended or has ended: it takes no new units */
  gone = false;

  constructor(
    readonly index: number,
    readonly thread: NodeWorker,
    readonly beat: ThreadBeat,
  ) {
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (m: FromThread) => {
        if (m.kind !== "ready") return;
        thread.off("message", onMessage);
        resolve();
      };
      thread.on("message", onMessage);
      thread.once("exit", (code) =>
        reject(new ConnectError(`Task thread ${index} exited (code ${code}) before it was ready`)),
      );
    });
    this.ready.catch(() => undefined);
  }
}

export class IsolatedWorker implements UnitHost {
  private readonly threads: (TaskThread | undefined)[];
  private readonly units = new Map<string, Unit>();
  private nextRid = 1;
  private nextUnitNo = 1;
  private readonly loggers = new Map<string, Logger>();
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;
  private readonly log: Logger;
  private readonly threadUrl = new URL("./task-thread.js", import.meta.url);

  constructor(private readonly o: IsolatedWorkerOptions) {
    this.log = o.logger.child({ component: "task-threads" });
    this.threads = Array.from({ length: Math.max(1, o.settings.threads) }, () => undefined);
    const stall = o.settings.stallTimeoutMs;
    // leases: republished often, so a renewal reaches the tasks long before the old deadline passes
    this.timers.push(setInterval(() => this.publishLeases(), 100));
    // the watchdog looks several times per stall timeout
    this.timers.push(setInterval(() => this.watch(), Math.max(20, Math.min(1_000, Math.floor(stall / 5)))));
    for (const t of this.timers) t.unref();
    // started now, so that the first unit does not wait for a thread to load its modules
    for (let i = 0; i < this.threads.length; i++) this.threads[i] = this.spawn(i);
  }

  /**
   * Resolves once every task thread has loaded its modules and plugins: a worker that joins its cluster
   * before that would make the units it takes wait for it (a failover gap).
   */
  async ready(): Promise<void> {
    await Promise.all(this.threads.map((t) => t?.ready));
  }

  // ------------------------------------------------------------------------------------ UnitHost

  async startConnector(name: string, config: Config, context: ConnectorContext): Promise<void> {
    const key = connectorKey(name);
    if (this.units.has(key))
      throw new ConnectError(`Connector ${name} is already running on this worker`, 409);
    this.registerLogger(key, { connector: name });
    const thread = this.place("connector");
    const cell = new UnitCell();
    const no = this.nextUnitNo++;
    const unit: ConnectorUnit = {
      kind: "connector",
      no,
      key,
      name,
      config,
      context,
      cell,
      thread,
      stopping: false,
    };
    this.add(unit);
    try {
      await this.request(thread, (rid) => ({
        kind: "startConnector",
        rid,
        name,
        config,
        cell: cell.buffer,
        no,
      }));
    } catch (e) {
      // its thread was terminated meanwhile for another unit: it is being started on a new one
      if (unit.replacement) return unit.replacement;
      this.remove(unit);
      throw e;
    }
  }

  async connectorTaskConfigs(name: string, config: Config): Promise<TaskConfig[]> {
    const unit = this.units.get(connectorKey(name));
    if (!unit) throw new ConnectError(`Connector ${name} is not running on this worker`, 500);
    return (await this.request(unit.thread, (rid) => ({
      kind: "taskConfigs",
      rid,
      name,
      config,
    }))) as TaskConfig[];
  }

  async stopConnector(name: string): Promise<void> {
    const unit = this.units.get(connectorKey(name));
    if (!unit || unit.stopping) return;
    unit.stopping = true;
    try {
      await this.stopWithin(unit, (rid) => ({ kind: "stopConnector", rid, name }));
    } finally {
      this.remove(unit);
    }
  }

  isConnectorRunning(name: string): boolean {
    const u = this.units.get(connectorKey(name));
    return u !== undefined && !u.stopping;
  }

  async startTask(
    id: TaskId,
    taskConfig: TaskConfig,
    connectorConfig: Config,
    status: StatusListener,
    hooks: TaskHooks = {},
  ): Promise<void> {
    const key = taskUnitKey(id);
    if (this.units.has(key))
      throw new ConnectError(`Task ${taskKey(id)} is already running on this worker`, 409);
    this.registerLogger(key, { connector: id.connector, task: id.task });
    const unit: TaskUnit = {
      kind: "task",
      no: this.nextUnitNo++,
      key,
      id,
      taskConfig,
      connectorConfig,
      status,
      hooks,
      cell: new UnitCell(),
      thread: this.place("task"),
      stopping: false,
    };
    this.publishLease(unit);
    this.add(unit);
    await this.launchTask(unit);
  }

  async stopTask(id: TaskId): Promise<void> {
    const unit = this.units.get(taskUnitKey(id));
    if (!unit || unit.stopping) return;
    unit.stopping = true;
    try {
      await this.stopWithin(unit, (rid) => ({ kind: "stopTask", rid, id }));
    } finally {
      this.remove(unit);
    }
  }

  runningTasks(): TaskId[] {
    return [...this.units.values()].flatMap((u) => (u.kind === "task" && !u.stopping ? [u.id] : []));
  }

  /** Stops every unit in parallel, tasks first (they flush offsets), each within the graceful timeout. */
  async stopAll(): Promise<void> {
    const all = [...this.units.values()];
    await Promise.all(all.flatMap((u) => (u.kind === "task" ? [this.stopTask(u.id)] : [])));
    await Promise.all(all.flatMap((u) => (u.kind === "connector" ? [this.stopConnector(u.name)] : [])));
  }

  /** Ends every task thread (after stopAll, or a herder's own stops). */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.all(
      this.threads.map(async (t) => {
        if (!t) return;
        t.gone = true;
        await t.thread.terminate();
      }),
    );
  }

  /**
   * The unit's logger name on this thread too, so that /admin/loggers lists it and keeps its level (the task
   * thread logs with a logger of its own, which takes the worker's level at the thread's start).
   */
  private registerLogger(key: string, bindings: { connector: string; task?: number }): void {
    // held while the unit runs: the level registry keeps loggers weakly
    this.loggers.set(key, this.o.logger.child(bindings));
  }

  // ----------------------------------------------------------------------------------- threads

  private spawn(index: number): TaskThread {
    const beat = new ThreadBeat();
    const data: TaskThreadData = {
      index,
      workerId: this.o.workerId,
      config: this.o.config,
      logLevel: this.o.logger.level,
      offsetsTopic: transactionOffsets(this.o.offsets)?.topic,
      beat: beat.buffer,
      beatIntervalMs: 100,
    };
    const heap = this.o.settings.heapMaxMb;
    const nodeThread = new NodeWorker(this.threadUrl, {
      workerData: data,
      ...(heap !== null ? { resourceLimits: { maxOldGenerationSizeMb: heap } } : {}),
      // stdout/stderr are the process's (logs are written to fd 1 directly by pino)
    });
    // the control thread's handles decide when the process ends, not these threads
    nodeThread.unref();
    const t = new TaskThread(index, nodeThread, beat);
    nodeThread.on("message", (m: FromThread) => this.onMessage(t, m));
    let failure: Error | null = null;
    nodeThread.on("error", (e) => {
      failure = e;
      this.log.error({ err: e, thread: index }, "task thread failed");
    });
    nodeThread.on("exit", (code) => {
      if (t.gone) return;
      // ended by itself: out of memory, an uncaught error, process.exit in plugin code
      const oom = (failure as { code?: string } | null)?.code === "ERR_WORKER_OUT_OF_MEMORY";
      const why = oom
        ? `out of memory: task thread ${index} exceeded task.heap.max.mb=${this.o.settings.heapMaxMb}`
        : `task thread ${index} ended (exit code ${code})${failure ? `: ${failure.message}` : ""}`;
      this.retire(
        t,
        new Map([...t.units.keys()].map((k) => [k, new ConnectError(why, 500, { cause: failure })])),
      );
    });
    return t;
  }

  /**
   * The live thread with the fewest units of this kind, then the fewest units (a gone one is replaced
   * first): tasks, which do the work, spread evenly whatever the connector instances do.
   */
  private place(kind: Unit["kind"]): TaskThread {
    if (this.closed) throw new ConnectError("The worker is stopping", 503);
    const load = (t: TaskThread) => {
      let same = 0;
      for (const u of t.units.values()) if (u.kind === kind) same++;
      return same * 1_000_000 + t.units.size;
    };
    let best: TaskThread | undefined;
    for (let i = 0; i < this.threads.length; i++) {
      let t = this.threads[i];
      if (!t || t.gone) {
        t = this.spawn(i);
        this.threads[i] = t;
      }
      if (!best || load(t) < load(best)) best = t;
    }
    if (!best) throw new ConnectError("No task thread", 500);
    return best;
  }

  private add(unit: Unit): void {
    this.units.set(unit.key, unit);
    unit.thread.units.set(unit.key, unit);
  }

  private remove(unit: Unit): void {
    if (this.units.get(unit.key) === unit) {
      this.units.delete(unit.key);
      this.loggers.delete(unit.key);
    }
    if (unit.thread.units.get(unit.key) === unit) unit.thread.units.delete(unit.key);
  }

  private async request(thread: TaskThread, make: (rid: number) => ToThread): Promise<unknown> {
    await thread.ready;
    if (thread.gone) throw new ConnectError(`Task thread ${thread.index} is gone`, 500);
    const rid = this.nextRid++;
    return new Promise((resolve, reject) => {
      thread.pending.set(rid, { resolve, reject });
      thread.thread.postMessage(make(rid));
    });
  }

  private async launchTask(unit: TaskUnit): Promise<void> {
    const { id, taskConfig, connectorConfig, hooks, cell } = unit;
    try {
      await this.request(unit.thread, (rid) => ({
        kind: "startTask",
        rid,
        id,
        taskConfig,
        connectorConfig,
        cell: cell.buffer,
        no: unit.no,
        reportSinkJoin: hooks.onSinkGroupJoin !== undefined,
        reportTopics: hooks.onTopicUsed !== undefined,
      }));
    } catch (e) {
      if (unit.replacement) return unit.replacement;
      this.remove(unit);
      throw e;
    }
  }

  /** Asks the unit to stop; one that has not stopped within the graceful timeout ends its thread. */
  private async stopWithin(unit: Unit, make: (rid: number) => ToThread): Promise<void> {
    const ms = this.o.settings.shutdownGracefulTimeoutMs;
    const thread = unit.thread;
    let timer: NodeJS.Timeout | undefined;
    const stopped = this.request(thread, make);
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), ms);
    });
    try {
      if ((await Promise.race([stopped, late])) !== "late") return;
    } catch (e) {
      // the thread went meanwhile (its units are handled by retire), or the stop itself threw
      if (!thread.gone) throw e;
      return;
    } finally {
      clearTimeout(timer);
    }
    const where = unit.cell.current();
    const what = where ? `in ${where.call}() for ${where.ms} ms` : "in the runtime (sending or committing)";
    const error = new TaskStuckError(
      `${unit.kind === "task" ? `Task ${taskKey(unit.id)}` : `Connector ${unit.name}`} did not stop within task.shutdown.graceful.timeout.ms=${ms} (it was ${what}); its task thread was terminated`,
    );
    this.log.error({ unit: unit.key, thread: thread.index }, error.message);
    await this.retire(thread, new Map([[unit.key, error]]));
  }

  // ---------------------------------------------------------------------------------- messages

  private onMessage(t: TaskThread, m: FromThread): void {
    switch (m.kind) {
      case "ready":
        return;
      case "reply": {
        const p = t.pending.get(m.rid);
        t.pending.delete(m.rid);
        if (!p) return;
        if (m.ok) p.resolve(m.value);
        else p.reject(fromWire(m.error));
        return;
      }
      case "status": {
        const u = t.units.get(`task:${m.key}`);
        if (u?.kind !== "task") return;
        if (m.event === "running") u.status.onRunning();
        else if (m.event === "paused") u.status.onPaused();
        else if (m.event === "failure") {
          u.failed = true;
          u.status.onFailure(fromWire(m.error));
        } else u.status.onShutdown();
        return;
      }
      case "taskEnded": {
        const u = t.units.get(`task:${m.key}`);
        if (u?.kind !== "task") return;
        this.remove(u);
        // Ended unasked and not failed: its lease deadline passed in the task thread (the control thread was
        // late to publish a renewal) and it stopped before its next write. If this worker still holds the
        // lease, nobody else runs the task: start it again here. Without the lease the herder hears of the
        // loss and hands the unit on.
        if (!u.stopping && !u.failed && !this.closed && u.hooks.leaseValidUntil?.() !== undefined) {
          this.log.warn(
            { unit: u.key },
            "the task stopped itself while its lease is held; starting it again",
          );
          void this.restartInPlace(u);
        }
        return;
      }
      case "connector": {
        const u = t.units.get(connectorKey(m.name));
        if (u?.kind !== "connector") return;
        if (m.event === "reconfigure") u.context.requestTaskReconfiguration();
        else u.context.raiseError(fromWire(m.error));
        return;
      }
      case "topicUsed": {
        const u = t.units.get(`task:${m.key}`);
        if (u?.kind === "task") u.hooks.onTopicUsed?.(m.topic);
        return;
      }
      case "sinkJoin": {
        const u = t.units.get(`task:${m.key}`);
        if (u?.kind === "task") u.hooks.onSinkGroupJoin?.(m.memberId);
        return;
      }
      case "offsets":
        this.answerOffsets(m).then(
          (value) => this.post(t, { kind: "reply", rid: m.rid, ok: true, value }),
          (e: unknown) => this.post(t, { kind: "reply", rid: m.rid, ok: false, error: toWire(e) }),
        );
        return;
      case "metrics":
        replayMetrics(m.calls, { task: taskMetrics });
        return;
    }
  }

  private post(t: TaskThread, m: ToThread): void {
    if (!t.gone) t.thread.postMessage(m);
  }

  private async answerOffsets(r: OffsetsRequest): Promise<unknown> {
    const store = this.o.offsets;
    switch (r.op) {
      case "snapshot":
        await store.readToEnd();
        return store.list(r.connector);
      case "put":
        return store.put(r.connector, r.entries);
      case "write":
        return store.write ? store.write(r.connector, r.entries) : store.put(r.connector, r.entries);
      case "records": {
        const topic = transactionOffsets(store);
        if (!topic)
          throw new ConnectError("Exactly-once source needs the offsets topic (distributed mode)", 400);
        return topic.records(r.connector, r.entries);
      }
    }
  }

  // ------------------------------------------------------------------------ leases and watchdog

  private publishLease(u: TaskUnit): void {
    const get = u.hooks.leaseValidUntil;
    if (!get) {
      // no lease (standalone), unless the herder only gave a yes/no: then a short grant, renewed here
      u.cell.publishLease(u.hooks.mayWrite ? (u.hooks.mayWrite() ? sharedNow() + 200 : 0) : undefined);
      return;
    }
    const until = get();
    // the lease's Date.now() deadline on the clock the threads share
    u.cell.publishLease(until === undefined ? 0 : until - Date.now() + sharedNow());
  }

  /** Publishes every task's lease deadline now (called on each renewal, and every 100 ms). */
  publishLeases(): void {
    for (const u of this.units.values()) if (u.kind === "task") this.publishLease(u);
  }

  /**
   * A thread whose event loop has not run for the stall timeout is blocked: by the unit it marks as running
   * synchronously, or (unmarked: converters, transforms, a callback) by one of the units it runs. A thread
   * whose loop runs, but whose unit has been in one plugin call for the stall timeout, has a unit whose call
   * never returns. While the loop is briefly silent nothing is judged: every unit's call looks long then.
   */
  private watch(): void {
    const limit = this.o.settings.stallTimeoutMs;
    const now = sharedNow();
    for (const t of this.threads) {
      if (!t || t.gone) continue;
      const blame = new Map<string, Error>();
      const stuck = (u: Unit, what: string) =>
        blame.set(
          u.key,
          new TaskStuckError(
            `${describe(u)} was stuck ${what} (task.stall.timeout.ms=${limit}); its task thread was terminated`,
          ),
        );
      const silent = t.beat.silentFor(now);
      if (silent > limit) {
        const no = t.beat.runningNow();
        const culprit = [...t.units.values()].find((u) => u.no === no);
        const call = culprit?.cell.current(now);
        if (culprit)
          stuck(
            culprit,
            `in ${call?.call ?? "a plugin call"}() for ${call?.ms ?? silent} ms, blocking its thread`,
          );
        else
          for (const u of t.units.values())
            stuck(
              u,
              `or shares a thread blocked for ${silent} ms outside any plugin call (converters, transforms or a callback)`,
            );
      } else if (silent <= Math.min(1_000, limit / 4)) {
        for (const u of t.units.values()) {
          const c = u.cell.current(now);
          if (c && c.ms > limit) stuck(u, `in ${c.call}() for ${c.ms} ms`);
        }
      }
      if (blame.size > 0) {
        for (const [unit, e] of blame) this.log.error({ unit, thread: t.index }, e.message);
        void this.retire(t, blame);
      }
    }
  }

  /**
   * Ends the thread: the blamed units fail, the others start again on a live thread (restarted in place,
   * not failed over); a unit that was stopping is simply gone.
   */
  private async retire(t: TaskThread, blame: ReadonlyMap<string, Error>): Promise<void> {
    if (t.gone) return;
    t.gone = true;
    if (this.threads[t.index] === t) this.threads[t.index] = undefined;
    const units = [...t.units.values()];
    const terminated = t.thread
      .terminate()
      .then(() => undefined)
      .catch((e: unknown) => this.log.warn({ err: e }, "terminating a task thread failed"));
    // decided before any pending request is rejected, so that a unit still starting there is started anew
    // rather than reported as failed
    for (const u of units)
      if (!blame.has(u.key) && !u.stopping && !this.closed)
        u.replacement = terminated.then(() => {
          this.remove(u);
          return this.restartInPlace(u);
        });
    const gone = new ConnectError(`Task thread ${t.index} was terminated`, 500);
    for (const p of t.pending.values()) p.reject(gone);
    t.pending.clear();
    await terminated;
    for (const u of units) {
      if (u.replacement) continue;
      this.remove(u);
      const error = blame.get(u.key);
      if (!error) continue;
      if (u.kind === "task") u.status.onFailure(error);
      else u.context.raiseError(error);
    }
  }

  private async restartInPlace(u: Unit): Promise<void> {
    this.log.warn(
      { unit: u.key },
      "starting the unit again on this worker (its thread was terminated, or it stopped by itself)",
    );
    try {
      if (u.kind === "task") await this.startTask(u.id, u.taskConfig, u.connectorConfig, u.status, u.hooks);
      else await this.startConnector(u.name, u.config, u.context);
    } catch (e) {
      if (u.kind === "task") u.status.onFailure(e);
      else u.context.raiseError(e instanceof Error ? e : new Error(String(e)));
    }
  }
}

function describe(u: Unit): string {
  return u.kind === "task" ? `Task ${taskKey(u.id)}` : `Connector ${u.name}`;
}
