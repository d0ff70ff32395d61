/**
 * Exactly-once source pieces on the real broker: read-to-end stops at the last stable offset (an open
 * transaction does not hold a reader up), a transaction holds records and offsets together, and a new owner
 * of a transactional id fences the old one, whose open transaction is aborted and stays invisible.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createProducer } from "../../../src/kafka/client.js";
import type { KafkaProducer } from "../../../src/kafka/types.js";
import {
  connectorTransactionSettings,
  ProducerFencedError,
  TransactionalWriter,
} from "../../../src/runner/exactly-once.js";
import { KafkaOffsetStore } from "../../../src/state/kafka/kafka-offset-store.js";
import { uniqueName } from "../../support/env.js";
import { createTopic, kafka, silentLogger } from "../state/support.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function committedValues(topic: string): Promise<string[]> {
  // a read-committed consumer reading to the LSO: what a downstream reader can see
  const k = kafka();
  const admin = k.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const out: string[] = [];
  const remaining = new Map(ends.filter((e) => Number(e.high) > 0).map((e) => [e.partition, Number(e.high)]));
  if (remaining.size === 0) return out;
  const consumer = k.consumer({ groupId: uniqueName("eos-reader") });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}`)), 30_000);
    const done = (p: number, next: number) => {
      const end = remaining.get(p);
      if (end !== undefined && next >= end) remaining.delete(p);
      if (remaining.size === 0) {
        clearTimeout(timer);
        resolve();
      }
    };
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) =>
      done(e.payload.partition, Number(e.payload.lastOffset) + 1),
    );
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          out.push(message.value?.toString() ?? "null");
          done(partition, Number(message.offset) + 1);
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return out;
}

describe("read-committed end offsets", () => {
  it("ends at the last stable offset while a transaction is open, at the high watermark after", async () => {
    const topic = uniqueName("eos-lso");
    await createTopic(topic, 1, {});
    const k = kafka();
    const producer: KafkaProducer = createProducer(k, {
      transactionalId: uniqueName("eos-lso-tx"),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    await producer.send({ topic, messages: [{ value: "plain" }], acks: -1 });
    const txn = await producer.transaction();
    await txn.send({ topic, messages: [{ value: "in-txn" }], acks: -1 });

    // KafkaLog.readToEnd relies on this: kafkajs's ListOffsets (v2+) asks READ_COMMITTED by default
    const admin = k.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    expect((await admin.fetchTopicOffsets(topic))[0]?.high).toBe("1");
    await txn.commit();
    // markers are written after EndTxn answers; the commit marker takes an offset too
    await expect
      .poll(async () => (await admin.fetchTopicOffsets(topic))[0]?.high, { timeout: 10_000 })
      .toBe("3");
  });
});

describe("read_committed with overlapping aborted transactions", () => {
  it("drops every aborted record, also when the broker lists the aborts out of first-offset order", async () => {
    // kafkajs 2.2.4 let the first record through here (src/kafka/filter-aborted-messages.ts)
    const topic = uniqueName("eos-aborts");
    await createTopic(topic, 1, {});
    const k = kafka();
    const tx = (id: string) =>
      createProducer(k, { transactionalId: uniqueName(id), idempotent: true, maxInFlightRequests: 1 });
    const first = tx("eos-abort-a");
    const second = tx("eos-abort-b");
    const plain = createProducer(k, {});
    await Promise.all([first.connect(), second.connect(), plain.connect()]);
    cleanups.push(
      () => first.disconnect(),
      () => second.disconnect(),
      () => plain.disconnect(),
    );
    const a = await first.transaction();
    await a.send({ topic, messages: [{ value: "aborted-a" }], acks: -1 });
    const b = await second.transaction();
    await b.send({ topic, messages: [{ value: "aborted-b" }], acks: -1 });
    // the later transaction is aborted first: the broker lists b before a
    await b.abort();
    await a.abort();
    await plain.send({ topic, messages: [{ value: "committed" }], acks: -1 });
    await expect.poll(() => committedValues(topic), { timeout: 15_000 }).toEqual(["committed"]);
  });
});

describe("TransactionalWriter", () => {
  it("commits records with their offsets; a new owner fences the old one and aborts its transaction", async () => {
    const topic = uniqueName("eos-data");
    const offsetsTopic = uniqueName("eos-offsets");
    await createTopic(topic, 1, {});
    const k = kafka();
    const offsets = new KafkaOffsetStore({
      kafka: k,
      topic: offsetsTopic,
      partitions: 3,
      replicationFactor: 1,
      logger: silentLogger,
    });
    await offsets.start();
    cleanups.push(() => offsets.stop());
    const transactionalId = uniqueName("eos-writer");
    const writer = (name: string) =>
      new TransactionalWriter({
        kafka: k,
        transactionalId,
        connector: "src",
        offsets,
        boundary: "poll",
        intervalMs: 0,
        logger: silentLogger.child({ name }),
      });
    const partition = { id: 0 };
    const signal = new AbortController().signal;
    const records = (from: number, n: number) => [
      [{ topic, messages: Array.from({ length: n }, (_, i) => ({ value: String(from + i) })) }],
    ];

    const a = writer("a");
    cleanups.push(() => a.disconnect());
    await a.fence();
    const meta = await a.commit(records(0, 3), [{ partition, offset: { seqno: 2 } }], signal);
    expect(meta.map((m) => m.topicName)).toEqual([topic]);

    // the old owner opens a transaction and is cut off mid-way (a zombie)
    const zombie = createProducer(k, { transactionalId, idempotent: true, maxInFlightRequests: 1 });
    await zombie.connect();
    cleanups.push(() => zombie.disconnect());
    const open = await zombie.transaction();
    await open.send({ topic, messages: [{ value: "zombie" }], acks: -1 });

    const b = writer("b");
    cleanups.push(() => b.disconnect());
    await b.fence();
    // fence() completed a's commit and aborted the zombie's transaction: reading to the end neither waits
    // for it nor misses a's offsets
    await offsets.readToEnd();
    expect(offsets.get("src", partition)).toEqual({ seqno: 2 });
    await b.commit(records(3, 2), [{ partition, offset: { seqno: 4 } }], signal);
    await expect(a.commit(records(100, 1), [{ partition, offset: { seqno: 100 } }], signal)).rejects.toThrow(
      ProducerFencedError,
    );
    await expect(open.commit()).rejects.toThrow();

    const c = writer("c");
    cleanups.push(() => c.disconnect());
    await c.fence();
    await offsets.readToEnd();
    expect(offsets.get("src", partition)).toEqual({ seqno: 4 });
    expect(await committedValues(topic)).toEqual(["0", "1", "2", "3", "4"]);
  });
});

describe("connector transaction settings", () => {
  it("follows Kafka's keys and refuses what Ferry cannot honour with a message naming the key", () => {
    expect(connectorTransactionSettings({}, "enabled", 60_000)).toEqual({
      boundary: "poll",
      intervalMs: 60_000,
    });
    expect(
      connectorTransactionSettings(
        { "transaction.boundary": "interval", "transaction.boundary.interval.ms": "250" },
        "enabled",
        60_000,
      ),
    ).toEqual({ boundary: "interval", intervalMs: 250 });
    expect(connectorTransactionSettings({}, "preparing", 1)).toBeNull();
    expect(() => connectorTransactionSettings({ "transaction.boundary": "connector" }, "enabled", 1)).toThrow(
      /transaction.boundary=connector is not supported/,
    );
    expect(() => connectorTransactionSettings({ "exactly.once.support": "required" }, "disabled", 1)).toThrow(
      /exactly.once.support=required.*disabled/,
    );
    // as Kafka: the interval only counts with transaction.boundary=interval, but must be a valid number
    expect(connectorTransactionSettings({ "transaction.boundary.interval.ms": "10" }, "enabled", 1)).toEqual({
      boundary: "poll",
      intervalMs: 10,
    });
    expect(() =>
      connectorTransactionSettings({ "transaction.boundary.interval.ms": "-5" }, "enabled", 1),
    ).toThrow(/transaction.boundary.interval.ms: Value must be a non-negative integer/);
  });
});
