/**
 * The per-connector record stages between a task and Kafka: transforms, then key/value/header converters
 * (source direction), or converters then transforms (sink direction).
 */
import type { IHeaders, Message } from "kafkajs";
import type { Converter, HeaderConverter } from "../api/converter.js";
import type { ConnectRecord, Header, SinkRecord, SourceRecord } from "../api/records.js";

export interface TransformChain {
  apply<R extends ConnectRecord>(record: R): R | null;
  close(): void;
}

export const identityChain: TransformChain = { apply: (r) => r, close: () => {} };

export interface Converters {
  readonly key: Converter;
  readonly value: Converter;
  readonly header: HeaderConverter;
}

/** A source record turned into a Kafka message, ready to send. */
export interface OutgoingMessage {
  readonly topic: string;
  readonly message: Message;
}

export function toKafkaMessage(record: SourceRecord, converters: Converters): OutgoingMessage {
  const { topic } = record;
  const key = converters.key.fromConnectData(topic, record.keySchema, record.key, record.headers);
  const value = converters.value.fromConnectData(topic, record.valueSchema, record.value, record.headers);
  let headers: IHeaders | undefined;
  if (record.headers.length > 0) {
    headers = {};
    for (const h of record.headers) {
      const bytes = converters.header.fromConnectHeader(topic, h.key, h.schema, h.value);
      const prev = headers[h.key];
      // repeated header keys are legal in Kafka; kafkajs takes an array for them
      if (prev === undefined) headers[h.key] = bytes ?? undefined;
      else headers[h.key] = [...(Array.isArray(prev) ? prev : [prev]), bytes ?? Buffer.alloc(0)] as Buffer[];
    }
  }
  const message: Message = {
    key,
    value,
    ...(record.kafkaPartition !== null ? { partition: record.kafkaPartition } : {}),
    ...(record.timestamp !== null ? { timestamp: String(record.timestamp) } : {}),
    ...(headers ? { headers } : {}),
  };
  return { topic, message };
}

export interface IncomingMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
}

export function toSinkRecord(m: IncomingMessage, converters: Converters): SinkRecord {
  const headers: Header[] = [];
  if (m.headers) {
    for (const [k, v] of Object.entries(m.headers)) {
      for (const one of Array.isArray(v) ? v : [v]) {
        if (one === undefined) continue;
        const buf = typeof one === "string" ? Buffer.from(one) : one;
        const sv = converters.header.toConnectHeader(m.topic, k, buf);
        headers.push({ key: k, schema: sv.schema, value: sv.value });
      }
    }
  }
  const key = converters.key.toConnectData(m.topic, m.key, headers);
  const value = converters.value.toConnectData(m.topic, m.value, headers);
  return {
    topic: m.topic,
    kafkaPartition: m.partition,
    kafkaOffset: Number(m.offset),
    keySchema: key.schema,
    key: key.value,
    valueSchema: value.schema,
    value: value.value,
    timestamp: Number(m.timestamp),
    timestampType: "CreateTime",
    headers,
  };
}
