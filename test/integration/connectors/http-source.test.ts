/**
 * HTTP source on a real standalone worker and Kafka: a 200 means the records are already in the topic;
 * a missing or wrong token gets 401; a JSON array becomes one record per element.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KAFKA_BOOTSTRAP, uniqueName } from "../../support/env.js";
import { tempDir } from "../../support/files.js";
import { createTopic, readTopic } from "../../support/kafka.js";
import { freePort } from "../../support/ports.js";
import { type FerryProcess, startFerry, waitFor, waitHealthy } from "../../support/worker-process.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
let proc: FerryProcess;
let base: string;

beforeAll(async () => {
  dir = await tempDir("http-source");
  const port = await freePort();
  const worker = join(dir.path, "worker.properties");
  await writeFile(
    worker,
    [
      `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
      "key.converter=org.apache.kafka.connect.storage.StringConverter",
      "value.converter=org.apache.kafka.connect.json.JsonConverter",
      "value.converter.schemas.enable=false",
      `offset.storage.file.filename=${join(dir.path, "offsets")}`,
      `listeners=http://127.0.0.1:${port}`,
    ].join("\n"),
  );
  proc = startFerry(["standalone", worker], uniqueName("http-source"));
  base = `http://127.0.0.1:${port}`;
  await waitHealthy(port, proc);
});
afterAll(async () => {
  await proc?.kill("SIGTERM");
  await dir?.cleanup();
});

async function create(name: string, config: Record<string, string>): Promise<number> {
  const r = await fetch(`${base}/connectors`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, config }),
  });
  return r.status;
}

/** Creates an HTTP source and waits until it listens; returns its URL. */
async function httpSource(topic: string, extra: Record<string, string>): Promise<string> {
  await createTopic(topic);
  const port = await freePort();
  const status = await create(topic, {
    "connector.class": "io.ferry.connect.http.HttpSourceConnector",
    topic,
    "http.port": String(port),
    "http.bind.address": "127.0.0.1",
    "http.path": "/ingest",
    ...extra,
  });
  expect(status).toBe(201);
  const url = `http://127.0.0.1:${port}/ingest`;
  await waitFor(
    async () => (await fetch(url, { method: "GET" })).status === 405,
    "the HTTP source to listen",
  );
  return url;
}

describe("HTTP source", () => {
  it("answers 200 only when the lines are in the topic; 401 without the token", async () => {
    const topic = uniqueName("http-in");
    const url = await httpSource(topic, { "http.auth.token": "t0ken" });
    const noAuth = await fetch(url, { method: "POST", body: "x" });
    expect(noAuth.status).toBe(401);
    const wrong = await fetch(url, { method: "POST", body: "x", headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    const lines = Array.from({ length: 50 }, (_, i) => `line-${i}`);
    const t0 = Date.now();
    const r = await fetch(url, {
      method: "POST",
      body: `${lines.join("\n")}\n`,
      headers: { authorization: "Bearer t0ken", "content-type": "application/x-ndjson" },
    });
    const ms = Date.now() - t0;
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ accepted: 50 });
    // no waiting: what a 200 answered is in Kafka already
    const msgs = await readTopic(topic);
    expect(msgs.map((m) => JSON.parse(m.value?.toString() ?? "null"))).toEqual(lines);
    console.log(`HTTP source: 50 NDJSON lines answered 200 after ${ms} ms`);
  });

  it("turns a JSON array into one record per element with http.body.format=json", async () => {
    const topic = uniqueName("http-json");
    const url = await httpSource(topic, { "http.body.format": "json" });
    const r = await fetch(url, {
      method: "POST",
      body: JSON.stringify([{ a: 1 }, { a: 2 }, "three"]),
      headers: { "content-type": "application/json" },
    });
    expect(r.status).toBe(200);
    const msgs = await readTopic(topic);
    expect(msgs.map((m) => JSON.parse(m.value?.toString() ?? "null"))).toEqual([{ a: 1 }, { a: 2 }, "three"]);
  });

  it("kill -9 mid-stream: every line of every request answered 200 is in the topic", async () => {
    const topic = uniqueName("http-kill");
    await createTopic(topic);
    const workerPort = await freePort();
    const worker = join(dir.path, "kill-worker.properties");
    await writeFile(
      worker,
      [
        `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
        "key.converter=org.apache.kafka.connect.storage.StringConverter",
        "value.converter=org.apache.kafka.connect.storage.StringConverter",
        `offset.storage.file.filename=${join(dir.path, "kill-offsets")}`,
        `listeners=http://127.0.0.1:${workerPort}`,
      ].join("\n"),
    );
    const victim = startFerry(["standalone", worker], uniqueName("http-kill"));
    try {
      await waitHealthy(workerPort, victim);
      const port = await freePort();
      const r = await fetch(`http://127.0.0.1:${workerPort}/connectors`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          name: topic,
          config: {
            "connector.class": "HttpSource",
            topic,
            "http.port": String(port),
            "http.bind.address": "127.0.0.1",
          },
        }),
      });
      expect(r.status).toBe(201);
      const url = `http://127.0.0.1:${port}/`;
      await waitFor(async () => (await fetch(url)).status === 405, "the HTTP source to listen");
      const acked: string[] = [];
      let sent = 0;
      let stop = false;
      const client = async (c: number) => {
        for (let i = 0; !stop; i++) {
          const lines = Array.from({ length: 20 }, (_, j) => `c${c}-r${i}-l${j}`);
          sent++;
          const res = await fetch(url, {
            method: "POST",
            body: lines.join("\n"),
            headers: { "content-type": "application/x-ndjson" },
          }).catch(() => null);
          if (res?.status === 200) acked.push(...lines);
          else if (!res) return;
        }
      };
      const clients = Promise.all([0, 1, 2, 3].map(client));
      await waitFor(() => acked.length >= 2000, "some acknowledged requests");
      victim.proc.kill("SIGKILL");
      await victim.exited;
      stop = true;
      await clients;
      const inTopic = new Set((await readTopic(topic)).map((m) => m.value?.toString()));
      const lost = acked.filter((l) => !inTopic.has(l));
      console.log(
        `HTTP source kill -9: ${sent} requests, ${acked.length} lines acknowledged, ${inTopic.size} in the topic, ${lost.length} lost`,
      );
      expect(lost).toEqual([]);
    } finally {
      await victim.kill("SIGKILL");
    }
  });

  it("refuses tasks.max=2", async () => {
    const port = await freePort();
    const status = await create(uniqueName("http-2"), {
      "connector.class": "HttpSource",
      topic: "x",
      "http.port": String(port),
      "tasks.max": "2",
    });
    expect(status).toBe(400);
  });
});
