/**
 * Automatic restarts on real worker processes: a task that throws is FAILED with its trace and the attempt
 * count, and runs again after a growing backoff, wherever there is room; one that fails twice and then
 * works ends RUNNING by itself. POST .../restart runs a failed task at once and resets the backoff.
 * The failing connector is a plugin (plugin.path) that counts its tasks' starts in a file.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createTopic } from "../support/kafka.js";
import { waitFor } from "../support/worker-process.js";
import { unitsSeenBy } from "./observe.js";
import { api, type TestCluster, testCluster } from "./support.js";

const apiModule = pathToFileURL(resolve("dist/api/index.js")).href;

// Each task start appends a line to `starts.file`; the task throws while the file has at most
// `fail.times` lines, then produces a record now and then.
const PLUGIN = `import { ConfigDef, sourceRecord } from ${JSON.stringify(apiModule)};
import { appendFileSync, readFileSync } from "node:fs";
class Task {
  version() { return "1.0.0"; }
  start(config) {
    appendFileSync(config["starts.file"], "start\\n");
    const n = readFileSync(config["starts.file"], "utf8").split("\\n").filter(Boolean).length;
    if (n <= Number(config["fail.times"])) throw new Error("flaky start number " + n);
    this.topic = config.topic;
  }
  async poll() { await new Promise((r) => setTimeout(r, 200)); return [sourceRecord({ topic: this.topic, value: "ok" })]; }
  stop() {}
}
export default [{
  type: "source",
  className: "com.example.FlakySourceConnector",
  version: "1.0.0",
  createConnector: () => ({
    version: () => "1.0.0",
    start(config) { this.config_ = config; },
    taskConfigs() { return [{ ...this.config_ }]; },
    stop() {},
    config: () => new ConfigDef(),
  }),
  createTask: () => new Task(),
}];
`;

let cluster: TestCluster | null = null;
afterEach(async () => {
  await cluster?.cleanup();
  cluster = null;
});

async function starts(file: string): Promise<number> {
  return (await readFile(file, "utf8").catch(() => "")).split("\n").filter(Boolean).length;
}

describe("automatic restart", () => {
  it("a task that fails twice is FAILED with its attempts, then RUNNING by itself; POST restart resets the backoff", async () => {
    const plugins = join(process.cwd(), "test/.runs", `flaky-plugin-${process.pid}-${Date.now()}`);
    await mkdir(join(plugins, "flaky"), { recursive: true });
    await writeFile(join(plugins, "flaky/index.mjs"), PLUGIN);
    cluster = await testCluster("auto-restart", 2, [
      `plugin.path=${plugins}`,
      "task.restart.backoff.initial.ms=400",
      // no cap within the test: the backoff after attempt 5 (6.4 s) is what tells "at once" from "when due"
      "task.restart.backoff.max.ms=60000",
    ]);
    const c = cluster;
    await c.start(0);
    await c.start(1);
    const url = c.workers[0]?.url ?? "";
    const topic = `${c.group}-out`;
    await createTopic(topic, 1);
    const flakyStarts = join(c.dir, "flaky.starts");
    const brokenStarts = join(c.dir, "broken.starts");
    const config = (file: string, failTimes: number) => ({
      "connector.class": "com.example.FlakySourceConnector",
      topic,
      "starts.file": file,
      "fail.times": String(failTimes),
    });
    expect(
      (await api(url, "POST", "/connectors", { name: "flaky", config: config(flakyStarts, 2) })).status,
    ).toBe(201);
    expect(
      (await api(url, "POST", "/connectors", { name: "broken", config: config(brokenStarts, 1_000_000) }))
        .status,
    ).toBe(201);

    // the flaky task is seen FAILED with its trace and attempt count on the way
    const failed = await waitFor(async () => {
      const r = await api(url, "GET", "/connectors/flaky/tasks/0/status?ferry=true");
      const b = r.body as { state?: string; trace?: string; attempts?: number };
      return b.state === "FAILED" ? b : null;
    }, "the flaky task FAILED");
    expect(failed.trace).toContain("flaky start number");
    expect(failed.attempts).toBeGreaterThanOrEqual(1);
    // ... and ends RUNNING by itself after its third start
    await waitFor(
      async () => (await unitsSeenBy(url)).get("task:flaky:0")?.state === "RUNNING",
      "the flaky task RUNNING by itself",
      20_000,
    );
    expect(await starts(flakyStarts)).toBe(3);
    const running = (await api(url, "GET", "/connectors/flaky/status?ferry=true")).body as {
      tasks: { attempts?: number }[];
    };
    // the count stays visible while the task runs after failures
    expect(running.tasks[0]?.attempts).toBe(2);

    // a healthy task restarted through the worker that does not run it: its holder restarts it in place
    const holder = (await unitsSeenBy(url)).get("task:flaky:0")?.worker;
    const other = c.workers.find((w) => w.id !== holder)?.url ?? "";
    expect((await api(other, "POST", "/connectors/flaky/tasks/0/restart")).status).toBe(204);
    await waitFor(
      async () => (await starts(flakyStarts)) === 4,
      "the flaky task restarted by its holder",
      30_000,
      25,
    );
    await waitFor(
      async () => (await unitsSeenBy(url)).get("task:flaky:0")?.state === "RUNNING",
      "the flaky task RUNNING again",
    );

    // the broken task keeps failing with a growing backoff: attempts climb, starts are spaced out
    await waitFor(
      async () => ((await unitsSeenBy(url)).get("task:broken:0")?.attempts ?? 0) >= 5,
      "the broken task at attempt 5",
    );
    const before = await starts(brokenStarts);
    await new Promise((r) => setTimeout(r, 1_000));
    // backoff after attempt 5 is 6.4 s (400 · 2⁴): no start within the second that follows
    expect(await starts(brokenStarts)).toBeLessThanOrEqual(before + 1);
    // a restart request runs it at once and resets the count
    const restart = await api(c.workers[1]?.url ?? "", "POST", "/connectors/broken/tasks/0/restart");
    expect(restart.status).toBe(204);
    // the bound is the behaviour: the restart runs before the 6.4 s backoff would have; it takes well
    // under 1 s, so 5 s is more than five times that
    await waitFor(
      async () => (await starts(brokenStarts)) > before,
      "the broken task started at once",
      5_000,
      25,
    );
    // the count starts again from 1 (without the reset the next failure would be attempt 6 or more); the
    // backoffs from 1 (0.4 + 0.8 + 1.6 s) leave it at 1..3 for almost 3 s
    await waitFor(
      async () => {
        const attempts = (await unitsSeenBy(url)).get("task:broken:0")?.attempts ?? 0;
        return attempts >= 1 && attempts <= 3;
      },
      "the attempt count counting from 1 again after the restart",
      30_000,
      25,
    );
  }, 120_000);
});
