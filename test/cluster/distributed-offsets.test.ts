/**
 * KIP-875 offsets on a distributed cluster: a stopped FileStreamSource's offsets are read, altered and reset
 * from any worker, and the source resumes from the new position; offsets survive a restart of every worker.
 */
import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { uniqueName } from "../support/env.js";
import { createTopic, readTopic } from "../support/kafka.js";
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
  expect(altered.status).toBe(200);
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
  expect(reset.status).toBe(200);
  expect((await api(b, "GET", `/connectors/${name}/offsets`)).body).toEqual({ offsets: [] });
  await appendFile(file, "four\n");
  expect((await api(b, "PUT", `/connectors/${name}/resume`)).status).toBe(202);
  await waitFor(async () => (await count()) === 9, "the whole file again after the reset");
});
