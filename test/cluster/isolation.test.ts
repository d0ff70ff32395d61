/**
 * Task isolation on real worker processes: plugin code runs on task threads, so a task that blocks its
 * thread, or never returns from poll(), leaves the worker's leases, REST and other units alone. The stuck
 * task is FAILED with what it was in and then restarted; one that hangs in stop() does not hold up SIGTERM;
 * one that leaks memory past task.heap.max.mb is FAILED (out of memory) and the worker lives on.
 * The misbehaving connector is test/fixtures/misbehaving-plugin (plugin.path).
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTopic } from "../support/kafka.js";
import { waitFor } from "../support/worker-process.js";
import { allRunning, type UnitView, unitsSeenBy } from "./observe.js";
import { api, type TestCluster, testCluster } from "./support.js";

const PLUGIN = resolve("test/fixtures/misbehaving-plugin");
// small limits so the test runs quickly; the assertions are about order and outcome, not time. The stall
// timeout is 5× the blocking poll's 2 s, so only the endless loop counts as stuck; the graceful stop timeout
// is given per test (above 2 s where a unit may share a thread with the blocking task, which holds up
// its neighbours' stops that long)
const limits = (graceful: number, threads = 2) => [
  `plugin.path=${PLUGIN}`,
  `task.threads=${threads}`,
  "task.stall.timeout.ms=10000",
  `task.shutdown.graceful.timeout.ms=${graceful}`,
  "task.restart.backoff.initial.ms=500",
  "task.restart.backoff.max.ms=2000",
];

let cluster: TestCluster | null = null;
afterEach(async () => {
  await cluster?.cleanup();
  cluster = null;
});

async function lines(file: string): Promise<number> {
  return (await readFile(file, "utf8").catch(() => "")).split("\n").filter(Boolean).length;
}

function connector(
  name: string,
  topic: string,
  behaviour: string,
  dir: string,
  extra: Record<string, string> = {},
) {
  return {
    name,
    config: {
      "connector.class": "com.example.MisbehavingSourceConnector",
      topic,
      behaviour,
      "starts.file": join(dir, `${name}.starts`),
      "polls.file": join(dir, `${name}.polls`),
      ...extra,
    },
  };
}

/** What differs from "every healthy unit RUNNING on the worker it had at first" (none moved, none stopped). */
function healthyMoved(
  seen: Map<string, UnitView>,
  first: Map<string, UnitView>,
  healthy: string[],
): string[] {
  return healthy.flatMap((unit) => {
    const now = seen.get(unit);
    return now?.state === "RUNNING" && now.worker === first.get(unit)?.worker
      ? []
      : [`${unit}: ${now?.state} on ${now?.worker}, first on ${first.get(unit)?.worker}`];
  });
}

describe("task isolation (cluster)", () => {
  it("a task blocking its thread 2 s per poll, and one never returning from poll(): no healthy unit moves; the stuck one is FAILED with its reason, then restarted", async () => {
    cluster = await testCluster("isolation", 2, limits(10_000));
    const c = cluster;
    await c.start(0);
    await c.start(1);
    const url = c.workers[0]?.url ?? "";
    const topic = `${c.group}-out`;
    await createTopic(topic, 1);
    const names = ["h1", "h2", "h3", "h4"];
    for (const n of names)
      expect((await api(url, "POST", "/connectors", connector(n, topic, "healthy", c.dir))).status).toBe(201);
    const first = await waitFor(async () => {
      const u = await unitsSeenBy(url);
      return allRunning(u, 8) ? u : null;
    }, "the healthy units RUNNING");
    const healthy = [...first.keys()];
    // every sample below: each healthy unit RUNNING where it started, and both workers answer REST
    // (recorded, not thrown: waitFor retries a callback that throws)
    let samples = 0;
    const problems: string[] = [];
    const sample = async () => {
      for (const w of c.workers) {
        samples++;
        try {
          problems.push(
            ...healthyMoved(await unitsSeenBy(w.url), first, healthy).map((p) => `${w.id}: ${p}`),
          );
        } catch (e) {
          problems.push(`${w.id} did not answer: ${(e as Error).message}`);
        }
      }
    };

    const blocker = connector("blocker", topic, "block", c.dir, { "block.ms": "2000" });
    expect((await api(url, "POST", "/connectors", blocker)).status).toBe(201);
    // several blocked polls: each holds its task thread for 2 s, twice the lease TTL of the test cluster
    // (asleep in Atomics.wait, which blocks the thread as sync I/O does, without taking a core the other
    // processes of this test need)
    await waitFor(
      async () => {
        await sample();
        return (await lines(join(c.dir, "blocker.polls"))) >= 4;
      },
      "four blocking polls",
      60_000,
      250,
    );

    // loops in its first start only, so that once restarted it runs (and the test's CPU is not all spent)
    const looper = connector("looper", topic, "loop", c.dir, { "loop.starts": "1" });
    expect((await api(url, "POST", "/connectors", looper)).status).toBe(201);
    const failed = await waitFor(
      async () => {
        await sample();
        const r = await api(url, "GET", "/connectors/looper/tasks/0/status");
        const b = r.body as { state?: string; trace?: string };
        return b.state === "FAILED" ? b : null;
      },
      "the looping task FAILED",
      60_000,
      250,
    );
    expect(failed.trace).toContain("stuck in poll()");
    expect(failed.trace).toContain("task.stall.timeout.ms=10000");
    // the automatic restart runs it again
    await waitFor(
      async () => {
        await sample();
        return (
          (await lines(join(c.dir, "looper.starts"))) >= 2 && (await lines(join(c.dir, "looper.polls"))) > 0
        );
      },
      "the looping task restarted, and polling",
      60_000,
      250,
    );
    // the blocker kept polling all along, and is RUNNING
    const polls = await lines(join(c.dir, "blocker.polls"));
    await waitFor(async () => (await lines(join(c.dir, "blocker.polls"))) > polls, "the blocker polling on");
    // (eventually: a machine so busy that a lease lapses restarts the blocker like any unit)
    await waitFor(
      async () => (await unitsSeenBy(url)).get("task:blocker:0")?.state === "RUNNING",
      "the blocker RUNNING",
    );
    await sample();
    expect(samples).toBeGreaterThan(4);
    expect(problems).toEqual([]);
  });

  it("SIGTERM ends a worker whose task hangs in stop(); its other units go on elsewhere", async () => {
    cluster = await testCluster("isolation-stop", 2, limits(2_000));
    const c = cluster;
    await c.start(0);
    await c.start(1);
    const url = c.workers[1]?.url ?? "";
    const topic = `${c.group}-out`;
    await createTopic(topic, 1);
    for (const [n, b] of [
      ["h1", "healthy"],
      ["h2", "healthy"],
      ["hang", "hang-stop"],
    ] as const)
      expect((await api(url, "POST", "/connectors", connector(n, topic, b, c.dir))).status).toBe(201);
    const units = await waitFor(async () => {
      const u = await unitsSeenBy(url);
      return allRunning(u, 6) ? u : null;
    }, "all units RUNNING");
    const holder = units.get("task:hang:0")?.worker;
    const i = c.workers.findIndex((w) => w.id === holder);
    const proc = c.workers[i]?.proc;
    expect(proc).toBeTruthy();
    const exit = await proc?.kill("SIGTERM");
    expect(exit?.code).toBe(0);
    const log = await readFile(proc?.logFile ?? "", "utf8");
    expect(log).toContain("did not stop within task.shutdown.graceful.timeout.ms=2000");
    // the survivor runs everything, the task that hung in stop() included
    const survivor = c.workers[1 - i]?.url ?? "";
    await waitFor(
      async () => {
        const seen = await unitsSeenBy(survivor);
        if (allRunning(seen, 6, [holder ?? ""])) return true;
        // thrown so that a timeout says what was seen last
        throw new Error(
          [...seen].map(([unit, v]) => `${unit} ${v.state} on ${v.worker}`).join(", ") || "no units",
        );
      },
      "every unit RUNNING on the survivor",
      60_000,
    );
  });

  it("a task leaking memory past task.heap.max.mb is FAILED (out of memory) and restarted; the worker lives", async () => {
    cluster = await testCluster("isolation-oom", 1, [...limits(2_000, 1), "task.heap.max.mb=96"]);
    const c = cluster;
    await c.start(0);
    const url = c.workers[0]?.url ?? "";
    const topic = `${c.group}-out`;
    await createTopic(topic, 1);
    expect((await api(url, "POST", "/connectors", connector("leak", topic, "leak", c.dir))).status).toBe(201);
    const failed = await waitFor(
      async () => {
        const b = (await api(url, "GET", "/connectors/leak/tasks/0/status")).body as {
          state?: string;
          trace?: string;
        };
        return b.state === "FAILED" ? b : null;
      },
      "the leaking task FAILED",
      60_000,
    );
    expect(failed.trace).toContain("out of memory");
    await waitFor(
      async () => (await lines(join(c.dir, "leak.starts"))) >= 2,
      "the leaking task restarted",
      60_000,
    );
    // the worker process is the same one, and answers
    expect(c.workers[0]?.proc?.proc.exitCode).toBeNull();
    expect((await api(url, "GET", "/connectors")).status).toBe(200);
  });
});
