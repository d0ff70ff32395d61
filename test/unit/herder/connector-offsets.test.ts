/**
 * KIP-875 offsets through the one path both herders use (HerderBase): a source connector's offsets from its
 * offset store, the STOPPED check and Kafka's messages, and a sink connector's need for a Kafka client. The
 * sink's consumer-group path against a real broker is tested in test/integration/rest/sink-offsets.test.ts
 * (standalone) and test/cluster/distributed-offsets.test.ts (distributed).
 */
import { describe, expect, it } from "vitest";
import type { SourceOffset, SourcePartition } from "../../../src/api/records.js";
import { ConnectError } from "../../../src/errors.js";
import { resetSinkConnectorOffsets } from "../../../src/herder/connector-offsets.js";
import type { ConnectorOffset } from "../../../src/herder/herder.js";
import { HerderBase } from "../../../src/herder/herder-base.js";
import type { KafkaAdmin } from "../../../src/kafka/types.js";
import { createLogger } from "../../../src/log/logger.js";
import { builtinPlugins } from "../../../src/plugins/builtin.js";
import { MemoryConfigStore } from "../../../src/state/memory-config-store.js";
import { MemoryStatusStore } from "../../../src/state/memory-status-store.js";
import { canonicalJson, type OffsetEntry, type OffsetStore } from "../../../src/state/types.js";

/** An offset store in memory that counts its reads to the end (a herder must read before it answers). */
class MapOffsetStore implements OffsetStore {
  readonly entries = new Map<string, Map<string, OffsetEntry>>();
  readsToEnd = 0;
  async start() {}
  async readToEnd() {
    this.readsToEnd++;
  }
  async stop() {}
  get(connector: string, partition: SourcePartition): SourceOffset | null {
    return this.entries.get(connector)?.get(canonicalJson(partition))?.offset ?? null;
  }
  list(connector: string): OffsetEntry[] {
    return [...(this.entries.get(connector)?.values() ?? [])];
  }
  async put(connector: string, entries: readonly OffsetEntry[]) {
    let m = this.entries.get(connector);
    if (!m) this.entries.set(connector, (m = new Map()));
    for (const e of entries) m.set(canonicalJson(e.partition), e);
  }
}

/** The shared offsets path, callable as both herders call it. */
class OffsetsHerder extends HerderBase {
  get = (name: string) => this.readConnectorOffsets(name);
  alter = (name: string, offsets: ConnectorOffset[]) => this.alterStoppedConnectorOffsets(name, offsets);
  reset = (name: string) => this.resetStoppedConnectorOffsets(name);
}

async function setup() {
  const configs = new MemoryConfigStore();
  const offsets = new MapOffsetStore();
  const herder = new OffsetsHerder({
    workerId: "w",
    plugins: builtinPlugins(),
    configs,
    statuses: new MemoryStatusStore(),
    logger: createLogger("w", "silent"),
    clusterId: null,
    offsets,
  });
  await configs.putConnectorConfig("src", { "connector.class": "FileStreamSource", file: "/in", topic: "t" });
  await configs.putConnectorConfig("sink", {
    "connector.class": "FileStreamSink",
    file: "/out",
    topics: "t",
  });
  await configs.putConnectorConfig("odd", { "connector.class": "NoSuchConnector" });
  return { herder, configs, offsets };
}

const at = (file: string, position: number | null): ConnectorOffset => ({
  partition: { filename: file },
  offset: position === null ? null : { position },
});

describe("the herders' offsets path", () => {
  it("a source's offsets: read from its store after reading the store to its end; null offsets left out", async () => {
    const { herder, offsets } = await setup();
    await offsets.put("src", [at("/a", 4), at("/b", null)] as OffsetEntry[]);
    const before = offsets.readsToEnd;
    expect(await herder.get("src")).toEqual({ offsets: [at("/a", 4)] });
    expect(offsets.readsToEnd).toBe(before + 1);
  });

  it("changes only while STOPPED with no tasks, with Kafka's message", async () => {
    const { herder, configs } = await setup();
    const notStopped =
      "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the " +
      "specified connector by issuing a 'PUT' request to the '/connectors/src/stop' endpoint";
    await expect(herder.alter("src", [at("/a", 1)])).rejects.toMatchObject({
      status: 400,
      message: notStopped,
    });
    await expect(herder.reset("src")).rejects.toMatchObject({ status: 400, message: notStopped });
    await configs.putTargetState("src", "STOPPED");
    await configs.putTaskConfigs("src", [{ file: "/in" }]);
    // STOPPED, but its tasks are not gone yet
    await expect(herder.alter("src", [at("/a", 1)])).rejects.toMatchObject({ status: 400 });
    await configs.putTaskConfigs("src", []);
    await expect(herder.alter("src", [])).rejects.toMatchObject({
      status: 400,
      message: "Partitions / offsets need to be provided for an alter offsets request",
    });
    await expect(herder.alter("nope", [at("/a", 1)])).rejects.toMatchObject({ status: 404 });
  });

  it("a stopped source's offsets are altered (null removes one) and reset (every partition to null)", async () => {
    const { herder, configs, offsets } = await setup();
    await configs.putTargetState("src", "STOPPED");
    await configs.putTaskConfigs("src", []);
    await offsets.put("src", [at("/a", 4), at("/b", 9)] as OffsetEntry[]);
    expect(await herder.alter("src", [at("/a", 1), at("/b", null), at("/c", 2)])).toEqual({
      message:
        "The Connect framework-managed offsets for this connector have been altered successfully. However, if this " +
        "connector manages offsets externally, they will need to be manually altered in the system that the connector uses.",
    });
    expect(await herder.get("src")).toEqual({ offsets: [at("/a", 1), at("/c", 2)] });
    expect((await herder.reset("src")).message).toMatch(
      /^The Connect framework-managed offsets for this connector have been reset successfully/,
    );
    expect(await herder.get("src")).toEqual({ offsets: [] });
    expect(offsets.list("src").map((e) => e.offset)).toEqual([null, null, null]);
  });

  it("a sink's offsets need the worker's Kafka client; an unknown connector class is a 500", async () => {
    const { herder, configs } = await setup();
    await expect(herder.get("sink")).rejects.toMatchObject({
      status: 500,
      message: "This worker has no Kafka client for consumer group offsets",
    });
    await configs.putTargetState("sink", "STOPPED");
    await configs.putTaskConfigs("sink", []);
    // the body is checked before Kafka is reached: a bad entry is a 400 even without a client
    await expect(
      herder.alter("sink", [{ partition: { kafka_topic: "t" }, offset: null }]),
    ).rejects.toMatchObject({
      status: 400,
    });
    await expect(herder.get("odd")).rejects.toMatchObject({
      status: 500,
      message: expect.stringMatching(/^Failed to find any class that implements Connector .*NoSuchConnector/),
    });
  });
});

describe("a stopped sink's group that still has members", () => {
  // what kafkajs throws when the broker refuses to delete a group with members
  const nonEmpty = () =>
    Object.assign(new Error("Error in DeleteGroups"), {
      groups: [{ groupId: "connect-s", error: { type: "NON_EMPTY_GROUP" } }],
    });
  const adminThatRefuses = (times: number) => {
    let calls = 0;
    const admin = {
      deleteGroups: async () => {
        calls++;
        if (calls <= times) throw nonEmpty();
        return [];
      },
    };
    return { admin: admin as unknown as KafkaAdmin, calls: () => calls };
  };

  it("is waited for while its stopping tasks leave it: the reset succeeds once it is empty", async () => {
    const { admin, calls } = adminThatRefuses(2);
    const m = await resetSinkConnectorOffsets(admin, "s", 60_000);
    expect(m.message).toMatch(/reset successfully/);
    expect(calls()).toBe(3);
  });

  it("that never empties fails with Kafka Connect's message once the wait is over", async () => {
    const { admin, calls } = adminThatRefuses(Number.POSITIVE_INFINITY);
    const err = await resetSinkConnectorOffsets(admin, "s", 300).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).message).toMatch(
      /^Failed to reset consumer group offsets for connector s either/,
    );
    expect(calls()).toBeGreaterThan(1);
  });
});
