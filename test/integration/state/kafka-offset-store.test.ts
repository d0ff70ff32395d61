/** KafkaOffsetStore beyond the contract: Kafka Connect's key format and key bytes, tombstones, failover reads. */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { KafkaOffsetStore } from "../../../src/state/kafka/kafka-offset-store.js";
import { uniqueName } from "../../support/env.js";
import {
  createTopic,
  deleteTopics,
  kafka,
  produceRaw,
  type RawRecord,
  readAll,
  silentLogger,
} from "./support.js";

const topics: string[] = [];
const stores: KafkaOffsetStore[] = [];

async function offsetTopic(records: RawRecord[] = []): Promise<string> {
  const topic = uniqueName("ferry-offsets");
  topics.push(topic);
  await createTopic(topic, 25);
  if (records.length > 0) await produceRaw(topic, records);
  return topic;
}

async function open(topic: string): Promise<KafkaOffsetStore> {
  const store = new KafkaOffsetStore({ kafka: kafka(), topic, logger: silentLogger });
  stores.push(store);
  await store.start();
  return store;
}

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.stop()));
});
afterAll(async () => {
  await deleteTopics(...topics);
});

describe("KafkaOffsetStore and Kafka Connect's records", () => {
  it("reads the records Kafka Connect writes, whatever the order of the partition's keys", async () => {
    const topic = await offsetTopic([
      { key: '["file-src",{"filename":"/tmp/in.txt"}]', value: '{"position":1234}' },
      { key: '["jdbc",{"table":"t","db":"x"}]', value: '{"id":9007199254740991,"ts":"2024-01-01"}' },
      { key: '["gone",{"f":"a"}]', value: '{"position":1}' },
      { key: '["gone",{"f":"a"}]', value: null },
      { key: "not json", value: '{"position":1}' },
      { key: '{"not":"an array"}', value: '{"position":1}' },
      { key: '["x",{"f":"a"}]', value: "[1,2]" },
    ]);
    const store = await open(topic);
    expect(store.get("file-src", { filename: "/tmp/in.txt" })).toEqual({ position: 1234 });
    expect(store.get("jdbc", { db: "x", table: "t" })).toEqual({ id: 9007199254740991, ts: "2024-01-01" });
    expect(store.list("gone")).toEqual([]);
    expect(store.list("x")).toEqual([]);
  });

  it("writes Kafka Connect's key format, reusing the exact key bytes found in the log", async () => {
    // Kafka Connect (Java map order) wrote table before db; canonical JSON would put db first
    const kcKey = '["jdbc",{"table":"t","db":"x"}]';
    const topic = await offsetTopic([{ key: kcKey, value: '{"id":1}' }]);
    const store = await open(topic);
    await store.put("jdbc", [
      { partition: { db: "x", table: "t" }, offset: { id: 2 } },
      { partition: { file: "/a", line: 1 }, offset: { position: 5 } },
      { partition: { file: "/b" }, offset: null },
    ]);
    const raw = await readAll(topic);
    const mine = raw.filter((r) => r.key !== kcKey || r.value !== '{"id":1}');
    expect(mine.map((r) => [r.key, r.value]).sort()).toEqual(
      [
        [kcKey, '{"id":2}'],
        ['["jdbc",{"file":"/a","line":1}]', '{"position":5}'],
        ['["jdbc",{"file":"/b"}]', null],
      ].sort(),
    );
    // one Kafka key per source partition: same key bytes, so the same topic partition as Kafka Connect's record
    const kc = raw.filter((r) => r.key === kcKey);
    expect(new Set(kc.map((r) => r.partition)).size).toBe(1);
    expect(store.get("jdbc", { table: "t", db: "x" })).toEqual({ id: 2 });
  });

  it("lets a task that moved to another worker read the last offsets after read to end", async () => {
    const topic = await offsetTopic();
    const oldOwner = await open(topic);
    const newOwner = await open(topic);
    await oldOwner.put("src", [{ partition: { file: "a" }, offset: { position: 41 } }]);
    await oldOwner.put("src", [{ partition: { file: "a" }, offset: { position: 42 } }]);
    await newOwner.readToEnd();
    expect(newOwner.get("src", { file: "a" })).toEqual({ position: 42 });
  });

  it("measures a put of 1,000 offsets and start-up over them", async () => {
    const topic = await offsetTopic();
    const store = await open(topic);
    const entries = Array.from({ length: 1000 }, (_, i) => ({
      partition: { file: `f${i}` },
      offset: { position: i },
    }));
    const t0 = performance.now();
    await store.put("bulk", entries);
    const putMs = performance.now() - t0;
    const t1 = performance.now();
    await store.put("one", [{ partition: { file: "x" }, offset: { position: 1 } }]);
    const oneMs = performance.now() - t1;
    const t2 = performance.now();
    const second = await open(topic);
    console.log(
      `offsets (25 partitions): put 1000 ${putMs.toFixed(0)} ms, put 1 ${oneMs.toFixed(1)} ms, start ${(performance.now() - t2).toFixed(0)} ms`,
      second.startTimings(),
    );
    expect(second.list("bulk")).toHaveLength(1000);
  });
});
