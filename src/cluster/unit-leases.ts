/**
 * A Redis lease per unit: a worker starts a unit only once it holds the unit's lease, renews every lease it
 * holds at TTL/4, and stops a unit whose lease it could not renew. A unit moving between workers (a worker
 * joined or left) therefore never runs on both: the new owner waits until the old one released the lease,
 * or until it expired if the old owner died. Acquire, extend and release are Lua scripts (compare and set).
 */
import type { Redis } from "ioredis";
import type { Logger } from "../log/logger.js";
import { EXTEND_IF_OWNER, RELEASE_IF_OWNER } from "./lease-scripts.js";

// A new lease increments the unit's fencing counter (never below ARGV[3], the highest token seen in Kafka,
// so a Redis restart cannot send tokens backwards) and returns it; a lease already ours is extended and
// keeps its token; 0 means another worker holds it.
const ACQUIRE = `
if redis.call("set", KEYS[1], ARGV[1], "NX", "PX", ARGV[2]) then
  local t = redis.call("incr", KEYS[2])
  local floor = tonumber(ARGV[3])
  if t <= floor then t = floor + 1 redis.call("set", KEYS[2], t) end
  return t
end
if redis.call("get", KEYS[1]) == ARGV[1] then
  redis.call("pexpire", KEYS[1], ARGV[2])
  return tonumber(redis.call("get", KEYS[2]) or "0")
end
return 0`;

export interface UnitLeasesOptions {
  readonly redis: Redis;
  readonly keyOf: (unit: string) => string;
  readonly fenceKeyOf: (unit: string) => string;
  readonly owner: string;
  readonly ttlMs: number;
  readonly logger: Logger;
  /** the lease of a running unit could not be renewed: stop the unit */
  readonly onLost: (unit: string) => void;
  /** leases renewed (metrics) */
  readonly onRenewed?: (count: number) => void;
}

export class UnitLeases {
  /** unit → the fencing token of our lease */
  private readonly held = new Map<string, number>();
  /** unit → until when our lease is surely valid: the send time of the last successful renewal + TTL */
  private readonly validUntil = new Map<string, number>();
  private watchdog: NodeJS.Timeout | null = null;
  private timer: NodeJS.Timeout | null = null;
  private renewing: Promise<void> | null = null;

  constructor(private readonly o: UnitLeasesOptions) {}

  holds(unit: string): boolean {
    return this.held.has(unit);
  }

  /**
   * Whether writes for the unit may still go out: the lease is held and surely unexpired, with the same
   * quarter-TTL margin as the watchdog. Checked by runners right before each send, because after an
   * event-loop stall a send can run before the watchdog's timer does.
   */
  /** Until when (Date.now()) the lease is surely held, as isValid() judges it; undefined when it is not held. */
  surelyHeldUntil(unit: string): number | undefined {
    const until = this.validUntil.get(unit);
    return until === undefined ? undefined : until - Math.floor(this.o.ttlMs / 4);
  }

  isValid(unit: string): boolean {
    const until = this.validUntil.get(unit);
    return until !== undefined && Date.now() < until - Math.floor(this.o.ttlMs / 4);
  }

  /** The fencing token of the lease we hold on the unit, if any. */
  token(unit: string): number | undefined {
    return this.held.get(unit);
  }

  /**
   * Takes the unit's lease; returns its fencing token, or null when another worker holds it. `floor` is the
   * highest token already seen for the unit (in Kafka); the new token is above it.
   */
  async acquire(unit: string, floor = 0): Promise<number | null> {
    const sent = Date.now();
    const t = Number(
      await this.o.redis.eval(
        ACQUIRE,
        2,
        this.o.keyOf(unit),
        this.o.fenceKeyOf(unit),
        this.o.owner,
        this.o.ttlMs,
        floor,
      ),
    );
    if (!(t > 0)) return null;
    this.held.set(unit, t);
    this.validUntil.set(unit, sent + this.o.ttlMs);
    return t;
  }

  async release(unit: string): Promise<void> {
    this.held.delete(unit);
    this.validUntil.delete(unit);
    await this.o.redis.eval(RELEASE_IF_OWNER, 1, this.o.keyOf(unit), this.o.owner).catch((e: unknown) => {
      // the lease expires by itself; the next owner waits at most the TTL
      this.o.logger.warn({ err: e, unit }, "lease release failed");
    });
  }

  start(): void {
    this.timer = setInterval(
      () => {
        this.renewing ??= this.renew().finally(() => {
          this.renewing = null;
        });
      },
      Math.max(50, Math.floor(this.o.ttlMs / 4)),
    );
    // A renewal can hang (Redis unreachable without an error): the unit must stop before its lease can
    // expire, a quarter TTL ahead, whatever the renewal calls do.
    this.watchdog = setInterval(() => this.expireOverdue(), Math.max(20, Math.floor(this.o.ttlMs / 20)));
  }

  private expireOverdue(): void {
    const now = Date.now();
    const margin = Math.floor(this.o.ttlMs / 4);
    for (const [u, until] of this.validUntil) {
      if (now < until - margin) continue;
      this.lose(u, "lease renewal overdue; stopping the unit before the lease can expire");
    }
  }

  private lose(unit: string, why: string): void {
    if (!this.held.has(unit)) return;
    this.held.delete(unit);
    this.validUntil.delete(unit);
    this.o.logger.warn({ unit }, why);
    this.o.onLost(unit);
  }

  /** Extends every held lease; a lease not extended (taken, expired, or Redis unreachable) is lost at once. */
  private async renew(): Promise<void> {
    const units = [...this.held.keys()];
    if (units.length === 0) return;
    const sent = Date.now();
    let results: [Error | null, unknown][] | null = null;
    try {
      const pipe = this.o.redis.pipeline();
      for (const u of units) pipe.eval(EXTEND_IF_OWNER, 1, this.o.keyOf(u), this.o.owner, this.o.ttlMs);
      results = await pipe.exec();
    } catch (e) {
      this.o.logger.warn({ err: e }, "lease renewal failed");
    }
    let renewed = 0;
    for (const [i, u] of units.entries()) {
      const r = results?.[i];
      if (r && !r[0] && r[1] === 1) {
        if (this.held.has(u)) this.validUntil.set(u, sent + this.o.ttlMs);
        renewed++;
        continue;
      }
      // a renewal refused (taken or expired) or failed: stop now, well inside the TTL
      this.lose(u, "lease not renewed; stopping the unit");
    }
    if (renewed > 0) this.o.onRenewed?.(renewed);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.watchdog) clearInterval(this.watchdog);
    this.timer = null;
    this.watchdog = null;
    await this.renewing;
  }
}
