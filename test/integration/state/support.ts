/**
 * Helpers for the state tests on the shared broker. kafkajs is reached only through src/kafka/client.ts so
 * that its patch loads first. Every test names its own topics (uniqueName) and deletes only those.
 */
import { createKafka } from "../../../src/kafka/client.js";
import type { KafkaAdmin, KafkaClient, KafkaProducer } from "../../../src/kafka/types.js";
import { createLogger, type Logger } from "../../../src/log/logger.js";
import { KAFKA_BOOTSTRAP, uniqueName } from "../../support/env.js";

export const silentLogger: Logger = createLogger("state-test", process.env.FERRY_TEST_LOG_LEVEL ?? "silent");

export function kafka(): KafkaClient {
  return createKafka({
    brokers: [KAFKA_BOOTSTRAP],
    clientId: uniqueName("state-test"),
    logger: silentLogger,
  });
}

export async function withAdmin<T>(fn: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

export async function createTopic(
  topic: string,
  partitions: number,
  configs: Record<string, string> = { "cleanup.policy": "compact" },
): Promise<void> {
  await withAdmin(async (admin) => {
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: partitions,
          replicationFactor: 1,
          configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
        },
      ],
      // kafkajs's wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which KRaft answers for a moment
      waitForLeaders: false,
    });
    await waitUntilServed(admin, topic);
  });
}

/** Until every partition of a new topic answers ListOffsets (its leader has loaded it). */
async function waitUntilServed(admin: KafkaAdmin, topic: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await admin.fetchTopicOffsets(topic);
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Deletes the topics a test made (never anything shared); a missing topic is fine. */
export async function deleteTopics(...topics: string[]): Promise<void> {
  if (topics.length === 0) return;
  await withAdmin(async (admin) => {
    const existing = new Set(await admin.listTopics());
    const mine = topics.filter((t) => existing.has(t));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  });
}

export interface RawRecord {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
  partition?: number;
}

/** Writes records exactly as given (bytes), as another writer (Kafka Connect) would. */
export async function produceRaw(topic: string, records: RawRecord[]): Promise<void> {
  const producer = kafka().producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: records.map((r) => ({
        key: r.key,
        value: r.value,
        headers: r.headers,
        partition: r.partition,
      })),
    });
  } finally {
    await producer.disconnect();
  }
}

/** A transactional producer, for control batches in a topic. */
export async function transactionalProducer(): Promise<KafkaProducer> {
  const producer = kafka().producer({
    transactionalId: uniqueName("state-test-tx"),
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  return producer;
}

export interface TopicRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/** Every record in the topic (read uncommitted is not used: this is what a Kafka Connect reader sees). */
export async function readAll(topic: string): Promise<TopicRecord[]> {
  const k = kafka();
  const ends = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
  const out: TopicRecord[] = [];
  const positions = new Map<number, number>();
  const targets = new Map(
    ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]),
  );
  if (targets.size === 0) return out;
  const consumer = k.consumer({ groupId: uniqueName("state-test-reader"), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const done = () => [...targets].every(([p, end]) => (positions.get(p) ?? 0) >= end);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}`)), 30_000);
    const advance = (p: number, next: number) => {
      if (next > (positions.get(p) ?? 0)) positions.set(p, next);
      if (done()) {
        clearTimeout(timer);
        resolve();
      }
    };
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) =>
      advance(e.payload.partition, Number(e.payload.lastOffset) + 1),
    );
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            const headers: Record<string, string> = {};
            for (const [hk, hv] of Object.entries(m.headers ?? {}))
              if (hv !== undefined) headers[hk] = String(hv);
            out.push({
              partition: batch.partition,
              offset: m.offset,
              key: m.key?.toString("utf8") ?? null,
              value: m.value?.toString("utf8") ?? null,
              headers,
            });
          }
          advance(batch.partition, Number(batch.lastOffset()) + 1);
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return out.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}
