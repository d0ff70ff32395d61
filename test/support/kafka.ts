/** Test helpers on a real Kafka broker: topics and reading what a topic holds. */
import { createKafka } from "../../src/kafka/client.js";
import type { KafkaClient } from "../../src/kafka/types.js";
import { createLogger } from "../../src/log/logger.js";
import { KAFKA_BOOTSTRAP, uniqueName } from "./env.js";

const logger = createLogger("test-kafka", "silent");

/** A client through Ferry's Kafka port (kafkajs with its patches, which must load before kafkajs itself). */
export function testKafka(): KafkaClient {
  return createKafka({ clientId: uniqueName("test"), brokers: [KAFKA_BOOTSTRAP], logger, silent: true });
}

/**
 * Creates a topic and waits until every partition has a leader. kafkajs's own waitForLeaders gives up on
 * UNKNOWN_TOPIC_OR_PARTITION, which a broker that just started answers for a while, so this polls instead.
 */
export async function createTopic(name: string, partitions = 1): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic: name, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: false,
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const meta = await admin.fetchTopicMetadata({ topics: [name] });
        const parts = meta.topics[0]?.partitions ?? [];
        if (parts.length === partitions && parts.every((p) => p.leader >= 0)) return;
      } catch (e) {
        if (Date.now() > deadline) throw e;
      }
      if (Date.now() > deadline) throw new Error(`topic ${name} has no leader after 30 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Produces string values to a topic. */
export async function produce(
  topic: string,
  values: (string | null)[],
  key: string | null = null,
): Promise<void> {
  const producer = testKafka().producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, messages: values.map((value) => ({ key, value })) });
  } finally {
    await producer.disconnect();
  }
}

export interface ReadMessage {
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
  key: Buffer | null;
  value: Buffer | null;
  partition: number;
  offset: string;
}

/** Reads every message currently in the topic (up to the high watermark of each partition). */
export async function readTopic(topic: string): Promise<ReadMessage[]> {
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(
    ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]),
  );
  const out: ReadMessage[] = [];
  if (remaining.size === 0) return out;
  const consumer = kafka.consumer({ groupId: uniqueName("reader") });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}`)), 60_000);
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          out.push({
            key: message.key,
            value: message.value,
            partition,
            offset: message.offset,
            headers: message.headers ?? {},
          });
          const end = remaining.get(partition);
          if (end !== undefined && Number(message.offset) + 1 >= end) remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return out;
}
