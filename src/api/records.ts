import type { Schema } from "./schema.js";

export type Header = { readonly key: string; readonly schema: Schema | null; readonly value: unknown };

/** Source partition / offset maps are JSON objects, as in Kafka Connect. */
export type SourcePartition = Readonly<Record<string, unknown>>;
export type SourceOffset = Readonly<Record<string, unknown>>;

/** Fields shared by source and sink records (Kafka's ConnectRecord). */
export interface ConnectRecord {
  readonly topic: string;
  readonly kafkaPartition: number | null;
  readonly keySchema: Schema | null;
  readonly key: unknown;
  readonly valueSchema: Schema | null;
  readonly value: unknown;
  /** epoch ms */
  readonly timestamp: number | null;
  readonly headers: readonly Header[];
}

export interface SourceRecord extends ConnectRecord {
  readonly sourcePartition: SourcePartition | null;
  readonly sourceOffset: SourceOffset | null;
}

export interface SinkRecord extends ConnectRecord {
  readonly kafkaPartition: number;
  readonly kafkaOffset: number;
  readonly timestampType: "CreateTime" | "LogAppendTime" | "NoTimestampType";
}

/** What a source task hands back: only topic and value are required. */
export type SourceRecordInit = Partial<Omit<SourceRecord, "topic">> & { topic: string };

export function sourceRecord(init: SourceRecordInit): SourceRecord {
  return {
    topic: init.topic,
    kafkaPartition: init.kafkaPartition ?? null,
    keySchema: init.keySchema ?? null,
    key: init.key ?? null,
    valueSchema: init.valueSchema ?? null,
    value: init.value ?? null,
    timestamp: init.timestamp ?? null,
    headers: init.headers ?? [],
    sourcePartition: init.sourcePartition ?? null,
    sourceOffset: init.sourceOffset ?? null,
  };
}

/** Kafka topic-partition used in sink offset maps. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export function topicPartitionKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** Metadata of an acknowledged produce, as RecordMetadata. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}
