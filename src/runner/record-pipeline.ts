/**
 * The per-connector record stages between a task and Kafka: transforms, then key/value/header converters
 * (source direction), or converters then transforms (sink direction).
 */
import type { Converter, HeaderConverter, SchemaAndValue } from "../api/converter.js";
import type { ConnectRecord, Header, SinkRecord, SourceRecord } from "../api/records.js";
import { errorMessage } from "../errors.js";
import type { ProduceMessage, RecordHeaders } from "../kafka/types.js";

export interface TransformChain {
  apply<R extends ConnectRecord>(record: R): R | null;
  close(): void;
}

export const identityChain: TransformChain = { apply: (r) => r, close: () => {} };

export interface Converters {
  readonly key: Converter;
  readonly value: Converter;
  readonly header: HeaderConverter;
  /** class names, for error reports */
  readonly classNames: { readonly key: string; readonly value: string; readonly header: string };
}

/** A converter failed: says which stage, for errors.* handling. */
export class ConverterStageError extends Error {
  override name = "ConverterStageError";
  constructor(
    readonly stage: "KEY_CONVERTER" | "VALUE_CONVERTER" | "HEADER_CONVERTER",
    readonly className: string,
    cause: unknown,
  ) {
    super(`${stage} ${className} failed: ${errorMessage(cause)}`, {
      cause,
    });
  }
}

/** A source record turned into a Kafka message, ready to send. */
export interface OutgoingMessage {
  readonly topic: string;
  readonly message: ProduceMessage;
}

export function toKafkaMessage(record: SourceRecord, converters: Converters): OutgoingMessage {
  const { topic } = record;
  let key: Buffer | null;
  let value: Buffer | null;
  try {
    key = converters.key.fromConnectData(topic, record.keySchema, record.key, record.headers);
  } catch (e) {
    throw new ConverterStageError("KEY_CONVERTER", converters.classNames.key, e);
  }
  try {
    value = converters.value.fromConnectData(topic, record.valueSchema, record.value, record.headers);
  } catch (e) {
    throw new ConverterStageError("VALUE_CONVERTER", converters.classNames.value, e);
  }
  let headers: RecordHeaders | undefined;
  if (record.headers.length > 0) {
    headers = {};
    for (const h of record.headers) {
      let bytes: Buffer | null;
      try {
        bytes = converters.header.fromConnectHeader(topic, h.key, h.schema, h.value);
      } catch (e) {
        throw new ConverterStageError("HEADER_CONVERTER", converters.classNames.header, e);
      }
      const prev = headers[h.key];
      // repeated header keys are legal in Kafka; kafkajs takes an array for them
      if (prev === undefined) headers[h.key] = bytes ?? undefined;
      else headers[h.key] = [...(Array.isArray(prev) ? prev : [prev]), bytes ?? Buffer.alloc(0)] as Buffer[];
    }
  }
  const message: ProduceMessage = {
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
  readonly headers?: RecordHeaders;
}

const NO_HEADERS: readonly Header[] = Object.freeze([]);

function convertHeaders(topic: string, raw: RecordHeaders, converters: Converters): readonly Header[] {
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
  let headers: readonly Header[];
  let key: SchemaAndValue;
  let value: SchemaAndValue;
  try {
    headers = m.headers ? convertHeaders(topic, m.headers, converters) : NO_HEADERS;
  } catch (e) {
    throw new ConverterStageError("HEADER_CONVERTER", converters.classNames.header, e);
  }
  try {
    key = converters.key.toConnectData(topic, m.key, headers);
  } catch (e) {
    throw new ConverterStageError("KEY_CONVERTER", converters.classNames.key, e);
  }
  try {
    value = converters.value.toConnectData(topic, m.value, headers);
  } catch (e) {
    throw new ConverterStageError("VALUE_CONVERTER", converters.classNames.value, e);
  }
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
