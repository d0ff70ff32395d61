/**
 * The control plane of one distributed worker. State lives in the Kafka-backed stores, which every worker
 * reads to the same view; any worker answers any request, with no leader and no forwarding. A worker runs
 * the units (connector and task instances) whose BullMQ jobs it holds, each under the unit's lease; it
 * reconciles what it runs with its jobs whenever the config log, its jobs or the membership change.
 *
 * Writes that only a unit's runner makes: the connector unit's owner generates and writes task configs; each
 * unit's owner writes its status. Conditional writes (create only if absent) are decided under a short Redis
 * lock after reading the config log to its end.
 */
import type { Redis } from "ioredis";
import type { ConnectorContext, TaskConfig } from "../api/connector.js";
import { JobReconciler } from "../cluster/job-reconciler.js";
import type { ClusterKeys } from "../cluster/keys.js";
import type { Membership } from "../cluster/membership.js";
import { DEFAULT_NAME_LOCK, type NameLockOptions } from "../cluster/name-lock.js";
import { type ClusterScaling, desiredWorkers } from "../cluster/scaling.js";
import type { UnitLeases } from "../cluster/unit-leases.js";
import { kindOf, UNIT_KINDS, type UnitQueues } from "../cluster/unit-queues.js";
import { type ClusterSettings, restartBackoffMs } from "../config/cluster-config.js";
import { ConnectError, describeError, NotFoundError } from "../errors.js";
import { evictWhenRejoining } from "../kafka/group-member-eviction.js";
import type { KafkaClient } from "../kafka/types.js";
import type { StatusListener } from "../runner/unit-status.js";
import type { UnitHost } from "../runner/worker.js";
import { sleep } from "../sleep.js";
import type { OffsetStore, StatusUnit, TargetState, UnitState, UnitStatus } from "../state/types.js";
import { reverseTransform } from "./config-providers.js";
import {
  createConnectorIfAbsent,
  type LockedConfigWrites,
  putConnectorConfigLocked,
} from "./connector-config-writes.js";
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
import { HerderBase, type HerderBaseOptions, patchConfig } from "./herder-base.js";
import { buildRestartPlan } from "./restart-plan.js";

export interface DistributedHerderOptions extends HerderBaseOptions {
  readonly worker: UnitHost;
  /** the unit jobs this worker holds: what it should run */
  readonly units: UnitQueues;
  readonly membership: Membership;
  /** a unit starts only under its lease */
  readonly leases: UnitLeases;
  readonly redis: Redis;
  /** a second connection, for the restart channel's subscription */
  readonly subscriber: Redis;
  readonly keys: ClusterKeys;
  readonly cluster: ClusterSettings;
  /** scaling.units.per.worker, for GET /cluster/scaling */
  readonly scalingUnitsPerWorker: number;
  /** what the metrics count */
  readonly events?: {
    /** a unit taken over from a worker that was gone */
    failover(): void;
    /** a failed unit sent back to the queue with a backoff */
    autoRestart(kind: "connector" | "task"): void;
  };
  readonly offsets: OffsetStore;
  /** sink connectors' consumer-group offsets */
  readonly kafka: KafkaClient;
  /** the per-name lock under which creates are decided; default DEFAULT_NAME_LOCK */
  readonly createLock?: NameLockOptions;
}

type UnitKey = string;
const TRACKING_UNAVAILABLE =
  "Topic tracking is not available in Ferry's distributed mode (it is in standalone mode).";

const connectorUnit = (name: string): UnitKey => `connector:${name}`;
const taskUnit = (name: string, task: number): UnitKey => `task:${name}:${task}`;
/** The connector (and task) of a unit key; connector names may contain ":". */
function parseUnit(unit: UnitKey): StatusUnit {
  if (unit.startsWith("connector:")) return { connector: unit.slice("connector:".length) };
  const rest = unit.slice("task:".length);
  const i = rest.lastIndexOf(":");
  return { connector: rest.slice(0, i), task: Number(rest.slice(i + 1)) };
}

interface Running {
  /** what the unit was started with; a different fingerprint means restart */
  readonly fingerprint: string;
  readonly startedAt: number;
  /** set once the unit was told to stop */
  halting?: Promise<void>;
}

interface Wanted {
  readonly kind: "connector" | "task";
  readonly name: string;
  readonly task: number;
  /** what it should run with (computed on demand: the key set is read far more often) */
  readonly fingerprint: () => string;
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
  /** units that failed: their jobs go back to the queue with a backoff (or are parked) */
  private readonly failed = new Set<UnitKey>();
  private readonly failedBackoff = new Map<UnitKey, number>();
  /** failed units held here without automatic restart: FAILED until a restart request */
  private readonly parked = new Set<UnitKey>();
  /** consecutive failed runs per unit (cluster-wide in Redis; this is the copy for status writes) */
  private readonly attempts = new Map<UnitKey, number>();
  private readonly reconciler: JobReconciler;
  private stopped = false;

  constructor(protected override readonly o: DistributedHerderOptions) {
    super(o);
    this.reconciler = new JobReconciler({
      redis: o.redis,
      leaseKey: o.keys.reconciler,
      workerId: o.workerId,
      queue: o.units,
      wanted: () => this.jobUnits(),
      logger: o.logger,
    });
  }

  /** unit → the worker holding its lease, as last read from Redis (for the status view) */
  private leaseOwners = new Map<UnitKey, string>();
  private leaseOwnersAt = 0;
  private leaseTimer: NodeJS.Timeout | null = null;
  private readingOwners: Promise<void> | null = null;
  private ticks = 0;
  private membersChangedAt = 0;

  private async readLeaseOwners(): Promise<void> {
    const sent = Date.now();
    const units = [...this.wantedUnits().keys()];
    const owners = new Map<UnitKey, string>();
    if (units.length > 0) {
      const values = await this.o.redis.mget(units.map((u) => this.o.keys.lease(u)));
      for (const [i, u] of units.entries()) {
        const v = values[i];
        if (v) owners.set(u, v);
      }
    }
    this.leaseOwners = owners;
    this.leaseOwnersAt = sent;
    const wanted = new Set(units);
    for (const u of this.seenStatus.keys()) if (!wanted.has(u)) this.seenStatus.delete(u);
  }

  /** status records as first seen here, so a lease snapshot older than a record does not judge it */
  private readonly seenStatus = new Map<UnitKey, { status: UnitStatus; at: number }>();

  /**
   * A unit reported RUNNING (or PAUSED, STOPPED) by a worker that no longer holds its lease is not running
   * there any more: it died, lost Redis, or handed the unit back. It shows as UNASSIGNED until the next
   * owner reports. FAILED keeps its trace. Without a recent view of the leases the report stands.
   */
  protected override liveStatus(unit: string, s: UnitStatus): UnitStatus {
    if (s.state === "FAILED" || s.state === "UNASSIGNED") return s;
    // our own report: we know whether we hold the lease
    if (s.workerId === this.o.workerId)
      return this.o.leases.token(unit) !== undefined ? s : { ...s, state: "UNASSIGNED" };
    const now = Date.now();
    const seen = this.seenStatus.get(unit);
    const since = seen?.status === s ? seen.at : now;
    if (seen?.status !== s) this.seenStatus.set(unit, { status: s, at: now });
    // only a snapshot taken after the record arrived can say its reporter no longer holds the lease
    if (this.leaseOwnersAt <= since) return s;
    if (now - this.leaseOwnersAt > 3 * this.o.cluster.leaseTtlMs) return s;
    if (this.leaseOwners.get(unit) === s.workerId) return s;
    return { ...s, state: "UNASSIGNED" };
  }

  /** A unit job was taken, or one was lost: the herder starts or stops units to match. */
  onUnitsChanged(): void {
    this.requestReconcile();
  }

  async start(): Promise<void> {
    this.unsubscribe.push(
      this.o.configs.onChange((change) => {
        if (change.kind === "restart") this.onRestartRequest(change.connector, change.request);
        if (change.kind === "logger") {
          this.setWorkerLoggerLevel(change.namespace, change.level);
          return;
        }
        this.requestReconcile();
        this.reconciler.request();
      }),
    );
    this.unsubscribe.push(
      this.o.membership.onChange(() => {
        this.membersChangedAt = Date.now();
        this.requestReconcile();
      }),
    );
    await this.o.subscriber.subscribe(this.o.keys.restartChannel);
    const onMessage = (channel: string, unit: string) => {
      if (channel !== this.o.keys.restartChannel || !this.o.units.holds(unit)) return;
      this.o.logger.info({ unit }, "restart asked by another worker");
      this.restartHere(unit);
    };
    this.o.subscriber.on("message", onMessage);
    this.unsubscribe.push(() => this.o.subscriber.off("message", onMessage));
    this.unsubscribe.push(this.o.statuses.onStaleWrite((unit) => this.reassertStatus(unit)));
    // ready once the stores are loaded (before this) and the first pass is under way: units whose leases
    // other workers still hold are taken over as those workers hand them back, without holding up start-up
    this.requestReconcile();
    this.reconciler.start();
    this.leaseTimer = setInterval(
      () => {
        // a pass a second at least: balance is judged from the lease owners read here
        if (++this.ticks % 10 === 0) this.requestReconcile();
        this.readingOwners ??= this.readLeaseOwners()
          .catch((e) => this.o.logger.debug({ err: e }, "reading lease owners failed"))
          .finally(() => {
            this.readingOwners = null;
          });
      },
      // often: a new owner's RUNNING must not show as UNASSIGNED for long (one MGET per tick)
      100,
    );
    this.isReady = true;
  }

  // ---------------------------------------------------------------- reads (local view, never forwarded)

  // ---------------------------------------------------------------- writes (any worker)

  async createConnector(req: CreateConnectorRequest): Promise<ConnectorInfo> {
    const name = req.name.trim();
    const config = this.checkName(name, req.config);
    await this.validateOrThrow(config);
    // "only if absent" is decided after reading the log to its end, under a lock no other worker holds
    await createConnectorIfAbsent(this.configWrites, name, config, targetStateFromInitial(req.initialState));
    return { name, config, tasks: [], type: this.typeOf(config) };
  }

  async putConnectorConfig(name: string, input: Record<string, string>) {
    const config = this.checkName(name, input);
    await this.validateOrThrow(config);
    const { created, tasksBefore } = await putConnectorConfigLocked(this.configWrites, name, config);
    const tasks = Array.from({ length: tasksBefore }, (_, task) => ({ connector: name, task }));
    return { created, info: { name, config, tasks, type: this.typeOf(config) } };
  }

  private get configWrites(): LockedConfigWrites {
    return {
      redis: this.o.redis,
      configs: this.o.configs,
      lockKey: this.o.keys.createLock,
      lock: this.o.createLock ?? DEFAULT_NAME_LOCK,
    };
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
      await sleep(20);
    }
    this.o.logger.info({ connector: name, state }, "target state written; its status has not followed yet");
  }

  async restartConnector(name: string): Promise<void> {
    await this.o.configs.readToEnd();
    this.requireConfig(name);
    await this.o.configs.putRestartRequest(name, { includeTasks: false, onlyFailed: false });
  }

  /**
   * Kafka forwards a task restart to the task's owner. Here: restarted in place when this worker holds it;
   * a FAILED task waiting out its backoff runs again at once, backoff reset; a task held by another worker
   * is restarted by that worker, told over the cluster's restart channel.
   */
  async restartTask(name: string, task: number): Promise<void> {
    await this.o.configs.readToEnd();
    this.requireConfig(name);
    if (!this.o.configs.taskConfigs(name)?.[task]) throw new NotFoundError(`Task ${name}-${task} not found`);
    await this.restartUnit(taskUnit(name, task));
  }

  private async restartUnit(unit: UnitKey): Promise<void> {
    await this.resetAttempts(unit);
    if (this.o.units.holds(unit)) {
      this.restartHere(unit);
      return;
    }
    if (await this.o.units.promote(unit)) return;
    await this.o.redis.publish(this.o.keys.restartChannel, unit);
  }

  private restartHere(unit: UnitKey): void {
    this.attempts.delete(unit);
    this.parked.delete(unit);
    this.restartWanted.add(unit);
    this.requestReconcile();
  }

  private async resetAttempts(unit: UnitKey): Promise<void> {
    this.attempts.delete(unit);
    await this.o.redis.hdel(this.o.keys.restarts, unit);
  }

  private readonly restartWanted = new Set<UnitKey>();

  /**
   * KIP-745 semantics. Each worker restarts the matching units it holds; the job reconciler's holder also
   * brings forward the failed units waiting out a backoff (they are held by no worker).
   */
  private onRestartRequest(name: string, req: { includeTasks: boolean; onlyFailed: boolean }): void {
    const failed = (s: UnitStatus | undefined) => s?.state === "FAILED";
    const units: UnitKey[] = [];
    if (!req.onlyFailed || failed(this.o.statuses.connector(name))) units.push(connectorUnit(name));
    if (req.includeTasks) {
      for (const task of (this.o.configs.taskConfigs(name) ?? []).keys()) {
        if (!req.onlyFailed || failed(this.o.statuses.task(name, task))) units.push(taskUnit(name, task));
      }
    }
    for (const unit of units) {
      if (this.o.units.holds(unit)) {
        this.restartHere(unit);
        void this.resetAttempts(unit).catch((e) =>
          this.o.logger.warn({ err: e, unit }, "resetting attempts"),
        );
      } else if (this.reconciler.isLeader()) {
        void this.resetAttempts(unit)
          .then(() => this.o.units.promote(unit))
          .catch((e) => this.o.logger.warn({ err: e, unit }, "bringing a restart forward failed"));
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
    return this.readConnectorOffsets(name);
  }

  async alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<Message> {
    await this.o.configs.readToEnd();
    return this.alterStoppedConnectorOffsets(name, offsets);
  }

  async resetConnectorOffsets(name: string): Promise<Message> {
    await this.o.configs.readToEnd();
    return this.resetStoppedConnectorOffsets(name);
  }

  // ---------------------------------------------------------------- topics, plugins, loggers

  /**
   * KIP-558 active topic tracking is not implemented in distributed mode: Kafka Connect keeps it in the
   * status topic (`topic-<topic>-connector-<c>` records) so that every worker answers alike, and Ferry does
   * not write those records yet. Rather than answer a list that is not what the tasks used, both endpoints
   * answer as Kafka Connect does with topic.tracking.enable=false: 403.
   */
  async connectorActiveTopics(_name: string): Promise<ActiveTopicsInfo> {
    throw new ConnectError(TRACKING_UNAVAILABLE, 403);
  }

  async resetConnectorActiveTopics(_name: string): Promise<void> {
    throw new ConnectError(TRACKING_UNAVAILABLE, 403);
  }

  /**
   * KIP-976: a `logger-cluster-<namespace>` record in the config topic; every worker (this one too) applies
   * it when it reads it. Not replayed at start-up: a restarted worker is back to its initial levels.
   */
  async setClusterLoggerLevel(namespace: string, level: string): Promise<void> {
    if (!this.o.configs.putLoggerLevel) {
      this.setWorkerLoggerLevel(namespace, level);
      return;
    }
    await this.o.configs.putLoggerLevel(namespace, level);
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
        await sleep(200);
      }
    } while (this.again && !this.stopped);
  }

  /**
   * Every unit the config topic wants, with what it should run with: a connector instance per connector
   * (it reports STOPPED and PAUSED too), a task per stored task config of a started or paused connector.
   */
  private wantedUnits(): Map<UnitKey, Wanted> {
    const out = new Map<UnitKey, Wanted>();
    for (const name of this.o.configs.connectors()) {
      const config = this.o.configs.connectorConfig(name);
      if (!config) continue;
      const target = this.o.configs.targetState(name);
      out.set(connectorUnit(name), {
        kind: "connector",
        name,
        task: -1,
        fingerprint: () => JSON.stringify([target, config]),
      });
      if (target === "STOPPED") continue;
      for (const [task, tc] of (this.o.configs.taskConfigs(name) ?? []).entries()) {
        out.set(taskUnit(name, task), {
          kind: "task",
          name,
          task,
          fingerprint: () => JSON.stringify([target, tc, config]),
        });
      }
    }
    return out;
  }

  /** For the job reconciler: the units that should have jobs, from the config log read to its end. */
  private async jobUnits(): Promise<ReadonlySet<string>> {
    await this.o.configs.readToEnd();
    return new Set(this.wantedUnits().keys());
  }

  /**
   * Fair share, of connector instances and of tasks separately: the count over the live workers, rounded
   * up, so all of them fit.
   */
  private updateCapacity(want: ReadonlyMap<UnitKey, Wanted>): void {
    const members = Math.max(1, this.o.membership.members().length);
    for (const kind of UNIT_KINDS) {
      const total = [...want.values()].filter((w) => w.kind === kind).length;
      this.o.units.setCapacity(kind, Math.max(1, Math.ceil(total / members)));
    }
  }

  private async reconcile(): Promise<void> {
    const want = this.wantedUnits();
    this.updateCapacity(want);
    const held = new Set(this.o.units.units());
    // stop what must not run here any more: job gone, unit gone, config changed, restart asked, lease lost
    for (const [unit, r] of [...this.running.entries()]) {
      const w = want.get(unit);
      if (
        held.has(unit) &&
        w?.fingerprint() === r.fingerprint &&
        !this.restartWanted.has(unit) &&
        !this.lost.has(unit) &&
        !this.failed.has(unit)
      )
        continue;
      // restarted in place (new config, restart asked): the lease stays ours, so the unit never looks
      // unowned (UNASSIGNED) between its stop and its start
      const inPlace = held.has(unit) && w !== undefined && !this.lost.has(unit) && !this.failed.has(unit);
      await this.stopUnit(unit, inPlace);
      if (this.lost.delete(unit)) await this.o.units.handBack(unit);
    }
    for (const unit of held) {
      if (!want.has(unit)) {
        this.failed.delete(unit);
        this.parked.delete(unit);
        this.attempts.delete(unit);
        await this.o.units.done(unit);
        await this.o.redis.hdel(this.o.keys.restarts, unit);
      }
    }
    // failed units wait out their backoff in the queue, or stay FAILED here until restarted by hand
    for (const unit of [...this.failed]) {
      this.failed.delete(unit);
      if (!this.o.units.holds(unit)) continue;
      if (this.o.cluster.autoRestart) {
        this.o.events?.autoRestart(unit.startsWith("connector:") ? "connector" : "task");
        await this.o.units.retryLater(unit, this.failedBackoff.get(unit) ?? 0);
        this.failedBackoff.delete(unit);
      } else {
        this.parked.add(unit);
      }
    }
    await this.handBackSurplus(want);
    let waiting = 0;
    for (const unit of this.o.units.units()) {
      const w = want.get(unit);
      if (!w || this.running.has(unit) || this.parked.has(unit)) continue;
      // the previous owner may still run it: wait until it released the lease (or the lease expired)
      const fence = await this.o.leases.acquire(unit, this.highestFence(unit));
      if (fence === null) {
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
      await this.loadAttempts(unit);
      this.o.logger.info({ unit, fence, journal: "start" }, "unit started");
      if (this.takenOver(unit)) this.o.events?.failover();
      if (w.kind === "connector") await this.startConnectorUnit(w.name, w.fingerprint());
      else await this.startTaskUnit(w.name, w.task, w.fingerprint());
    }
    for (const unit of this.waitingSince.keys())
      if (!this.o.units.holds(unit)) this.waitingSince.delete(unit);
    if (waiting > 0 && !this.retryTimer) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.requestReconcile();
      }, 50);
    }
  }

  /**
   * A worker above its fair share (a worker joined, or units were deleted) hands the units it started last
   * back to the queue, where a worker below its share takes them. Failover never waits for this: a dead
   * worker's units raise everyone's share.
   */
  private async handBackSurplus(want: ReadonlyMap<UnitKey, Wanted>): Promise<void> {
    // every worker must have seen the new membership first, or one still on the old share takes the unit
    if (Date.now() - this.membersChangedAt < 2 * this.o.cluster.heartbeatTtlMs) return;
    const surplus = UNIT_KINDS.flatMap((kind) => {
      const held = this.o.units.units(kind);
      const n = Math.max(held.length - this.o.units.getCapacity(kind), this.starvingShare(kind, want));
      if (n <= 0) return [];
      const newestFirst = held.sort(
        (a, b) => (this.running.get(b)?.startedAt ?? 0) - (this.running.get(a)?.startedAt ?? 0),
      );
      return newestFirst.slice(0, n);
    });
    if (surplus.length === 0) return;
    await Promise.all(
      surplus.map(async (unit) => {
        this.o.logger.info({ unit }, "handing a unit back to rebalance");
        if (this.running.has(unit)) await this.stopUnit(unit);
        this.parked.delete(unit);
        await this.o.units.handBack(unit, 2_000);
      }),
    );
  }

  /**
   * Capacities are rounded up, so they can all be full while a worker holds less than its floor share
   * (4 units over 3 workers: 2/2/0). Then the fullest worker (by the lease owners every worker reads; ties
   * to the lowest id, so exactly one decides) hands one unit back, and the starving worker takes it.
   */
  private starvingShare(kind: "connector" | "task", want: ReadonlyMap<UnitKey, Wanted>): number {
    if (Date.now() - this.leaseOwnersAt > 500) return 0;
    const members = this.o.membership.members();
    if (members.length < 2) return 0;
    const total = [...want.values()].filter((w) => w.kind === kind).length;
    const floor = Math.floor(total / members.length);
    const counts = new Map<string, number>(members.map((m) => [m, 0]));
    for (const [unit, owner] of this.leaseOwners) {
      if (kindOf(unit) === kind && counts.has(owner)) counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
    if (![...counts.values()].some((n) => n < floor)) return 0;
    const [fullest] = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return fullest?.[0] === this.o.workerId && (fullest[1] ?? 0) > floor ? 1 : 0;
  }

  /** The unit's last report came from another worker that is no longer a member: this start is a failover. */
  private takenOver(unit: UnitKey): boolean {
    const u = parseUnit(unit);
    const s =
      u.task === undefined
        ? this.o.statuses.connector(u.connector)
        : this.o.statuses.task(u.connector, u.task);
    if (!s || s.workerId === this.o.workerId || s.state === "FAILED" || s.state === "UNASSIGNED")
      return false;
    return !this.o.membership.members().includes(s.workerId);
  }

  /**
   * GET /cluster/scaling: the units that should run (a stopped connector's instance only reports, so it
   * does not count), the workers they want at scaling.units.per.worker, and the jobs waiting for a worker.
   */
  async clusterScaling(): Promise<ClusterScaling> {
    await this.o.configs.readToEnd();
    let units = 0;
    for (const [unit, w] of this.wantedUnits()) {
      if (w.kind === "connector" && this.o.configs.targetState(w.name) === "STOPPED") continue;
      if (unit) units++;
    }
    const unitsPerWorker = this.o.scalingUnitsPerWorker;
    const queueDepth = await this.o.units
      .depth()
      .then((d) => d.waiting)
      .catch(() => null);
    return {
      desiredWorkers: desiredWorkers({ units, unitsPerWorker }),
      liveWorkers: this.o.membership.members().length,
      units,
      unitsPerWorker,
      queueDepth,
    };
  }

  /** The highest fencing token seen in the status topic for a unit: new tokens go above it. */
  private highestFence(unit: UnitKey): number {
    return this.o.statuses.highestFence(parseUnit(unit)) ?? 0;
  }

  /** Status writes carry the unit's fencing token, so a zombie's late write is dropped by every reader. */
  private putTask(name: string, task: number, state: UnitState, trace: string | null = null): Promise<void> {
    const unit = taskUnit(name, task);
    const status = this.unitStatus(unit, state, trace);
    this.lastStatus.set(unit, status);
    const fence = this.o.leases.token(unit);
    return this.o.statuses.putTask(name, task, status, fence === undefined ? {} : { fence });
  }

  private putConnector(name: string, state: UnitState, trace: string | null = null): Promise<void> {
    const unit = connectorUnit(name);
    const status = this.unitStatus(unit, state, trace);
    this.lastStatus.set(unit, status);
    const fence = this.o.leases.token(unit);
    return this.o.statuses.putConnector(name, status, fence === undefined ? {} : { fence });
  }

  private unitStatus(unit: UnitKey, state: UnitState, trace: string | null): UnitStatus {
    const attempts = this.attempts.get(unit) ?? 0;
    return { ...this.status(state, trace), ...(attempts > 0 ? { attempts } : {}) };
  }

  /** the last status this worker wrote per unit it owns, to re-assert over a stale owner's late write */
  private readonly lastStatus = new Map<UnitKey, UnitStatus>();

  /** The unit's consecutive failures so far, from Redis (it may have failed on another worker). */
  private async loadAttempts(unit: UnitKey): Promise<void> {
    try {
      const n = Number((await this.o.redis.hget(this.o.keys.restarts, unit)) ?? 0);
      if (n > 0) this.attempts.set(unit, n);
      else this.attempts.delete(unit);
    } catch (e) {
      this.o.logger.warn({ err: e, unit }, "reading the unit's restart attempts failed");
    }
  }

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
    const unit = connectorUnit(name);
    if (!config) return;
    this.running.set(unit, { fingerprint, startedAt: Date.now() });
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
      raiseError: (e) => this.unitFailed(unit, e),
    };
    try {
      await this.o.worker.startConnector(name, await this.resolved(config), context);
      await this.putConnector(name, target === "PAUSED" ? "PAUSED" : "RUNNING");
      await this.generateTaskConfigs(name);
    } catch (e) {
      this.o.logger.error({ err: e, connector: name }, "connector failed to start");
      this.unitFailed(unit, e);
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
      this.unitFailed(connectorUnit(name), e);
      return;
    }
    const stored = this.o.configs.taskConfigs(name);
    if (stored && JSON.stringify(stored) === JSON.stringify(generated)) return;
    await this.o.configs.putTaskConfigs(name, generated, this.o.leases.token(connectorUnit(name)));
  }

  /**
   * A unit failed: FAILED in status (with the attempt count), then it waits out its backoff in the queue.
   * A unit that ran longer than the backoff cap before failing starts again from the initial backoff.
   */
  private unitFailed(unit: UnitKey, e: unknown): void {
    const r = this.running.get(unit);
    if (!r || this.failed.has(unit)) return;
    const ranMs = Date.now() - r.startedAt;
    const attempts = (ranMs > this.o.cluster.restartBackoffMaxMs ? 0 : (this.attempts.get(unit) ?? 0)) + 1;
    this.attempts.set(unit, attempts);
    const backoff = restartBackoffMs(this.o.cluster, attempts);
    this.failedBackoff.set(unit, backoff);
    this.failed.add(unit);
    const u = parseUnit(unit);
    const trace = describeError(e);
    const write =
      u.task === undefined
        ? this.putConnector(u.connector, "FAILED", trace)
        : this.putTask(u.connector, u.task, "FAILED", trace);
    this.o.logger.warn(
      { unit, attempts, restartInMs: this.o.cluster.autoRestart ? backoff : null },
      "unit failed",
    );
    Promise.all([write, this.o.redis.hset(this.o.keys.restarts, unit, attempts)])
      .catch((err) => this.o.logger.error({ err, unit }, "recording the failure failed"))
      .finally(() => this.requestReconcile());
  }

  private taskListener(name: string, task: number): StatusListener {
    const unit = taskUnit(name, task);
    const put = (state: UnitState, trace: string | null = null) => {
      this.putTask(name, task, state, trace).catch((e) =>
        this.o.logger.error({ err: e }, "status write failed"),
      );
    };
    return {
      onRunning: () => put("RUNNING"),
      onPaused: () => put("PAUSED"),
      onFailure: (e) => this.unitFailed(unit, e),
      onShutdown: () => {
        // a task stopped because it moved or its connector went away says nothing; the next owner reports
      },
    };
  }

  private async startTaskUnit(name: string, task: number, fingerprint: string): Promise<void> {
    const config = this.o.configs.connectorConfig(name);
    const tc = this.o.configs.taskConfigs(name)?.[task];
    const unit = taskUnit(name, task);
    if (!config || !tc) return;
    this.running.set(unit, { fingerprint, startedAt: Date.now() });
    // a paused connector's tasks are assigned but do not run; their owner reports PAUSED
    if (this.o.configs.targetState(name) === "PAUSED") {
      await this.putTask(name, task, "PAUSED");
      return;
    }
    try {
      const sink = this.connectorType(name, config) === "sink";
      const previousMember = sink ? await this.previousSinkMember(unit) : undefined;
      await this.o.worker.startTask(
        { connector: name, task },
        await this.resolved(tc),
        await this.resolved(config),
        this.taskListener(name, task),
        {
          mayWrite: () => this.o.leases.isValid(unit),
          leaseValidUntil: () => this.o.leases.surelyHeldUntil(unit),
          ...(sink ? { onSinkGroupJoin: (memberId: string) => this.recordSinkMember(unit, memberId) } : {}),
        },
      );
      if (previousMember) this.evictPreviousSinkMember(unit, name, previousMember);
    } catch (e) {
      this.unitFailed(unit, e);
    }
  }

  // ---- sink failover: the lease, not the consumer-group session, decides when a new owner reads

  private async previousSinkMember(unit: UnitKey): Promise<string | undefined> {
    try {
      return (await this.o.redis.hget(this.o.keys.sinkMembers, unit)) ?? undefined;
    } catch (e) {
      this.o.logger.warn({ err: e, unit }, "reading the previous sink consumer member failed");
      return undefined;
    }
  }

  private recordSinkMember(unit: UnitKey, memberId: string): void {
    this.o.redis
      .hset(this.o.keys.sinkMembers, unit, memberId)
      .catch((e) => this.o.logger.warn({ err: e, unit }, "recording the sink consumer member failed"));
  }

  private evictPreviousSinkMember(unit: UnitKey, connector: string, memberId: string): void {
    const abort = new AbortController();
    this.evictions.set(unit, abort);
    void this.withAdmin((admin) =>
      evictWhenRejoining(
        this.o.kafka,
        admin,
        `connect-${connector}`,
        memberId,
        this.o.logger.child({ unit }),
        15_000,
        abort.signal,
      ),
    )
      .catch((e) => this.o.logger.warn({ err: e, unit }, "evicting the previous sink consumer failed"))
      .finally(() => {
        if (this.evictions.get(unit) === abort) this.evictions.delete(unit);
      });
  }

  private readonly evictions = new Map<UnitKey, AbortController>();

  /**
   * Stops the unit's instance at once (no new writes from this instant; the journal entry marks it), then
   * waits for it to finish (a task flushes its offsets). Idempotent.
   */
  private haltUnit(unit: UnitKey): Promise<void> {
    const r = this.running.get(unit);
    if (!r) return Promise.resolve();
    if (r.halting) return r.halting;
    this.evictions.get(unit)?.abort();
    const u = parseUnit(unit);
    // the worker's stop methods set the instance's stop flag synchronously, before their first await
    const halting =
      u.task === undefined
        ? this.o.worker.stopConnector(u.connector)
        : this.o.worker.stopTask({ connector: u.connector, task: u.task });
    this.o.logger.info({ unit, journal: "stop" }, "unit stopped");
    r.halting = halting.catch((e) => this.o.logger.warn({ err: e, unit }, "stopping a unit failed"));
    return r.halting;
  }

  /** Stops the unit, then releases its lease (unless it restarts here) so the next owner can start it. */
  private async stopUnit(unit: UnitKey, keepLease = false): Promise<void> {
    await this.haltUnit(unit);
    this.running.delete(unit);
    this.lastStatus.delete(unit);
    if (!keepLease) await this.o.leases.release(unit);
  }

  /** The lease of a running unit was lost (Redis unreachable, or it expired): stop it now, not later. */
  onLeaseLost(unit: UnitKey): void {
    this.lost.add(unit);
    void this.haltUnit(unit);
    this.requestReconcile();
  }

  /** The unit's job was lost (its lock expired): another worker may take it; stop it now. */
  onJobLost(unit: UnitKey): void {
    void this.haltUnit(unit);
    this.requestReconcile();
  }

  /** Graceful stop: every unit stops (tasks flush offsets) and goes straight back to the queue. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.isReady = false;
    for (const u of this.unsubscribe) u();
    this.o.units.stopFetching();
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    await this.reconciler.stop();
    await this.reconciling;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await Promise.all(
      [...new Set([...this.running.keys(), ...this.o.units.units()])].map(async (unit) => {
        if (this.running.has(unit)) await this.stopUnit(unit);
        await this.o.units.handBack(unit);
      }),
    );
    await this.o.units.close();
  }
}

export { ConnectError };
