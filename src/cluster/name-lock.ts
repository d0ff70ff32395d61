/**
 * A per-name Redis lock (SET NX PX; owner-checked extend and delete in Lua) under which a worker decides a
 * conditional write such as "create only if absent" after reading the config log to its end. The lock only
 * serialises deciders; the decision itself comes from the log (design.md, "State in Kafka").
 *
 * The holder renews the lock every third of its TTL for as long as the decision takes, and confirms it
 * still holds it right before the write (HeldNameLock.confirm): a holder that lost it — a renewal found
 * another owner or none, e.g. after a stall longer than the TTL — writes nothing and fails, so two deciders
 * can never both write "absent".
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { ConnectError } from "../errors.js";
import { EXTEND_IF_OWNER, RELEASE_IF_OWNER } from "./lease-scripts.js";

export interface NameLockOptions {
  /** how long the lock lives without renewal: bounds how long a dead holder blocks the name */
  readonly ttlMs: number;
  /** how long to wait for another holder to finish before giving up */
  readonly waitMs: number;
}

export const DEFAULT_NAME_LOCK: NameLockOptions = { ttlMs: 10_000, waitMs: 30_000 };

export interface HeldNameLock {
  /**
   * Resolves if this caller still holds the lock (and extends it by a TTL, so the write that follows has
   * one whole TTL); throws NameLockLostError otherwise. Call right before the write the lock decides.
   */
  confirm(): Promise<void>;
}

/** The lock was lost before the write it guarded: nothing was written, the request may be retried. */
export class NameLockLostError extends ConnectError {
  override name = "NameLockLostError";
  constructor(key: string, why: string, options?: ErrorOptions) {
    super(
      `Lost the lock ${key} before writing (${why}); nothing was written. Another worker may be changing the ` +
        "same connector; retry the request",
      500,
      options,
    );
  }
}

export async function withNameLock<T>(
  redis: Redis,
  key: string,
  options: NameLockOptions,
  fn: (lock: HeldNameLock) => Promise<T>,
): Promise<T> {
  const { ttlMs, waitMs } = options;
  const token = randomUUID();
  const deadline = Date.now() + waitMs;
  for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
    const ok = await redis.set(key, token, "PX", ttlMs, "NX");
    if (ok === "OK") break;
    if (Date.now() > deadline) {
      throw new ConnectError(
        `Timed out after ${waitMs} ms waiting for the lock ${key}; another worker is changing the same connector`,
        500,
      );
    }
    await new Promise((r) => setTimeout(r, wait));
  }

  // why the lock counts as lost, once a renewal failed: a holder that cannot prove it holds the lock must
  // not write, even if the key is in fact still its own
  let lost: { why: string; cause?: unknown } | null = null;
  const extend = async (): Promise<void> => {
    if (lost) return;
    try {
      if ((await redis.eval(EXTEND_IF_OWNER, 1, key, token, ttlMs)) !== 1)
        lost ??= { why: "another worker holds it, or it expired" };
    } catch (e) {
      lost ??= { why: `renewing it failed: ${(e as Error).message}`, cause: e };
    }
  };
  let renewing: Promise<void> = Promise.resolve();
  const renewal = setInterval(() => {
    renewing = renewing.then(extend);
  }, ttlMs / 3);
  const held: HeldNameLock = {
    async confirm() {
      await renewing;
      await extend();
      if (lost) throw new NameLockLostError(key, lost.why, { cause: lost.cause });
    },
  };
  try {
    return await fn(held);
  } finally {
    clearInterval(renewal);
    await renewing;
    await redis.eval(RELEASE_IF_OWNER, 1, key, token);
  }
}
