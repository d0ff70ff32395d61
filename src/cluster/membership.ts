/**
 * Cluster membership from worker heartbeats in Redis: each worker refreshes its entry in a sorted set
 * (score = expiry time) every interval; a worker whose entry expired is gone. Listeners hear when the set of
 * live workers changes.
 */
import type { Redis } from "ioredis";
import type { Logger } from "../log/logger.js";

export interface MembershipOptions {
  readonly redis: Redis;
  readonly key: string;
  readonly workerId: string;
  /** how long a heartbeat keeps a worker alive */
  readonly ttlMs: number;
  readonly logger: Logger;
}

export class Membership {
  private live: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<(members: readonly string[]) => void>();
  private beating: Promise<void> | null = null;

  constructor(private readonly o: MembershipOptions) {}

  members(): readonly string[] {
    return this.live;
  }

  onChange(fn: (members: readonly string[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(
      () => {
        this.beating ??= this.beat()
          .catch((e) => this.o.logger.warn({ err: e }, "membership heartbeat failed"))
          .finally(() => {
            this.beating = null;
          });
      },
      Math.max(100, Math.floor(this.o.ttlMs / 3)),
    );
  }

  /** Refreshes this worker's entry, drops expired ones and reads the live set. */
  async beat(): Promise<void> {
    const now = Date.now();
    const { redis, key, workerId, ttlMs } = this.o;
    const res = await redis
      .multi()
      .zadd(key, now + ttlMs, workerId)
      .zremrangebyscore(key, "-inf", now)
      .zrange(key, 0, -1)
      .exec();
    const last = res?.[2];
    if (!last || last[0]) throw last?.[0] ?? new Error("membership read failed");
    const members = [...(last[1] as string[])].sort();
    if (members.join("\n") !== this.live.join("\n")) {
      this.live = members;
      this.o.logger.info({ members }, "cluster members changed");
      for (const l of this.listeners) l(members);
    }
  }

  /** Leaves at once (graceful stop), so others need not wait for the entry to expire. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating;
    await this.o.redis.zrem(this.o.key, this.o.workerId).catch(() => undefined);
  }
}
