/**
 * The control plane of one distributed worker. State lives in the Kafka-backed stores, which every worker
 * reads to the same view; any worker answers any request, with no leader and no forwarding. Which worker
 * runs which unit (a connector instance or a task) is the Scheduler's answer; each worker reconciles what it
 * runs with what it should run whenever the config log or the membership changes.
 *
 * Writes that only a unit's runner makes: the connector unit's owner generates and writes task configs; each
 * unit's owner writes its status. Conditional writes (create only if absent) are decided under a short Redis
 * lock after reading the config log to its end.
 */
import type { Redis } from "ioredis";
import type { Kafka } from "kafkajs";
import type { ConnectorContext, TaskConfig } from "../api/connector.js";
import { withNameLock } from "../cluster/name-lock.js";
import type { Scheduler } from "../cluster/scheduler.js";
import type { UnitLeases } from "../cluster/unit-leases.js";
import {
  AlreadyExistsError,
  BadRequestError,
  ConnectError,
  describeError,
  NotFoundError,
} from "../errors.js";
import type { StatusListener } from "../runner/unit-status.js";
import type { Worker } from "../runner/worker.js";
import type { OffsetStore, TargetState, UnitState, UnitStatus } from "../state/types.js";
import { reverseTransform } from "./config-providers.js";
import {
  alterSinkConnectorOffsets,
  modifiedOffsetsMessage,
  notStoppedMessage,
  parseSinkOffsets,
  parseSourceOffsets,
  resetSinkConnectorOffsets,
  sinkConnectorOffsets,
  sourceConnectorOffsets,
} from "./connector-offsets.js";
import {
  type ActiveTopicsInfo,
  type ConnectorInfo,
  type ConnectorOffset,
  type ConnectorOffsets,
  type ConnectorStateInfo,
  type CreateConnectorRequest,
  type Herder,
  type Message,
  type RestartRequest,
  targetStateFromInitial,
} from "./herder.js";
import { HerderBase, type HerderBaseOptions, NO_OFFSETS_MESSAGE, patchConfig } from "./herder-base.js";
import { buildRestartPlan } from "./restart-plan.js";

export interface DistributedHerderOptions extends HerderBaseOptions {
  readonly worker: Worker;
  readonly scheduler: Scheduler;
  /** a unit starts only under its lease */
  readonly leases: UnitLeases;
  readonly redis: Redis;
  readonly createLockKey: (connector: string) => string;
  readonly offsets: OffsetStore;
  /** sink connectors' consumer-group offsets */
  readonly kafka: Kafka;
}

type UnitKey = string;
const connectorUnit = (name: string): UnitKey => `connector:${name}`;
const taskUnit = (name: string, task: number): UnitKey => `task:${name}:${task}`;

interface Running {
  /** what the unit was started with; a different fingerprint means restart */
  readonly fingerprint: string;
}

export class DistributedHerder extends HerderBase implements Herder {
  private readonly running = new Map<UnitKey, Running>();
  /** reconciliation passes never overlap; a request made during one schedules another */
  private reconciling: Promise<void> | null = null;
  private again = false;
  private readonly unsubscribe: (() => void)[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  /** units this worker should run but whose lease another worker still holds, since when */
  private readonly waitingSince = new Map<UnitKey, number>();
  /** units whose lease was lost: stopped by the next reconciliation */
  private readonly lost = new Set<UnitKey>();
  private stopped = false;

  constructor(protected override readonly o: DistributedHerderOptions) {
    super(o);
  }

  async start(): Promise<void> {
    this.unsubscribe.push(
      this.o.configs.onChange((change) => {
        if (change.kind === "restart") this.onRestartRequest(change.connector, change.request);
        if (change.kind === "connector-config" || change.kind === "task-configs")
          this.topicsReset.delete(change.connector);
        this.requestReconcile();
      }),
    );
    this.unsubscribe.push(this.o.scheduler.onChange(() => this.requestReconcile()));
    this.unsubscribe.push(this.o.statuses.onStaleWrite((unit) => this.reassertStatus(unit)));
    // ready once the stores are loaded (before this) and the first pass is under way: units whose leases
    // other workers still hold are taken over as those workers hand them back, without holding up start-up
    this.requestReconcile();
    this.isReady = true;
  }

  // ---------------------------------------------------------------- reads (local view, never forwarded)

  // ---------------------------------------------------------------- writes (any worker)

  async createConnector(req: CreateConnectorRequest): Promise<ConnectorInfo> {
    const name = req.name.trim();
    const config = this.checkName(name, req.config);
    await this.validateOrThrow(config);
    // "only if absent" is decided after reading the log to its end, under a lock no other worker holds
    await withNameLock(this.o.redis, this.o.createLockKey(name), 10_000, async () => {
      await this.o.configs.readToEnd();
      if (this.o.configs.connectorConfig(name))
        throw new AlreadyExistsError(`Connector ${name} already exists`);
      await this.o.configs.putConnectorConfig(name, config, targetStateFromInitial(req.initialState));
    });
    return { name, config, tasks: [], type: this.typeOf(config) };
  }

  async putConnectorConfig(name: string, input: Record<string, string>) {
    const config = this.checkName(name, input);
    await this.validateOrThrow(config);
    return withNameLock(this.o.redis, this.o.createLockKey(name), 10_000, async () => {
      await this.o.configs.readToEnd();
      const existed = this.o.configs.connectorConfig(name) !== undefined;
      const tasksBefore = (this.o.configs.taskConfigs(name) ?? []).map((_, task) => ({
        connector: name,
        task,
      }));
      await this.o.configs.putConnectorConfig(name, config);
      return { created: !existed, info: { name, config, tasks: tasksBefore, type: this.typeOf(config) } };
    });
  }

  async deleteConnector(name: string): Promise<void> {
    await this.o.configs.readToEnd();
    this.requireConfig(name);
    await this.o.configs.deleteConnector(name);
    await this.o.statuses.deleteConnector(name);
  }

  async setTargetState(name: string, state: TargetState): Promise<void> {
    await this.o.configs.readToEnd();
    this.requireConfig(name, `Unknown connector ${name}`);
    // pause, resume and stop are idempotent
    if (this.o.configs.targetState(name) === state && this.o.statuses.connector(name)) return;
    // as Kafka: a stopped connector has no tasks; the empty task set is written before the target state
    if (state === "STOPPED") await this.o.configs.putTaskConfigs(name, []);
    await this.o.configs.putTargetState(name, state);
    // The owner applies it asynchronously; answering once its status shows the new state (bounded) gives
    // clients the standalone contract "after 202/204, /status says so" in the common case.
    await this.awaitConnectorState(name, state === "STARTED" ? "RUNNING" : state, 5000);
  }

  private async awaitConnectorState(name: string, state: UnitState, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await this.o.statuses.readToEnd();
      const s = this.o.statuses.connector(name)?.state;
      if (s === state || s === "FAILED" || !this.o.configs.connectorConfig(name)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    this.o.logger.info({ connector: name, state }, "target state written; its status has not followed yet");
  }

  async restartConnector(name: string): Promise<void> {
    await this.o.configs.readToEnd();
    this.requireConfig(name);
    await this.o.configs.putRestartRequest(name, { includeTasks: false, onlyFailed: false });
  }

  /**
   * Kafka forwards a task restart to the task's owner. Without forwarding, the restart is done here when
   * this worker owns the task; otherwise a restart request for the connector's failed tasks is written
   * (the common case: restarting a FAILED task). Restarting a healthy task on another worker is not
   * possible yet.
   */
  async restartTask(name: string, task: number): Promise<void> {
    await this.o.configs.readToEnd();
    this.requireConfig(name);
    if (!this.o.configs.taskConfigs(name)?.[task]) throw new NotFoundError(`Task ${name}-${task} not found`);
    if (this.o.scheduler.owns(taskUnit(name, task))) {
      this.restartWanted.add(taskUnit(name, task));
      this.requestReconcile();
      return;
    }
    await this.o.configs.putRestartRequest(name, { includeTasks: true, onlyFailed: true });
  }

  private readonly restartWanted = new Set<UnitKey>();

  /** KIP-745 semantics, applied by each worker to the units it owns. */
  private onRestartRequest(name: string, req: { includeTasks: boolean; onlyFailed: boolean }): void {
    const failed = (s: UnitStatus | undefined) => s?.state === "FAILED";
    if (
      this.o.scheduler.owns(connectorUnit(name)) &&
      (!req.onlyFailed || failed(this.o.statuses.connector(name)))
    ) {
      this.restartWanted.add(connectorUnit(name));
    }
    if (!req.includeTasks) return;
    for (const task of (this.o.configs.taskConfigs(name) ?? []).keys()) {
      const unit = taskUnit(name, task);
      if (this.o.scheduler.owns(unit) && (!req.onlyFailed || failed(this.o.statuses.task(name, task)))) {
        this.restartWanted.add(unit);
      }
    }
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    await this.o.configs.readToEnd();
    const merged = patchConfig(this.requireConfig(name), patch);
    return (await this.putConnectorConfig(name, merged)).info;
  }

  /**
   * KIP-745: the plan (RESTARTING for what restarts) is returned at once; the restart request goes to the
   * config topic and each worker restarts the units it owns when it reads it.
   */
  async restartConnectorAndTasks(name: string, request: RestartRequest): Promise<ConnectorStateInfo> {
    await this.o.configs.readToEnd();
    this.requireConfig(name, `Unknown connector: ${name}`);
    const current = (() => {
      try {
        return this.connectorStatus(name);
      } catch {
        throw new NotFoundError(`Status for connector ${name} not found`);
      }
    })();
    const plan = buildRestartPlan(current, request);
    await this.o.configs.putRestartRequest(name, request);
    return plan.stateInfo;
  }

  // ---------------------------------------------------------------- offsets (KIP-875)

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    await this.o.configs.readToEnd();
    const config = this.requireConfig(name);
    if (this.connectorType(name, config) === "source") {
      await this.o.offsets.readToEnd();
      return sourceConnectorOffsets(this.o.offsets, name);
    }
    return this.withAdmin((admin) => sinkConnectorOffsets(admin, name));
  }

  private async checkCanModifyOffsets(name: string): Promise<Readonly<Record<string, string>>> {
    await this.o.configs.readToEnd();
    const config = this.requireConfig(name);
    if (
      this.o.configs.targetState(name) !== "STOPPED" ||
      (this.o.configs.taskConfigs(name)?.length ?? 0) !== 0
    ) {
      throw new BadRequestError(notStoppedMessage(name));
    }
    return config;
  }

  async alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<Message> {
    const config = await this.checkCanModifyOffsets(name);
    if (offsets.length === 0) throw new BadRequestError(NO_OFFSETS_MESSAGE);
    if (this.connectorType(name, config) === "source") {
      await this.o.offsets.put(name, parseSourceOffsets(offsets));
      return modifiedOffsetsMessage(false);
    }
    const parsed = parseSinkOffsets(offsets);
    return this.withAdmin((admin) => alterSinkConnectorOffsets(admin, name, parsed));
  }

  async resetConnectorOffsets(name: string): Promise<Message> {
    const config = await this.checkCanModifyOffsets(name);
    if (this.connectorType(name, config) === "source") {
      await this.o.offsets.readToEnd();
      const entries = this.o.offsets.list(name).map((e) => ({ partition: e.partition, offset: null }));
      if (entries.length > 0) await this.o.offsets.put(name, entries);
      return modifiedOffsetsMessage(true);
    }
    return this.withAdmin((admin) => resetSinkConnectorOffsets(admin, name));
  }

  // ---------------------------------------------------------------- topics, plugins, loggers

  /**
   * Active topic tracking is not in the status topic yet: the topics the connector's config names, until a
   * reset on this worker (cleared when the connector's config or tasks change again).
   */
  async connectorActiveTopics(name: string): Promise<ActiveTopicsInfo> {
    const config = this.o.configs.connectorConfig(name);
    const topics = new Set<string>();
    if (config && !this.topicsReset.has(name)) {
      if (config.topic) topics.add(config.topic.trim());
      for (const t of (config.topics ?? "").split(",")) if (t.trim()) topics.add(t.trim());
    }
    return { connector: name, topics: [...topics].sort() };
  }

  async resetConnectorActiveTopics(name: string): Promise<void> {
    if (this.o.configs.connectorConfig(name)) this.topicsReset.add(name);
  }

  private readonly topicsReset = new Set<string>();

  /** Cluster scope reaches only this worker until logger records go through the config topic. */
  async setClusterLoggerLevel(namespace: string, level: string): Promise<void> {
    this.setWorkerLoggerLevel(namespace, level);
  }

  // ---------------------------------------------------------------- reconciliation (what runs here)

  private requestReconcile(): void {
    if (this.stopped) return;
    if (this.reconciling) {
      this.again = true;
      return;
    }
    this.reconciling = this.reconcileLoop().finally(() => {
      this.reconciling = null;
    });
  }

  private async reconcileLoop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.reconcile();
      } catch (e) {
        this.o.logger.error({ err: e }, "reconciliation failed; retrying");
        this.again = true;
        await new Promise((r) => setTimeout(r, 500));
      }
    } while (this.again && !this.stopped);
  }

  /** The units that should run here now, with the config each should run with. */
  private desired(): Map<
    UnitKey,
    { kind: "connector" | "task"; name: string; task: number; fingerprint: string }
  > {
    const out = new Map<
      UnitKey,
      { kind: "connector" | "task"; name: string; task: number; fingerprint: string }
    >();
    for (const name of this.o.configs.connectors()) {
      const config = this.o.configs.connectorConfig(name);
      if (!config) continue;
      const target = this.o.configs.targetState(name);
      const cu = connectorUnit(name);
      if (this.o.scheduler.owns(cu)) {
        out.set(cu, { kind: "connector", name, task: -1, fingerprint: JSON.stringify([target, config]) });
      }
      if (target !== "STARTED") continue;
      for (const [task, tc] of (this.o.configs.taskConfigs(name) ?? []).entries()) {
        const tu = taskUnit(name, task);
        if (this.o.scheduler.owns(tu))
          out.set(tu, { kind: "task", name, task, fingerprint: JSON.stringify([tc, config]) });
      }
    }
    return out;
  }

  private async reconcile(): Promise<void> {
    const want = this.desired();
    for (const unit of this.waitingSince.keys()) if (!want.has(unit)) this.waitingSince.delete(unit);
    // stop what should not run here any more, or runs with an outdated config
    for (const [unit, r] of [...this.running.entries()]) {
      const w = want.get(unit);
      if (w && w.fingerprint === r.fingerprint && !this.restartWanted.has(unit) && !this.lost.has(unit))
        continue;
      this.lost.delete(unit);
      await this.stopUnit(unit);
    }
    let waiting = 0;
    for (const [unit, w] of want) {
      if (this.running.has(unit)) continue;
      // the previous owner may still run it: wait until it released the lease (or the lease expired)
      if ((await this.o.leases.acquire(unit, this.highestFence(unit))) === null) {
        waiting++;
        const since = this.waitingSince.get(unit) ?? Date.now();
        this.waitingSince.set(unit, since);
        if (Date.now() - since > 5000 && (Date.now() - since) % 5000 < 150) {
          this.o.logger.warn(
            { unit, waitedMs: Date.now() - since },
            "still waiting for another worker to release a unit's lease",
          );
        }
        continue;
      }
      this.waitingSince.delete(unit);
      this.restartWanted.delete(unit);
      if (w.kind === "connector") await this.startConnectorUnit(w.name, w.fingerprint);
      else await this.startTaskUnit(w.name, w.task, w.fingerprint);
    }
    if (waiting > 0 && !this.retryTimer) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.requestReconcile();
      }, 100);
    }
    // paused connectors: their task statuses say PAUSED, written by the task unit's owner
    for (const name of this.o.configs.connectors()) {
      if (this.o.configs.targetState(name) !== "PAUSED") continue;
      for (const task of (this.o.configs.taskConfigs(name) ?? []).keys()) {
        if (!this.o.scheduler.owns(taskUnit(name, task))) continue;
        if (this.o.statuses.task(name, task)?.state !== "PAUSED") await this.putTask(name, task, "PAUSED");
      }
    }
  }

  /** The highest fencing token seen in the status topic for a unit: new tokens go above it. */
  private highestFence(unit: UnitKey): number {
    const [kind, ...rest] = unit.split(":");
    if (kind === "connector") return this.o.statuses.highestFence({ connector: rest.join(":") }) ?? 0;
    const task = Number(rest.pop());
    return this.o.statuses.highestFence({ connector: rest.join(":"), task }) ?? 0;
  }

  /** Status writes carry the unit's fencing token, so a zombie's late write is dropped by every reader. */
  private putTask(name: string, task: number, state: UnitState, trace: string | null = null): Promise<void> {
    const unit = taskUnit(name, task);
    const status = this.status(state, trace);
    this.lastStatus.set(unit, status);
    const fence = this.o.leases.token(unit);
    return this.o.statuses.putTask(name, task, status, fence === undefined ? {} : { fence });
  }

  private putConnector(name: string, state: UnitState, trace: string | null = null): Promise<void> {
    const unit = connectorUnit(name);
    const status = this.status(state, trace);
    this.lastStatus.set(unit, status);
    const fence = this.o.leases.token(unit);
    return this.o.statuses.putConnector(name, status, fence === undefined ? {} : { fence });
  }

  /** the last status this worker wrote per unit it owns, to re-assert over a stale owner's late write */
  private readonly lastStatus = new Map<UnitKey, UnitStatus>();

  /**
   * A record with a lower token landed on a unit's status: compaction would keep it (it is the last record),
   * so the current owner writes its status again on top of it (design.md, "State in Kafka").
   */
  private reassertStatus(unit: { connector: string; task?: number }): void {
    const key = unit.task === undefined ? connectorUnit(unit.connector) : taskUnit(unit.connector, unit.task);
    const last = this.lastStatus.get(key);
    if (!last || this.o.leases.token(key) === undefined || !this.running.has(key)) return;
    const write =
      unit.task === undefined
        ? this.putConnector(unit.connector, last.state, last.trace)
        : this.putTask(unit.connector, unit.task, last.state, last.trace);
    write.catch((e) => this.o.logger.warn({ err: e, unit: key }, "re-asserting status failed"));
  }

  private resolved(config: Readonly<Record<string, string>>): Promise<Record<string, string>> {
    return this.providers.resolve(config);
  }

  private async startConnectorUnit(name: string, fingerprint: string): Promise<void> {
    const config = this.o.configs.connectorConfig(name);
    if (!config) return;
    this.running.set(connectorUnit(name), { fingerprint });
    const target = this.o.configs.targetState(name);
    if (target === "STOPPED") {
      await this.putConnector(name, "STOPPED");
      return;
    }
    const context: ConnectorContext = {
      requestTaskReconfiguration: () => {
        void this.generateTaskConfigs(name).catch((e) =>
          this.o.logger.error({ err: e, connector: name }, "task reconfiguration failed"),
        );
      },
      raiseError: (e) => {
        void this.putConnector(name, "FAILED", describeError(e));
      },
    };
    try {
      await this.o.worker.startConnector(name, await this.resolved(config), context);
      await this.putConnector(name, target === "PAUSED" ? "PAUSED" : "RUNNING");
      await this.generateTaskConfigs(name);
    } catch (e) {
      this.o.logger.error({ err: e, connector: name }, "connector failed to start");
      await this.putConnector(name, "FAILED", describeError(e));
    }
  }

  /** The connector unit's owner writes the task configs when they differ from the stored ones. */
  private async generateTaskConfigs(name: string): Promise<void> {
    const config = this.o.configs.connectorConfig(name);
    if (!config || !this.o.worker.isConnectorRunning(name)) return;
    let generated: TaskConfig[];
    try {
      // secrets stay out of the config topic: generated configs get the raw ${...} text back
      generated = reverseTransform(
        config,
        await this.o.worker.connectorTaskConfigs(name, await this.resolved(config)),
      );
    } catch (e) {
      await this.putConnector(name, "FAILED", describeError(e));
      return;
    }
    const stored = this.o.configs.taskConfigs(name);
    if (stored && JSON.stringify(stored) === JSON.stringify(generated)) return;
    await this.o.configs.putTaskConfigs(name, generated, this.o.leases.token(connectorUnit(name)));
  }

  private taskListener(name: string, task: number): StatusListener {
    const put = (state: UnitState, trace: string | null = null) => {
      this.putTask(name, task, state, trace).catch((e) =>
        this.o.logger.error({ err: e }, "status write failed"),
      );
    };
    return {
      onRunning: () => put("RUNNING"),
      onPaused: () => put("PAUSED"),
      onFailure: (e) => put("FAILED", describeError(e)),
      onShutdown: () => {
        // a task stopped because it moved or its connector went away says nothing; the next owner reports
      },
    };
  }

  private async startTaskUnit(name: string, task: number, fingerprint: string): Promise<void> {
    const config = this.o.configs.connectorConfig(name);
    const tc = this.o.configs.taskConfigs(name)?.[task];
    if (!config || !tc) return;
    this.running.set(taskUnit(name, task), { fingerprint });
    try {
      this.o.worker.startTask(
        { connector: name, task },
        await this.resolved(tc),
        await this.resolved(config),
        this.taskListener(name, task),
      );
    } catch (e) {
      await this.putTask(name, task, "FAILED", describeError(e));
    }
  }

  /** Stops the unit (a task flushes its offsets), then releases its lease so the next owner can start it. */
  private async stopUnit(unit: UnitKey): Promise<void> {
    this.running.delete(unit);
    const [kind, ...rest] = unit.split(":");
    if (kind === "connector") {
      await this.o.worker.stopConnector(rest.join(":"));
    } else {
      const task = Number(rest.pop());
      await this.o.worker.stopTask({ connector: rest.join(":"), task });
    }
    this.lastStatus.delete(unit);
    await this.o.leases.release(unit);
  }

  /** The lease of a running unit was lost (Redis unreachable, or it expired): stop it at once. */
  onLeaseLost(unit: UnitKey): void {
    this.lost.add(unit);
    this.requestReconcile();
  }

  /** Graceful stop: every unit stops (tasks flush offsets); others take them over. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.isReady = false;
    for (const u of this.unsubscribe) u();
    await this.reconciling;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const unit of [...this.running.keys()]) await this.stopUnit(unit);
  }
}

export { ConnectError };
