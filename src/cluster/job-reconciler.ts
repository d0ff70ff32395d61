/**
 * Keeps the unit jobs equal to the units the config topic wants. One worker at a time does it, the holder
 * of a short Redis lease, so two workers with different views of the config log never add and remove the
 * same job against each other. It runs at once when the config changes and every few seconds, which also
 * repairs the queue after Redis lost its data (a restart without persistence).
 */
import type { Redis } from "ioredis";
import type { Logger } from "../log/logger.js";
import { EXTEND_IF_OWNER, RELEASE_IF_OWNER } from "./lease-scripts.js";
import type { UnitQueues } from "./unit-queues.js";

export interface JobReconcilerOptions {
  readonly redis: Redis;
  readonly leaseKey: string;
  readonly workerId: string;
  readonly queue: UnitQueues;
  /** the units that should run now, from this worker's view of the config log */
  readonly wanted: () => Promise<ReadonlySet<string>>;
  readonly logger: Logger;
  readonly leaseTtlMs?: number;
  /** how often the lease is renewed or tried */
  readonly intervalMs?: number;
  /** how often the holder reconciles without a config change (repairs the queue after Redis lost it) */
  readonly repairIntervalMs?: number;
}

export class JobReconciler {
  private leader = false;
  private timer: NodeJS.Timeout | null = null;
  private repair: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** no bid for the lease before then: this worker could not reconcile (its view of the config failed) */
  private benchedUntil = 0;
  private readonly ttl: number;

  constructor(private readonly o: JobReconcilerOptions) {
    this.ttl = o.leaseTtlMs ?? 3000;
  }

  isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    const tick = () => {
      this.tick().catch((e) => this.o.logger.warn({ err: e }, "job reconciler tick failed"));
    };
    tick();
    this.timer = setInterval(tick, this.o.intervalMs ?? 1000);
    this.repair = setInterval(() => {
      if (this.leader) this.run();
    }, this.o.repairIntervalMs ?? 3000);
  }

  /** The config changed: the leader reconciles now. */
  request(): void {
    if (this.leader) this.run();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const { redis, leaseKey, workerId } = this.o;
    let ok = false;
    if (!this.leader && Date.now() < this.benchedUntil) return;
    try {
      ok = this.leader
        ? Number(await redis.eval(EXTEND_IF_OWNER, 1, leaseKey, workerId, this.ttl)) === 1
        : (await redis.set(leaseKey, workerId, "PX", this.ttl, "NX")) === "OK";
    } catch (e) {
      this.o.logger.debug({ err: e }, "job reconciler lease check failed");
    }
    if (ok !== this.leader) this.o.logger.info({ leader: ok }, "job reconciler lease changed");
    const gained = ok && !this.leader;
    this.leader = ok;
    if (gained) this.run();
  }

  private run(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          const { added, removed } = await this.o.queue.reconcile(await this.o.wanted());
          if (added + removed > 0) this.o.logger.info({ added, removed }, "unit jobs reconciled");
        } catch (e) {
          // a holder that cannot reconcile (its config log failed, Kafka away) steps aside for a while, so
          // a worker that can takes over instead of the jobs going unrepaired
          this.o.logger.warn({ err: e }, "reconciling unit jobs failed; handing the reconciler lease on");
          await this.resign(10_000);
        }
      } while (this.again && this.leader && !this.stopped);
    })().finally(() => {
      this.running = null;
    });
  }

  private async resign(benchMs: number): Promise<void> {
    this.benchedUntil = Date.now() + benchMs;
    if (!this.leader) return;
    this.leader = false;
    await this.o.redis.eval(RELEASE_IF_OWNER, 1, this.o.leaseKey, this.o.workerId).catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.repair) clearInterval(this.repair);
    await this.running;
    await this.resign(0);
  }
}
