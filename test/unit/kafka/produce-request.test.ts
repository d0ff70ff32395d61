import { readFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { dirname } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { kafkajsPatched } from "../../../src/kafka/kafkajs-patches.js";
import { crc32c, type ProduceRequestArgs, produceRequestV3 } from "../../../src/kafka/produce-request.js";

const require = createRequire(import.meta.url);
const Long = require("kafkajs/src/utils/long.js") as {
  fromValue(v: unknown): unknown;
  fromInt(v: number): unknown;
};
const kafkajsCrc32C = require("kafkajs/src/protocol/recordBatch/crc32C/index.js") as (b: Buffer) => number;

type Req = (args: ProduceRequestArgs) => {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<{ buffer: Buffer }>;
};

/** kafkajs's own produce/v3/request.js, compiled fresh from node_modules (the cached one is the patch) */
function loadOriginal(): Req {
  const path = require.resolve("kafkajs/src/protocol/requests/produce/v3/request.js");
  const m = new Module(path) as Module & { _compile(src: string, file: string): void };
  m.filename = path;
  m.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(dirname(path));
  m._compile(readFileSync(path, "utf8"), path);
  return m.exports as Req;
}
const original = loadOriginal();
const patched = produceRequestV3 as unknown as Req;

async function encodeBoth(args: ProduceRequestArgs): Promise<[Buffer, Buffer]> {
  const a = await original(args).encode();
  const b = await patched(args).encode();
  return [a.buffer, b.buffer];
}

async function expectSame(args: ProduceRequestArgs): Promise<Buffer> {
  const [a, b] = await encodeBoth(args);
  expect(b.length).toBe(a.length);
  expect(b.equals(a)).toBe(true);
  return b;
}

// deterministic pseudo-random
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const NOW = 1_764_000_000_000;

function randomMessages(r: () => number, n: number) {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const bytes = (len: number) => Buffer.from(Array.from({ length: len }, () => Math.floor(r() * 256)));
  const payload = (): unknown =>
    pick([
      () => null,
      () => undefined,
      () => "",
      () => Buffer.alloc(0),
      () => `v-${Math.floor(r() * 1e6)}`,
      () => "héllo wörld ✓ 😀",
      () => bytes(Math.floor(r() * 40)),
      () => bytes(100 + Math.floor(r() * 300)),
      () => "x".repeat(Math.floor(r() * 20_000)),
    ])();
  const headers = (): unknown =>
    pick([
      () => undefined,
      () => ({}),
      () => ({ a: "1" }),
      () => ({ "clé-ü": Buffer.from([1, 2, 3]), b: "" }),
      () => ({ rep: ["x", Buffer.from("y"), ""], other: "z" }),
      () => ({ rep: [] }),
      () => ({ big: bytes(200) }),
    ])();
  const ts = (): unknown =>
    pick([
      () => undefined,
      () => null,
      () => String(NOW - Math.floor(r() * 1e6)),
      () => String(NOW + Math.floor(r() * 1e6)),
    ])();
  return Array.from({ length: n }, () => {
    const m: Record<string, unknown> = {};
    const k = payload();
    if (k !== undefined) m.key = k;
    m.value = payload();
    const t = ts();
    if (t !== undefined) m.timestamp = t;
    const h = headers();
    if (h !== undefined) m.headers = h;
    return m;
  });
}

describe("patched produce request encoding", () => {
  beforeEach(() => {
    vi.spyOn(Date, "now").mockReturnValue(NOW);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("is what kafkajs uses for produce v3..v7", () => {
    expect(kafkajsPatched()).toBe(true);
    expect(require("kafkajs/src/protocol/requests/produce/v3/request.js")).toBe(produceRequestV3);
    const v7 = require("kafkajs/src/protocol/requests/produce/v7/request.js") as Req;
    const req = v7({ acks: -1, timeout: 30000, topicData: [] });
    expect(req.apiVersion).toBe(7);
    expect(req.apiKey).toBe(0);
  });

  it("matches the original bytes for a plain batch (string timestamps, Buffer values)", async () => {
    const messages = Array.from({ length: 20_000 }, (_, i) => ({
      key: null,
      value: Buffer.from(`${i} ${"x".repeat(95)}`),
      timestamp: String(NOW - (i % 7) * 13),
    }));
    const buf = await expectSame({
      acks: -1,
      timeout: 30000,
      topicData: [{ topic: "t", partitions: [{ partition: 0, messages }] }],
    });
    expect(buf.length).toBeGreaterThan(20_000 * 100);
  });

  it("matches the original bytes for random messages: null keys/values, headers, timestamps set and unset", async () => {
    const r = rng(42);
    for (let round = 0; round < 60; round++) {
      const n = [0, 1, 2, 5, 127, 128, 300, 1000][round % 8] as number;
      await expectSame({
        acks: [-1, 0, 1][round % 3] as number,
        timeout: 1000 + round,
        topicData: [
          {
            topic: `topic-${round}`,
            partitions: [
              { partition: 0, messages: randomMessages(r, n) },
              { partition: 3, messages: randomMessages(r, Math.floor(r() * 50)) },
            ],
          },
          { topic: "ü-second", partitions: [{ partition: 1, messages: randomMessages(r, 10) }] },
        ],
      });
    }
  });

  it("matches with transactional and idempotent fields", async () => {
    const r = rng(7);
    for (const extra of [
      { transactionalId: "tx-1", producerId: Long.fromValue(123456789012), producerEpoch: 3 },
      { transactionalId: null, producerId: Long.fromValue(98765), producerEpoch: 0 },
      { producerId: Long.fromInt(-1) },
      {},
    ]) {
      await expectSame({
        acks: -1,
        timeout: 30000,
        ...extra,
        topicData: [
          {
            topic: "t",
            partitions: [
              { partition: 0, firstSequence: 42, messages: randomMessages(r, 200) },
              { partition: 1, firstSequence: 2_000_000_000, messages: randomMessages(r, 3) },
              { partition: 2, messages: randomMessages(r, 3) },
            ],
          },
        ],
      });
    }
  });

  it("matches for numeric, far-apart, future and mixed-type timestamps", async () => {
    const cases: unknown[][] = [
      [NOW, NOW - 5, NOW + 5, undefined], // numbers, same digits
      [5, 10, 100, 9], // numbers sorted as strings by the original: "10" < "100" < "5" < "9"
      ["5", "10", "100", "9"],
      [NOW, String(NOW - 1), NOW + 1], // mixed types
      ["1000000000000", "9000000000000", undefined, null], // deltas above 2^31
      [String(NOW + 10 ** 9), String(NOW + 10 ** 10)], // all in the future: unset records get negative deltas
      [0, 0, undefined], // 0 is falsy: the original uses Date.now() for its delta
    ];
    for (const ts of cases) {
      const messages = ts.map((t, i) => ({
        key: `k${i}`,
        value: `v${i}`,
        ...(t === undefined ? {} : { timestamp: t }),
      }));
      messages.push({ key: "unset", value: "unset" });
      await expectSame({
        acks: 1,
        timeout: 5000,
        topicData: [{ topic: "t", partitions: [{ partition: 0, messages }] }],
      });
    }
  });

  it("matches with gzip compression (original path)", async () => {
    const r = rng(9);
    await expectSame({
      acks: -1,
      timeout: 30000,
      compression: 1,
      topicData: [{ topic: "t", partitions: [{ partition: 0, messages: randomMessages(r, 300) }] }],
    });
  });

  it("fails like the original on values it cannot encode", async () => {
    const bad: Record<string, unknown>[] = [
      { value: 42 },
      { value: "v", headers: { h: null } },
      { value: "v", headers: { h: undefined } },
      { value: "v", headers: { h: 7 } },
      { value: "v", timestamp: "" },
      { value: "v", headers: null },
    ];
    for (const m of bad) {
      const args = {
        acks: -1,
        timeout: 1,
        topicData: [{ topic: "t", partitions: [{ partition: 0, messages: [m] }] }],
      };
      const a = await original(args)
        .encode()
        .then(
          () => "ok",
          (e: Error) => `${e.name}: ${e.message}`,
        );
      const b = await patched(args)
        .encode()
        .then(
          () => "ok",
          (e: Error) => `${e.name}: ${e.message}`,
        );
      expect(b).toBe(a);
    }
  });
});

describe("crc32c", () => {
  it("matches kafkajs's crc32C", () => {
    const r = rng(1);
    for (let len = 0; len < 200; len++) {
      const b = Buffer.from(Array.from({ length: len }, () => Math.floor(r() * 256)));
      expect(crc32c(b)).toBe(kafkajsCrc32C(b));
      if (len > 10) expect(crc32c(b, 3, len - 2)).toBe(kafkajsCrc32C(b.subarray(3, len - 2)));
    }
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
  });
});
