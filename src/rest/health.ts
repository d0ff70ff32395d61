/**
 * Liveness and readiness, for orchestrators (Kubernetes probes, compose health checks):
 *   - liveness (/healthz): the process answers and its event loop is responsive: the p99 event-loop delay
 *     over the last measuring interval (perf_hooks.monitorEventLoopDelay) is under a threshold;
 *   - readiness (/readyz): the herder is ready (state loaded, REST up) and every dependency the worker uses
 *     (Kafka; Redis in distributed mode) is reachable. Dependency checks are cached for a moment so that
 *     frequent probes cost no more than one round trip per interval.
 * Kafka Connect's own /health stays as it is (see app.ts).
 */
import { type IntervalHistogram, monitorEventLoopDelay } from "node:perf_hooks";
import { errorMessage } from "../errors.js";
import type { KafkaClient } from "../kafka/types.js";

export interface EventLoopMonitorOptions {
  /** how often the p99 is taken and the histogram reset (default 5 s) */
  readonly intervalMs?: number;
  /** p99 delay above which the worker is not live (default 2 s) */
  readonly thresholdMs?: number;
}

/** Event-loop delay over fixed intervals; `healthy()` looks at the last completed interval. */
export class EventLoopMonitor {
  private readonly histogram: IntervalHistogram;
  private readonly timer: NodeJS.Timeout;
  private lastP99Ms = 0;
  private lastMaxMs = 0;
  readonly thresholdMs: number;
  readonly intervalMs: number;

  constructor(o: EventLoopMonitorOptions = {}) {
    this.intervalMs = o.intervalMs ?? 5000;
    this.thresholdMs = o.thresholdMs ?? 2000;
    this.histogram = monitorEventLoopDelay({ resolution: 20 });
    this.histogram.enable();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** Closes the current interval: its p99 becomes the one `healthy()` judges. */
  sample(): void {
    // the histogram is in nanoseconds; an empty one reports NaN / 0
    const p99 = this.histogram.percentile(99);
    const max = this.histogram.max;
    this.lastP99Ms = Number.isFinite(p99) ? p99 / 1e6 : 0;
    this.lastMaxMs = Number.isFinite(max) ? max / 1e6 : 0;
    this.histogram.reset();
  }

  status(): { healthy: boolean; p99Ms: number; maxMs: number; thresholdMs: number } {
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      healthy: this.lastP99Ms <= this.thresholdMs,
      p99Ms: round(this.lastP99Ms),
      maxMs: round(this.lastMaxMs),
      thresholdMs: this.thresholdMs,
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}

/** One readiness condition: `check` resolves true when met, false or a throw when not. */
export interface ReadinessCheck {
  readonly name: string;
  check(): boolean | Promise<boolean>;
}

export interface ReadinessResult {
  readonly ready: boolean;
  readonly checks: Record<string, { ok: boolean; error?: string }>;
}

/** Runs every check (each bounded by `timeoutMs`); ready when all pass. */
export async function runReadiness(
  checks: readonly ReadinessCheck[],
  timeoutMs = 2000,
): Promise<ReadinessResult> {
  const out: Record<string, { ok: boolean; error?: string }> = {};
  await Promise.all(
    checks.map(async (c) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const ok = await Promise.race([
          Promise.resolve().then(() => c.check()),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        out[c.name] = ok ? { ok: true } : { ok: false };
      } catch (e) {
        out[c.name] = { ok: false, error: errorMessage(e) };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: Object.values(out).every((r) => r.ok), checks: out };
}

/**
 * Wraps a check so that its result is reused for `ttlMs` (a failure for a shorter time, so recovery shows
 * quickly), and concurrent probes share one attempt.
 */
export function cachedCheck(
  name: string,
  check: () => Promise<boolean>,
  ttlMs = 5000,
  failureTtlMs = 1000,
): ReadinessCheck {
  let until = 0;
  let last: { ok: boolean; error?: unknown } = { ok: false };
  let inFlight: Promise<void> | null = null;
  return {
    name,
    async check() {
      if (Date.now() >= until) {
        inFlight ??= check()
          .then((ok) => {
            last = { ok };
          })
          .catch((error: unknown) => {
            last = { ok: false, error };
          })
          .finally(() => {
            until = Date.now() + (last.ok ? ttlMs : failureTtlMs);
            inFlight = null;
          });
        await inFlight;
      }
      if (last.error !== undefined) throw last.error;
      return last.ok;
    },
  };
}

/**
 * Kafka is reachable: a lazily connected admin client describes the cluster. The client stays connected
 * between probes; `close()` disconnects it.
 */
export function kafkaCheck(kafka: KafkaClient, ttlMs = 5000): ReadinessCheck & { close(): Promise<void> } {
  let admin: ReturnType<KafkaClient["admin"]> | null = null;
  let connected: Promise<void> | null = null;
  const inner = cachedCheck(
    "kafka",
    async () => {
      admin ??= kafka.admin();
      connected ??= admin.connect().catch((e: unknown) => {
        connected = null;
        throw e;
      });
      await connected;
      const d = await admin.describeCluster();
      return d.brokers.length > 0;
    },
    ttlMs,
  );
  return {
    name: inner.name,
    check: () => inner.check(),
    async close() {
      const a = admin;
      admin = null;
      connected = null;
      await a?.disconnect().catch(() => undefined);
    },
  };
}

/** What the Redis check needs of an ioredis client. */
export interface PingableRedis {
  readonly status: string;
  ping(): Promise<string>;
}

/** Redis is reachable: the client is connected and answers PING. */
export function redisCheck(redis: PingableRedis, ttlMs = 2000): ReadinessCheck {
  return cachedCheck(
    "redis",
    async () => {
      if (redis.status !== "ready") throw new Error(`Redis connection is ${redis.status}`);
      return (await redis.ping()) === "PONG";
    },
    ttlMs,
  );
}
