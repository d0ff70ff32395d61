// Micro-benchmark of produce request encoding: kafkajs's produce/v3/request.js against Ferry's patch.
// Usage: npm run build && node test/unit/kafka/encode-bench.mjs [records=1000000] [batch=10000] [rounds=5]
import { readFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { dirname } from "node:path";
import { produceRequestV3 } from "../../../dist/kafka/produce-request.js";

const require = createRequire(import.meta.url);
const [N = 1_000_000, BATCH = 10_000, ROUNDS = 5] = process.argv.slice(2).map(Number);

const path = require.resolve("kafkajs/src/protocol/requests/produce/v3/request.js");
const m = new Module(path);
m.filename = path;
m.paths = Module._nodeModulePaths(dirname(path));
m._compile(readFileSync(path, "utf8"), path);
const original = m.exports;

// what FileStreamSource + StringConverter hands kafkajs: null key, 100 B value, string timestamp
const now = Date.now();
const batches = [];
for (let i = 0; i < N; i += BATCH) {
  const messages = [];
  for (let j = i; j < Math.min(N, i + BATCH); j++)
    messages.push({
      key: null,
      value: Buffer.from(`${j} ${"x".repeat(100 - String(j).length - 2)}`),
      timestamp: String(now),
    });
  batches.push(messages);
}

async function run(req) {
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  for (const messages of batches) {
    const enc = await req({
      acks: -1,
      timeout: 30000,
      topicData: [{ topic: "bench", partitions: [{ partition: 0, messages }] }],
    }).encode();
    bytes += enc.size();
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(c0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, bytes };
}

const out = { original: [], patched: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, req] of [
    ["original", original],
    ["patched", produceRequestV3],
  ]) {
    const res = await run(req);
    out[name].push(res);
  }
}
const med = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const name of ["original", "patched"]) {
  const ms = med(out[name].map((x) => x.ms));
  const cpuMs = med(out[name].map((x) => x.cpuMs));
  console.log(
    `${name}: ${N} records in batches of ${BATCH}: median ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU, ${Math.round(N / (ms / 1000))} rec/s, ${out[name][0].bytes} bytes`,
  );
}
