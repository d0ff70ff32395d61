/**
 * KIP-875 offsets on a distributed cluster: a stopped FileStreamSource's offsets are read, altered and reset
 * from any worker, and the source resumes from the new position; offsets survive a restart of every worker.
 * A stopped FileStreamSink's consumer-group offsets over several topics are read, altered and reset the
 * same way, and the sink resumes from them.
 */
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { uniqueName } from "../support/env.js";
import { createTopic, produce, readTopic } from "../support/kafka.js";
import { waitFor } from "../support/worker-process.js";
import { api, type TestCluster, testCluster } from "./support.js";

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await testCluster("offsets", 2);
  await Promise.all([0, 1].map((i) => cluster.start(i)));
});
afterAll(async () => cluster?.cleanup());

it("alters and resets a stopped source's offsets; the source resumes from the new position", async () => {
  const [a, b] = cluster.workers.map((w) => w.url) as [string, string];
  const topic = uniqueName("offsets-data");
  await createTopic(topic);
  const file = join(cluster.dir, "in.txt");
  await writeFile(file, "one\ntwo\nthree\n");
  const name = uniqueName("src");
  expect(
    (
      await api(a, "POST", "/connectors", {
        name,
        config: { "connector.class": "FileStreamSource", file, topic },
      })
    ).status,
  ).toBe(201);
  const count = async () => (await readTopic(topic)).length;
  await waitFor(async () => (await count()) === 3, "three records");

  // offsets can only change while the connector is stopped
  const early = await api(b, "DELETE", `/connectors/${name}/offsets`);
  expect(early.status).toBe(400);
  expect((early.body as { message: string }).message).toContain("stop");

  const expectOffset = async (url: string, position: number) =>
    waitFor(async () => {
      const r = await api(url, "GET", `/connectors/${name}/offsets`);
      const offsets = (r.body as { offsets: { partition: unknown; offset: { position: number } }[] }).offsets;
      return offsets.length === 1 && offsets[0]?.offset.position === position ? offsets : null;
    }, `offset position ${position}`);
  const offsets = await expectOffset(b, 14);
  expect(offsets[0]?.partition).toEqual({ filename: file });

  expect((await api(a, "PUT", `/connectors/${name}/stop`)).status).toBe(204);
  await waitFor(
    async () =>
      ((await api(b, "GET", `/connectors/${name}/status`)).body as { connector: { state: string } }).connector
        .state === "STOPPED",
    "stopped",
  );
  const altered = await api(b, "PATCH", `/connectors/${name}/offsets`, {
    offsets: [{ partition: { filename: file }, offset: { position: 4 } }],
  });
  expect(altered.status, JSON.stringify(altered.body)).toBe(200);
  expect((altered.body as { message: string }).message).toMatch(/altered successfully/);
  await expectOffset(a, 4);

  // every worker restarted: the altered offset is still there
  for (const i of [0, 1]) await cluster.stop(i);
  for (const i of [0, 1]) await cluster.start(i);
  await expectOffset(a, 4);

  expect((await api(a, "PUT", `/connectors/${name}/resume`)).status).toBe(202);
  // resumed after "one\n": "two" and "three" come again
  await waitFor(async () => (await count()) === 5, "two records re-read from position 4");
  const values = (await readTopic(topic)).map((m) => m.value?.toString());
  expect(values).toEqual(["one", "two", "three", "two", "three"]);

  expect((await api(b, "PUT", `/connectors/${name}/stop`)).status).toBe(204);
  await waitFor(
    async () =>
      ((await api(a, "GET", `/connectors/${name}/status`)).body as { connector: { state: string } }).connector
        .state === "STOPPED",
    "stopped again",
  );
  const reset = await api(a, "DELETE", `/connectors/${name}/offsets`);
  expect(reset.status, JSON.stringify(reset.body)).toBe(200);
  expect((await api(b, "GET", `/connectors/${name}/offsets`)).body).toEqual({ offsets: [] });
  await appendFile(file, "four\n");
  expect((await api(b, "PUT", `/connectors/${name}/resume`)).status).toBe(202);
  await waitFor(async () => (await count()) === 9, "the whole file again after the reset");
});

type SinkOffsets = {
  offsets: {
    partition: { kafka_topic: string; kafka_partition: number };
    offset: { kafka_offset: number };
  }[];
};

it("alters and resets a stopped sink's offsets over several topics; the sink resumes from them", async () => {
  const [a, b] = cluster.workers.map((w) => w.url) as [string, string];
  const topics = [uniqueName("offsets-sink-a"), uniqueName("offsets-sink-b"), uniqueName("offsets-sink-c")];
  for (const t of topics) await createTopic(t);
  const [ta, tb, tc] = topics as [string, string, string];
  await produce(ta, ["a0", "a1", "a2"]);
  await produce(tb, ["b0", "b1"]);
  await produce(tc, ["c0"]);
  const file = join(cluster.dir, "sink-out.txt");
  const lines = async () =>
    (await readFile(file, "utf8").catch(() => "")).split("\n").filter((l) => l.length > 0);
  const name = uniqueName("sink");
  expect(
    (
      await api(a, "POST", "/connectors", {
        name,
        config: { "connector.class": "FileStreamSink", topics: topics.join(","), file },
      })
    ).status,
  ).toBe(201);
  await waitFor(async () => (await lines()).length === 6, "six records in the sink's file");
  const offsetsAt = (url: string) =>
    api(url, "GET", `/connectors/${name}/offsets`).then((r) => r.body as SinkOffsets);
  const entry = (topic: string, offset: number) => ({
    partition: { kafka_topic: topic, kafka_partition: 0 },
    offset: { kafka_offset: offset },
  });
  const committed = await waitFor(async () => {
    const o = await offsetsAt(b);
    return o.offsets.length === 3 ? o : undefined;
  }, "all three topics committed");
  expect(committed).toEqual({ offsets: [entry(ta, 3), entry(tb, 2), entry(tc, 1)].sort(byTopic) });

  expect((await api(a, "PUT", `/connectors/${name}/stop`)).status).toBe(204);
  await waitFor(
    async () =>
      ((await api(b, "GET", `/connectors/${name}/status`)).body as { connector: { state: string } }).connector
        .state === "STOPPED",
    "sink stopped",
  );
  // one PATCH sets two topics and removes the third's committed offset
  const altered = await api(b, "PATCH", `/connectors/${name}/offsets`, {
    offsets: [
      entry(ta, 1),
      entry(tb, 0),
      { partition: { kafka_topic: tc, kafka_partition: 0 }, offset: null },
    ],
  });
  expect(altered.status, JSON.stringify(altered.body)).toBe(200);
  expect((altered.body as { message: string }).message).toMatch(/altered successfully/);
  expect(await offsetsAt(a)).toEqual({ offsets: [entry(ta, 1), entry(tb, 0)].sort(byTopic) });

  expect((await api(a, "PUT", `/connectors/${name}/resume`)).status).toBe(202);
  // a1, a2 from offset 1; b0, b1 from offset 0; c0 again from the beginning (no committed offset)
  await waitFor(async () => (await lines()).length === 11, "five records re-read");
  expect((await lines()).slice(6).sort()).toEqual(["a1", "a2", "b0", "b1", "c0"]);

  expect((await api(b, "PUT", `/connectors/${name}/stop`)).status).toBe(204);
  await waitFor(
    async () =>
      ((await api(a, "GET", `/connectors/${name}/status`)).body as { connector: { state: string } }).connector
        .state === "STOPPED",
    "sink stopped again",
  );
  const reset = await api(a, "DELETE", `/connectors/${name}/offsets`);
  expect(reset.status, JSON.stringify(reset.body)).toBe(200);
  expect((reset.body as { message: string }).message).toMatch(/reset successfully/);
  expect(await offsetsAt(b)).toEqual({ offsets: [] });
});

function byTopic(
  x: { partition: { kafka_topic: string } },
  y: { partition: { kafka_topic: string } },
): number {
  return x.partition.kafka_topic < y.partition.kafka_topic ? -1 : 1;
}
