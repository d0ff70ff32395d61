/**
 * The source task runner's periodic offset commit (at-least-once path), without Kafka: it runs beside
 * polling, one at a time; a commit that fails is logged and its offsets are committed by a later one; a
 * slow commit (an offsets topic whose broker is away) does not stop polling and is given up after
 * offset.flush.timeout.ms; a failing last commit at stop is not a task failure. As Kafka Connect's offset committer.
 */
import { describe, expect, it } from "vitest";
import type { SourceTask } from "../../../src/api/connector.js";
import { sourceRecord } from "../../../src/api/records.js";
import type { KafkaProducer, RecordMetadata } from "../../../src/kafka/types.js";
import type { OffsetEntry, OffsetStore } from "../../../src/state/types.js";
import { sourceRunner, until } from "./source-runner-fixture.js";

/** One record per poll, offsets 0, 1, 2, … */
class CountingTask implements SourceTask {
  polled = 0;
  version() {
    return "1";
  }
  start() {}
  async poll() {
    await new Promise((r) => setTimeout(r, 2));
    const n = this.polled++;
    return [sourceRecord({ topic: "t", value: String(n), sourcePartition: { p: 0 }, sourceOffset: { n } })];
  }
  stop() {}
}

const producer = {
  async sendBatch({ topicMessages }: { topicMessages: { topic: string }[] }): Promise<RecordMetadata[]> {
    return topicMessages.map((t) => ({ topicName: t.topic, partition: 0, errorCode: 0, baseOffset: "0" }));
  },
} as unknown as KafkaProducer;

function runner(
  task: SourceTask,
  write: (entries: readonly OffsetEntry[]) => Promise<void>,
  offsetFlushTimeoutMs?: number,
) {
  const offsets: OffsetStore = {
    start: async () => {},
    stop: async () => {},
    readToEnd: async () => {},
    get: () => null,
    list: () => [],
    put: async () => {
      throw new Error("the periodic commit must not wait for the view (put)");
    },
    write: async (_c, e) => write(e),
  };
  return sourceRunner({
    task,
    offsets,
    producer,
    offsetFlushIntervalMs: 20,
    ...(offsetFlushTimeoutMs === undefined ? {} : { offsetFlushTimeoutMs }),
  });
}

const offsetOf = (entries: readonly OffsetEntry[]) =>
  (entries[0]?.offset as { n: number } | undefined)?.n ?? -1;

describe("SourceTaskRunner offset commits", () => {
  it("a failed commit is not a task failure: polling goes on and a later commit stores the offsets", async () => {
    const task = new CountingTask();
    const calls: number[] = [];
    const stored: number[] = [];
    const { r, events } = runner(task, async (entries) => {
      calls.push(offsetOf(entries));
      if (calls.length <= 2) throw new Error("offsets topic unavailable");
      stored.push(offsetOf(entries));
    });
    const done = r.start();
    await until(() => stored.length > 0);
    const polledAtFirstStore = task.polled;
    await until(() => task.polled > polledAtFirstStore + 10);
    await r.stop();
    await done;
    expect(events).toEqual(["running", "shutdown"]);
    // the commits after the failures carry offsets at least as new as the failed ones (nothing goes back)
    expect(stored[0]).toBeGreaterThanOrEqual(calls[1] ?? Number.POSITIVE_INFINITY);
    // the last commit at stop stores the offset of the last acknowledged record
    expect(stored.at(-1)).toBe(task.polled - 1);
  });

  it("a commit that hangs does not stop polling, and no second commit starts meanwhile", async () => {
    const task = new CountingTask();
    let inFlight = 0;
    let most = 0;
    let release: () => void = () => {};
    const hung = new Promise<void>((res) => {
      release = res;
    });
    let calls = 0;
    // the hung commit is not given up during the test: how long 50 polls take on a busy machine does not
    // matter (with the fixture's 1 s timeout, a slow machine saw the second commit start after it)
    const { r, events } = runner(
      task,
      async () => {
        calls++;
        inFlight++;
        most = Math.max(most, inFlight);
        if (calls === 1) await hung;
        inFlight--;
      },
      600_000,
    );
    const done = r.start();
    await until(() => calls === 1);
    const polledAtHang = task.polled;
    // many flush intervals (20 ms) pass while the first commit hangs
    await until(() => task.polled > polledAtHang + 50);
    expect(calls).toBe(1);
    release();
    await until(() => calls > 1);
    await r.stop();
    await done;
    expect(most).toBe(1);
    expect(events).toEqual(["running", "shutdown"]);
  });

  it("a commit that never completes is given up after offset.flush.timeout.ms: commits go on, stop is bounded", async () => {
    const task = new CountingTask();
    let calls = 0;
    let stopping = false;
    let writesAtStop = 0;
    // offset.flush.timeout.ms is 1 s in the fixture; the first write never settles, and neither does any
    // write made once the stop began (the broker went away for good)
    const { r, events } = runner(task, () => {
      calls++;
      if (stopping) writesAtStop++;
      return calls === 1 || stopping ? new Promise<void>(() => {}) : Promise.resolve();
    });
    const done = r.start();
    // a later commit started: the first one was given up rather than waited for
    await until(() => calls > 1, 5_000);
    stopping = true;
    // the bound is the behaviour here: a stop gives up its last commit after offset.flush.timeout.ms (1 s)
    // rather than waiting for it (forever here); 10 s is ten times that
    const outcome = await Promise.race([
      r.stop().then(() => "stopped"),
      new Promise((res) => setTimeout(() => res("still waiting for the hung commit"), 10_000)),
    ]);
    expect(outcome).toBe("stopped");
    await done;
    // the stop did try its last commit (a periodic one may have started while the task was stopping)
    expect(writesAtStop).toBeGreaterThanOrEqual(1);
    expect(events).toEqual(["running", "shutdown"]);
  }, 20_000);

  it("a failing last commit at stop is logged, not reported as a task failure", async () => {
    const task = new CountingTask();
    let stopping = false;
    let lastCallWhileStopping = false;
    const { r, events } = runner(task, async () => {
      if (stopping) {
        lastCallWhileStopping = true;
        throw new Error("offsets topic unavailable");
      }
    });
    const done = r.start();
    await until(() => task.polled > 20);
    stopping = true;
    await r.stop();
    await done;
    expect(lastCallWhileStopping).toBe(true);
    expect(events).toEqual(["running", "shutdown"]);
  });
});
