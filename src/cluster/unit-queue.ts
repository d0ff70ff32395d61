/**
 * The units that should run (connector and task instances) as BullMQ jobs, one queue per cluster. A worker
 * fetches jobs itself (BullMQ's manual-fetch pattern) instead of running BullMQ's processor loop, because
 * units run for as long as they are wanted: the processor loop waits for an active job to finish before it
 * fetches beyond its concurrency, so a raised fair share would never be used. Here the fetch loop takes a
 * job whenever the worker holds fewer than its capacity, and a job ends in one of three ways:
 *
 * - done: the unit is no longer wanted (completed and removed);
 * - handed back: graceful stop or rebalance (straight back to wait, another worker takes it at once);
 * - delayed: the unit failed and restarts after a backoff (back to wait when the delay is over).
 *
 * A worker that dies stops renewing its job locks; BullMQ's stalled-job check (every worker runs it, Redis
 * serialises it) returns its jobs to the queue. Who may *run* a unit is still decided by the unit's lease
 * and fencing token (unit-leases.ts): a job lock can be lost to an event-loop stall while the unit runs.
 */
import { Worker as BullWorker, type Job, Queue } from "bullmq";
import { Redis } from "ioredis";
import type { Logger } from "../log/logger.js";
import { sleep } from "../sleep.js";

export interface UnitJobData {
  readonly unit: string;
}

export interface UnitQueueOptions {
  readonly redisUrl: string;
  /** Kafka Connect's group.id: the queues of a cluster live under ferry:{group.id} */
  readonly groupId: string;
  /** the queue's name within the cluster (one for connector instances, one for tasks) */
  readonly queueName: string;
  readonly workerId: string;
  /** BullMQ job lock duration; renewed every quarter of it */
  readonly lockMs: number;
  readonly stallCheckIntervalMs: number;
  readonly logger: Logger;
  /** a job was taken: its unit is now this worker's to run */
  readonly onTaken: (unit: string) => void;
  /** the job's lock was lost (Redis away too long, or the job was returned as stalled): stop the unit */
  readonly onLost: (unit: string) => void;
}

/** Custom BullMQ job ids may not contain ":"; unit names do. */
export const jobIdOf = (unit: string) => encodeURIComponent(unit);

function unitOfJobId(id: string): string | undefined {
  try {
    return decodeURIComponent(id);
  } catch {
    return undefined;
  }
}

interface Held {
  readonly job: Job<UnitJobData>;
  readonly token: string;
}

export class UnitQueue {
  readonly queue: Queue<UnitJobData>;
  private readonly worker: BullWorker<UnitJobData>;
  private readonly held = new Map<string, Held>();
  private capacity = 1;
  private closing = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private lockTimer: NodeJS.Timeout | null = null;
  private extending: Promise<void> | null = null;
  private tokenSeq = 0;
  /** after a rebalancing hand-back, take nothing until then, so the unit goes to a worker with room */
  private cooldownUntil = 0;
  private readonly connections: Redis[] = [];

  constructor(private readonly o: UnitQueueOptions) {
    const connection = () => {
      // BullMQ needs maxRetriesPerRequest null on the connection its blocking fetch uses
      const r = new Redis(o.redisUrl, {
        maxRetriesPerRequest: null,
        connectionName: `ferry-units-${o.workerId}`,
        retryStrategy: (times) => Math.min(times * 100, 1000),
      });
      r.on("error", () => {
        // reported through the callers' failures; ioredis reconnects by itself
      });
      this.connections.push(r);
      return r;
    };
    const prefix = `ferry:{${o.groupId}}`;
    this.queue = new Queue<UnitJobData>(o.queueName, { connection: connection(), prefix });
    this.worker = new BullWorker<UnitJobData>(o.queueName, null, {
      connection: connection(),
      prefix,
      autorun: false,
      lockDuration: o.lockMs,
      stalledInterval: o.stallCheckIntervalMs,
      // a unit that fails over many times is still a unit: never fail its job for stalling
      maxStalledCount: Number.MAX_SAFE_INTEGER,
      // seconds: how long one blocking fetch waits; short so closing is quick
      drainDelay: 1,
      name: o.workerId,
    });
    this.worker.on("error", (e) => o.logger.warn({ err: e }, "unit queue error"));
    this.queue.on("error", (e) => o.logger.warn({ err: e }, "unit queue error"));
  }

  async start(): Promise<void> {
    await this.queue.waitUntilReady();
    await this.worker.waitUntilReady();
    await this.worker.startStalledCheckTimer();
    this.lockTimer = setInterval(
      () => {
        this.extending ??= this.extendLocks().finally(() => {
          this.extending = null;
        });
      },
      Math.max(50, Math.floor(this.o.lockMs / 4)),
    );
    this.loop = this.fetchLoop();
  }

  /** How many units this worker may hold; raising it lets the fetch loop take more at once. */
  setCapacity(n: number): void {
    // a raised share means a worker left: failover never waits for a rebalancing cooldown
    if (n > this.capacity) this.cooldownUntil = 0;
    this.capacity = Math.max(1, n);
    this.wake?.();
  }

  getCapacity(): number {
    return this.capacity;
  }

  holds(unit: string): boolean {
    return this.held.has(unit);
  }

  units(): string[] {
    return [...this.held.keys()];
  }

  private async fetchLoop(): Promise<void> {
    while (!this.closing) {
      const cooling = this.cooldownUntil - Date.now();
      if (this.held.size >= this.capacity || cooling > 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, cooling > 0 ? Math.min(cooling, 1000) : 1000);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = null;
        continue;
      }
      const token = `${this.o.workerId}:${++this.tokenSeq}`;
      let job: Job<UnitJobData> | undefined;
      try {
        job = await this.worker.getNextJob(token, { block: true });
      } catch (e) {
        if (this.closing) break;
        this.o.logger.warn({ err: e }, "fetching a unit job failed; retrying");
        await sleep(500);
        continue;
      }
      if (!job) continue;
      const unit = job.data?.unit;
      if (typeof unit !== "string" || unit.length === 0) {
        this.o.logger.error({ jobId: job.id }, "unit job without a unit; removing it");
        await job.moveToCompleted("invalid", token, false).catch(() => undefined);
        continue;
      }
      if (this.closing || this.held.has(unit)) {
        // closing, or a stale duplicate delivery of a unit we already hold: give it straight back
        await job.moveToWait(token).catch(() => undefined);
        continue;
      }
      this.held.set(unit, { job, token });
      this.o.logger.debug({ unit, jobId: job.id }, "unit job taken");
      this.o.onTaken(unit);
    }
  }

  private async extendLocks(): Promise<void> {
    const entries = [...this.held.entries()];
    if (entries.length === 0) return;
    let failed: string[];
    try {
      failed = (await this.worker.extendJobLocks(
        entries.map(([, h]) => h.job.id ?? ""),
        entries.map(([, h]) => h.token),
        this.o.lockMs,
      )) as string[];
    } catch (e) {
      // Redis away: the unit leases (renewed on their own connection) decide when units stop
      this.o.logger.warn({ err: e }, "extending unit job locks failed");
      return;
    }
    const lost = new Set(failed);
    for (const [unit, h] of entries) {
      if (!lost.has(h.job.id ?? "") || this.held.get(unit) !== h) continue;
      this.held.delete(unit);
      this.o.logger.warn({ unit }, "unit job lock lost; stopping the unit");
      this.o.onLost(unit);
      this.wake?.();
    }
  }

  /**
   * Lets go of the unit's job and moves it on (`what` names the move in the log). A move that fails means
   * the lock was already lost: BullMQ's stalled check has the job, nothing else to do.
   */
  private async release(unit: string, what: string, move: (h: Held) => Promise<unknown>): Promise<void> {
    const h = this.held.get(unit);
    if (!h) return;
    this.held.delete(unit);
    this.wake?.();
    await move(h).catch((e: unknown) => {
      this.o.logger.debug({ err: e, unit }, `${what} a unit job failed (lock already lost)`);
    });
  }

  /** The unit is no longer wanted: its job completes and is removed. */
  done(unit: string): Promise<void> {
    return this.release(unit, "completing", (h) => h.job.moveToCompleted("done", h.token, false));
  }

  /**
   * Graceful stop or rebalance: the job goes straight back to the queue for another worker. `cooldownMs`
   * (rebalancing) keeps this worker from taking it straight back.
   */
  handBack(unit: string, cooldownMs = 0): Promise<void> {
    if (cooldownMs > 0) this.cooldownUntil = Math.max(this.cooldownUntil, Date.now() + cooldownMs);
    return this.release(unit, "handing back", (h) => h.job.moveToWait(h.token));
  }

  /** The unit failed: its job comes back after the backoff. */
  retryLater(unit: string, delayMs: number): Promise<void> {
    return this.release(unit, "delaying", (h) => h.job.moveToDelayed(Date.now() + delayMs, h.token));
  }

  /** A restart request: a unit waiting out its backoff runs again now (wherever a worker has room). */
  async promote(unit: string): Promise<boolean> {
    const job = await this.queue.getJob(jobIdOf(unit));
    if (!job || !(await job.isDelayed())) return false;
    await job.promote();
    return true;
  }

  /**
   * Makes the jobs equal to the wanted units (the reconciler's pass): adds the missing ones, removes jobs
   * of units no longer wanted unless a worker holds them (that worker ends them itself), and replaces jobs
   * that failed or completed while still wanted.
   */
  async reconcile(wanted: ReadonlySet<string>): Promise<{ added: number; removed: number }> {
    // ids only (a unit's job id is its encoded name): cheap enough to run every few seconds with
    // thousands of units, where fetching every job's hash would not be
    const [live, ended] = await Promise.all([
      this.queue.getRanges(["active", "wait", "delayed", "prioritized"]),
      this.queue.getRanges(["failed", "completed"]),
    ]);
    const present = new Set<string>();
    let added = 0;
    let removed = 0;
    for (const id of live) {
      const unit = unitOfJobId(id);
      if (unit !== undefined && wanted.has(unit)) {
        present.add(unit);
        continue;
      }
      // BullMQ refuses to remove a locked (active) job: its holder ends it when it sees the change
      if ((await this.queue.remove(id)) === 1) removed++;
    }
    for (const id of ended) {
      if ((await this.queue.remove(id)) === 1) removed++;
    }
    for (const unit of wanted) {
      if (present.has(unit)) continue;
      await this.queue.add(
        "unit",
        { unit },
        { jobId: jobIdOf(unit), removeOnComplete: true, removeOnFail: true, attempts: 1 },
      );
      added++;
    }
    return { added, removed };
  }

  /** Jobs not held by any worker: waiting to run, or waiting out a restart backoff. */
  async depth(): Promise<{ waiting: number; delayed: number; active: number }> {
    const c = await this.queue.getJobCounts("wait", "prioritized", "delayed", "active");
    return {
      waiting: (c.wait ?? 0) + (c.prioritized ?? 0),
      delayed: c.delayed ?? 0,
      active: c.active ?? 0,
    };
  }

  /** Takes no more jobs (graceful stop): the units held are then stopped and handed back. */
  stopFetching(): void {
    this.closing = true;
    this.wake?.();
  }

  /** Closes the queue; jobs still held go back to the queue. */
  async close(): Promise<void> {
    this.closing = true;
    this.wake?.();
    if (this.lockTimer) clearInterval(this.lockTimer);
    await this.extending;
    for (const unit of [...this.held.keys()]) await this.handBack(unit);
    await this.worker.close(true).catch((e) => this.o.logger.warn({ err: e }, "closing the unit worker"));
    await this.loop;
    await this.queue.close().catch((e) => this.o.logger.warn({ err: e }, "closing the unit queue"));
    for (const c of this.connections) c.disconnect();
  }
}
