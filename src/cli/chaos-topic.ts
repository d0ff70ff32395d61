/**
 * `ferry chaos`'s data topic on the user's Kafka: created for a run, read back read_committed (the seqnos
 * each source task's records carry), and deleted with the run's state topics afterwards.
 */
import type { KafkaClient } from "../kafka/types.js";
import { sleep } from "../sleep.js";
import { addSeqno } from "./chaos-analysis.js";

export async function createTopic(kafka: KafkaClient, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: -1 }],
      waitForLeaders: false,
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await admin.fetchTopicOffsets(topic);
        return;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await sleep(100);
      }
    }
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(kafka: KafkaClient, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/** Seqnos per source task (the record key) in the topic, read read_committed up to the last stable offset. */
export async function readTopicSeqnos(kafka: KafkaClient, topic: string): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  const admin = kafka.admin();
  await admin.connect();
  // kafkajs's ListOffsets asks READ_COMMITTED: `high` is the last stable offset
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(
    ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]),
  );
  if (remaining.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `${topic}-reader-${Date.now()}`, maxWaitTimeInMs: 250 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out reading ${topic} (left: ${JSON.stringify([...remaining])})`)),
        120_000,
      );
      const advance = (partition: number, next: number) => {
        const end = remaining.get(partition);
        if (end !== undefined && next >= end) remaining.delete(partition);
        if (remaining.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      // batches of transaction markers only never reach eachBatch
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) =>
        advance(e.payload.partition, Number(e.payload.lastOffset) + 1),
      );
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              const task = Number(m.key?.toString());
              const seqno = Number(m.value?.toString());
              if (Number.isInteger(task) && Number.isInteger(seqno)) addSeqno(out, task, seqno);
            }
            advance(batch.partition, Number(batch.lastOffset()) + 1);
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}
