/**
 * KafkaConfigStore beyond the contract: Kafka Connect's exact record shapes both ways, the compaction
 * hazard, uncommitted task configs, restart requests, fencing.
 */
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { KafkaConfigStore } from "../../../src/state/kafka/kafka-config-store.js";
import type { ConfigChange } from "../../../src/state/types.js";
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
const stores: KafkaConfigStore[] = [];

async function configTopic(records: RawRecord[] = []): Promise<string> {
  const topic = uniqueName("ferry-configs");
  topics.push(topic);
  await createTopic(topic, 1);
  if (records.length > 0) await produceRaw(topic, records);
  return topic;
}

async function open(topic: string): Promise<KafkaConfigStore> {
  const store = new KafkaConfigStore({ kafka: kafka(), topic, logger: silentLogger });
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

describe("KafkaConfigStore and Kafka Connect's records", () => {
  it("reads the records a Kafka Connect cluster writes", async () => {
    const topic = await configTopic([
      {
        key: "session-key",
        value: '{"key":"c2VjcmV0","algorithm":"HmacSHA256","creation-timestamp":1700000000000}',
      },
      {
        key: "connector-my-file-src",
        value:
          '{"properties":{"connector.class":"FileStreamSource","file":"/tmp/in.txt","tasks.max":"2","gone":null}}',
      },
      // a worker older than STOPPED wrote only "state"
      { key: "target-state-my-file-src", value: '{"state":"PAUSED"}' },
      { key: "task-my-file-src-0", value: '{"properties":{"file":"/tmp/in.txt","task.class":"T"}}' },
      { key: "task-my-file-src-1", value: '{"properties":{"file":"/tmp/in2.txt","task.class":"T"}}' },
      { key: "commit-my-file-src", value: '{"tasks":2}' },
      { key: "connector-stopped-one", value: '{"properties":{"name":"stopped-one"}}' },
      { key: "target-state-stopped-one", value: '{"state":"PAUSED","state.v2":"STOPPED"}' },
      { key: "commit-stopped-one", value: '{"tasks":0}' },
      { key: "tasks-fencing-my-file-src", value: '{"task-count":2}' },
      { key: "logger-cluster-org.apache.kafka", value: '{"level":"DEBUG"}' },
      { key: "restart-connector-my-file-src", value: '{"include-tasks":true,"only-failed":true}' },
      // what Ferry cannot use is skipped, never fatal
      { key: "connector-broken", value: "{not json" },
      { key: "connector-wrong-shape", value: '{"props":{}}' },
      { key: "task-no-number", value: '{"properties":{}}' },
      { key: "something-else", value: "{}" },
    ]);
    const store = await open(topic);
    expect(store.connectors()).toEqual(["my-file-src", "stopped-one"]);
    expect(store.connectorConfig("my-file-src")).toEqual({
      "connector.class": "FileStreamSource",
      file: "/tmp/in.txt",
      "tasks.max": "2",
    });
    expect(store.targetState("my-file-src")).toBe("PAUSED");
    expect(store.taskConfigs("my-file-src")).toEqual([
      { file: "/tmp/in.txt", "task.class": "T" },
      { file: "/tmp/in2.txt", "task.class": "T" },
    ]);
    expect(store.targetState("stopped-one")).toBe("STOPPED");
    expect(store.taskConfigs("stopped-one")).toEqual([]);
    // a connector deleted by Kafka Connect: tombstones for connector- and target-state-
    await produceRaw(topic, [
      { key: "connector-my-file-src", value: null },
      { key: "target-state-my-file-src", value: null },
    ]);
    await store.readToEnd();
    expect(store.connectors()).toEqual(["stopped-one"]);
    expect(store.taskConfigs("my-file-src")).toBeUndefined();
    expect(store.targetState("my-file-src")).toBe("STARTED");
  });

  it("writes exactly the records Kafka Connect writes, in its order", async () => {
    const topic = await configTopic();
    const store = await open(topic);
    await store.putConnectorConfig(
      "my-conn",
      { name: "my-conn", "connector.class": "X", "a.b": 'ü"\n' },
      "STOPPED",
    );
    await store.putTaskConfigs("my-conn", [{ t: "0" }, { t: "1" }]);
    await store.putTargetState("my-conn", "PAUSED");
    await store.putRestartRequest("my-conn", { includeTasks: true, onlyFailed: false });
    await store.putConnectorConfig("plain", { name: "plain" });
    await store.deleteConnector("my-conn");
    const raw = await readAll(topic);
    expect(raw.map((r) => [r.key, r.value])).toEqual([
      ["target-state-my-conn", '{"state":"PAUSED","state.v2":"STOPPED"}'],
      ["connector-my-conn", '{"properties":{"name":"my-conn","connector.class":"X","a.b":"ü\\"\\n"}}'],
      ["task-my-conn-0", '{"properties":{"t":"0"}}'],
      ["task-my-conn-1", '{"properties":{"t":"1"}}'],
      ["commit-my-conn", '{"tasks":2}'],
      ["target-state-my-conn", '{"state":"PAUSED","state.v2":"PAUSED"}'],
      ["restart-connector-my-conn", '{"include-tasks":true,"only-failed":false}'],
      ["connector-plain", '{"properties":{"name":"plain"}}'],
      ["connector-my-conn", null],
      ["target-state-my-conn", null],
    ]);
    expect(raw.every((r) => Object.keys(r.headers).length === 0)).toBe(true);
  });

  it("marks tasks inconsistent when compaction removed records a commit needs, until a complete commit", async () => {
    // what compaction leaves of: task-c-0, task-c-1, commit(2), task-c-0 (leader died before task 1 and
    // the commit): the first task-c-0 is gone, and the commit finds task 0 missing
    const topic = await configTopic([
      { key: "connector-c", value: '{"properties":{"name":"c"}}' },
      { key: "task-c-1", value: '{"properties":{"t":"old-1"}}' },
      { key: "commit-c", value: '{"tasks":2}' },
      { key: "task-c-0", value: '{"properties":{"t":"new-0"}}' },
    ]);
    const store = await open(topic);
    const seen: ConfigChange[] = [];
    store.onChange((c) => seen.push(c));
    expect(store.connectors()).toEqual(["c"]);
    expect(store.isInconsistent("c")).toBe(true);
    expect(store.taskConfigs("c")).toBeUndefined();
    // the herder regenerates the tasks: a complete set and its commit make the connector consistent again
    await store.putTaskConfigs("c", [{ t: "gen-0" }, { t: "gen-1" }, { t: "gen-2" }]);
    expect(store.isInconsistent("c")).toBe(false);
    expect(store.taskConfigs("c")).toEqual([{ t: "gen-0" }, { t: "gen-1" }, { t: "gen-2" }]);
    expect(seen).toEqual([{ kind: "task-configs", connector: "c" }]);
  });

  it("applies task configs only at their commit, and a commit clears what was buffered", async () => {
    const topic = await configTopic([
      { key: "connector-c", value: '{"properties":{"name":"c"}}' },
      { key: "task-c-0", value: '{"properties":{"t":"a"}}' },
      { key: "commit-c", value: '{"tasks":1}' },
      // a leader died after writing one of two new task configs
      { key: "task-c-0", value: '{"properties":{"t":"b"}}' },
    ]);
    const store = await open(topic);
    expect(store.taskConfigs("c")).toEqual([{ t: "a" }]);
    // a commit with fewer tasks than buffered applies the ones it names
    await produceRaw(topic, [
      { key: "task-c-1", value: '{"properties":{"t":"b1"}}' },
      { key: "commit-c", value: '{"tasks":2}' },
    ]);
    await store.readToEnd();
    expect(store.taskConfigs("c")).toEqual([{ t: "b" }, { t: "b1" }]);
    // the buffer was cleared: a commit now needs its task records again
    await produceRaw(topic, [{ key: "commit-c", value: '{"tasks":1}' }]);
    await store.readToEnd();
    expect(store.taskConfigs("c")).toBeUndefined();
  });

  it("ignores a commit for a connector that no longer exists (compaction removed its config and tombstone)", async () => {
    const topic = await configTopic([
      { key: "task-ghost-0", value: '{"properties":{"t":"0"}}' },
      { key: "commit-ghost", value: '{"tasks":1}' },
      { key: "connector-ghost", value: '{"properties":{"name":"ghost"}}' },
    ]);
    const store = await open(topic);
    expect(store.connectors()).toEqual(["ghost"]);
    expect(store.taskConfigs("ghost")).toBeUndefined();
  });

  it("does not replay old restart requests at start, and reports new ones from any writer", async () => {
    const topic = await configTopic([
      { key: "connector-c", value: '{"properties":{"name":"c"}}' },
      { key: "restart-connector-c", value: '{"include-tasks":true,"only-failed":true}' },
    ]);
    const seen: ConfigChange[] = [];
    const store = new KafkaConfigStore({ kafka: kafka(), topic, logger: silentLogger });
    stores.push(store);
    store.onChange((c) => seen.push(c));
    await store.start();
    expect(seen).toEqual([]);
    await produceRaw(topic, [
      { key: "restart-connector-c", value: '{"include-tasks":false}' },
      { key: "target-state-c", value: '{"state":"PAUSED","state.v2":"PAUSED"}' },
    ]);
    await store.readToEnd();
    expect(seen).toEqual([
      { kind: "restart", connector: "c", request: { includeTasks: false, onlyFailed: false } },
      { kind: "target-state", connector: "c", state: "PAUSED" },
    ]);
  });

  it("drops task configs from a fenced-off writer", async () => {
    const topic = await configTopic();
    const store = await open(topic);
    await store.putConnectorConfig("c", { name: "c" });
    await store.putTaskConfigs("c", [{ owner: "new" }], 5);
    await store.putTaskConfigs("c", [{ owner: "zombie" }, { owner: "zombie" }], 4);
    expect(store.taskConfigs("c")).toEqual([{ owner: "new" }]);
    const raw = await readAll(topic);
    expect(raw.filter((r) => r.key === "commit-c").map((r) => r.headers["ferry.fence"])).toEqual(["5", "4"]);
    // a second reader agrees
    const second = await open(topic);
    expect(second.taskConfigs("c")).toEqual([{ owner: "new" }]);
    // a write without a token (Kafka Connect) applies
    await store.putTaskConfigs("c", [{ owner: "kafka-connect" }]);
    expect(store.taskConfigs("c")).toEqual([{ owner: "kafka-connect" }]);
  });

  it("follows another worker's writes once read to end", async () => {
    const topic = await configTopic();
    const a = await open(topic);
    const b = await open(topic);
    const seen: ConfigChange[] = [];
    b.onChange((c) => seen.push(c));
    await a.putConnectorConfig("c", { name: "c" }, "PAUSED");
    await a.putTaskConfigs("c", [{ t: "0" }]);
    await b.readToEnd();
    expect(b.connectorConfig("c")).toEqual({ name: "c" });
    expect(b.targetState("c")).toBe("PAUSED");
    expect(b.taskConfigs("c")).toEqual([{ t: "0" }]);
    expect(seen).toEqual([
      { kind: "connector-config", connector: "c" },
      { kind: "task-configs", connector: "c" },
    ]);
    console.log("config store start", b.startTimings());
  });
});
