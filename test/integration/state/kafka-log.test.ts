/** KafkaLog on the real broker: read to end through control batches and compaction gaps, writes, failures. */
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { KafkaLog, type LogRecord } from "../../../src/state/kafka/kafka-log.js";
import { uniqueName } from "../../support/env.js";
import {
  createTopic,
  deleteTopics,
  kafka,
  produceRaw,
  readAll,
  silentLogger,
  transactionalProducer,
  withAdmin,
} from "./support.js";

const topics: string[] = [];
const logs: KafkaLog[] = [];

async function topic(partitions = 1, configs?: Record<string, string>): Promise<string> {
  const name = uniqueName("ferry-log");
  topics.push(name);
  await createTopic(name, partitions, configs);
  return name;
}

function open(name: string, onRecord: (r: LogRecord) => void = () => {}, timeoutMs?: number): KafkaLog {
  const log = new KafkaLog({ kafka: kafka(), topic: name, logger: silentLogger, onRecord, timeoutMs });
  logs.push(log);
  return log;
}

function text(r: LogRecord) {
  return {
    partition: r.partition,
    key: r.key?.toString() ?? null,
    value: r.value?.toString() ?? null,
  };
}

afterEach(async () => {
  await Promise.all(logs.splice(0).map((l) => l.stop()));
});
afterAll(async () => {
  await deleteTopics(...topics);
});

describe("KafkaLog", () => {
  it("starts at once on an empty topic, and an idle read to end returns at once", async () => {
    const name = await topic(5);
    const log = open(name);
    const t0 = performance.now();
    await log.start();
    const startMs = performance.now() - t0;
    const t1 = performance.now();
    await log.readToEnd();
    const idleMs = performance.now() - t1;
    console.log(
      `empty 5-partition topic: start ${startMs.toFixed(0)} ms`,
      log.startTimings(),
      `idle readToEnd ${idleMs.toFixed(1)} ms`,
    );
    // the bounds are the behaviour: a start or a read to end that waited for a record would wait out the
    // read timeout (30 s); a start takes about 1 s here and an idle read to end about 20 ms, so each bound is
    // at least ten times what it should take
    expect(startMs).toBeLessThan(15_000);
    expect(idleMs).toBeLessThan(5_000);
  });

  it("reads every partition from the beginning, in order, with headers and tombstones, then tails", async () => {
    const name = await topic(3);
    await produceRaw(name, [
      { key: "a", value: "1", partition: 0 },
      { key: "b", value: "2", partition: 1, headers: { h: "x" } },
      { key: "a", value: null, partition: 0 },
      { key: "c", value: "3", partition: 2 },
      { key: "a", value: "4", partition: 0 },
    ]);
    const seen: LogRecord[] = [];
    const log = open(name, (r) => seen.push(r));
    await log.start();
    expect(seen.filter((r) => r.partition === 0).map(text)).toEqual([
      { partition: 0, key: "a", value: "1" },
      { partition: 0, key: "a", value: null },
      { partition: 0, key: "a", value: "4" },
    ]);
    expect(seen.find((r) => r.partition === 1)?.headers.h?.toString()).toBe("x");
    expect(seen).toHaveLength(5);
    // tailing: another writer's records arrive, and read to end waits for them
    await produceRaw(name, [{ key: "late", value: "5", partition: 2 }]);
    await log.readToEnd();
    expect(seen.map(text).at(-1)).toEqual({ partition: 2, key: "late", value: "5" });
  });

  it("sends in call order with acks=all, and reads its own writes after read to end", async () => {
    const name = await topic(1);
    const seen: string[] = [];
    const log = open(name, (r) => seen.push(r.value?.toString() ?? "null"));
    await log.start();
    await Promise.all(Array.from({ length: 50 }, (_, i) => log.send("k", String(i))));
    await log.sendAll([
      { key: "k", value: "x", headers: { "ferry.fence": "7" } },
      { key: "k", value: null },
    ]);
    await log.readToEnd();
    expect(seen).toEqual([...Array.from({ length: 50 }, (_, i) => String(i)), "x", "null"]);
    const raw = await readAll(name);
    expect(raw.at(-2)?.headers["ferry.fence"]).toBe("7");
  });

  it("splits a large write into requests the broker accepts, keeping the order", async () => {
    const name = await topic(1);
    let count = 0;
    let last = "";
    const log = open(name, (r) => {
      count++;
      last = r.key?.toString() ?? "";
    });
    await log.start();
    const big = "x".repeat(100_000);
    await log.sendAll(Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: big })));
    await log.readToEnd();
    expect(count).toBe(30);
    expect(last).toBe("k29");
  });

  it("reads to end through transaction markers, aborted and open transactions (no hang)", async () => {
    const name = await topic(2);
    const tx = await transactionalProducer();
    try {
      // partition 0: committed; partition 1: only an aborted transaction, i.e. nothing but filtered records
      const committed = await tx.transaction();
      await committed.send({ topic: name, messages: [{ key: "c", value: "committed", partition: 0 }] });
      await committed.commit();
      const aborted = await tx.transaction();
      await aborted.send({ topic: name, messages: [{ key: "a", value: "aborted", partition: 1 }] });
      await aborted.abort();
      const seen: string[] = [];
      // start() and readToEnd() throw after this timeout: a read that waited for a record the markers
      // stand in for would fail here (each takes well under 1 s, so 10 s is no wall-clock bound)
      const log = open(name, (r) => seen.push(`${r.partition}:${r.value?.toString()}`), 10_000);
      await log.start();
      expect(seen).toEqual(["0:committed"]);

      // the log now ends with a commit marker on partition 0 and an abort marker on partition 1
      const ends = await withAdmin((a) => a.fetchTopicOffsets(name));
      expect(ends.map((e) => Number(e.high))).toEqual([2, 2]);
      await log.readToEnd();

      // an open transaction: the last stable offset stays before it, so read to end does not wait for it
      const open1 = await tx.transaction();
      await open1.send({ topic: name, messages: [{ key: "o", value: "open", partition: 0 }] });
      await log.readToEnd();
      expect(seen).toEqual(["0:committed"]);
      await open1.commit();
      // commit() returns once the coordinator decided; the marker reaches the partition just after, and only
      // then does the last stable offset move: a read to end right away may still stop before it
      await vi.waitFor(
        async () => {
          await log.readToEnd();
          expect(seen).toEqual(["0:committed", "0:open"]);
        },
        { timeout: 5_000, interval: 20 },
      );

      // a plain write after markers
      await produceRaw(name, [{ key: "p", value: "plain", partition: 1 }]);
      await log.readToEnd();
      expect(seen).toEqual(["0:committed", "0:open", "1:plain"]);
    } finally {
      await tx.disconnect();
    }
  });

  it("reads to end over compaction gaps", async () => {
    const name = await topic(1, {
      "cleanup.policy": "compact",
      "segment.ms": "100",
      "min.cleanable.dirty.ratio": "0.01",
      "delete.retention.ms": "100",
      "min.compaction.lag.ms": "0",
    });
    for (let i = 0; i < 5; i++) {
      await produceRaw(
        name,
        Array.from({ length: 20 }, (_, j) => ({ key: `k${j % 3}`, value: `v${i}-${j}` })),
      );
      await new Promise((r) => setTimeout(r, 150));
    }
    // roll segments until the cleaner has removed records
    const deadline = Date.now() + 60_000;
    let raw = await readAll(name);
    while (raw.length >= 100 && Date.now() < deadline) {
      await produceRaw(name, [{ key: "roll", value: String(Date.now()) }]);
      await new Promise((r) => setTimeout(r, 500));
      raw = await readAll(name);
    }
    const offsets = raw.map((r) => Number(r.offset));
    const gaps = offsets.some((o, i) => i > 0 && o !== (offsets[i - 1] ?? 0) + 1) || (offsets[0] ?? 0) > 0;
    expect(gaps, "the broker compacted the topic").toBe(true);
    const seen: string[] = [];
    const log = open(name, (r) => seen.push(`${r.key?.toString()}=${r.value?.toString()}`), 10_000);
    await log.start();
    expect(seen).toEqual(raw.map((r) => `${r.key}=${r.value}`));
    await log.send("k0", "after");
    await log.readToEnd();
    expect(seen.at(-1)).toBe("k0=after");
  });

  it("fails loudly when the callback throws: read to end and send name the record", async () => {
    const name = await topic(1);
    const log = open(name, (r) => {
      if (r.value?.toString() === "poison") throw new Error("cannot apply");
    });
    await log.start();
    await log.send("k", "poison");
    await expect(log.readToEnd()).rejects.toThrow(
      new RegExp(`Applying the record at offset 0 of ${name}-0 failed: cannot apply`),
    );
    await expect(log.send("k", "v")).rejects.toThrow(/cannot apply/);
  });

  it("rejects a write the broker refuses, with the topic in the message", async () => {
    const name = await topic(1, { "cleanup.policy": "compact", "max.message.bytes": "1000" });
    const log = open(name);
    await log.start();
    await expect(log.send("k", "x".repeat(10_000))).rejects.toThrow(
      new RegExp(`Writing to topic ${name} failed`),
    );
    // the log stays usable
    await log.send("k", "small");
    await log.readToEnd();
  });

  it("surfaces a topic deleted under it in read to end and send, with the topic in the message", async () => {
    const name = await topic(1);
    const log = open(name, () => {}, 5_000);
    await log.start();
    await deleteTopics(name);
    await expect(log.readToEnd()).rejects.toThrow(new RegExp(`Cannot read the end offsets of topic ${name}`));
    await expect(log.send("k", "v")).rejects.toThrow(new RegExp(`Writing to topic ${name} failed`));
  });

  it("refuses to start on a missing topic, naming it", async () => {
    const name = uniqueName("ferry-log-missing");
    const log = open(name, () => {}, 5_000);
    await expect(log.start()).rejects.toThrow(new RegExp(`Cannot start reading topic ${name}`));
  });

  it("times out a read to end it cannot finish in time, saying where it stands", async () => {
    const name = await topic(1);
    for (let c = 0; c < 10; c++) {
      await produceRaw(
        name,
        Array.from({ length: 2_000 }, (_, i) => ({ key: `k${i}`, value: "x".repeat(100) })),
      );
    }
    const log = open(name, () => {}, 1);
    await expect(log.start()).rejects.toThrow(
      new RegExp(`Timed out after 1 ms reading topic ${name} to its end \\(partition 0 at \\d+ of 20000\\)`),
    );
  });

  it("shares end-offset requests between concurrent readers", async () => {
    const name = await topic(5);
    let n = 0;
    const log = open(name, () => n++);
    await log.start();
    await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        await log.send(`k${i}`, "v");
        await log.readToEnd();
      }),
    );
    expect(n).toBe(100);
  });

  it("stops cleanly: leaves its group, and refuses later use", async () => {
    const name = await topic(1);
    const log = open(name);
    await log.start();
    const t0 = performance.now();
    await log.stop();
    const stopMs = performance.now() - t0;
    console.log(`stop ${stopMs.toFixed(0)} ms`);
    // the bound is the behaviour: a stop waits for the fetch in flight (at most 250 ms here), not for
    // kafkajs's default fetch wait (5 s) or the group's session (10 s); it takes about 250 ms, so 4 s is
    // sixteen times that
    expect(stopMs).toBeLessThan(4_000);
    const groups = await withAdmin((a) => a.describeGroups([log.groupId]));
    expect(groups.groups[0]?.members ?? []).toEqual([]);
    await expect(log.send("k", "v")).rejects.toThrow(/stopped/);
    await expect(log.readToEnd()).rejects.toThrow(/stopped/);
    await log.stop();
  });

  it("measures start-up on a topic holding 20,000 records", async () => {
    const name = await topic(5);
    const writer = open(name);
    await writer.start();
    await writer.sendAll(
      Array.from({ length: 20_000 }, (_, i) => ({ key: `key-${i % 5000}`, value: `{"v":${i}}` })),
    );
    let n = 0;
    const reader = open(name, () => n++);
    const t0 = performance.now();
    await reader.start();
    const ms = performance.now() - t0;
    console.log(`20,000 records in 5 partitions: start ${ms.toFixed(0)} ms`, reader.startTimings());
    expect(n).toBe(20_000);
  });
});
