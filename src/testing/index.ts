/**
 * A testing kit for connector authors: run a connector's tasks in-process, without a worker.
 *
 * - runSourceTask(): starts the connector and one of its tasks over an in-memory offset store, polls until
 *   your condition holds, acknowledges every record (commitRecord) and stores its offset as the runtime
 *   would. With `kafka`, the records are produced to a real Kafka first and commitRecord gets the real
 *   metadata.
 * - runSinkTask(): starts a sink task, hands it records with put() and flushes them.
 * - sinkRecords() builds SinkRecords from values; readSinkRecords() reads a real topic into SinkRecords.
 *
 * Values go to Kafka as the JSON converter with schemas.enable=false would write them (strings and bytes
 * as they are).
 */
import { pino } from "pino";
import type {
  ConnectorContext,
  OffsetStorageReader,
  SinkConnectorPlugin,
  SourceConnectorPlugin,
  TaskConfig,
} from "../api/connector.js";
import type {
  RecordMetadata,
  SinkRecord,
  SourceOffset,
  SourcePartition,
  SourceRecord,
  TopicPartition,
} from "../api/records.js";
import { Struct } from "../api/schema.js";
import { createKafka, createProducer } from "../kafka/client.js";
import type { KafkaClient } from "../kafka/types.js";
import { canonicalJson } from "../state/types.js";

/** Source offsets in memory, keyed by the partition's canonical JSON. */
export class MemoryOffsetReader implements OffsetStorageReader {
  private readonly map = new Map<string, { partition: SourcePartition; offset: SourceOffset }>();
  constructor(initial: Iterable<readonly [SourcePartition, SourceOffset]> = []) {
    for (const [p, o] of initial) this.set(p, o);
  }
  set(partition: SourcePartition, offset: SourceOffset): void {
    this.map.set(canonicalJson(partition), { partition, offset });
  }
  async offset(partition: SourcePartition): Promise<SourceOffset | null> {
    return this.map.get(canonicalJson(partition))?.offset ?? null;
  }
  async offsets(partitions: readonly SourcePartition[]): Promise<Map<SourcePartition, SourceOffset | null>> {
    return new Map(partitions.map((p) => [p, this.map.get(canonicalJson(p))?.offset ?? null]));
  }
  entries(): { partition: SourcePartition; offset: SourceOffset }[] {
    return [...this.map.values()];
  }
}

const connectorContext: ConnectorContext = {
  requestTaskReconfiguration() {},
  raiseError(e) {
    throw e;
  },
};

/** The config of task `taskIndex` as the connector splits it for `maxTasks`. */
async function taskConfig(
  plugin: SourceConnectorPlugin | SinkConnectorPlugin,
  config: Record<string, string>,
  maxTasks: number,
  taskIndex: number,
): Promise<TaskConfig> {
  const connector = plugin.createConnector();
  await connector.start({ ...config, "tasks.max": String(maxTasks) }, connectorContext);
  try {
    const configs = await connector.taskConfigs(maxTasks);
    const tc = configs[taskIndex];
    if (!tc)
      throw new Error(`the connector made ${configs.length} task config(s); there is no task ${taskIndex}`);
    return tc;
  } finally {
    await connector.stop();
  }
}

export interface KafkaTarget {
  readonly brokers: readonly string[];
}

function kafkaClient(target: KafkaTarget): KafkaClient {
  return createKafka({
    brokers: target.brokers,
    clientId: `ferry-testing-${process.pid}`,
    logger: pino({ level: "silent" }),
    silent: true,
  });
}

function encode(v: unknown): Buffer | string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || Buffer.isBuffer(v)) return v;
  return JSON.stringify(v instanceof Struct ? v.toJSON() : v);
}

export interface SourceRunOptions {
  readonly maxTasks?: number;
  readonly taskIndex?: number;
  /** offsets the task starts from; it is also where the run stores acknowledged offsets */
  readonly offsets?: MemoryOffsetReader;
  /** poll until this holds (default: until a poll returns records) */
  readonly until?: (records: readonly SourceRecord[]) => boolean;
  readonly timeoutMs?: number;
  /** produce the records to this Kafka before acknowledging them */
  readonly kafka?: KafkaTarget;
}

export interface SourceRun {
  readonly records: SourceRecord[];
  /** per record, the Kafka metadata it was acknowledged with (partition/offset -1 without `kafka`) */
  readonly metadata: RecordMetadata[];
  readonly offsets: MemoryOffsetReader;
}

/** Runs one source task until `until` holds; every polled record is acknowledged and its offset stored. */
export async function runSourceTask(
  plugin: SourceConnectorPlugin,
  config: Record<string, string>,
  options: SourceRunOptions = {},
): Promise<SourceRun> {
  const offsets = options.offsets ?? new MemoryOffsetReader();
  const until = options.until ?? ((r) => r.length > 0);
  const tc = await taskConfig(plugin, config, options.maxTasks ?? 1, options.taskIndex ?? 0);
  const abort = new AbortController();
  const task = plugin.createTask();
  const producer = options.kafka ? createProducer(kafkaClient(options.kafka)) : null;
  const run: SourceRun = { records: [], metadata: [], offsets };
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  try {
    await producer?.connect();
    await task.start(tc, { signal: abort.signal, offsetStorageReader: offsets });
    while (!until(run.records)) {
      if (Date.now() > deadline)
        throw new Error(
          `runSourceTask: condition not met within the timeout (${run.records.length} records)`,
        );
      const polled = (await task.poll()) ?? [];
      for (const r of polled) {
        let md: RecordMetadata = { topic: r.topic, partition: -1, offset: -1 };
        if (producer) {
          const [m] = await producer.send({
            topic: r.topic,
            acks: -1,
            messages: [
              {
                key: encode(r.key),
                value: encode(r.value),
                ...(r.kafkaPartition === null ? {} : { partition: r.kafkaPartition }),
                ...(r.timestamp === null ? {} : { timestamp: String(r.timestamp) }),
              },
            ],
          });
          md = { topic: r.topic, partition: m?.partition ?? -1, offset: Number(m?.baseOffset ?? -1) };
        }
        await task.commitRecord?.(r, md);
        if (r.sourcePartition && r.sourceOffset) offsets.set(r.sourcePartition, r.sourceOffset);
        run.records.push(r);
        run.metadata.push(md);
      }
    }
    await task.commit?.();
    return run;
  } finally {
    abort.abort();
    await task.stop();
    await producer?.disconnect();
  }
}

/** SinkRecords with the given values, at consecutive offsets of one topic-partition. */
export function sinkRecords(
  topic: string,
  values: readonly unknown[],
  partition = 0,
  firstOffset = 0,
): SinkRecord[] {
  return values.map((value, i) => ({
    topic,
    kafkaPartition: partition,
    kafkaOffset: firstOffset + i,
    timestampType: "CreateTime",
    timestamp: Date.now(),
    keySchema: null,
    key: null,
    valueSchema: null,
    value,
    headers: [],
  }));
}

/** Reads what a topic holds now into SinkRecords; values are text, or parsed JSON with format "json". */
export async function readSinkRecords(
  target: KafkaTarget,
  topic: string,
  format: "string" | "json" = "string",
): Promise<SinkRecord[]> {
  const kafka = kafkaClient(target);
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const remaining = new Map(
    ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]),
  );
  const out: SinkRecord[] = [];
  if (remaining.size === 0) return out;
  const consumer = kafka.consumer({
    groupId: `ferry-testing-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}`)), 30_000);
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const text = message.value?.toString("utf8") ?? null;
            out.push({
              ...(sinkRecords(
                topic,
                [text === null || format === "string" ? text : JSON.parse(text)],
                partition,
              )[0] as SinkRecord),
              kafkaOffset: Number(message.offset),
              key: message.key?.toString("utf8") ?? null,
              timestamp: Number(message.timestamp),
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
  } finally {
    await consumer.disconnect();
  }
  return out;
}

export interface SinkRunOptions {
  readonly maxTasks?: number;
  readonly taskIndex?: number;
  /** records per put() call (default: all in one) */
  readonly batchSize?: number;
}

/** Runs one sink task over the records: put() in batches, then flush() up to the last offsets, then stop(). */
export async function runSinkTask(
  plugin: SinkConnectorPlugin,
  config: Record<string, string>,
  records: readonly SinkRecord[],
  options: SinkRunOptions = {},
): Promise<{ flushed: Map<string, { tp: TopicPartition; offset: number }> }> {
  const tc = await taskConfig(plugin, config, options.maxTasks ?? 1, options.taskIndex ?? 0);
  const abort = new AbortController();
  const task = plugin.createTask();
  const flushed = new Map<string, { tp: TopicPartition; offset: number }>();
  await task.start(tc, { signal: abort.signal, requestCommit() {} });
  try {
    const partitions = new Map<string, TopicPartition>();
    for (const r of records)
      partitions.set(`${r.topic}-${r.kafkaPartition}`, { topic: r.topic, partition: r.kafkaPartition });
    await task.open?.([...partitions.values()]);
    const size = options.batchSize ?? Math.max(1, records.length);
    for (let i = 0; i < records.length; i += size) {
      const batch = records.slice(i, i + size);
      await task.put(batch);
      for (const r of batch)
        flushed.set(`${r.topic}-${r.kafkaPartition}`, {
          tp: { topic: r.topic, partition: r.kafkaPartition },
          offset: r.kafkaOffset + 1,
        });
    }
    await task.flush(flushed);
    await task.close?.([...partitions.values()]);
    return { flushed };
  } finally {
    abort.abort();
    await task.stop();
  }
}
