/**
 * Task isolation on a standalone worker: a task that never returns from poll() is FAILED with what it was in
 * while the worker's REST API and its other connectors carry on; SIGTERM ends the worker although one task
 * hangs in stop(). The misbehaving connector is test/fixtures/misbehaving-plugin (plugin.path).
 */
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { KAFKA_BOOTSTRAP, uniqueName } from "../../support/env.js";
import { tempDir } from "../../support/files.js";
import { createTopic } from "../../support/kafka.js";
import { freePort } from "../../support/ports.js";
import { type FerryProcess, startFerry, waitFor, waitHealthy } from "../../support/worker-process.js";

const PLUGIN = resolve("test/fixtures/misbehaving-plugin");

let proc: FerryProcess | null = null;
let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await proc?.kill("SIGKILL");
  proc = null;
  await cleanup?.();
  cleanup = null;
});

async function lines(file: string): Promise<number> {
  return (await readFile(file, "utf8").catch(() => "")).split("\n").filter(Boolean).length;
}

describe("task isolation (standalone)", () => {
  it("a task looping forever in poll() is FAILED with its reason, the others run on; SIGTERM ends the worker although a task hangs in stop()", async () => {
    const tmp = await tempDir("isolation-standalone");
    cleanup = tmp.cleanup;
    const dir = tmp.path;
    const topic = uniqueName("isolation-standalone");
    await createTopic(topic, 1);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const workerFile = join(dir, "worker.properties");
    await writeFile(
      workerFile,
      [
        `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
        "key.converter=org.apache.kafka.connect.storage.StringConverter",
        "value.converter=org.apache.kafka.connect.storage.StringConverter",
        `offset.storage.file.filename=${join(dir, "offsets")}`,
        "offset.flush.interval.ms=500",
        `listeners=http://127.0.0.1:${port}`,
        `plugin.path=${PLUGIN}`,
        "task.threads=2",
        "task.stall.timeout.ms=3000",
        "task.shutdown.graceful.timeout.ms=2000",
        "",
      ].join("\n"),
    );
    proc = startFerry(["standalone", workerFile], topic);
    await waitHealthy(port, proc);
    const create = async (name: string, behaviour: string) => {
      const r = await fetch(`${url}/connectors`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          name,
          config: {
            "connector.class": "com.example.MisbehavingSourceConnector",
            topic,
            behaviour,
            "starts.file": join(dir, `${name}.starts`),
            "polls.file": join(dir, `${name}.polls`),
          },
        }),
      });
      expect(r.status).toBe(201);
    };
    const taskState = async (name: string) =>
      (await (await fetch(`${url}/connectors/${name}/tasks/0/status`)).json()) as {
        state?: string;
        trace?: string;
      };

    await create("healthy", "healthy");
    await create("hang", "hang-stop");
    await waitFor(async () => (await taskState("healthy")).state === "RUNNING", "healthy RUNNING");
    await waitFor(async () => (await taskState("hang")).state === "RUNNING", "hang RUNNING");
    await create("looper", "loop");
    const failed = await waitFor(async () => {
      const s = await taskState("looper");
      return s.state === "FAILED" ? s : null;
    }, "the looping task FAILED");
    expect(failed.trace).toContain("stuck in poll()");
    expect(failed.trace).toContain("task.stall.timeout.ms=3000");
    // the other tasks run on (one may have shared the looper's thread and been restarted on a new one)
    const polls = await lines(join(dir, "healthy.polls"));
    await waitFor(
      async () => (await lines(join(dir, "healthy.polls"))) > polls + 2,
      "the healthy task polling on",
    );
    expect((await taskState("healthy")).state).toBe("RUNNING");
    expect((await taskState("hang")).state).toBe("RUNNING");

    // SIGTERM: the task stuck in stop() is given task.shutdown.graceful.timeout.ms, then its thread ends
    const exit = await proc.kill("SIGTERM");
    expect(exit.code).toBe(0);
    const log = await readFile(proc.logFile, "utf8");
    expect(log).toContain("did not stop within task.shutdown.graceful.timeout.ms=2000");
    expect(log).toContain("in stop()");
  });
});
