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
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
}

const NO_HEADERS: readonly Header[] = Object.freeze([]);

function convertHeaders(topic: string, raw: IHeaders, converters: Converters): readonly Header[] {
  let headers: Header[] | null = null;
  // for-in avoids allocating an entries array for the (usual) empty headers object
  for (const k in raw) {
    const v = raw[k];
    for (const one of Array.isArray(v) ? v : [v]) {
      if (one === undefined) continue;
      const buf = typeof one === "string" ? Buffer.from(one) : one;
      const sv = converters.header.toConnectHeader(topic, k, buf);
      (headers ??= []).push({ key: k, schema: sv.schema, value: sv.value });
    }
  }
  return headers ?? NO_HEADERS;
}

/** Hot path of every sink: one call per consumed message. */
export function toSinkRecord(
  topic: string,
  partition: number,
  m: IncomingMessage,
  converters: Converters,
): SinkRecord {
  const headers = m.headers ? convertHeaders(topic, m.headers, converters) : NO_HEADERS;
  const key = converters.key.toConnectData(topic, m.key, headers);
  const value = converters.value.toConnectData(topic, m.value, headers);
  return {
    topic,
    kafkaPartition: partition,
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
