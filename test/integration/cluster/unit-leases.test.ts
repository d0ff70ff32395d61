/** Unit leases on a real Redis: exclusive, fenced with increasing tokens, never below the floor, lost when taken. */
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterKeys } from "../../../src/cluster/keys.js";
import { UnitLeases } from "../../../src/cluster/unit-leases.js";
import { REDIS_URL, uniqueName } from "../../support/env.js";
import { waitFor } from "../../support/worker-process.js";

let redis: Redis;
beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});
afterAll(() => redis?.disconnect());

function leases(group: string, owner: string, ttlMs = 1000, lost: string[] = []) {
  const keys = clusterKeys(group);
  return new UnitLeases({
    redis,
    keyOf: keys.lease,
    fenceKeyOf: keys.fence,
    owner,
    ttlMs,
    logger: pino({ level: "silent" }),
    onLost: (u) => lost.push(u),
  });
}

describe("UnitLeases", () => {
  it("one owner at a time; each new lease gets a higher token; the holder keeps its token", async () => {
    const g = uniqueName("leases");
    const a = leases(g, "a");
    const b = leases(g, "b");
    const t1 = await a.acquire("task:c:0");
    expect(t1).toBe(1);
    expect(await a.acquire("task:c:0")).toBe(1);
    expect(await b.acquire("task:c:0")).toBeNull();
    await a.release("task:c:0");
    expect(await b.acquire("task:c:0")).toBe(2);
    expect(b.token("task:c:0")).toBe(2);
    expect(a.token("task:c:0")).toBeUndefined();
  });

  it("tokens never go below the floor seen in Kafka (a Redis that lost its counters)", async () => {
    const g = uniqueName("floor");
    const a = leases(g, "a");
    expect(await a.acquire("connector:x", 41)).toBe(42);
    await a.release("connector:x");
    await redis.del(clusterKeys(g).fence("connector:x"));
    expect(await a.acquire("connector:x", 42)).toBe(43);
  });

  it("a lease another worker took after expiry is reported lost to its old holder", async () => {
    const g = uniqueName("lost");
    const lost: string[] = [];
    const a = leases(g, "a", 600, lost);
    expect(await a.acquire("task:c:1")).not.toBeNull();
    // simulate the lease expiring while "a" was stalled, and "b" taking it
    await redis.del(clusterKeys(g).lease("task:c:1"));
    const b = leases(g, "b", 600);
    expect(await b.acquire("task:c:1")).toBe(2);
    a.start();
    try {
      await waitFor(() => lost.includes("task:c:1"), "a to notice it lost the lease", 3000, 20);
      expect(a.token("task:c:1")).toBeUndefined();
    } finally {
      await a.stop();
    }
  });
});
