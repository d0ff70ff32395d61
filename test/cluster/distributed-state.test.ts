/**
 * Distributed mode, state part: three real worker processes share config, status and offsets through
 * Kafka; any worker answers any request; a restarted cluster rebuilds the same view.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueName } from "../support/env.js";
import { createTopic, testKafka } from "../support/kafka.js";
import { startFerry, waitFor } from "../support/worker-process.js";
import { api, type TestCluster, testCluster } from "./support.js";

let cluster: TestCluster;
let topic: string;
let input: string;

beforeAll(async () => {
  cluster = await testCluster("dist", 3);
  topic = uniqueName("dist-data");
  await createTopic(topic);
  input = join(cluster.dir, "in.txt");
  await writeFile(input, "a\nb\n");
  await Promise.all([0, 1, 2].map((i) => cluster.start(i)));
});
afterAll(async () => cluster?.cleanup());

const source = (name: string) => ({
  name,
  config: { "connector.class": "FileStreamSource", file: input, topic },
});

async function statusOn(i: number, name: string) {
  const w = cluster.workers[i];
  if (!w) throw new Error("no worker");
  return (await api(w.url, "GET", `/connectors/${name}/status`)).body as {
    connector: { state: string; worker_id: string };
    tasks: { state: string }[];
  };
}

describe("distributed state", () => {
  it("a connector created on one worker has the same config and status on the others", async () => {
    const [a, b, c] = cluster.workers.map((w) => w.url) as [string, string, string];
    const created = await api(a, "POST", "/connectors", source("shared"));
    expect(created.status).toBe(201);
    for (const url of [b, c]) {
      await waitFor(
        async () => (await api(url, "GET", "/connectors/shared/config")).status === 200,
        "config everywhere",
      );
      expect((await api(url, "GET", "/connectors/shared/config")).body).toEqual({
        name: "shared",
        "connector.class": "FileStreamSource",
        file: input,
        topic,
      });
    }
    for (const i of [0, 1, 2]) {
      await waitFor(async () => {
        const s = await statusOn(i, "shared").catch(() => null);
        return s?.connector.state === "RUNNING" && s.tasks[0]?.state === "RUNNING";
      }, `RUNNING seen by worker ${i}`);
    }
    // every worker reports the same owner
    const owners = new Set(
      await Promise.all([0, 1, 2].map(async (i) => (await statusOn(i, "shared")).connector.worker_id)),
    );
    expect(owners.size).toBe(1);
  });

  it("two workers creating one name at once: exactly one 201 and one 409", async () => {
    for (let round = 0; round < 5; round++) {
      const name = uniqueName("race");
      const [a, b] = cluster.workers.map((w) => w.url) as [string, string];
      const results = await Promise.all([
        api(a, "POST", "/connectors", source(name)),
        api(b, "POST", "/connectors", source(name)),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      const conflict = results.find((r) => r.status === 409)?.body as { error_code: number; message: string };
      expect(conflict).toEqual({ error_code: 409, message: `Connector ${name} already exists` });
      expect((await api(a, "DELETE", `/connectors/${name}`)).status).toBe(204);
    }
  });

  it("pause, resume, stop and delete round trips, seen from every worker", async () => {
    const name = uniqueName("life");
    const [a, b, c] = cluster.workers.map((w) => w.url) as [string, string, string];
    expect((await api(a, "POST", "/connectors", source(name))).status).toBe(201);
    await waitFor(
      async () => (await statusOn(2, name).catch(() => null))?.tasks[0]?.state === "RUNNING",
      "running",
    );
    expect((await api(b, "PUT", `/connectors/${name}/pause`)).status).toBe(202);
    await waitFor(async () => {
      const s = await statusOn(0, name);
      return s.connector.state === "PAUSED" && s.tasks[0]?.state === "PAUSED";
    }, "paused");
    expect((await api(c, "PUT", `/connectors/${name}/resume`)).status).toBe(202);
    await waitFor(async () => (await statusOn(1, name)).tasks[0]?.state === "RUNNING", "resumed");
    expect((await api(a, "PUT", `/connectors/${name}/stop`)).status).toBe(204);
    await waitFor(async () => {
      const s = await statusOn(2, name);
      return s.connector.state === "STOPPED" && s.tasks.length === 0;
    }, "stopped");
    expect((await api(b, "GET", `/connectors/${name}/tasks`)).body).toEqual([]);
    expect((await api(c, "DELETE", `/connectors/${name}`)).status).toBe(204);
    await waitFor(
      async () => (await api(a, "GET", `/connectors/${name}`)).status === 404,
      "deleted everywhere",
    );
    expect((await api(b, "GET", "/connectors")).body).not.toContain(name);
  });

  it("a cluster-scope logger level (KIP-976) reaches every worker; worker scope only the one asked", async () => {
    const [a, b, c] = cluster.workers.map((w) => w.url) as [string, string, string];
    const level = async (url: string) =>
      ((await api(url, "GET", "/admin/loggers/root")).body as { level: string }).level;
    expect((await api(a, "PUT", "/admin/loggers/root?scope=cluster", { level: "TRACE" })).status).toBe(204);
    // the worker that wrote it applied it before answering; the others when they read the record
    expect(await level(a)).toBe("TRACE");
    await waitFor(
      async () => (await level(b)) === "TRACE" && (await level(c)) === "TRACE",
      "TRACE everywhere",
    );
    expect((await api(b, "PUT", "/admin/loggers/root", { level: "WARN" })).status).toBe(200);
    expect(await level(b)).toBe("WARN");
    expect(await level(c)).toBe("TRACE");
    expect((await api(c, "PUT", "/admin/loggers/root?scope=cluster", { level: "INFO" })).status).toBe(204);
    await waitFor(
      async () => (await Promise.all([a, b, c].map(level))).every((l) => l === "INFO"),
      "INFO everywhere",
    );
  });

  it("restarting every worker keeps configs and target states", async () => {
    const paused = uniqueName("kept-paused");
    const a = cluster.workers[0]?.url ?? "";
    expect((await api(a, "POST", "/connectors", { ...source(paused), initial_state: "PAUSED" })).status).toBe(
      201,
    );
    await waitFor(
      async () => (await statusOn(1, paused).catch(() => null))?.connector.state === "PAUSED",
      "paused",
    );
    for (const i of [0, 1, 2]) await cluster.stop(i);
    for (const i of [0, 1, 2]) await cluster.start(i);
    const names = (await api(cluster.workers[2]?.url ?? "", "GET", "/connectors")).body as string[];
    expect(names).toContain("shared");
    expect(names).toContain(paused);
    await waitFor(
      async () => (await statusOn(0, "shared").catch(() => null))?.tasks[0]?.state === "RUNNING",
      "shared running",
    );
    await waitFor(
      async () => (await statusOn(1, paused).catch(() => null))?.connector.state === "PAUSED",
      "still paused",
    );
  });

  it("refuses an existing state topic that is not compacted", async () => {
    const group = uniqueName("bad-topic");
    const admin = testKafka().admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: `${group}-configs`,
          numPartitions: 1,
          replicationFactor: 1,
          configEntries: [{ name: "cleanup.policy", value: "delete" }],
        },
      ],
    });
    await admin.disconnect();
    const file = join(cluster.dir, "bad.properties");
    const good = await readFile(cluster.workerFile(0), "utf8");
    await writeFile(
      file,
      good
        .replace(/config\.storage\.topic=.*/, `config.storage.topic=${group}-configs`)
        .replace(/group\.id=.*/, `group.id=${group}`),
    );
    const proc = startFerry(["distributed", file], `${group}-refused`);
    const { code } = await proc.exited;
    expect(code).not.toBe(0);
    const log = await readFile(proc.logFile, "utf8");
    expect(log).toContain(`${group}-configs`);
    expect(log).toMatch(/compact/);
  });
});
