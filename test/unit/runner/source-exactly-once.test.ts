/**
 * The source task runner's exactly-once path without Kafka (the transactions are recorded; the real
 * producer is covered by test/integration/runner/exactly-once.test.ts and the bounce test): records and the
 * offsets they carry go in one transaction, never part of a poll, nothing through the offset store, and a
 * fenced task stops without reporting a failure.
 */
import { describe, expect, it } from "vitest";
import type { SourceTask } from "../../../src/api/connector.js";
import { type SourceRecord, sourceRecord } from "../../../src/api/records.js";
import type { RecordMetadata, TopicMessages } from "../../../src/kafka/types.js";
import { ProducerFencedError, type SourceTransactions } from "../../../src/runner/exactly-once.js";
import type { OffsetEntry, OffsetStore } from "../../../src/state/types.js";
import { sourceRunner, until } from "./source-runner-fixture.js";

class ScriptedTask implements SourceTask {
  committed: number[] = [];
  /** polls answered with nothing: the script was used up */
  emptyPolls = 0;
  constructor(private readonly polls: SourceRecord[][]) {}
  version() {
    return "1";
  }
  start() {}
  async poll() {
    await new Promise((r) => setTimeout(r, 5));
    const next = this.polls.shift();
    if (!next) this.emptyPolls++;
    return next ?? null;
  }
  commitRecord(r: SourceRecord) {
    this.committed.push(r.sourceOffset?.n as number);
  }
  stop() {}
}

const rec = (n: number) =>
  sourceRecord({ topic: "t", value: String(n), sourcePartition: { p: 0 }, sourceOffset: { n } });

interface Txn {
  values: string[];
  offsets: OffsetEntry[];
}

function recordingTransactions(
  boundary: "poll" | "interval",
  opts: { intervalMs?: number; fenceAfter?: number; delayMs?: number } = {},
) {
  const txns: Txn[] = [];
  let fenced = 0;
  const tx: SourceTransactions = {
    boundary,
    intervalMs: opts.intervalMs ?? 0,
    async fence() {
      fenced++;
    },
    async commit(chunks: readonly (readonly TopicMessages[])[], offsets: readonly OffsetEntry[]) {
      await new Promise((r) => setTimeout(r, opts.delayMs ?? 1));
      if (opts.fenceAfter !== undefined && txns.length >= opts.fenceAfter)
        throw new ProducerFencedError("x-t-0");
      const values = chunks.flatMap((c) => c.flatMap((t) => t.messages.map((m) => String(m.value))));
      txns.push({ values, offsets: [...offsets] });
      return chunks.flatMap((c) =>
        c.map((t): RecordMetadata => ({ topicName: t.topic, partition: 0, errorCode: 0, baseOffset: "0" })),
      );
    },
  };
  return { tx, txns, fenced: () => fenced };
}

function runner(task: SourceTask, transactions: SourceTransactions) {
  const puts: OffsetEntry[][] = [];
  const offsets: OffsetStore = {
    start: async () => {},
    stop: async () => {},
    readToEnd: async () => {
      events.push("readToEnd");
    },
    get: () => null,
    list: () => [],
    put: async (_c, e) => {
      puts.push([...e]);
    },
  };
  const { r, events } = sourceRunner({ task, offsets, transactions, offsetFlushIntervalMs: 10 });
  return { r, puts, events };
}

describe("SourceTaskRunner with transactions", () => {
  it("poll boundary: whole polls per transaction with their last offsets; fence before reading offsets", async () => {
    const polls = [[rec(0), rec(1)], [rec(2)], [rec(3), rec(4), rec(5)], [rec(6)]];
    const task = new ScriptedTask(polls.map((p) => [...p]));
    const { tx, txns, fenced } = recordingTransactions("poll", { delayMs: 15 });
    const { r, puts, events } = runner(task, tx);
    const done = r.start();
    await until(() => task.committed.length === 7);
    await r.stop();
    await done;
    expect(fenced()).toBe(1);
    expect(events[0]).toBe("readToEnd");
    expect(txns.flatMap((t) => t.values)).toEqual(["0", "1", "2", "3", "4", "5", "6"]);
    // a transaction ends at a poll's end and carries the offset of its last record
    const ends = new Set([1, 2, 5, 6]);
    for (const t of txns) {
      expect(ends.has(Number(t.values.at(-1)))).toBe(true);
      expect(t.offsets).toEqual([{ partition: { p: 0 }, offset: { n: Number(t.values.at(-1)) } }]);
    }
    expect(puts).toEqual([]);
    expect(task.committed).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(events).toContain("shutdown");
  });

  it("interval boundary: one transaction per interval; stop commits what is left", async () => {
    const task = new ScriptedTask(Array.from({ length: 20 }, (_, i) => [rec(i)]));
    const { tx, txns } = recordingTransactions("interval", { intervalMs: 60_000 });
    const { r } = runner(task, tx);
    const done = r.start();
    // every scripted poll was made (the one after the last found nothing), however slow the machine
    while (task.emptyPolls === 0) await new Promise((res) => setTimeout(res, 10));
    expect(txns).toEqual([]);
    await r.stop();
    await done;
    expect(txns).toHaveLength(1);
    expect(txns[0]?.values).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(txns[0]?.offsets).toEqual([{ partition: { p: 0 }, offset: { n: 19 } }]);
  });

  it("a fenced task stops without a FAILED status", async () => {
    const task = new ScriptedTask(Array.from({ length: 50 }, (_, i) => [rec(i)]));
    const { tx } = recordingTransactions("poll", { fenceAfter: 2 });
    const { r, events } = runner(task, tx);
    await r.start();
    expect(events.filter((e) => e.startsWith("failed"))).toEqual([]);
    expect(events).not.toContain("shutdown");
    expect(task.committed.length).toBeLessThan(50);
  });
});
