/**
 * Datagen on a real standalone worker and Kafka: every sequence number exactly once over two tasks, and a
 * clean restart resumes after the committed offsets with no gap and no duplicate.
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
let worker: string;
let port: number;
let proc: FerryProcess | undefined;

async function startWorker(): Promise<void> {
  proc = startFerry(["standalone", worker], uniqueName("datagen"));
  await waitHealthy(port, proc);
}

beforeAll(async () => {
  dir = await tempDir("datagen");
  port = await freePort();
  worker = join(dir.path, "worker.properties");
  await writeFile(
    worker,
    [
      `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
      "key.converter=org.apache.kafka.connect.storage.StringConverter",
      "value.converter=org.apache.kafka.connect.json.JsonConverter",
      "value.converter.schemas.enable=false",
      `offset.storage.file.filename=${join(dir.path, "offsets")}`,
      "offset.flush.interval.ms=200",
      `listeners=http://127.0.0.1:${port}`,
    ].join("\n"),
  );
  await startWorker();
});
afterAll(async () => {
  await proc?.kill("SIGTERM");
  await dir?.cleanup();
});

async function create(name: string, config: Record<string, string>): Promise<void> {
  const r = await fetch(`http://127.0.0.1:${port}/connectors`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, config }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
}

async function seqsIn(topic: string): Promise<number[]> {
  const msgs = await readTopic(topic).catch(() => []);
  return msgs.map((m) => (JSON.parse(m.value?.toString() ?? "{}") as { seq: number }).seq);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("datagen source", () => {
  it("is listed by /connector-plugins", async () => {
    const list = (await (await fetch(`http://127.0.0.1:${port}/connector-plugins`)).json()) as {
      class: string;
      type: string;
    }[];
    expect(list).toContainEqual(
      expect.objectContaining({ class: "io.ferry.connect.datagen.DatagenSourceConnector", type: "source" }),
    );
  });

  it("two tasks produce every sequence number once, up to max.records", async () => {
    const topic = uniqueName("datagen-all");
    await createTopic(topic, 2);
    await create(topic, {
      "connector.class": "Datagen",
      topic,
      template: "orders",
      "records.per.second": "0",
      "max.records": "500",
      "tasks.max": "2",
    });
    const seqs = await waitFor(async () => {
      const s = await seqsIn(topic);
      return s.length >= 500 ? s : null;
    }, "500 records");
    expect(seqs.sort((a, b) => a - b)).toEqual(range(500));
  });

  it("a clean restart resumes after the committed seq: no gap, no duplicate", async () => {
    const topic = uniqueName("datagen-restart");
    await createTopic(topic);
    const config = {
      "connector.class": "io.ferry.connect.datagen.DatagenSourceConnector",
      topic,
      // 300 records take 6 s at this rate, the restart comes after about 1 s: it lands mid-stream with five
      // times that to spare on a slow machine
      "records.per.second": "50",
      "max.records": "300",
      "tasks.max": "2",
    };
    await create(topic, config);
    await waitFor(async () => (await seqsIn(topic)).length >= 50, "some records before the restart");
    await proc?.kill("SIGTERM");
    const before = (await seqsIn(topic)).length;
    // the restart came mid-stream (else the test would check nothing)
    expect(before).toBeLessThan(300);
    await startWorker();
    await create(topic, config);
    const seqs = await waitFor(
      async () => {
        const s = await seqsIn(topic);
        return s.length >= 300 ? s : null;
      },
      "300 records",
      60_000,
    );
    // let anything extra arrive, then check
    await new Promise((r) => setTimeout(r, 1000));
    expect((await seqsIn(topic)).sort((a, b) => a - b)).toEqual(range(300));
    expect(seqs.length).toBe(300);
  });
});
