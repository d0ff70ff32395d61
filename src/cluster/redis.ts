/** Redis connections for the cluster layer, with the settings dependencies.md asks for. */
import { Redis } from "ioredis";
import type { Logger } from "../log/logger.js";

export function createRedis(url: string, logger: Logger, purpose: string): Redis {
  const redis = new Redis(url, {
    // fail fast instead of queueing commands while Redis is away: the callers decide what to do
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectionName: `ferry-${purpose}`,
    retryStrategy: (times) => Math.min(times * 100, 1000),
    lazyConnect: true,
  });
  let lastError = "";
  redis.on("error", (e: Error) => {
    // ioredis reports every reconnect failure; log each distinct problem once per outage
    if (e.message !== lastError) logger.warn({ err: e, purpose }, "redis connection error");
    lastError = e.message;
  });
  redis.on("ready", () => {
    if (lastError) logger.info({ purpose }, "redis connection restored");
    lastError = "";
  });
  return redis;
}

/** redis.url for messages: a password in it (redis://user:secret@host) is shown as ***. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    // not a URL ioredis would accept either; show nothing that could be a secret
    return "(unparseable redis.url)";
  }
}
