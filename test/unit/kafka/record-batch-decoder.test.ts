import { readFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { kafkajsPatched } from "../../../src/kafka/kafkajs-patches.js";
import { decodeRecordBatch } from "../../../src/kafka/record-batch-decoder.js";

const require = createRequire(import.meta.url);

interface KDecoder {
  buffer: Buffer;
  offset: number;
  canReadBytes(n: number): boolean;
}
interface KEncoder {
  buffer: Buffer;
}
type BatchDecoder = (d: KDecoder) => Promise<unknown>;

const Decoder = require("kafkajs/src/protocol/decoder.js") as new (b: Buffer) => KDecoder;
const Long = require("kafkajs/src/utils/long.js") as { fromValue(v: unknown): unknown };
const Record = require("kafkajs/src/protocol/recordBatch/record/v0/index.js") as (r: object) => KEncoder;
const { RecordBatch } = require("kafkajs/src/protocol/recordBatch/v0/index.js") as {
  RecordBatch: (args: object) => Promise<KEncoder>;
};
const { Types } = require("kafkajs/src/protocol/message/compression/index.js") as {
  Types: { None: number; GZIP: number };
};

/** kafkajs's own recordBatch/v0/decoder.js, compiled fresh from node_modules (the cached one is the patch) */
function loadOriginal(): BatchDecoder {
  const path = require.resolve("kafkajs/src/protocol/recordBatch/v0/decoder.js");
  const m = new Module(path) as Module & { _compile(src: string, file: string): void };
  m.filename = path;
  m.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(dirname(path));
  m._compile(readFileSync(path, "utf8"), path);
  return m.exports as BatchDecoder;
}
const original = loadOriginal();
const patched = decodeRecordBatch as unknown as BatchDecoder;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const NOW = 1_764_000_000_000;

function randomRecords(r: () => number, n: number, wideDeltas: boolean) {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const bytes = (len: number) => Buffer.from(Array.from({ length: len }, () => Math.floor(r() * 256)));
  const payload = () =>
    pick([
      () => null,
      () => Buffer.alloc(0),
      () => Buffer.from(`v-${Math.floor(r() * 1e6)}`),
      () => Buffer.from("héllo wörld ✓ 😀"),
      () => bytes(Math.floor(r() * 40)),
      () => bytes(100 + Math.floor(r() * 300)),
      () => Buffer.from("x".repeat(Math.floor(r() * 20_000))),
    ])();
  const headers = () =>
    pick([
      () => ({}),
      () => ({ a: Buffer.from("1") }),
      () => ({ "clé-ü": Buffer.from([1, 2, 3]), b: Buffer.alloc(0) }),
      () => ({ rep: [Buffer.from("x"), Buffer.from("y"), Buffer.alloc(0)], other: Buffer.from("z") }),
      // names an object inherits: upstream's lookup sees the inherited value; the patch must do the same
      () => JSON.parse('{"toString":"t","__proto__":"p","constructor":"c"}'),
      () => ({ big: bytes(300) }),
    ])();
  const delta = () =>
    pick([
      () => 0,
      () => Math.floor(r() * 1000),
      () => -Math.floor(r() * 1000),
      () => Math.floor(r() * 2 ** 40),
      // wider than 7 varlong bytes: the Long fallback
      () => (wideDeltas ? Long.fromValue(2n ** 52n + BigInt(Math.floor(r() * 1000))) : 5),
      () => (wideDeltas ? Long.fromValue(-(2n ** 55n)) : -5),
    ])();
  return Array.from({ length: n }, (_, i) =>
    Record({
      offsetDelta: i,
      timestampDelta: delta(),
      key: payload(),
      value: payload(),
      headers: headers(),
    }),
  );
}

async function batch(args: {
  records: KEncoder[];
  firstOffset?: unknown;
  firstTimestamp?: unknown;
  compression?: number;
  attributesOr?: number;
}): Promise<Buffer> {
  const enc = await RecordBatch({
    compression: args.compression ?? Types.None,
    firstOffset: args.firstOffset ?? Long.fromValue(0),
    firstTimestamp: args.firstTimestamp ?? NOW,
    maxTimestamp: NOW + 5000,
    lastOffsetDelta: Math.max(0, args.records.length - 1),
    records: args.records,
  });
  const buf = Buffer.from(enc.buffer);
  // attributes: int64 base offset, int32 length, int32 leader epoch, int8 magic, int32 crc → byte 21
  if (args.attributesOr) buf.writeInt16BE(buf.readInt16BE(21) | args.attributesOr, 21);
  return buf;
}

/**
 * The first difference between two decoded values: prototypes, own keys in order (so a missing key and
 * an undefined one differ), buffer bytes, primitives by Object.is; null when there is none.
 */
function firstDifference(a: unknown, b: unknown, path = "$"): string | null {
  if (Object.is(a, b)) return null;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object" || typeof b !== "object")
    return `${path}: ${String(a)} vs ${String(b)}`;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: different prototypes`;
  if (Buffer.isBuffer(a)) return a.equals(b as Buffer) ? null : `${path}: bytes differ`;
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b);
  if (ka.map(String).join("\u0000") !== kb.map(String).join("\u0000"))
    return `${path}: keys [${ka.map(String)}] vs [${kb.map(String)}]`;
  for (const k of ka) {
    const d = firstDifference(
      (a as Record<PropertyKey, unknown>)[k],
      (b as Record<PropertyKey, unknown>)[k],
      `${path}.${String(k)}`,
    );
    if (d) return d;
  }
  return null;
}

/** decodes every batch in buf with both decoders, as fetch's decodeMessages does; compares everything */
async function expectSame(buf: Buffer): Promise<unknown[]> {
  const run = async (decode: BatchDecoder) => {
    const d = new Decoder(buf);
    const out: unknown[] = [];
    let error: unknown = null;
    while (d.canReadBytes(49)) {
      try {
        out.push(await decode(d));
      } catch (e) {
        error = e;
        break;
      }
    }
    return {
      out,
      offset: d.offset,
      error: error ? `${(error as Error).name}: ${(error as Error).message}` : null,
    };
  };
  const a = await run(original);
  const b = await run(patched);
  expect(b.error).toBe(a.error);
  expect(b.offset).toBe(a.offset);
  expect(firstDifference(a.out, b.out)).toBeNull();
  // and once more through JSON (buffers as byte arrays), a second opinion independent of the walk above
  expect(JSON.stringify(b.out)).toBe(JSON.stringify(a.out));
  return b.out;
}

describe("patched record batch decoding", () => {
  it("is what kafkajs's fetch decoder uses", () => {
    expect(kafkajsPatched()).toBe(true);
    expect(require("kafkajs/src/protocol/recordBatch/v0/decoder.js")).toBe(decodeRecordBatch);
  });

  it("decodes a plain 100 B batch to the same objects as kafkajs", async () => {
    const records = Array.from({ length: 5000 }, (_, i) =>
      Record({
        offsetDelta: i,
        timestampDelta: i % 7,
        key: null,
        value: Buffer.from(`${i} ${"x".repeat(95)}`),
      }),
    );
    const out = (await expectSame(await batch({ records, firstOffset: Long.fromValue(123_456) }))) as {
      records: { offset: string; timestamp: string; value: Buffer }[];
    }[];
    expect(out[0]?.records).toHaveLength(5000);
    expect(out[0]?.records[4999]?.offset).toBe(String(123_456 + 4999));
    expect(out[0]?.records[6]?.timestamp).toBe(String(NOW + 6));
  });

  it("matches kafkajs on random records: nulls, headers (repeated and inherited names), wide timestamp deltas", async () => {
    const r = rng(7);
    for (let round = 0; round < 40; round++) {
      const n = [0, 1, 2, 5, 127, 128, 300][round % 7] as number;
      const firstOffset = [0n, 42n, 2n ** 53n - 3n, 2n ** 53n + 17n, 2n ** 63n - 10n][round % 5] as bigint;
      const firstTimestamp = [NOW, -1, 0, 2 ** 53 - 1, Long.fromValue(2n ** 60n)][round % 5];
      await expectSame(
        await batch({
          records: randomRecords(r, n, round % 2 === 1),
          firstOffset: Long.fromValue(firstOffset),
          firstTimestamp,
        }),
      );
    }
  });

  it("matches kafkajs for gzip batches, log-append-time, transactional and control batches", async () => {
    const r = rng(11);
    for (const [compression, attributesOr] of [
      [Types.GZIP, 0],
      [Types.None, 0x8],
      [Types.GZIP, 0x8],
      [Types.None, 0x10],
      [Types.None, 0x20],
    ] as const) {
      await expectSame(await batch({ records: randomRecords(r, 50, false), compression, attributesOr }));
    }
  });

  it("matches kafkajs over several batches with a truncated tail (the partial batch a fetch can end in)", async () => {
    const r = rng(3);
    const parts = [
      await batch({ records: randomRecords(r, 20, false), firstOffset: Long.fromValue(0) }),
      await batch({ records: randomRecords(r, 30, true), firstOffset: Long.fromValue(20) }),
      await batch({ records: randomRecords(r, 40, false), firstOffset: Long.fromValue(50) }),
    ];
    const whole = Buffer.concat(parts);
    const out = await expectSame(whole);
    expect(out).toHaveLength(3);
    for (const cut of [1, 17, 60, (parts[2]?.length ?? 0) - 1]) {
      const truncated = await expectSame(whole.subarray(0, whole.length - cut));
      expect(truncated).toHaveLength(2);
    }
  });
});
