/**
 * Source offsets in the offsets topic (compacted, 25 partitions by default), as Kafka Connect's
 * KafkaOffsetBackingStore with its JSON converter: key `["<connector>", {partition}]` (JSON bytes), value the
 * offset as JSON, null deletes. Records spread over the partitions by the key hash (Java's murmur2, which
 * kafkajs's DefaultPartitioner also uses), so a key lands where Kafka Connect would put it.
 *
 * Partitions are compared by canonical JSON (offsetKey), so {a,b} and {b,a} are one partition. Compaction is
 * by key *bytes*, so a write reuses the exact key bytes last read for that partition (e.g. written by Kafka
 * Connect, whose map order may differ from ours) and only falls back on the canonical form; that way a
 * partition is one Kafka key, not two that compaction keeps side by side.
 *
 * get() and list() answer from the view: a task that takes over a partition must readToEnd() first to see
 * the last offsets its previous owner wrote.
 */
import type { SourceOffset, SourcePartition } from "../../api/records.js";
import type { KafkaClient } from "../../kafka/types.js";
import type { Logger } from "../../log/logger.js";
import { canonicalJson, type OffsetEntry, type OffsetStore, offsetKey } from "../types.js";
import { parseJsonBytes, parseOffset, parseOffsetKey, serializeOffset } from "./codec.js";
import { KafkaLog, type LogRecord, type LogWrite } from "./kafka-log.js";
import { ensureStateTopicWith, offsetTopicSpec } from "./topics.js";

export interface KafkaOffsetStoreOptions {
  readonly kafka: KafkaClient;
  /** offset.storage.topic */
  readonly topic: string;
  readonly logger: Logger;
  /** offset.storage.partitions; default 25 */
  readonly partitions?: number;
  /** offset.storage.replication.factor; -1 (default here) is the broker's default */
  readonly replicationFactor?: number;
  /** offset.storage.* topic settings used when creating the topic */
  readonly topicConfigs?: Readonly<Record<string, string>>;
  /** bound on a read to end or a write; default 30 s */
  readonly timeoutMs?: number;
}

interface Stored {
  readonly connector: string;
  readonly partition: SourcePartition;
  readonly offset: SourceOffset;
}

export class KafkaOffsetStore implements OffsetStore {
  private readonly log: Logger;
  private readonly kafkaLog: KafkaLog;
  /** by offsetKey */
  private readonly data = new Map<string, Stored>();
  /** offsetKey → the key bytes (as text) last read for it */
  private readonly rawKeys = new Map<string, string>();

  constructor(private readonly o: KafkaOffsetStoreOptions) {
    this.log = o.logger.child({ component: "offset-store", topic: o.topic });
    this.kafkaLog = new KafkaLog({
      kafka: o.kafka,
      topic: o.topic,
      logger: o.logger,
      timeoutMs: o.timeoutMs,
      groupIdPrefix: `ferry-offsets-${o.topic}`,
      onRecord: (r) => this.onRecord(r),
    });
  }

  async start(): Promise<void> {
    await ensureStateTopicWith(
      this.o.kafka,
      offsetTopicSpec(
        this.o.topic,
        this.o.partitions ?? 25,
        this.o.replicationFactor ?? -1,
        this.o.topicConfigs,
      ),
      this.log,
    );
    await this.kafkaLog.start();
  }

  readToEnd(): Promise<void> {
    return this.kafkaLog.readToEnd();
  }

  stop(): Promise<void> {
    return this.kafkaLog.stop();
  }

  startTimings() {
    return this.kafkaLog.startTimings();
  }

  get(connector: string, partition: SourcePartition): SourceOffset | null {
    return this.data.get(offsetKey(connector, partition))?.offset ?? null;
  }

  list(connector: string): OffsetEntry[] {
    return [...this.data.values()]
      .filter((s) => s.connector === connector)
      .map((s) => ({ partition: s.partition, offset: s.offset }));
  }

  /** Resolves once the broker acknowledged every entry and they are in this store's view. */
  async put(connector: string, entries: readonly OffsetEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.write(connector, entries);
    await this.kafkaLog.readToEnd();
  }

  /** Resolves once the broker acknowledged every entry (acks=all); the view gets them when read back. */
  async write(connector: string, entries: readonly OffsetEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.kafkaLog.sendAll(this.records(connector, entries));
  }

  /** The offsets topic's name, for writers that produce offset records themselves (exactly-once tasks). */
  get topic(): string {
    return this.o.topic;
  }

  /**
   * The records put() would write, for a transactional producer that writes them together with the task's
   * records (exactly-once source); they reach this store's view once committed and read.
   */
  records(connector: string, entries: readonly OffsetEntry[]): LogWrite[] {
    return entries.map((e) => {
      const canonical = offsetKey(connector, e.partition);
      return {
        key: this.rawKeys.get(canonical) ?? canonical,
        value: e.offset === null ? null : serializeOffset(e.offset),
      };
    });
  }

  private onRecord(r: LogRecord): void {
    const where = { partition: r.partition, offset: r.offset };
    if (r.key === null) {
      this.log.warn(where, "ignoring an offset record without a key");
      return;
    }
    const rawKey = r.key.toString("utf8");
    const keyJson = parseJsonBytes(r.key);
    const key = keyJson instanceof Error ? keyJson : parseOffsetKey(keyJson);
    if (key instanceof Error) {
      this.log.warn({ ...where, key: rawKey }, `ignoring offset record: ${key.message}`);
      return;
    }
    const valueJson = parseJsonBytes(r.value);
    const offset = valueJson instanceof Error ? valueJson : parseOffset(valueJson);
    if (offset instanceof Error) {
      this.log.error({ ...where, key: rawKey }, `ignoring offset record: ${offset.message}`);
      return;
    }
    const canonical = canonicalJson([key.connector, key.partition]);
    this.rawKeys.set(canonical, rawKey);
    if (offset === null) this.data.delete(canonical);
    else this.data.set(canonical, { connector: key.connector, partition: key.partition, offset });
  }
}
