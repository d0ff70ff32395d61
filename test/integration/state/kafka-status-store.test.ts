/** KafkaStatusStore beyond the contract: Kafka Connect's record shapes, its UNASSIGNED rule, fencing between workers. */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { KafkaStatusStore } from "../../../src/state/kafka/kafka-status-store.js";
import type { StatusUnit, UnitStatus } from "../../../src/state/types.js";
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
const stores: KafkaStatusStore[] = [];

async function statusTopic(records: RawRecord[] = []): Promise<string> {
  const topic = uniqueName("ferry-status");
  topics.push(topic);
  await createTopic(topic, 5);
  if (records.length > 0) await produceRaw(topic, records);
  return topic;
}

async function open(topic: string): Promise<KafkaStatusStore> {
  const store = new KafkaStatusStore({ kafka: kafka(), topic, logger: silentLogger });
  stores.push(store);
  await store.start();
  return store;
}

const status = (
  state: UnitStatus["state"],
  workerId: string,
  generation: number,
  trace: string | null = null,
) => ({
  state,
  trace,
  workerId,
  generation,
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.stop()));
});
afterAll(async () => {
  await deleteTopics(...topics);
});

describe("KafkaStatusStore and Kafka Connect's records", () => {
  it("reads the records a Kafka Connect cluster writes", async () => {
    const topic = await statusTopic([
      {
        key: "status-connector-my-src",
        value: '{"state":"RUNNING","trace":null,"worker_id":"10.0.0.1:8083","generation":3}',
      },
      {
        key: "status-task-my-src-0",
        value:
          '{"state":"FAILED","trace":"org.apache.kafka.connect.errors.ConnectException: x\\n\\tat A.b(A.java:1)","worker_id":"10.0.0.2:8083","generation":3}',
      },
      // Kafka's serializer leaves out a null trace only in older versions; both are read
      { key: "status-task-my-src-1", value: '{"state":"PAUSED","worker_id":"10.0.0.1:8083","generation":4}' },
      {
        key: "status-topic-orders:connector-my-src",
        value: '{"topic":{"name":"orders","connector":"my-src","task":0,"discoverTimestamp":1700000000000}}',
      },
      { key: "status-connector-bad", value: '{"state":"EXPLODED","worker_id":"w","generation":1}' },
      { key: "status-task-bad", value: '{"state":"RUNNING","worker_id":"w","generation":1}' },
      { key: "status-connector-bad2", value: "not json" },
    ]);
    const store = await open(topic);
    expect(store.connector("my-src")).toEqual(status("RUNNING", "10.0.0.1:8083", 3));
    expect(store.task("my-src", 0)).toEqual(
      status(
        "FAILED",
        "10.0.0.2:8083",
        3,
        "org.apache.kafka.connect.errors.ConnectException: x\n\tat A.b(A.java:1)",
      ),
    );
    expect(store.task("my-src", 1)).toEqual(status("PAUSED", "10.0.0.1:8083", 4));
    expect(store.connectors()).toEqual(["my-src"]);
    // Kafka Connect's delete: a connector tombstone forgets the tasks too (as its reader does)
    await produceRaw(topic, [{ key: "status-connector-my-src", value: null }]);
    await store.readToEnd();
    expect(store.connector("my-src")).toBeUndefined();
    expect(store.tasks("my-src").size).toBe(0);
  });

  it("writes exactly the records Kafka Connect writes, with the fencing token in a header", async () => {
    const topic = await statusTopic();
    const store = await open(topic);
    await store.putConnector("my-conn", status("RUNNING", "host:8083", 1));
    await store.putTask("my-conn", 0, status("FAILED", "host:8083", 2, 'boom "quoted"\n'), { fence: 12 });
    await store.putTask("my-conn", 1, status("RUNNING", "host:8083", 2));
    await store.deleteConnector("my-conn");
    const raw = await readAll(topic);
    const byKey = (k: string) => raw.filter((r) => r.key === k).map((r) => [r.value, r.headers]);
    expect(byKey("status-connector-my-conn")).toEqual([
      ['{"state":"RUNNING","trace":null,"worker_id":"host:8083","generation":1}', {}],
      [null, {}],
    ]);
    expect(byKey("status-task-my-conn-0")).toEqual([
      [
        '{"state":"FAILED","trace":"boom \\"quoted\\"\\n","worker_id":"host:8083","generation":2}',
        { "ferry.fence": "12" },
      ],
      [null, {}],
    ]);
    expect(byKey("status-task-my-conn-1").map(([v]) => v)).toEqual([
      '{"state":"RUNNING","trace":null,"worker_id":"host:8083","generation":2}',
      null,
    ]);
    expect(raw).toHaveLength(6);
  });

  it("ignores Kafka Connect's stale UNASSIGNED (generation not above a RUNNING one), but not a fenced write", async () => {
    const topic = await statusTopic();
    const store = await open(topic);
    await store.putTask("c", 0, status("RUNNING", "w1", 5));
    await store.putTask("c", 0, status("UNASSIGNED", "w2", 5));
    expect(store.task("c", 0)).toEqual(status("RUNNING", "w1", 5));
    await store.putTask("c", 0, status("UNASSIGNED", "w2", 6));
    expect(store.task("c", 0)).toEqual(status("UNASSIGNED", "w2", 6));
    await store.putTask("c", 1, status("RUNNING", "w1", 5), { fence: 1 });
    await store.putTask("c", 1, status("UNASSIGNED", "w1", 5), { fence: 1 });
    expect(store.task("c", 1)?.state).toBe("UNASSIGNED");
  });

  it("tells the current owner when a stale owner's status lands after its own, on every worker", async () => {
    const topic = await statusTopic();
    const owner = await open(topic);
    const zombie = await open(topic);
    const seen: [StatusUnit, number, number][] = [];
    owner.onStaleWrite((u, t, h) => seen.push([u, t, h]));
    await owner.putTask("c", 3, status("RUNNING", "owner", 1), { fence: 8 });
    await zombie.readToEnd();
    await zombie.putTask("c", 3, status("FAILED", "zombie", 1, "late"), { fence: 7 });
    await owner.readToEnd();
    expect(seen).toEqual([[{ connector: "c", task: 3 }, 7, 8]]);
    for (const s of [owner, zombie]) expect(s.task("c", 3)?.workerId).toBe("owner");
    // the owner re-asserts, so the last record is its own again (what compaction keeps)
    await owner.putTask("c", 3, status("RUNNING", "owner", 1), { fence: 8 });
    const last = (await readAll(topic)).filter((r) => r.key === "status-task-c-3").at(-1);
    expect(last?.headers["ferry.fence"]).toBe("8");
    // a fresh reader agrees, and knows the highest token to re-seed a fencing counter from
    const fresh = await open(topic);
    expect(fresh.task("c", 3)?.workerId).toBe("owner");
    expect(fresh.highestFence({ connector: "c", task: 3 })).toBe(8);
  });

  it("writes safely against another worker's view", async () => {
    const topic = await statusTopic();
    const a = await open(topic);
    const b = await open(topic);
    await a.putConnector("c", status("RUNNING", "a", 4));
    await b.readToEnd();
    await b.putConnector("c", status("UNASSIGNED", "b", 3), { safe: true });
    await a.readToEnd();
    expect(a.connector("c")).toEqual(status("RUNNING", "a", 4));
    expect((await readAll(topic)).filter((r) => r.key === "status-connector-c")).toHaveLength(1);
  });
});
