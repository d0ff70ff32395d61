/**
 * HTTP sink on a real standalone worker and Kafka, posting to a local node:http server: a 500 is retried
 * and the batch arrives; a 4xx fails the task unless errors.tolerance=all.
 */
import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KAFKA_BOOTSTRAP, uniqueName } from "../../support/env.js";
import { tempDir } from "../../support/files.js";
import { createTopic, produce } from "../../support/kafka.js";
import { freePort } from "../../support/ports.js";
import { type FerryProcess, startFerry, waitFor, waitHealthy } from "../../support/worker-process.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
let proc: FerryProcess;
let base: string;
const servers: Server[] = [];

beforeAll(async () => {
  dir = await tempDir("http-sink");
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
      "offset.flush.interval.ms=500",
      `listeners=http://127.0.0.1:${port}`,
    ].join("\n"),
  );
  proc = startFerry(["standalone", worker], uniqueName("http-sink"));
  base = `http://127.0.0.1:${port}`;
  await waitHealthy(port, proc);
});
afterAll(async () => {
  await proc?.kill("SIGTERM");
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  await dir?.cleanup();
});

/** A receiver that records every request body and answers with answer(n, body). */
async function receiver(answer: (n: number, body: unknown[]) => number) {
  const requests: { status: number; body: unknown[] }[] = [];
  const s = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      const body = JSON.parse(text) as unknown[];
      const status = answer(requests.length, body);
      requests.push({ status, body });
      res.writeHead(status).end();
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(s.address() as { port: number }).port}/hook`, requests };
}

async function create(name: string, config: Record<string, string>): Promise<void> {
  const r = await fetch(`${base}/connectors`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, config }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
}

async function taskState(name: string): Promise<string | undefined> {
  const s = (await (await fetch(`${base}/connectors/${name}/status`)).json()) as {
    tasks?: { state: string }[];
  };
  return s.tasks?.[0]?.state;
}

describe("HTTP sink", () => {
  it("retries a 500 with backoff and delivers every record", async () => {
    const topic = uniqueName("hsink");
    await createTopic(topic);
    await produce(
      topic,
      Array.from({ length: 10 }, (_, i) => JSON.stringify({ n: i })),
    );
    const rx = await receiver((n) => (n === 0 ? 500 : 200));
    await create(topic, {
      "connector.class": "HttpSink",
      topics: topic,
      "http.url": rx.url,
      "http.batch.size": "4",
      "http.retry.backoff.ms": "50",
    });
    await waitFor(
      () => rx.requests.filter((r) => r.status === 200).flatMap((r) => r.body).length >= 10,
      "10 records delivered",
    );
    expect(rx.requests[0]?.status).toBe(500);
    expect(rx.requests[1]?.body).toEqual(rx.requests[0]?.body);
    const delivered = rx.requests.filter((r) => r.status === 200).flatMap((r) => r.body);
    expect(delivered).toEqual(Array.from({ length: 10 }, (_, i) => ({ n: i })));
    expect(await taskState(topic)).toBe("RUNNING");
  });

  it("a 4xx fails the task; with errors.tolerance=all the refused record is skipped", async () => {
    const topic = uniqueName("hsink-4xx");
    await createTopic(topic);
    await produce(topic, ['"ok-1"', '"bad"', '"ok-2"']);
    const refuseBad = (_n: number, body: unknown[]) => (body.includes("bad") ? 422 : 200);

    const strict = await receiver(refuseBad);
    const strictName = uniqueName("strict");
    await create(strictName, { "connector.class": "HttpSink", topics: topic, "http.url": strict.url });
    await waitFor(async () => (await taskState(strictName)) === "FAILED", "the strict task to fail");

    const tolerant = await receiver(refuseBad);
    const tolerantName = uniqueName("tolerant");
    await create(tolerantName, {
      "connector.class": "HttpSink",
      topics: topic,
      "http.url": tolerant.url,
      "errors.tolerance": "all",
    });
    await waitFor(
      () => tolerant.requests.filter((r) => r.status === 200).flatMap((r) => r.body).length >= 2,
      "the good records",
    );
    expect(tolerant.requests.filter((r) => r.status === 200).flatMap((r) => r.body)).toEqual([
      "ok-1",
      "ok-2",
    ]);
    expect(await taskState(tolerantName)).toBe("RUNNING");
  });
});
