/**
 * The record pipeline on a real broker: transforms on a source, source topic creation, and Kafka's
 * dead-letter-queue scenario for sinks (connect_test.py test_skip_and_log_to_dlq).
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KAFKA_BOOTSTRAP, uniqueName } from "../../support/env.js";
import { readOr, tempDir } from "../../support/files.js";
import { createTopic, produce, readTopic, testKafka } from "../../support/kafka.js";
import { freePort } from "../../support/ports.js";
import { type FerryProcess, startFerry, waitFor, waitHealthy } from "../../support/worker-process.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
let proc: FerryProcess;
let base: string;

beforeAll(async () => {
  dir = await tempDir("pipeline");
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
  proc = startFerry(["standalone", worker], uniqueName("pipeline"));
  base = `http://127.0.0.1:${port}`;
  await waitHealthy(port, proc);
});
afterAll(async () => {
  await proc?.kill("SIGTERM");
  await dir?.cleanup();
});

async function create(name: string, config: Record<string, string>): Promise<void> {
  const r = await fetch(`${base}/connectors`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, config }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
}

async function status(
  name: string,
): Promise<{ connector: { state: string }; tasks: { state: string; trace?: string }[] }> {
  return (await (await fetch(`${base}/connectors/${name}/status`)).json()) as never;
}

describe("record pipeline", () => {
  it("applies a transform chain with a predicate to source records, and creates the topic", async () => {
    const topic = uniqueName("smt-created");
    const input = join(dir.path, `${topic}.txt`);
    await writeFile(input, "alpha\nbeta\n");
    await create(topic, {
      "connector.class": "FileStreamSource",
      file: input,
      topic,
      "topic.creation.default.replication.factor": "1",
      "topic.creation.default.partitions": "2",
      transforms: "hoist,insert,route",
      "transforms.hoist.type": "org.apache.kafka.connect.transforms.HoistField$Value",
      "transforms.hoist.field": "line",
      "transforms.insert.type": "InsertField$Value",
      "transforms.insert.static.field": "origin",
      "transforms.insert.static.value": "ferry",
      "transforms.route.type": "RegexRouter",
      "transforms.route.regex": "never-(.*)",
      "transforms.route.replacement": "$1",
      "transforms.route.predicate": "isOther",
      predicates: "isOther",
      "predicates.isOther.type": "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
      "predicates.isOther.pattern": "never-.*",
    });
    const msgs = await waitFor(async () => {
      const m = await readTopic(topic).catch(() => []);
      return m.length === 2 ? m : null;
    }, "two transformed records");
    expect(
      msgs.map((m) => JSON.parse(m.value?.toString() ?? "null")).sort((a, b) => a.line.localeCompare(b.line)),
    ).toEqual([
      { line: "alpha", origin: "ferry" },
      { line: "beta", origin: "ferry" },
    ]);
    const admin = testKafka().admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(meta.topics[0]?.partitions).toHaveLength(2);
  });

  it("rejects a bad transform config with a 400 naming the key", async () => {
    const r = await fetch(`${base}/connectors`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: uniqueName("bad-smt"),
        config: {
          "connector.class": "FileStreamSource",
          topic: "t",
          transforms: "x",
          "transforms.x.type": "NoSuchTransform",
        },
      }),
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { message: string }).message).toContain("transforms.x.type");
  });

  it("errors.tolerance=all: good records reach the sink, bad JSON goes to the DLQ with context headers", async () => {
    const topic = uniqueName("dlq-in");
    const dlq = uniqueName("dlq");
    await createTopic(topic);
    await produce(topic, ['{"n":1}', "not json", '{"n":2}', "{broken", '{"n":3}']);
    const out = join(dir.path, `${topic}.out`);
    const name = uniqueName("dlq-all");
    await create(name, {
      "connector.class": "FileStreamSink",
      file: out,
      topics: topic,
      "errors.tolerance": "all",
      "errors.log.enable": "true",
      "errors.log.include.messages": "true",
      "errors.deadletterqueue.topic.name": dlq,
      "errors.deadletterqueue.topic.replication.factor": "1",
      "errors.deadletterqueue.context.headers.enable": "true",
    });
    await waitFor(
      async () => (await readOr(out, "")).split("\n").length >= 4,
      "good records in the sink file",
    );
    expect(await readOr(out, "")).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
    const dead = await waitFor(async () => {
      const m = await readTopic(dlq).catch(() => []);
      return m.length === 2 ? m : null;
    }, "two records in the DLQ");
    expect(dead.map((m) => m.value?.toString())).toEqual(["not json", "{broken"]);
    const headers = (dead[0]?.headers ?? {}) as Record<string, Buffer>;
    expect(headers["__connect.errors.topic"]?.toString()).toBe(topic);
    expect(headers["__connect.errors.partition"]?.toString()).toBe("0");
    expect(headers["__connect.errors.offset"]?.toString()).toBe("1");
    expect(headers["__connect.errors.connector.name"]?.toString()).toBe(name);
    expect(headers["__connect.errors.task.id"]?.toString()).toBe("0");
    expect(headers["__connect.errors.stage"]?.toString()).toBe("VALUE_CONVERTER");
    expect(headers["__connect.errors.class.name"]?.toString()).toBe(
      "org.apache.kafka.connect.json.JsonConverter",
    );
    expect(headers["__connect.errors.exception.message"]?.toString()).toContain(
      "Converting byte[] to Kafka Connect data failed",
    );
    expect((await status(name)).tasks[0]?.state).toBe("RUNNING");
  });

  it("errors.tolerance=none: the task fails at the first bad record, the only one in the DLQ", async () => {
    const topic = uniqueName("dlq-none-in");
    const dlq = uniqueName("dlq-none");
    await createTopic(topic);
    await produce(topic, ['{"n":1}', "not json", '{"n":2}', "{broken"]);
    const out = join(dir.path, `${topic}.out`);
    const name = uniqueName("dlq-none");
    await create(name, {
      "connector.class": "FileStreamSink",
      file: out,
      topics: topic,
      "errors.deadletterqueue.topic.name": dlq,
      "errors.deadletterqueue.topic.replication.factor": "1",
    });
    const s = await waitFor(async () => {
      const st = await status(name);
      return st.tasks[0]?.state === "FAILED" ? st : null;
    }, "the task to fail");
    expect(s.tasks[0]?.trace).toContain("Tolerance exceeded");
    const dead = await waitFor(async () => {
      const m = await readTopic(dlq).catch(() => []);
      return m.length > 0 ? m : null;
    }, "the DLQ record");
    expect(dead.map((m) => m.value?.toString())).toEqual(["not json"]);
  });
});
