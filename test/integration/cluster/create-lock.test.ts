/**
 * "Create only if absent" under the per-name Redis lock, on the real Redis and Kafka: two workers (each its
 * own config store on one config topic) create the same connector at once while the decision and the write
 * each take several times the lock's TTL: the lock is renewed, so exactly one create is written and the
 * other is a 409 (without renewal both would write; with only the check before the write, the slow one
 * would fail with a 500 instead of a 409). A holder whose lock was taken away while it stalled writes
 * nothing and fails with a clear error.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { clusterKeys } from "../../../src/cluster/keys.js";
import { type NameLockOptions, withNameLock } from "../../../src/cluster/name-lock.js";
import { AlreadyExistsError } from "../../../src/errors.js";
import {
  createConnectorIfAbsent,
  type LockedConfigWrites,
  putConnectorConfigLocked,
} from "../../../src/herder/connector-config-writes.js";
import { KafkaConfigStore } from "../../../src/state/kafka/kafka-config-store.js";
import type { ConfigStore } from "../../../src/state/types.js";
import { REDIS_URL, uniqueName } from "../../support/env.js";
import { createTopic, deleteTopics, kafka, readAll, silentLogger } from "../state/support.js";

// shorter than the default 10 s so the slowed decisions below outlast it twice over, yet long enough that
// a renewal (every TTL/3 = 1 s) survives an event-loop pause of ~2 s on a busy machine: a lost renewal
// would fail the test for the wrong reason
const LOCK: NameLockOptions = { ttlMs: 3_000, waitMs: 60_000 };
const STALL_MS = LOCK.ttlMs * 2;

let redis: Redis;
const topics: string[] = [];
const stores: KafkaConfigStore[] = [];
beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.stop()));
});
afterAll(async () => {
  redis?.disconnect();
  await deleteTopics(...topics);
});

async function configTopic(): Promise<string> {
  const topic = uniqueName("ferry-create-lock-configs");
  topics.push(topic);
  await createTopic(topic, 1);
  return topic;
}

async function openStore(topic: string): Promise<KafkaConfigStore> {
  const store = new KafkaConfigStore({ kafka: kafka(), topic, logger: silentLogger });
  stores.push(store);
  await store.start();
  return store;
}

interface Stalls {
  /** after the read to the log's end: the decision taking its time */
  afterRead?: () => Promise<void>;
  /** before the config is written (after the decision): a slow produce */
  beforeWrite?: () => Promise<void>;
}

/** The store, with the create's decision and write slowed down. */
function slowed(store: ConfigStore, stalls: Stalls): ConfigStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === "readToEnd")
        return async () => {
          await target.readToEnd();
          await stalls.afterRead?.();
        };
      if (prop === "putConnectorConfig")
        return async (...args: Parameters<ConfigStore["putConnectorConfig"]>) => {
          await stalls.beforeWrite?.();
          await target.putConnectorConfig(...args);
        };
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The connector records in the config topic (every write, before compaction). */
async function connectorRecords(topic: string, name: string) {
  return (await readAll(topic)).filter((r) => r.key === `connector-${name}`);
}

describe("the create lock", () => {
  it("two workers create one name while the decision outlasts the TTL: one create, one 409", async () => {
    const topic = await configTopic();
    const group = uniqueName("create-lock");
    const keys = clusterKeys(group);
    const name = uniqueName("conn");
    const workers = await Promise.all(
      [0, 1].map(async (): Promise<LockedConfigWrites> => {
        const store = await openStore(topic);
        return {
          redis,
          configs: slowed(store, { afterRead: () => sleep(STALL_MS), beforeWrite: () => sleep(STALL_MS) }),
          lockKey: keys.createLock,
          lock: LOCK,
        };
      }),
    );
    const results = await Promise.allSettled(
      workers.map((w, i) => createConnectorIfAbsent(w, name, { "connector.class": "X", worker: String(i) })),
    );
    const created = results.filter((r) => r.status === "fulfilled");
    const rejected = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    expect(created).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toBeInstanceOf(AlreadyExistsError);
    expect((rejected[0] as AlreadyExistsError).status).toBe(409);
    const records = await connectorRecords(topic, name);
    expect(records).toHaveLength(1);
    const winner = results.findIndex((r) => r.status === "fulfilled");
    expect(JSON.parse(records[0]?.value ?? "null")).toMatchObject({ properties: { worker: String(winner) } });
    // released: the name's lock is free again
    expect(await redis.exists(keys.createLock(name))).toBe(0);
  });

  it("a holder whose lock expired while it stalled writes nothing; the next holder creates", async () => {
    const topic = await configTopic();
    const keys = clusterKeys(uniqueName("create-lock"));
    const name = uniqueName("conn");
    const lockKey = keys.createLock(name);
    const store = await openStore(topic);
    // a stall in which the lock is lost: here taken away, as an expiry during a pause longer than the TTL
    // (no renewal ran) would, and then taken by another worker
    const stalled: LockedConfigWrites = {
      redis,
      configs: slowed(store, {
        afterRead: async () => {
          await redis.del(lockKey);
          await redis.set(lockKey, "another-worker", "PX", 10_000);
        },
      }),
      lockKey: keys.createLock,
      lock: LOCK,
    };
    const err = await createConnectorIfAbsent(stalled, name, { "connector.class": "X" }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(new RegExp(`^Lost the lock ${lockKey} before writing`));
    expect((err as Error).message).toContain("nothing was written");
    // the other worker's lock was left alone
    expect(await redis.get(lockKey)).toBe("another-worker");
    await redis.del(lockKey);

    // nothing reached the log: the next create of the name is a create, not a 409
    const next: LockedConfigWrites = { redis, configs: store, lockKey: keys.createLock, lock: LOCK };
    await createConnectorIfAbsent(next, name, { "connector.class": "X", attempt: "2" });
    const records = await connectorRecords(topic, name);
    expect(records.map((r) => JSON.parse(r.value ?? "null").properties.attempt)).toEqual(["2"]);
  });

  it("a holder whose renewal found the lock gone (deleted while it stalled) does not write", async () => {
    const topic = await configTopic();
    const keys = clusterKeys(uniqueName("create-lock"));
    const name = uniqueName("conn");
    const lockKey = keys.createLock(name);
    const store = await openStore(topic);
    // deleted and left free: renewals in the stall find no key; confirm() must not take it afresh
    const stalled: LockedConfigWrites = {
      redis,
      configs: slowed(store, {
        afterRead: async () => {
          await redis.del(lockKey);
          await sleep(STALL_MS);
        },
      }),
      lockKey: keys.createLock,
      lock: LOCK,
    };
    await expect(putConnectorConfigLocked(stalled, name, { "connector.class": "X" })).rejects.toThrow(
      /^Lost the lock .* before writing \(another worker holds it, or it expired\); nothing was written/,
    );
    expect(await connectorRecords(topic, name)).toEqual([]);
  });

  it("renews the lock while held: another caller waits for it however long the holder takes", async () => {
    const key = `${clusterKeys(uniqueName("create-lock")).createLock("c")}`;
    const order: string[] = [];
    const first = withNameLock(redis, key, LOCK, async (lock) => {
      order.push("first holds");
      await sleep(STALL_MS);
      await lock.confirm();
      order.push("first confirmed");
    });
    // the first holds the lock before the second asks for it
    while (order.length === 0) await sleep(5);
    const second = withNameLock(redis, key, LOCK, async () => {
      order.push("second holds");
    });
    await Promise.all([first, second]);
    expect(order).toEqual(["first holds", "first confirmed", "second holds"]);
  });
});
