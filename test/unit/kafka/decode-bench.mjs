// Micro-benchmark of record batch decoding: kafkajs's recordBatch/v0/decoder.js against Ferry's patch,
// over batches as FileStreamSource + StringConverter produce them (null key, 100 B value, no headers).
// Usage: npm run build && node test/unit/kafka/decode-bench.mjs [records=1000000] [batch=2000] [rounds=5]
//        (FERRY_DECODER=<path of a compiled record-batch-decoder.js> to test one outside dist/)
import { readFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const [N = 1_000_000, BATCH = 2000, ROUNDS = 5] = process.argv.slice(2).map(Number);
const { decodeRecordBatch } = await import(
  pathToFileURL(resolve(process.env.FERRY_DECODER ?? "dist/kafka/record-batch-decoder.js")).href
);

const path = require.resolve("kafkajs/src/protocol/recordBatch/v0/decoder.js");
const m = new Module(path);
m.filename = path;
m.paths = Module._nodeModulePaths(dirname(path));
m._compile(readFileSync(path, "utf8"), path);
const original = m.exports;
const Decoder = require("kafkajs/src/protocol/decoder.js");
const Record = require("kafkajs/src/protocol/recordBatch/record/v0/index.js");
const { RecordBatch } = require("kafkajs/src/protocol/recordBatch/v0/index.js");
const Long = require("kafkajs/src/utils/long.js");

const parts = [];
for (let i = 0; i < N; i += BATCH) {
  const records = [];
  for (let j = 0; j < Math.min(BATCH, N - i); j++)
    records.push(
      Record({
        offsetDelta: j,
        timestampDelta: j % 3,
        key: null,
        value: Buffer.from(`${i + j} ${"x".repeat(100 - String(i + j).length - 2)}`),
      }),
    );
  parts.push(
    Buffer.from(
      (await RecordBatch({ firstOffset: Long.fromValue(i), records, lastOffsetDelta: records.length - 1 }))
        .buffer,
    ),
  );
}
// fetch responses hold about 1 MiB of batches
const responses = [];
for (let i = 0; i < parts.length; ) {
  const group = [];
  let size = 0;
  while (i < parts.length && size < 1 << 20) {
    size += parts[i].length;
    group.push(parts[i++]);
  }
  responses.push(Buffer.concat(group));
}

async function run(decode) {
  const t0 = performance.now();
  let n = 0;
  for (const buf of responses) {
    const d = new Decoder(buf);
    while (d.canReadBytes(49)) n += (await decode(d)).records.length;
  }
  if (n !== N) throw new Error(`decoded ${n} of ${N}`);
  return N / ((performance.now() - t0) / 1000);
}

const rates = { kafkajs: [], patched: [] };
for (let r = 0; r < ROUNDS; r++) {
  rates.kafkajs.push(await run(original));
  rates.patched.push(await run(decodeRecordBatch));
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  JSON.stringify({
    records: N,
    batch: BATCH,
    kafkajsRecPerSec: Math.round(med(rates.kafkajs)),
    patchedRecPerSec: Math.round(med(rates.patched)),
    ratio: med(rates.patched) / med(rates.kafkajs),
  }),
);
