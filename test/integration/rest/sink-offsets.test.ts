/**
 * KIP-875 offsets of a sink connector: its consumer group connect-<name>, read, altered and reset over REST
 * while the connector is STOPPED, and where the sink resumes afterwards.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testKafka } from "../../support/kafka.js";
import { waitFor } from "../../support/worker-process.js";
import { allRunning, type RestWorker, startRestWorker } from "./support.js";

let w: RestWorker;
let sink: string;
let output: string;

type Offsets = {
  offsets: {
    partition: { kafka_topic: string; kafka_partition: number };
    offset: { kafka_offset: number };
  }[];
};

async function produceTo(topic: string, partition: number, values: string[]): Promise<void> {
  const producer = testKafka().producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, messages: values.map((value) => ({ value, partition })) });
  } finally {
    await producer.disconnect();
  }
}

const lines = async () =>
  (await readFile(output, "utf8").catch(() => "")).split("\n").filter((l) => l.length > 0);

beforeAll(async () => {
  w = await startRestWorker("rest-sink-offsets", { topicPartitions: 2 });
  output = join(w.dir, "out.txt");
  sink = w.name("sink");
  await produceTo(w.topic, 0, ["a0", "a1", "a2"]);
  await produceTo(w.topic, 1, ["b0", "b1"]);
  const r = await w.call("POST", "/connectors", {
    name: sink,
    config: { "connector.class": "FileStreamSink", topics: w.topic, file: output },
  });
  expect(r.status).toBe(201);
  await w.waitStatus(sink, allRunning, "sink running");
  await waitFor(async () => (await lines()).length === 5, "all five records in the output");
});

afterAll(async () => {
  await w?.stop();
});

describe("sink connector offsets", () => {
  it("GET: the consumer group's committed offsets, by topic and partition", async () => {
    const got = await waitFor(async () => {
      const b = (await w.get(`/connectors/${sink}/offsets`)).body as Offsets;
      return b.offsets.length === 2 ? b : undefined;
    }, "both partitions committed");
    expect(got).toEqual({
      offsets: [
        { partition: { kafka_topic: w.topic, kafka_partition: 0 }, offset: { kafka_offset: 3 } },
        { partition: { kafka_topic: w.topic, kafka_partition: 1 }, offset: { kafka_offset: 2 } },
      ],
    });
  });

  it("PATCH while running is a 400", async () => {
    const r = await w.call("PATCH", `/connectors/${sink}/offsets`, {
      offsets: [{ partition: { kafka_topic: w.topic, kafka_partition: 0 }, offset: { kafka_offset: 0 } }],
    });
    expect(r.status).toBe(400);
    expect((r.body as { message: string }).message).toMatch(/^Connectors must be in the STOPPED state/);
  });

  it("malformed sink partitions and offsets are 400s with Kafka's messages", async () => {
    expect((await w.call("PUT", `/connectors/${sink}/stop`)).status).toBe(204);
    const patch = (entry: unknown) => w.call("PATCH", `/connectors/${sink}/offsets`, { offsets: [entry] });
    const cases: [unknown, string][] = [
      [
        { partition: { kafka_topic: w.topic }, offset: { kafka_offset: 1 } },
        "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'",
      ],
      [
        { partition: { kafka_topic: w.topic, kafka_partition: "zero" }, offset: { kafka_offset: 1 } },
        "Failed to parse the following Kafka partition value in the provided offsets: 'zero'. Partition values for sink connectors need to be integers.",
      ],
      [
        { partition: { kafka_topic: w.topic, kafka_partition: 0 }, offset: { position: 1 } },
        "The offset for a sink connector should either be null or contain the key 'kafka_offset'",
      ],
      [
        { partition: { kafka_topic: w.topic, kafka_partition: 0 }, offset: { kafka_offset: "x" } },
        "Failed to parse the following Kafka offset value in the provided offsets: 'x'. Offset values for sink connectors need to be integers.",
      ],
      [
        { partition: null, offset: { kafka_offset: 1 } },
        "The partition for a sink connector offset cannot be null or missing",
      ],
    ];
    for (const [entry, message] of cases) {
      expect(await patch(entry)).toMatchObject({ status: 400, body: { error_code: 400, message } });
    }
  });

  it("PATCH on a stopped sink commits offsets and removes the ones set to null", async () => {
    const r = await w.call("PATCH", `/connectors/${sink}/offsets`, {
      offsets: [
        // "1" and 1 are both accepted, as in Kafka
        { partition: { kafka_topic: w.topic, kafka_partition: "0" }, offset: { kafka_offset: "1" } },
        { partition: { kafka_topic: w.topic, kafka_partition: 1 }, offset: null },
      ],
    });
    expect(r).toMatchObject({
      status: 200,
      body: {
        message:
          "The Connect framework-managed offsets for this connector have been altered successfully. However, if this " +
          "connector manages offsets externally, they will need to be manually altered in the system that the connector uses.",
      },
    });
    expect((await w.get(`/connectors/${sink}/offsets`)).body).toEqual({
      offsets: [{ partition: { kafka_topic: w.topic, kafka_partition: 0 }, offset: { kafka_offset: 1 } }],
    });
  });

  it("DELETE resets them all; resumed, the sink reads from the committed offsets, else from the start", async () => {
    const r = await w.call("DELETE", `/connectors/${sink}/offsets`);
    expect(r.status).toBe(200);
    expect((r.body as { message: string }).message).toMatch(
      /^The Connect framework-managed offsets for this connector have been reset successfully/,
    );
    expect((await w.get(`/connectors/${sink}/offsets`)).body).toEqual({ offsets: [] });
    // a reset of nothing is fine too
    expect((await w.call("DELETE", `/connectors/${sink}/offsets`)).status).toBe(200);

    await w.call("PATCH", `/connectors/${sink}/offsets`, {
      offsets: [{ partition: { kafka_topic: w.topic, kafka_partition: 0 }, offset: { kafka_offset: 2 } }],
    });
    expect((await w.call("PUT", `/connectors/${sink}/resume`)).status).toBe(202);
    await w.waitStatus(sink, allRunning, "sink resumed");
    // partition 0 from offset 2 (a2), partition 1 from the beginning (b0, b1)
    await waitFor(async () => (await lines()).length === 8, "three more records");
    expect((await lines()).slice(5).sort()).toEqual(["a2", "b0", "b1"]);
  });
});
