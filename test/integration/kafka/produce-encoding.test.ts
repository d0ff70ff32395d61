/**
 * The patched produce request encoder (src/kafka/produce-request.ts) against the real broker: which produce
 * version kafkajs negotiates, and that what it writes reads back unchanged (keys, values, nulls, headers
 * with repeated keys, timestamps), for plain, idempotent and transactional producers.
 */
import type { IHeaders, Kafka, Producer, ProducerConfig } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafka, kafkajsOf } from "../../../src/kafka/client.js";
import { kafkajsPatched } from "../../../src/kafka/kafkajs-patches.js";
import { createLogger } from "../../../src/log/logger.js";
import { KAFKA_BOOTSTRAP, uniqueName } from "../../support/env.js";

interface Sent {
  key: string | Buffer | null;
  value: string | Buffer | null;
  timestamp?: string;
  headers?: IHeaders;
}

const logger = createLogger("produce-encoding-test", process.env.FERRY_TEST_LOG_LEVEL ?? "silent");
let kafka: Kafka;

beforeAll(() => {
  // kafkajs itself: these tests watch its requests and choose compression, which the port does not offer
  kafka = kafkajsOf(
    createKafka({ brokers: [KAFKA_BOOTSTRAP], clientId: uniqueName("produce-encoding"), logger }),
  );
});

async function createTopic(topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

const topics: string[] = [];
/** kafkajs's default partitioner is Kafka's (murmur2), as the port's producers use */
function producer(config: ProducerConfig = {}): Producer {
  return kafka.producer({ allowAutoTopicCreation: false, ...config });
}

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
});

function messages(n: number, tag: string): Sent[] {
  const base = Date.now() - 60_000;
  return Array.from({ length: n }, (_, i) => {
    const m: Sent = {
      key: i % 5 === 0 ? null : i % 2 ? `k-${i}` : Buffer.from(`bk-${i}-é`),
      value:
        i % 7 === 0 ? null : i % 3 ? `${tag} ${i} ${"x".repeat(i % 300)}` : Buffer.from([i & 255, 0, 255]),
    };
    if (i % 4 !== 0) m.timestamp = String(base + (i % 11) * 1000);
    if (i % 6 === 1) m.headers = { a: "1", rep: ["x", Buffer.from("y"), ""], ü: Buffer.alloc(0) };
    return m;
  });
}

async function readAll(topic: string, count: number) {
  const got: { key: Buffer | null; value: Buffer | null; timestamp: string; headers: IHeaders }[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName("produce-encoding-reader"), readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out: ${got.length}/${count}`)), 60_000);
    consumer
      .run({
        eachMessage: async ({ message }) => {
          got.push({
            key: message.key,
            value: message.value,
            timestamp: message.timestamp,
            headers: message.headers ?? {},
          });
          if (got.length === count) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return got;
}

const buf = (v: string | Buffer | null) => (v === null ? null : Buffer.from(v));

function expectRoundTrip(sent: Sent[], got: Awaited<ReturnType<typeof readAll>>, sentAt: number) {
  expect(got.length).toBe(sent.length);
  // one partition: order is preserved
  sent.forEach((s, i) => {
    const g = got[i];
    if (!g) throw new Error(`missing record ${i}`);
    expect(g.key).toEqual(buf(s.key));
    expect(g.value).toEqual(buf(s.value));
    if (s.timestamp !== undefined) expect(g.timestamp).toBe(s.timestamp);
    else expect(Math.abs(Number(g.timestamp) - sentAt)).toBeLessThan(120_000);
    const want: Record<string, (Buffer | null)[]> = {};
    for (const [k, v] of Object.entries(s.headers ?? {}))
      want[k] = (Array.isArray(v) ? v : [v]).map((x) => buf(x as string));
    const have: Record<string, (Buffer | null)[]> = {};
    for (const [k, v] of Object.entries(g.headers))
      have[k] = (Array.isArray(v) ? v : [v]).map((x) => buf(x as string));
    expect(have).toEqual(want);
  });
}

async function produceAndCheck(producer: Producer, transactional: boolean) {
  const topic = uniqueName("produce-encoding");
  topics.push(topic);
  await createTopic(topic, 1);
  const versions = new Set<number>();
  producer.on(producer.events.REQUEST, (e) => {
    if (e.payload.apiName === "Produce") versions.add(e.payload.apiVersion);
  });
  await producer.connect();
  const sent: Sent[] = [];
  const sentAt = Date.now();
  try {
    for (let round = 0; round < 3; round++) {
      const batch = messages([1, 500, 3000][round] as number, `r${round}`);
      if (transactional) {
        const tx = await producer.transaction();
        await tx.send({ topic, messages: batch });
        await tx.commit();
      } else {
        await producer.send({ topic, messages: batch, acks: -1 });
      }
      sent.push(...batch);
    }
  } finally {
    await producer.disconnect();
  }
  expectRoundTrip(sent, await readAll(topic, sent.length), sentAt);
  return [...versions];
}

describe("patched produce encoding on the broker", () => {
  it("is installed", () => {
    expect(kafkajsPatched()).toBe(true);
  });

  it("negotiates a produce version served by the patched v3 request, and round-trips records", async () => {
    const versions = await produceAndCheck(producer(), false);
    expect(versions.length).toBeGreaterThan(0);
    for (const v of versions) expect(v).toBeGreaterThanOrEqual(3);
    logger.info({ versions }, "produce versions used");
    console.log(`produce api versions used against ${KAFKA_BOOTSTRAP}: ${versions.join(",")}`);
  });

  it("round-trips with an idempotent producer", async () => {
    await produceAndCheck(producer({ idempotent: true, maxInFlightRequests: 1 }), false);
  });

  it("round-trips with a transactional producer", async () => {
    await produceAndCheck(
      producer({
        idempotent: true,
        maxInFlightRequests: 1,
        transactionalId: uniqueName("produce-encoding-tx"),
      }),
      true,
    );
  });
});
