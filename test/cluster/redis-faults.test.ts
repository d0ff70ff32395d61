/**
 * Redis faults on real worker processes. One worker cut off from Redis (a TCP proxy the test controls)
 * stops each of its units before its leases run out and another worker starts it, and takes work again
 * when the link heals; no unit ever has two running owners (checked from the ownership journal). A Redis
 * restart without persistence (the cluster's own redis-server) loses leases, jobs and membership: the
 * cluster recovers by itself.
 */
import { afterEach, describe, expect, it } from "vitest";
import { REDIS_URL } from "../support/env.js";
import { createTopic } from "../support/kafka.js";
import { type PrivateRedis, privateRedis } from "../support/private-redis.js";
import { type TcpProxy, tcpProxy } from "../support/tcp-proxy.js";
import { waitFor } from "../support/worker-process.js";
import {
  allRunning,
  doubleOwnership,
  type JournalEvent,
  readJournal,
  shares,
  unitsSeenBy,
} from "./observe.js";
import { api, type TestCluster, testCluster } from "./support.js";

let cluster: TestCluster | null = null;
let proxy: TcpProxy | null = null;
let redis: PrivateRedis | null = null;
afterEach(async () => {
  await cluster?.cleanup();
  await proxy?.close();
  await redis?.stop(true);
  cluster = null;
  proxy = null;
  redis = null;
});

/** six single-task Datagen sources: 12 units */
async function sources(c: TestCluster): Promise<number> {
  for (let i = 0; i < 6; i++) {
    const topic = `${c.group}-t${i}`;
    await createTopic(topic, 1);
    const r = await api(c.workers[1]?.url ?? "", "POST", "/connectors", {
      name: `src-${i}`,
      config: { "connector.class": "Datagen", topic, "records.per.second": "20", template: "users" },
    });
    expect(r.status).toBe(201);
  }
  return 12;
}

describe("redis faults", () => {
  it("a worker cut off from Redis stops its units in time, others take them, it rejoins after the heal; never two owners", async () => {
    const { port } = new URL(REDIS_URL);
    proxy = await tcpProxy("127.0.0.1", Number(port || 6379));
    const viaProxy = `redis://127.0.0.1:${proxy.port}`;
    cluster = await testCluster("redis-cut", 3, [], (i) => (i === 0 ? [`redis.url=${viaProxy}`] : []));
    const c = cluster;
    for (let i = 0; i < 3; i++) await c.start(i);
    const units = await sources(c);
    const watcher = c.workers[1]?.url ?? "";
    const cutOff = c.workers[0]?.id ?? "";
    await waitFor(async () => {
      const u = await unitsSeenBy(watcher);
      return allRunning(u, units) && (shares(u).get(cutOff) ?? 0) === 4;
    }, "12 units RUNNING, 4 on the worker behind the proxy");

    const cutAt = Date.now();
    proxy.cut();
    // the others take the units over once the leases run out (1 s): about 2 s here, so 15 s is seven times
    // that (a bound that is loose on purpose: the order below is what matters)
    await waitFor(
      async () => allRunning(await unitsSeenBy(watcher), units, [cutOff]),
      "every unit RUNNING on the two workers that reach Redis",
      15_000,
      50,
    );
    // the cut-off worker stopped each of its units (journal) before any other worker started it: it stops
    // them before their leases can run out, which is what lets the others start them. The journal is the
    // workers' log files, which may trail the statuses by a moment: wait until it shows the four stops and
    // each unit's start elsewhere, then check their order
    const startedElsewhere = (journal: JournalEvent[], unit: string) =>
      journal.find((e) => e.unit === unit && e.kind === "start" && e.worker !== cutOff && e.at >= cutAt);
    const cutOffStops = (journal: JournalEvent[]) =>
      journal.filter((e) => e.worker === cutOff && e.kind === "stop" && e.at >= cutAt);
    const during = await waitFor(async () => {
      const journal = await readJournal(c.workers);
      const stops = cutOffStops(journal);
      return stops.length >= 4 && stops.every((s) => startedElsewhere(journal, s.unit)) ? journal : null;
    }, "the journal to show each stop of the cut-off worker and the unit's start elsewhere");
    const stops = cutOffStops(during);
    expect(stops.length).toBe(4);
    for (const s of stops) {
      const takenOver = startedElsewhere(during, s.unit);
      expect(s.at, `${s.unit} stopped on the cut-off worker before it started elsewhere`).toBeLessThanOrEqual(
        takenOver?.at ?? Number.NEGATIVE_INFINITY,
      );
    }
    await new Promise((r) => setTimeout(r, 2_000));
    const still = await readJournal(c.workers);
    expect(still.filter((e) => e.worker === cutOff && e.kind === "start" && e.at >= cutAt)).toEqual([]);

    proxy.heal();
    await waitFor(
      async () => {
        const u = await unitsSeenBy(watcher);
        return allRunning(u, units) && (shares(u).get(cutOff) ?? 0) === 4;
      },
      "the healed worker running its share again",
      60_000,
    );
    expect(doubleOwnership(await readJournal(c.workers))).toEqual([]);
  }, 180_000);

  it("Redis restarted without persistence: leases, jobs and members are gone, and the cluster recovers by itself", async () => {
    redis = await privateRedis("redis-restart");
    await redis.start();
    cluster = await testCluster("redis-restart", 3, [`redis.url=${redis.url}`]);
    const c = cluster;
    for (let i = 0; i < 3; i++) await c.start(i);
    const units = await sources(c);
    const watcher = c.workers[0]?.url ?? "";
    await waitFor(async () => allRunning(await unitsSeenBy(watcher), units), "12 units RUNNING");
    await redis.stop(true);
    await new Promise((r) => setTimeout(r, 1_500));
    // no unit can start while Redis is down: every start from here on is a restart
    const restartedAt = Date.now();
    await redis.start();
    // every lease was lost with Redis (1.5 s > the lease TTL), so every unit stopped; the reconciler puts the
    // jobs back and each unit starts again somewhere
    await waitFor(
      async () => {
        const journal = await readJournal(c.workers);
        const again = new Set(
          journal.filter((e) => e.kind === "start" && e.at >= restartedAt).map((e) => e.unit),
        );
        return again.size === units;
      },
      "every unit started again after the Redis restart",
      60_000,
    );
    await waitFor(
      async () => {
        const u = await unitsSeenBy(watcher);
        return allRunning(u, units) && [...shares(u).values()].every((n) => n === 4);
      },
      "12 units RUNNING and balanced again after the Redis restart",
      60_000,
    );
    expect(doubleOwnership(await readJournal(c.workers))).toEqual([]);
    // the workers' REST answers kept working through the outage
    expect((await fetch(`${watcher}/connectors`)).status).toBe(200);
  }, 180_000);
});
