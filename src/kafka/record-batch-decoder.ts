/**
 * Replacement for kafkajs 2.2.4's `protocol/recordBatch/v0/decoder.js`, which decodes every record batch a
 * fetch returns (the sink path). Same result objects, less work per record:
 *
 * - records are read straight from the batch's buffer: no Buffer slice and Decoder object per record;
 * - offset and timestamp are `first + delta` in plain numbers when both are safe integers, instead of
 *   parsing the batch's first offset/timestamp strings into a Long for every record (the upstream
 *   decoder's largest cost after garbage collection);
 * - headers are collected in one loop instead of a reduce that copies the object per header.
 *
 * The batch header, the partial-batch check (KafkaJSPartialMessageError, which the fetch decoder relies on
 * to stop at a truncated tail) and decompression are done as upstream; offsets/timestamps outside the safe
 * integer range, and varlongs longer than 7 bytes, fall back to kafkajs's Long arithmetic.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

interface KLong {
  add(other: KLong | number): KLong;
  toString(): string;
}
interface KDecoder {
  buffer: Buffer;
  offset: number;
  readInt8(): number;
  readInt16(): number;
  readInt32(): number;
  readInt64(): KLong;
  readVarLong(): KLong;
  readAll(): Buffer;
  slice(size: number): KDecoder;
  forward(size: number): void;
}
type DecoderCtor = new (buffer: Buffer) => KDecoder;
interface Codec {
  decompress(b: Buffer): Promise<Buffer>;
}

const Decoder = require("kafkajs/src/protocol/decoder.js") as DecoderCtor;
const Long = require("kafkajs/src/utils/long.js") as { fromValue(v: unknown): KLong };
const { KafkaJSPartialMessageError } = require("kafkajs/src/errors.js") as {
  KafkaJSPartialMessageError: new (message: string) => Error;
};
const { lookupCodecByAttributes } = require("kafkajs/src/protocol/message/compression/index.js") as {
  lookupCodecByAttributes(attributes: number): Codec | undefined;
};
const TimestampTypes = require("kafkajs/src/protocol/timestampTypes.js") as {
  CREATE_TIME: number;
  LOG_APPEND_TIME: number;
};

const TIMESTAMP_TYPE_FLAG_MASK = 0x8;
const TRANSACTIONAL_FLAG_MASK = 0x10;
const CONTROL_FLAG_MASK = 0x20;

export interface BatchContext {
  firstOffset: string;
  firstTimestamp: string;
  partitionLeaderEpoch: number;
  inTransaction: boolean;
  isControlBatch: boolean;
  lastOffsetDelta: number;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  maxTimestamp: string;
  timestampType: number;
  magicByte?: number;
}

export type HeaderValue = Buffer | null;

export interface DecodedRecord {
  magicByte: number | undefined;
  attributes: number;
  timestamp: string;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, HeaderValue | HeaderValue[]>;
  isControlRecord: boolean;
  batchContext: BatchContext & { magicByte?: number };
}

export type DecodedBatch = Omit<BatchContext, "magicByte"> & { records: DecodedRecord[] };

/** the number a Long's decimal string stands for, when it is a safe integer; else null */
function safeNumber(s: string): number | null {
  const n = Number(s);
  return Number.isSafeInteger(n) && String(n) === s ? n : null;
}

/** Reads records from one buffer, the same way kafkajs's Decoder does, without allocating readers. */
class RecordReader {
  offset = 0;
  constructor(readonly buf: Buffer) {}

  /** zig-zag varint, bit for bit as kafkajs's Decoder.readVarInt (32-bit shifts included) */
  varInt(): number {
    let byte: number;
    let result = 0;
    let i = 0;
    do {
      byte = this.byteAt(this.offset++);
      result += (byte & 0x7f) << i;
      i += 7;
    } while (byte >= 0x80);
    return (result >>> 1) ^ -(result & 1);
  }

  /** zig-zag varlong as a number when it fits in 7 bytes (49 bits: always safe); else null, offset unmoved */
  varLongNumber(): number | null {
    const start = this.offset;
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 7; i++) {
      const byte = this.byteAt(this.offset++);
      n += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) return n % 2 === 1 ? -(n + 1) / 2 : n / 2;
    }
    this.offset = start;
    return null;
  }

  /** varlong through kafkajs's Long decoding (the rare wide deltas) */
  varLongLong(): KLong {
    const d = new Decoder(this.buf);
    d.offset = this.offset;
    const v = d.readVarLong();
    this.offset = d.offset;
    return v;
  }

  bytes(): Buffer | null {
    const len = this.varInt();
    if (len === -1) return null;
    const end = this.offset + len;
    // as Buffer.slice: a view, clamped at the end of the buffer
    const b = this.buf.subarray(this.offset, end);
    this.offset = end;
    return b;
  }

  string(): string | null {
    const len = this.varInt();
    if (len === -1) return null;
    const end = this.offset + len;
    const s = this.buf.toString("utf8", this.offset, Math.min(end, this.buf.length));
    this.offset = end;
    return s;
  }

  private byteAt(i: number): number {
    // kafkajs reads past the end as undefined, which ends a varint with 0 bits; keep that
    return this.buf[i] ?? 0;
  }
}

function defineHeader(
  headers: Record<string, HeaderValue | HeaderValue[]>,
  key: string,
  value: HeaderValue,
): void {
  // inherited names ("toString", "__proto__", ...) read as upstream's plain lookup does: bug for bug
  const prev = (headers as Record<string, unknown>)[key] as HeaderValue | HeaderValue[] | undefined;
  const next = prev === undefined ? value : Array.isArray(prev) ? prev.concat([value]) : [prev, value];
  // a computed key in an object literal (upstream) makes an own property even for "__proto__"
  Object.defineProperty(headers, key, { value: next, writable: true, enumerable: true, configurable: true });
}

function decodeRecord(
  r: RecordReader,
  ctx: BatchContext & { magicByte?: number },
  baseOffset: number | null,
  baseTimestamp: number | null,
): DecodedRecord {
  const length = r.varInt();
  const end = r.offset + length;
  const attributes = r.buf.readInt8(r.offset);
  r.offset += 1;

  let timestamp: string;
  const delta = r.varLongNumber();
  const deltaLong = delta === null ? r.varLongLong() : null;
  if (ctx.timestampType === TimestampTypes.LOG_APPEND_TIME && ctx.maxTimestamp) {
    timestamp = ctx.maxTimestamp;
  } else if (delta !== null && baseTimestamp !== null && Number.isSafeInteger(baseTimestamp + delta)) {
    timestamp = String(baseTimestamp + delta);
  } else {
    timestamp = Long.fromValue(ctx.firstTimestamp)
      .add((deltaLong as KLong | null) ?? (delta as number))
      .toString();
  }

  const offsetDelta = r.varInt();
  const sum = baseOffset === null ? Number.NaN : baseOffset + offsetDelta;
  const offset = Number.isSafeInteger(sum)
    ? String(sum)
    : Long.fromValue(ctx.firstOffset).add(offsetDelta).toString();

  const key = r.bytes();
  const value = r.bytes();
  const headers: Record<string, HeaderValue | HeaderValue[]> = {};
  const headerCount = r.varInt();
  for (let h = 0; h < headerCount; h++) {
    const hk = r.string();
    const hv = r.bytes();
    defineHeader(headers, String(hk), hv);
  }
  // a record is length-delimited: whatever follows the fields belongs to no one (as upstream's slice)
  r.offset = end;

  return {
    magicByte: ctx.magicByte,
    attributes,
    timestamp,
    offset,
    key,
    value,
    headers,
    isControlRecord: ctx.isControlBatch,
    batchContext: ctx,
  };
}

function decodeRecordsFrom(
  buf: Buffer,
  start: number,
  count: number,
  ctx: BatchContext & { magicByte?: number },
): { records: DecodedRecord[]; end: number } {
  const r = new RecordReader(buf);
  r.offset = start;
  const baseOffset = safeNumber(ctx.firstOffset);
  const baseTimestamp = safeNumber(ctx.firstTimestamp);
  const records = new Array<DecodedRecord>(count);
  for (let i = 0; i < count; i++) records[i] = decodeRecord(r, ctx, baseOffset, baseTimestamp);
  return { records, end: r.offset };
}

/** kafkajs's RecordBatch v0 decoder signature: reads one batch from the fetch response's decoder. */
export async function decodeRecordBatch(fetchDecoder: KDecoder): Promise<DecodedBatch> {
  const firstOffset = fetchDecoder.readInt64().toString();
  const length = fetchDecoder.readInt32();
  const decoder = fetchDecoder.slice(length);
  fetchDecoder.forward(length);

  const remainingBytes = Buffer.byteLength(decoder.buffer);
  if (remainingBytes < length) {
    throw new KafkaJSPartialMessageError(
      `Tried to decode a partial record batch: remainingBytes(${remainingBytes}) < recordBatchLength(${length})`,
    );
  }

  const partitionLeaderEpoch = decoder.readInt32();
  const magicByte = decoder.readInt8();
  decoder.readInt32(); // CRC: kafkajs does not check it either
  const attributes = decoder.readInt16();
  const lastOffsetDelta = decoder.readInt32();
  const firstTimestamp = decoder.readInt64().toString();
  const maxTimestamp = decoder.readInt64().toString();
  const producerId = decoder.readInt64().toString();
  const producerEpoch = decoder.readInt16();
  const firstSequence = decoder.readInt32();

  const recordContext: BatchContext = {
    firstOffset,
    firstTimestamp,
    partitionLeaderEpoch,
    inTransaction: (attributes & TRANSACTIONAL_FLAG_MASK) > 0,
    isControlBatch: (attributes & CONTROL_FLAG_MASK) > 0,
    lastOffsetDelta,
    producerId,
    producerEpoch,
    firstSequence,
    maxTimestamp,
    timestampType:
      (attributes & TIMESTAMP_TYPE_FLAG_MASK) > 0
        ? TimestampTypes.LOG_APPEND_TIME
        : TimestampTypes.CREATE_TIME,
  };
  const ctx = { ...recordContext, magicByte };
  const codec = lookupCodecByAttributes(attributes);

  let records: DecodedRecord[];
  if (!codec) {
    const count = decoder.readInt32();
    if (count === -1) records = [];
    else {
      const out = decodeRecordsFrom(decoder.buffer, decoder.offset, count, ctx);
      decoder.offset = out.end;
      records = out.records;
    }
  } else {
    const count = decoder.readInt32();
    if (count <= 0) records = [];
    else {
      const decompressed = await codec.decompress(decoder.readAll());
      records = decodeRecordsFrom(decompressed, 0, count, ctx).records;
    }
  }
  return { ...recordContext, records };
}
