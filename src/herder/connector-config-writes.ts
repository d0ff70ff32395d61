/**
 * The distributed herder's connector-config writes whose answer depends on what the log holds — POST
 * /connectors ("create only if absent": 201 or 409) and PUT /connectors/{c}/config (201 created or 200
 * updated) — each decided after reading the config log to its end under the connector's name lock, and
 * written only after confirming the lock is still held (design.md, "State in Kafka"; cluster/name-lock.ts).
 */
import type { Redis } from "ioredis";
import { type NameLockOptions, withNameLock } from "../cluster/name-lock.js";
import { AlreadyExistsError } from "../errors.js";
import type { ConfigStore, TargetState } from "../state/types.js";

export interface LockedConfigWrites {
  readonly redis: Redis;
  readonly configs: ConfigStore;
  /** the Redis key of a connector name's lock */
  readonly lockKey: (connector: string) => string;
  readonly lock: NameLockOptions;
}

/** Writes the connector's config if no connector of that name exists; AlreadyExistsError (409) otherwise. */
export async function createConnectorIfAbsent(
  o: LockedConfigWrites,
  name: string,
  config: Record<string, string>,
  targetState?: TargetState,
): Promise<void> {
  await withNameLock(o.redis, o.lockKey(name), o.lock, async (lock) => {
    await o.configs.readToEnd();
    if (o.configs.connectorConfig(name)) throw new AlreadyExistsError(`Connector ${name} already exists`);
    await lock.confirm();
    await o.configs.putConnectorConfig(name, config, targetState);
  });
}

/**
 * Writes the connector's config, created or replaced; says whether it was created, and the tasks it had
 * before (PUT answers with those).
 */
export async function putConnectorConfigLocked(
  o: LockedConfigWrites,
  name: string,
  config: Record<string, string>,
): Promise<{ created: boolean; tasksBefore: number }> {
  return withNameLock(o.redis, o.lockKey(name), o.lock, async (lock) => {
    await o.configs.readToEnd();
    const created = o.configs.connectorConfig(name) === undefined;
    const tasksBefore = o.configs.taskConfigs(name)?.length ?? 0;
    await lock.confirm();
    await o.configs.putConnectorConfig(name, config);
    return { created, tasksBefore };
  });
}
