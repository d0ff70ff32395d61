/**
 * The patched record batch decoder (src/kafka/record-batch-decoder.ts) against the real broker: records
 * fetched from plain, gzip and transactional batches (with their commit markers) over two partitions come
 * back with the keys, values, headers, timestamps and offsets that were written.
 */
import type { CompressionTypes, IHeaders, Kafka, Producer, ProducerConfig } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafka, kafkajsOf } from "../../../src/kafka/client.js";
import { kafkajsPatched } from "../../../src/kafka/kafkajs-patches.js";
import { createLogger } from "../../../src/log/logger.js";
import { KAFKA_BOOTSTRAP, uniqueName } from "../../support/env.js";

// kafkajs's CompressionTypes values; importing the enum would load kafkajs before the patches
const NONE = 0 as CompressionTypes;
const GZIP = 1 as CompressionTypes;

const logger = createLogger("fetch-decoding-test", process.env.FERRY_TEST_LOG_LEVEL ?? "silent");
let kafka: Kafka;
const topics: string[] = [];

beforeAll(() => {
  // kafkajs itself: these tests watch its requests and choose compression, which the port does not offer
  kafka = kafkajsOf(
    createKafka({ brokers: [KAFKA_BOOTSTRAP], clientId: uniqueName("fetch-decoding"), logger }),
  );
});

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

interface Sent {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers: IHeaders;
}

function messages(n: number, tag: string): Sent[] {
  const base = Date.now() - 3_600_000;
  return Array.from({ length: n }, (_, i) => ({
    key: i % 5 === 0 ? null : Buffer.from(`k-${i % 2}-${i}`),
    value: i % 7 === 0 ? null : Buffer.from(`${tag} ${i} ${"é".repeat(i % 200)}`),
    timestamp: String(base + i * 1000 + (i % 3)),
    headers: i % 4 === 1 ? { a: Buffer.from("1"), rep: [Buffer.from("x"), Buffer.alloc(0)] } : {},
  }));
}

async function readAll(topic: string, count: number) {
  const got = new Map<
    number,
    { offset: string; key: Buffer | null; value: Buffer | null; timestamp: string; headers: IHeaders }[]
  >();
  let n = 0;
  const consumer = kafka.consumer({ groupId: uniqueName("fetch-decoding-reader"), readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}: ${n}/${count}`)), 60_000);
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          const list = got.get(partition) ?? [];
          list.push({
            offset: message.offset,
            key: message.key,
            value: message.value,
            timestamp: message.timestamp,
            headers: message.headers ?? {},
          });
          got.set(partition, list);
          if (++n === count) {
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

async function roundTrip(producer: Producer, compression: CompressionTypes, transactional: boolean) {
  const topic = uniqueName("fetch-decoding");
  topics.push(topic);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: 2, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const sent: Map<number, Sent[]> = new Map([
    [0, []],
    [1, []],
  ]);
  await producer.connect();
  try {
    for (let round = 0; round < 3; round++) {
      for (const partition of [0, 1]) {
        const batch = messages([1, 700, 2500][round] as number, `r${round}p${partition}`);
        const payload = { topic, compression, messages: batch.map((m) => ({ ...m, partition })) };
        if (transactional) {
          const tx = await producer.transaction();
          await tx.send(payload);
          await tx.commit();
        } else {
          await producer.send({ ...payload, acks: -1 });
        }
        sent.get(partition)?.push(...batch);
      }
    }
  } finally {
    await producer.disconnect();
  }
  const total = [...sent.values()].reduce((a, b) => a + b.length, 0);
  const got = await readAll(topic, total);
  for (const [partition, want] of sent) {
    const have = got.get(partition) ?? [];
    expect(have.length).toBe(want.length);
    // offsets grow by one per record, except where a transaction's commit marker takes one
    let previous = -1;
    want.forEach((w, i) => {
      const h = have[i];
      if (!h) throw new Error(`partition ${partition}: missing record ${i}`);
      expect(h.key).toEqual(w.key);
      expect(h.value).toEqual(w.value);
      expect(h.timestamp).toBe(w.timestamp);
      expect(h.headers).toEqual(w.headers);
      const offset = Number(h.offset);
      expect(offset).toBeGreaterThan(previous);
      if (!transactional) expect(offset).toBe(previous + 1);
      previous = offset;
    });
  }
}

describe("patched fetch decoding on the broker", () => {
  it("is installed", () => {
    expect(kafkajsPatched()).toBe(true);
  });

  it("reads back uncompressed batches", async () => {
    await roundTrip(producer(), NONE, false);
  });

  it("reads back gzip batches", async () => {
    await roundTrip(producer(), GZIP, false);
  });

  it("reads back transactional batches, skipping their control records", async () => {
    await roundTrip(
      producer({
        idempotent: true,
        maxInFlightRequests: 1,
        transactionalId: uniqueName("fetch-decoding-tx"),
      }),
      NONE,
      true,
    );
  });
});
