/**
 * Distributed part 2 on real worker processes: a killed worker's units (sources and sinks) run elsewhere,
 * a SIGTERM drains, units spread evenly and a joining worker gets its share without shuffling the others,
 * a rolling restart keeps everything running, and no unit ever has two running owners (ownership journal).
 * Timings are not asserted (npm run bench:cluster measures them), except where a bound is the behaviour:
 * a killed worker's units run elsewhere once its leases run out (1 s), in a small multiple of that, and its
 * sink partitions are read again without waiting out the dead consumer's session, which the test sets to
 * 60 s so that a bound of ten times the ~1.7 s a failover takes still tells the two apart.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTopic } from "../support/kafka.js";
import { waitFor } from "../support/worker-process.js";
import { allRunning, balancedByKind, doubleOwnership, readJournal, shares, unitsSeenBy } from "./observe.js";
import { api, type TestCluster, testCluster } from "./support.js";

let cluster: TestCluster | null = null;
afterEach(async () => {
  await cluster?.cleanup();
  cluster = null;
});

const datagen = (topic: string) => ({
  "connector.class": "Datagen",
  topic,
  "records.per.second": "50",
  template: "users",
  "tasks.max": "1",
});

/** 3 sources (1 task each) and a 2-task FileStreamSink: 4 connectors + 5 tasks = 9 units */
async function pipeline(c: TestCluster, sinkFile: string): Promise<number> {
  const topic = `${c.group}-in`;
  await createTopic(topic, 2);
  for (let i = 0; i < 3; i++) {
    const topicI = i === 0 ? topic : `${c.group}-t${i}`;
    if (i > 0) await createTopic(topicI, 1);
    const r = await api(c.workers[0]?.url ?? "", "POST", "/connectors", {
      name: `src-${i}`,
      config: datagen(topicI),
    });
    expect(r.status).toBe(201);
  }
  const r = await api(c.workers[0]?.url ?? "", "POST", "/connectors", {
    // its consumer group is connect-<name>: a name of this test's own, so that no other run's (killed) sink
    // consumers are members of it
    name: `${c.group}-sink`,
    config: {
      "connector.class": "FileStreamSink",
      topics: topic,
      file: sinkFile,
      "tasks.max": "2",
      // far above any bound below: a sink that waited for the dead member's session would fail them
      "consumer.override.session.timeout.ms": String(SINK_SESSION_MS),
    },
  });
  expect(r.status).toBe(201);
  return 9;
}

/** the sink consumers' session timeout (the client's default is 45 s, Ferry's 10 s) */
const SINK_SESSION_MS = 60_000;
/**
 * A kill -9 failover takes about 1.7 s (p99 in wrangler-free-docs/benchmarks.md: the lease running out
 * plus a start); the bounds below are ten times that, and well under what a sink that waited for the dead
 * consumer's session (60 s) would take.
 */
const FAILOVER_BOUND_MS = 17_000;

async function size(file: string): Promise<number> {
  return (await stat(file).catch(() => ({ size: 0 }))).size;
}

describe("failover", () => {
  it("kill -9 of one of three workers, three times: its units (sinks too) run and consume elsewhere; never two owners", async () => {
    cluster = await testCluster("failover-kill", 3);
    const c = cluster;
    for (let i = 0; i < 3; i++) await c.start(i);
    const sinkFile = join(c.dir, "sink.txt");
    const units = await pipeline(c, sinkFile);
    const deaths = new Map<string, number[]>();
    for (let round = 0; round < 3; round++) {
      const victim = round % 3;
      const survivor = c.workers[(victim + 1) % 3]?.url ?? "";
      const before = await waitFor(async () => {
        const u = await unitsSeenBy(survivor);
        return allRunning(u, units) ? u : null;
      }, `all ${units} units RUNNING before round ${round}`);
      const victimId = c.workers[victim]?.id ?? "";
      const moved = [...before].filter(([, v]) => v.worker === victimId).map(([k]) => k);
      expect(moved.length, `worker ${victimId} runs its share`).toBeGreaterThan(0);
      // the sink must keep consuming: its file grows again after the kill
      await waitFor(async () => (await size(sinkFile)) > 0, "the sink to write");
      const killedAt = Date.now();
      await c.stop(victim, "SIGKILL");
      deaths.set(victimId, [...(deaths.get(victimId) ?? []), killedAt]);
      const sizeAtKill = await size(sinkFile);
      await waitFor(
        async () => allRunning(await unitsSeenBy(survivor), units, [victimId]),
        `round ${round}: every unit of ${victimId} RUNNING elsewhere`,
        FAILOVER_BOUND_MS - (Date.now() - killedAt),
        50,
      );
      // both sink tasks read again long before the dead consumer's session (60 s) would have expired
      await waitFor(
        async () => (await size(sinkFile)) > sizeAtKill + 2000,
        `round ${round}: the sink consuming again`,
        FAILOVER_BOUND_MS - (Date.now() - killedAt),
        50,
      );
      await c.start(victim);
    }
    const journal = await readJournal(c.workers);
    expect(journal.length).toBeGreaterThan(units);
    expect(doubleOwnership(journal, deaths)).toEqual([]);
    // the metrics saw it: leases renewed, units taken over from dead workers, the queue's jobs all held
    const metrics = await Promise.all(c.workers.map(async (w) => (await fetch(`${w.url}/metrics`)).text()));
    const sum = (name: string) =>
      metrics.reduce((n, text) => n + Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? 0), 0);
    expect(sum("ferry_lease_renewals_total")).toBeGreaterThan(0);
    expect(sum("ferry_unit_failovers_total")).toBeGreaterThan(0);
    expect(metrics[0]).toMatch(/^ferry_unit_queue_jobs\{state="active"\} 9$/m);
    expect(metrics[0]).toMatch(/^ferry_unit_queue_jobs\{state="waiting"\} 0$/m);
  }, 180_000);

  it("SIGTERM drains: exit 0, every unit runs elsewhere, and the leaving worker stopped its units first", async () => {
    cluster = await testCluster("failover-term", 3);
    const c = cluster;
    for (let i = 0; i < 3; i++) await c.start(i);
    const units = await pipeline(c, join(c.dir, "sink.txt"));
    const survivor = c.workers[1]?.url ?? "";
    await waitFor(async () => allRunning(await unitsSeenBy(survivor), units), "all units RUNNING");
    const leaving = c.workers[0];
    const exited = leaving?.proc?.exited;
    await c.stop(0, "SIGTERM");
    expect((await exited)?.code).toBe(0);
    await waitFor(
      async () => allRunning(await unitsSeenBy(survivor), units, [leaving?.id ?? ""]),
      "every unit RUNNING on the two others",
    );
    const journal = await readJournal(c.workers);
    // no SIGKILL here: every start elsewhere follows the leaving worker's own stop
    expect(doubleOwnership(journal)).toEqual([]);
    expect(journal.some((e) => e.worker === leaving?.id && e.kind === "stop")).toBe(true);
  }, 120_000);
});

describe("balance", () => {
  it("scale out 1→3 gives each new worker its share without moving units between the others; scale in 3→1", async () => {
    cluster = await testCluster("balance", 3);
    const c = cluster;
    await c.start(0);
    const units = await pipeline(c, join(c.dir, "sink.txt"));
    const url0 = c.workers[0]?.url ?? "";
    await waitFor(async () => allRunning(await unitsSeenBy(url0), units), "all units on the first worker");
    await c.start(1);
    const ids = (n: number) => c.workers.slice(0, n).map((w) => w.id);
    const two = await waitFor(async () => {
      const u = await unitsSeenBy(url0);
      return allRunning(u, units) && balancedByKind(u, ids(2)) ? u : null;
    }, "two workers sharing the connectors (2/2) and the tasks (3/2)");
    await c.start(2);
    const three = await waitFor(async () => {
      const u = await unitsSeenBy(url0);
      return allRunning(u, units) && balancedByKind(u, ids(3)) ? u : null;
    }, "three workers, each with its share of connectors and of tasks");
    // the scaling signal: 9 units want one worker at 10 units per worker; nothing waits in the queue
    const scaling = await api(url0, "GET", "/cluster/scaling");
    expect(scaling.body).toEqual({
      desiredWorkers: 1,
      liveWorkers: 3,
      units: 9,
      unitsPerWorker: 10,
      queueDepth: 0,
    });
    // a unit that moved went to the new worker: none moved between the first two
    const newId = c.workers[2]?.id;
    for (const [unit, v] of three) {
      if (v.worker !== newId) expect(v.worker, unit).toBe(two.get(unit)?.worker);
    }
    await c.stop(2, "SIGTERM");
    await c.stop(1, "SIGTERM");
    await waitFor(async () => {
      const u = await unitsSeenBy(url0);
      return allRunning(u, units) && shares(u).size === 1;
    }, "all units back on the one worker");
    expect(doubleOwnership(await readJournal(c.workers))).toEqual([]);
  }, 150_000);

  it("a rolling restart of every worker leaves all units running, each stopped only briefly", async () => {
    cluster = await testCluster("rolling", 3);
    const c = cluster;
    for (let i = 0; i < 3; i++) await c.start(i);
    const units = await pipeline(c, join(c.dir, "sink.txt"));
    const watch = (i: number) => c.workers[(i + 1) % 3]?.url ?? "";
    await waitFor(async () => allRunning(await unitsSeenBy(watch(0)), units), "all units RUNNING");
    for (let i = 0; i < 3; i++) {
      await c.stop(i, "SIGTERM");
      await c.start(i);
      await waitFor(async () => {
        const u = await unitsSeenBy(watch(i));
        return (
          allRunning(u, units) &&
          balancedByKind(
            u,
            c.workers.map((w) => w.id),
          )
        );
      }, `balanced again after restarting worker ${i}`);
    }
    const journal = await readJournal(c.workers);
    expect(doubleOwnership(journal)).toEqual([]);
    // each unit's gaps (a stop until the next start anywhere) stay short. A drain's hand-over takes under
    // 1 s (SIGTERM max 0.9 s in wrangler-free-docs/benchmarks.md); the bound is ten times that, loose enough
    // for a busy machine (the 2 s it had before failed at 2,018 ms at load average 6)
    const lastStop = new Map<string, number>();
    const gaps: { unit: string; ms: number }[] = [];
    for (const e of journal) {
      if (e.kind === "stop") lastStop.set(e.unit, e.at);
      else {
        const s = lastStop.get(e.unit);
        if (s !== undefined) gaps.push({ unit: e.unit, ms: e.at - s });
        lastStop.delete(e.unit);
      }
    }
    // three restarts of three workers each stopped some units: the gaps were measured at all
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    expect(gaps.filter((g) => g.ms >= 10_000)).toEqual([]);
  }, 180_000);
});
