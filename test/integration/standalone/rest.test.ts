/** The standalone REST API: shapes, codes and error bodies as Kafka Connect's (reference §1). */
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FERRY_VERSION } from "../../../src/version.js";
import type { FerryProcess } from "../../support/worker-process.js";
import { waitFor } from "../../support/worker-process.js";
import { filePipeline, type Pipeline } from "./support.js";

let p: Pipeline;
let proc: FerryProcess;
let base: string;

beforeAll(async () => {
  p = await filePipeline("rest");
  await writeFile(p.input, "hello\n");
  proc = await p.start();
  base = `http://127.0.0.1:${p.port}`;
  await waitFor(async () => {
    const s = (await (await fetch(`${base}/connectors/${p.topic}-sink/status`)).json()) as {
      tasks: unknown[];
    };
    return s.tasks.length === 1;
  }, "sink task status");
});
afterAll(async () => {
  await proc?.kill("SIGTERM");
  await p?.cleanup();
});

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const r = await fetch(base + path);
  return { status: r.status, body: await r.json() };
}

describe("standalone REST", () => {
  it("GET / has version, commit and the Kafka cluster id", async () => {
    const r = await get("/");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      version: expect.any(String),
      commit: expect.any(String),
      kafka_cluster_id: expect.any(String),
    });
  });

  it("GET /health is healthy", async () => {
    expect(await get("/health")).toEqual({
      status: 200,
      body: { status: "healthy", message: "Worker has completed startup and is ready to handle requests." },
    });
  });

  it("GET /connectors lists names; expand=status and expand=info", async () => {
    const src = `${p.topic}-source`;
    const sink = `${p.topic}-sink`;
    expect((await get("/connectors")).body).toEqual([sink, src].sort());
    const both = (await get("/connectors?expand=status&expand=info")).body as Record<
      string,
      { status: unknown; info: unknown }
    >;
    expect(Object.keys(both).sort()).toEqual([sink, src].sort());
    expect(both[src]?.status).toMatchObject({ name: src, connector: { state: "RUNNING" }, type: "source" });
    expect(both[sink]?.info).toMatchObject({
      name: sink,
      type: "sink",
      tasks: [{ connector: sink, task: 0 }],
    });
    const statusOnly = (await get("/connectors?expand=status")).body as Record<string, object>;
    expect(Object.keys(statusOnly[src] ?? {})).toEqual(["status"]);
  });

  it("GET /connectors/{c}, /config, /tasks, /status, /tasks/0/status", async () => {
    const src = `${p.topic}-source`;
    const info = await get(`/connectors/${src}`);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({
      name: src,
      config: {
        name: src,
        "connector.class": "FileStreamSource",
        "tasks.max": "1",
        file: p.input,
        topic: p.topic,
      },
      tasks: [{ connector: src, task: 0 }],
      type: "source",
    });
    expect((await get(`/connectors/${src}/config`)).body).toEqual((info.body as { config: unknown }).config);
    const tasks = (await get(`/connectors/${src}/tasks`)).body as {
      id: unknown;
      config: Record<string, string>;
    }[];
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.id).toEqual({ connector: src, task: 0 });
    expect(tasks[0]?.config["task.class"]).toBe("org.apache.kafka.connect.file.FileStreamSourceTask");
    const sinkTasks = (await get(`/connectors/${p.topic}-sink/tasks`)).body as {
      config: Record<string, string>;
    }[];
    expect(sinkTasks[0]?.config.topics).toBe(p.topic);
    const status = (await get(`/connectors/${src}/status`)).body as {
      connector: { worker_id: string };
      tasks: object[];
    };
    expect(status.connector.worker_id).toBe(`127.0.0.1:${p.port}`);
    // version: the plugin's (KIP-891), Ferry's own for a built-in connector
    expect(status.tasks).toEqual([
      { id: 0, state: "RUNNING", worker_id: `127.0.0.1:${p.port}`, version: FERRY_VERSION },
    ]);
    expect(await get(`/connectors/${src}/tasks/0/status`)).toEqual({
      status: 200,
      body: { id: 0, state: "RUNNING", worker_id: `127.0.0.1:${p.port}`, version: FERRY_VERSION },
    });
  });

  it("404s carry Kafka's error body", async () => {
    expect(await get("/connectors/nope")).toEqual({
      status: 404,
      body: { error_code: 404, message: "Connector nope not found" },
    });
    expect(await get("/connectors/nope/status")).toEqual({
      status: 404,
      body: { error_code: 404, message: "No status found for connector nope" },
    });
    expect(await get(`/connectors/${p.topic}-source/tasks/7/status`)).toEqual({
      status: 404,
      body: { error_code: 404, message: `No status found for task ${p.topic}-source-7` },
    });
    expect((await get("/no/such/path")).status).toBe(404);
  });

  it("bad bodies: malformed JSON 400, wrong content type 415, unknown class 400 listing the key", async () => {
    const post = (body: string, type = "application/json") =>
      fetch(`${base}/connectors`, { method: "POST", headers: { "content-type": type }, body });
    const bad = await post("{nope");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error_code: number }).error_code).toBe(400);
    expect((await post("{}", "text/plain")).status).toBe(415);
    const missing = await post(
      JSON.stringify({ name: "x", config: { "connector.class": "FileStreamSource" } }),
    );
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { message: string }).message).toContain("topic");
    const dup = await post(
      JSON.stringify({
        name: `${p.topic}-source`,
        config: { "connector.class": "FileStreamSource", topic: "t" },
      }),
    );
    expect(dup.status).toBe(409);
  });
});
