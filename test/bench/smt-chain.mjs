// Cost of a chain of three single message transforms per record, against no chain, on the runner's own
// source path (transform chain → JsonConverter → Kafka message), in process, no broker needed.
// Usage: node test/bench/smt-chain.mjs [--records 300000] [--rounds 5]
// Prints JSON and a Markdown table. Needs `npm run build`.
import { parseArgs } from "node:util";
import { SchemaBuilder, Schemas, Struct } from "../../dist/api/index.js";
import { builtinPlugins } from "../../dist/plugins/builtin.js";
import { toKafkaMessage } from "../../dist/runner/record-pipeline.js";
import { buildTransformChain } from "../../dist/transforms/chain.js";
import { median, table } from "./lib.mjs";

const { values: opt } = parseArgs({
  options: { records: { type: "string", default: "300000" }, rounds: { type: "string", default: "5" } },
});
const N = Number(opt.records);
const ROUNDS = Number(opt.rounds);
const plugins = builtinPlugins();

function converters(schemas) {
  const make = (cls, isKey) => {
    const c = plugins.converter(cls).create();
    c.configure({ "schemas.enable": String(schemas) }, isKey);
    return c;
  };
  const json = "org.apache.kafka.connect.json.JsonConverter";
  const header = plugins.converter("org.apache.kafka.connect.storage.SimpleHeaderConverter").create();
  header.configure({});
  return {
    key: make(json, true),
    value: make(json, false),
    header,
    classNames: { key: json, value: json, header: "Simple" },
  };
}

const CHAIN = {
  transforms: "insert,rename,mask",
  "transforms.insert.type": "org.apache.kafka.connect.transforms.InsertField$Value",
  "transforms.insert.static.field": "origin",
  "transforms.insert.static.value": "bench",
  "transforms.rename.type": "org.apache.kafka.connect.transforms.ReplaceField$Value",
  "transforms.rename.renames": "email:contact",
  "transforms.mask.type": "org.apache.kafka.connect.transforms.MaskField$Value",
  "transforms.mask.fields": "amount",
};

const schema = new SchemaBuilder("struct")
  .field("id", Schemas.INT64)
  .field("name", Schemas.STRING)
  .field("email", Schemas.STRING)
  .field("amount", Schemas.FLOAT64)
  .field("active", Schemas.BOOLEAN)
  .build();

function records(kind) {
  const out = new Array(N);
  for (let i = 0; i < N; i++) {
    const fields = {
      id: i,
      name: `user ${i}`,
      email: `u${i}@example.com`,
      amount: i * 1.5,
      active: i % 2 === 0,
    };
    let value = fields;
    if (kind === "struct") {
      value = new Struct(schema);
      for (const [k, v] of Object.entries(fields)) value.put(k, v);
    }
    out[i] = {
      topic: "bench",
      kafkaPartition: null,
      keySchema: null,
      key: null,
      valueSchema: kind === "struct" ? schema : null,
      value,
      timestamp: null,
      headers: [],
      sourcePartition: null,
      sourceOffset: null,
    };
  }
  return out;
}

function run(recs, chain, conv) {
  const t0 = performance.now();
  let bytes = 0;
  for (const r of recs) {
    const t = chain ? chain.apply(r) : r;
    if (t) bytes += toKafkaMessage(t, conv).message.value?.length ?? 0;
  }
  const s = (performance.now() - t0) / 1000;
  if (bytes === 0) throw new Error("nothing converted");
  return N / s;
}

const result = { benchmark: "smt-chain", records: N, rounds: ROUNDS, cases: {} };
const rows = [];
for (const kind of ["schemaless", "struct"]) {
  const recs = records(kind);
  const conv = converters(kind === "struct");
  const chain = buildTransformChain(CHAIN, plugins);
  run(recs.slice(0, 20000), chain, conv); // warm up both paths
  run(recs.slice(0, 20000), null, conv);
  const none = [];
  const three = [];
  for (let i = 0; i < ROUNDS; i++) {
    none.push(run(recs, null, conv));
    three.push(run(recs, chain, conv));
  }
  const a = median(none);
  const b = median(three);
  const costUs = (1 / b - 1 / a) * 1e6;
  result.cases[kind] = {
    noChainRecordsPerSec: a,
    threeSmtRecordsPerSec: b,
    chainCostMicrosPerRecord: costUs,
    none,
    three,
  };
  rows.push([kind, a.toFixed(0), b.toFixed(0), (b / a).toFixed(2), costUs.toFixed(2)]);
}
process.stdout.write(`${JSON.stringify(result, null, 2)}\n\n`);
process.stdout.write(
  `${N} records, medians of ${ROUNDS} alternating rounds; path = transforms + JsonConverter (schemas.enable for struct)\n\n` +
    table(["records", "no chain rec/s", "3 SMTs rec/s", "ratio", "chain cost µs/record"], rows) +
    "\n",
);
