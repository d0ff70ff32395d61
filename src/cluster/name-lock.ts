/**
 * A short per-name Redis lock (SET NX PX, compare-and-delete in Lua) under which a worker decides a
 * conditional write such as "create only if absent" after reading the config log to its end. The lock only
 * serialises deciders; the decision itself comes from the log (design.md, "State in Kafka").
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { ConnectError } from "../errors.js";
import { RELEASE_IF_OWNER } from "./lease-scripts.js";

export async function withNameLock<T>(
  redis: Redis,
  key: string,
  ttlMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const token = randomUUID();
  const deadline = Date.now() + ttlMs * 3;
  for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
    const ok = await redis.set(key, token, "PX", ttlMs, "NX");
    if (ok === "OK") break;
    if (Date.now() > deadline) {
      throw new ConnectError(
        `Timed out waiting for the lock ${key}; another worker is changing the same connector`,
        500,
      );
    }
    await new Promise((r) => setTimeout(r, wait));
  }
  try {
    return await fn();
  } finally {
    await redis.eval(RELEASE_IF_OWNER, 1, key, token);
  }
}
