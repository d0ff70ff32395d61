/**
 * Redis Streams source and sink against the real Redis of deploy/local/services (and the real Kafka):
 * entries are XACKed only once their records are acknowledged; what a stopped or killed task had not got
 * acknowledged is delivered again (its own pending entries on restart, others' through XAUTOCLAIM);
 * stream → topic through a standalone worker killed with SIGKILL loses nothing; topic → stream with XADD.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SourceRecord } from "../../../src/api/records.js";
import { SchemaBuilder, Schemas, Struct } from "../../../src/api/schema.js";
import {
  redisStreamsSinkPlugin,
  redisStreamsSourcePlugin,
} from "../../../src/connectors/redis-streams/index.js";
import { MemoryOffsetReader, runSinkTask, sinkRecords } from "../../../src/testing/index.js";
import { KAFKA_BOOTSTRAP, REDIS_URL, uniqueName } from "../../support/env.js";
import { tempDir } from "../../support/files.js";
import { createTopic, produce, readTopic } from "../../support/kafka.js";
import { freePort } from "../../support/ports.js";
import { startFerry, waitFor, waitHealthy } from "../../support/worker-process.js";

const prefix = uniqueName("ferry-test-streams");
let redis: Redis;
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  dir = await tempDir("redis-streams");
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await dir?.cleanup();
});

async function add(stream: string, n: number, from = 0): Promise<string[]> {
  const p = redis.pipeline();
  for (let i = from; i < from + n; i++) p.xadd(stream, "*", "n", String(i), "text", `entry ${i}`);
  return ((await p.exec()) ?? []).map(([, id]) => id as string);
}

async function pending(stream: string, group: string): Promise<number> {
  const [count] = (await redis.xpending(stream, group)) as [number];
  return count;
}

/** A source task driven by hand: nothing is acknowledged unless the test says so. */
async function startTask(config: Record<string, string>) {
  const task = redisStreamsSourcePlugin.createTask();
  const abort = new AbortController();
  await task.start(config, { signal: abort.signal, offsetStorageReader: new MemoryOffsetReader() });
  const pollUntil = async (n: number) => {
    const out: SourceRecord[] = [];
    await waitFor(async () => {
      out.push(...((await task.poll()) ?? []));
      return out.length >= n;
    }, `${n} records`);
    return out;
  };
  const stop = async () => {
    abort.abort();
    await task.stop();
  };
  return { task, pollUntil, stop };
}

describe("Redis Streams source", () => {
  it("XACKs an entry only after its record is acknowledged; a restarted task re-reads its unacknowledged entries", async () => {
    const stream = `${prefix}-ack`;
    const group = "g-ack";
    const ids = await add(stream, 10);
    const config = {
      name: "ack-test",
      "redis.url": REDIS_URL,
      "redis.stream": stream,
      "redis.consumer.group": group,
      topic: `t-\${stream}`,
      "redis.block.ms": "50",
    };
    const a = await startTask(config);
    const first = await a.pollUntil(10);
    expect(first.map((r) => r.sourceOffset)).toEqual(ids.map((id) => ({ id })));
    expect(first[0]?.topic).toBe(`t-${stream}`);
    expect(first[0]?.value).toEqual({ n: "0", text: "entry 0" });
    expect(first[0]?.headers.map((h) => [h.key, h.value])).toEqual([
      ["redis.stream", stream],
      ["redis.id", ids[0]],
    ]);
    // read but not acknowledged: all ten pending, even after more polls
    await a.task.poll();
    expect(await pending(stream, group)).toBe(10);
    for (const r of first.slice(0, 4))
      await a.task.commitRecord?.(r, { topic: r.topic, partition: 0, offset: 0 });
    await a.task.poll(); // acknowledgements go out with the next poll
    expect(await pending(stream, group)).toBe(6);
    await a.stop(); // as a crash: six records never reached Kafka

    const b = await startTask(config); // same consumer name (ack-test-0)
    const again = await b.pollUntil(6);
    expect(again.map((r) => r.sourceOffset?.id)).toEqual(ids.slice(4));
    for (const r of again) await b.task.commitRecord?.(r, null); // dropped by a transform: handled too
    const more = await add(stream, 2, 10);
    const fresh = await b.pollUntil(2);
    expect(fresh.map((r) => r.sourceOffset?.id)).toEqual(more);
    for (const r of fresh) await b.task.commitRecord?.(r, { topic: r.topic, partition: 0, offset: 0 });
    await b.stop(); // stop() sends the last acknowledgements
    expect(await pending(stream, group)).toBe(0);
  });

  it("another task claims what a consumer that never came back left pending (XAUTOCLAIM)", async () => {
    const stream = `${prefix}-claim`;
    const ids = await add(stream, 5);
    const config = {
      name: "claim-test",
      "redis.url": REDIS_URL,
      "redis.streams": stream,
      "redis.consumer.group": "g-claim",
      topic: "t",
      "redis.block.ms": "50",
      "redis.claim.min.idle.ms": "300",
    };
    const gone = await startTask({ ...config, "ferry.task.consumer": "claim-test-3" });
    await gone.pollUntil(5);
    await gone.stop();
    const other = await startTask({ ...config, "ferry.task.consumer": "claim-test-0" });
    const claimed = await other.pollUntil(5);
    expect(claimed.map((r) => r.sourceOffset?.id)).toEqual(ids);
    for (const r of claimed) await other.task.commitRecord?.(r, null);
    await other.stop();
    expect(await pending(stream, "g-claim")).toBe(0);
  });

  it("stream → topic on a standalone worker: kill -9 mid-way, restart, every entry is in the topic and acknowledged", async () => {
    const stream = `${prefix}-e2e`;
    const topic = uniqueName("redis-in");
    await createTopic(topic);
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
    const connector = join(dir.path, "redis-source.json");
    await writeFile(
      connector,
      JSON.stringify({
        name: uniqueName("redis-source"),
        config: {
          "connector.class": "io.ferry.connect.redis.RedisStreamsSourceConnector",
          "redis.url": REDIS_URL,
          "redis.stream": stream,
          "redis.consumer.group": "ferry",
          "redis.batch.size": "50",
          topic,
        },
      }),
    );
    const total = 3000;
    let proc = startFerry(["standalone", worker, connector], uniqueName("redis-source-1"));
    try {
      await waitHealthy(port, proc);
      const writer = (async () => {
        for (let i = 0; i < total; i += 100) {
          await add(stream, 100, i);
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      await waitFor(async () => (await readTopic(topic)).length >= 500, "some entries in the topic");
      proc.proc.kill("SIGKILL");
      await proc.exited;
      await writer;
      const pendingAtKill = await pending(stream, "ferry");
      proc = startFerry(["standalone", worker, connector], uniqueName("redis-source-2"));
      await waitHealthy(port, proc);
      const ns = async () =>
        (await readTopic(topic)).map((m) =>
          Number((JSON.parse(m.value?.toString() ?? "{}") as { n: string }).n),
        );
      await waitFor(
        async () => new Set(await ns()).size >= total,
        `all ${total} entries in the topic`,
        60_000,
      );
      await waitFor(async () => (await pending(stream, "ferry")) === 0, "every entry acknowledged");
      const all = await ns();
      expect([...new Set(all)].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i));
      console.log(
        `Redis Streams source kill -9: ${total} entries, ${pendingAtKill} pending at the kill, ${all.length - total} delivered twice`,
      );
    } finally {
      await proc.kill("SIGKILL");
    }
  });

  it("refuses a config without a stream, naming redis.streams", async () => {
    const task = redisStreamsSourcePlugin.createTask();
    await expect(
      task.start(
        { "redis.consumer.group": "g", topic: "t" },
        { signal: new AbortController().signal, offsetStorageReader: new MemoryOffsetReader() },
      ),
    ).rejects.toThrow(/redis\.streams/);
  });
});

describe("Redis Streams sink", () => {
  it("topic → stream on a standalone worker: every record becomes one entry, in order", async () => {
    const topic = uniqueName("redis-out");
    const stream = `${prefix}-from-kafka`;
    await createTopic(topic);
    await produce(
      topic,
      Array.from({ length: 200 }, (_, i) => JSON.stringify({ n: i, word: `w${i}` })),
      "k",
    );
    const port = await freePort();
    const worker = join(dir.path, "sink-worker.properties");
    await writeFile(
      worker,
      [
        `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
        "key.converter=org.apache.kafka.connect.storage.StringConverter",
        "value.converter=org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable=false",
        `offset.storage.file.filename=${join(dir.path, "sink-offsets")}`,
        `listeners=http://127.0.0.1:${port}`,
      ].join("\n"),
    );
    const proc = startFerry(["standalone", worker], uniqueName("redis-sink"));
    try {
      await waitHealthy(port, proc);
      const r = await fetch(`http://127.0.0.1:${port}/connectors`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          name: topic,
          config: {
            "connector.class": "RedisStreamsSink",
            topics: topic,
            "redis.url": REDIS_URL,
            "redis.stream": stream,
          },
        }),
      });
      expect(r.status).toBe(201);
      await waitFor(async () => (await redis.xlen(stream)) >= 200, "200 entries in the stream");
      const entries = await redis.xrange(stream, "-", "+");
      expect(entries.map(([, f]) => f)).toEqual(
        Array.from({ length: 200 }, (_, i) => ["key", "k", "n", String(i), "word", `w${i}`]),
      );
    } finally {
      await proc.kill("SIGTERM");
    }
  });

  it("XADDs each record: struct fields, map values, other values in one field, the key; MAXLEN trims", async () => {
    const topic = `${prefix}-out`;
    const schema = new SchemaBuilder("struct")
      .field("id", Schemas.INT64)
      .field("name", Schemas.STRING)
      .field("tags", SchemaBuilder.array(Schemas.STRING).optional().build())
      .field("note", Schemas.OPTIONAL_STRING)
      .build();
    const struct = new Struct(schema)
      .put("id", 7)
      .put("name", "seven")
      .put("tags", ["a", "b"])
      .put("note", null);
    const recs = sinkRecords(topic, [struct, { city: "Oslo", n: 3 }, "plain text", Buffer.from([1, 2])]).map(
      (r, i) => ({
        ...r,
        key: i === 0 ? "k0" : null,
        valueSchema: i === 0 ? schema : null,
      }),
    );
    await runSinkTask(redisStreamsSinkPlugin, { "redis.url": REDIS_URL }, recs);
    const entries = await redis.xrangeBuffer(topic, "-", "+");
    const asText = entries.map(([, fields]) => fields.map((f) => f.toString("latin1")));
    expect(asText).toEqual([
      ["key", "k0", "id", "7", "name", "seven", "tags", '["a","b"]'],
      ["city", "Oslo", "n", "3"],
      ["value", "plain text"],
      ["value", "\u0001\u0002"],
    ]);
    // a fixed stream for every topic, trimmed to exactly 5 entries
    const capped = `${prefix}-capped`;
    await runSinkTask(
      redisStreamsSinkPlugin,
      {
        "redis.url": REDIS_URL,
        "redis.stream": capped,
        "redis.maxlen": "5",
        "redis.maxlen.exact": "true",
        "redis.key.field": "",
      },
      sinkRecords(
        "any",
        Array.from({ length: 12 }, (_, i) => `v${i}`),
      ).map((r) => ({ ...r, key: "ignored" })),
    );
    const kept = await redis.xrange(capped, "-", "+");
    expect(kept.map(([, f]) => f)).toEqual([7, 8, 9, 10, 11].map((i) => ["value", `v${i}`]));
    // a record with nothing to write is an error naming it
    await expect(
      runSinkTask(redisStreamsSinkPlugin, { "redis.url": REDIS_URL }, sinkRecords(topic, [null])),
    ).rejects.toThrow(/-0@0: no key and no value fields/);
  });
});
