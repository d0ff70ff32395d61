import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  applyEnvOverrides,
  envVarForKey,
  loadWorkerProperties,
  WorkerFileError,
} from "../../../src/config/worker-file.js";
import { KAFKA_SAMPLES } from "./kafka-samples.js";

let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-worker-file-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

async function file(name: string, content: string): Promise<string> {
  const sub = join(dir, String(++counter));
  await mkdir(sub);
  const path = join(sub, name);
  await writeFile(path, content);
  return path;
}

const STANDALONE = {
  "bootstrap.servers": "localhost:9092",
  "key.converter": "org.apache.kafka.connect.json.JsonConverter",
  "value.converter": "org.apache.kafka.connect.json.JsonConverter",
  "key.converter.schemas.enable": "true",
  "value.converter.schemas.enable": "true",
  "offset.storage.file.filename": "/tmp/connect.offsets",
  "offset.flush.interval.ms": "10000",
};

describe("loadWorkerProperties", () => {
  it("reads Kafka's connect-standalone.properties", async () => {
    const path = await file("connect-standalone.properties", KAFKA_SAMPLES["connect-standalone.properties"]);
    const props = await loadWorkerProperties(path, {});
    expect(props).toEqual(STANDALONE);
    expect(Object.keys(props)).toEqual(Object.keys(STANDALONE));
  });

  it("environment variables override the file and add keys", async () => {
    const path = await file("connect-standalone.properties", KAFKA_SAMPLES["connect-standalone.properties"]);
    const props = await loadWorkerProperties(path, {
      FERRY_BOOTSTRAP_SERVERS: "broker-1:9093,broker-2:9093",
      FERRY_OFFSET_FLUSH_INTERVAL_MS: "500",
      FERRY_PLUGIN_PATH: "/opt/connectors",
      PATH: "/usr/bin",
    });
    expect(props).toEqual({
      ...STANDALONE,
      "bootstrap.servers": "broker-1:9093,broker-2:9093",
      "offset.flush.interval.ms": "500",
      "plugin.path": "/opt/connectors",
    });
  });

  it("reads a flat JSON object, coercing scalars as Jackson does", async () => {
    const path = await file(
      "worker.json",
      '{"bootstrap.servers":"b:9092","offset.flush.interval.ms":10000,"topic.creation.enable":false}',
    );
    expect(await loadWorkerProperties(path, { FERRY_BOOTSTRAP_SERVERS: "env:9092" })).toEqual({
      "bootstrap.servers": "env:9092",
      "offset.flush.interval.ms": "10000",
      "topic.creation.enable": "false",
    });
  });

  it("uses process.env by default", async () => {
    vi.stubEnv("FERRY_LISTENERS", "http://:18083");
    const path = await file("w.properties", "listeners=http://:8083\n");
    // other FERRY_* variables of the environment running the tests may add keys; only this one matters
    expect(await loadWorkerProperties(path)).toMatchObject({
      listeners: "http://:18083",
    });
  });

  // [case, file name, content, problem after "worker config file <path>: "]
  const errors: [string, string, string, string][] = [
    [
      "JSON with a nested value",
      "w.json",
      '{"bootstrap.servers":"b","producer":{"acks":"all"}}',
      'must be a JSON object of strings; key "producer" has an object value',
    ],
    ["JSON that is not an object", "w.json", "[]", "must be a JSON object, but it holds an array value"],
    [
      "invalid JSON",
      "w.json",
      '{"a" "b"}',
      "invalid JSON: expected ':' after property name at line 1, column 6",
    ],
    ["malformed \\u escape", "w.properties", "a=1\n\nb=\\u12", "line 3: Malformed \\uxxxx encoding."],
  ];

  it.each(errors)("error: %s", async (_case, name, content, problem) => {
    const path = await file(name, content);
    const error = await loadWorkerProperties(path, {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkerFileError);
    expect((error as WorkerFileError).message).toBe(`worker config file ${path}: ${problem}`);
  });

  it("error: a missing file", async () => {
    const path = join(dir, "missing.properties");
    await expect(loadWorkerProperties(path, {})).rejects.toThrow(new WorkerFileError(path, "file not found"));
  });
});

describe("envVarForKey", () => {
  it.each([
    ["bootstrap.servers", "FERRY_BOOTSTRAP_SERVERS"],
    ["offset.flush.interval.ms", "FERRY_OFFSET_FLUSH_INTERVAL_MS"],
    ["foo-bar.baz", "FERRY_FOO__BAR_BAZ"],
    ["listeners", "FERRY_LISTENERS"],
  ])("%s → %s", (key, name) => {
    expect(envVarForKey(key)).toBe(name);
  });
});

describe("applyEnvOverrides", () => {
  // [case, file props, env, expected props]
  const cases: [string, Record<string, string>, NodeJS.ProcessEnv, Record<string, string>][] = [
    ["no environment", { a: "1" }, {}, { a: "1" }],
    ["overrides a key", { "a.b": "1" }, { FERRY_A_B: "2" }, { "a.b": "2" }],
    ["adds a key", { a: "1" }, { FERRY_NEW_KEY: "x" }, { a: "1", "new.key": "x" }],
    ["'__' is '-'", {}, { FERRY_FOO__BAR_BAZ: "x" }, { "foo-bar.baz": "x" }],
    ["digits are kept", {}, { FERRY_LISTENERS_HTTP2_PORT: "1" }, { "listeners.http2.port": "1" }],
    [
      "an empty value is applied",
      { "plugin.path": "/opt" },
      { FERRY_PLUGIN_PATH: "" },
      { "plugin.path": "" },
    ],
    [
      "a file key with '_' is overridden in place, not decoded",
      { my_key: "1" },
      { FERRY_MY_KEY: "2" },
      { my_key: "2" },
    ],
    [
      "a file key with upper case is overridden in place",
      { "Some.Key": "1" },
      { FERRY_SOME_KEY: "2" },
      { "Some.Key": "2" },
    ],
    [
      "a file key whose encoding has '___' can be overridden",
      { "a-.b": "1" },
      { FERRY_A___B: "2" },
      { "a-.b": "2" },
    ],
    ["'___' without a matching file key is ignored", {}, { FERRY_A___B: "x" }, {}],
    ["a leading '_' is ignored", {}, { FERRY__A: "x" }, {}],
    ["a trailing '_' is ignored", {}, { FERRY_A_: "x" }, {}],
    ["the bare prefix is ignored", {}, { FERRY_: "x" }, {}],
    ["lower case names are ignored", { "a.b": "1" }, { ferry_a_b: "2", FERRY_a_b: "3" }, { "a.b": "1" }],
    ["other characters are ignored", {}, { "FERRY_A.B": "x", "FERRY_A-B": "y" }, {}],
    ["other prefixes are ignored", {}, { BOOTSTRAP_SERVERS: "x", KAFKA_BOOTSTRAP_SERVERS: "y" }, {}],
    [
      "Ferry's own settings are not worker keys",
      {},
      { FERRY_LOG_LEVEL: "debug", FERRY_STATE_DIR: "/var/lib/ferry" },
      {},
    ],
    ["undefined values are ignored", { a: "1" }, { FERRY_A: undefined }, { a: "1" }],
    [
      "__proto__ stays an ordinary key",
      Object.fromEntries([["__proto__", "1"]]),
      { FERRY_A: "2" },
      Object.fromEntries([
        ["__proto__", "1"],
        ["a", "2"],
      ]),
    ],
  ];

  it.each(cases)("%s", (_case, props, env, expected) => {
    const before = { ...props };
    const result = applyEnvOverrides(props, env);
    expect(result).toEqual(expected);
    expect(Object.entries(result)).toEqual(Object.entries(expected));
    expect(props).toEqual(before);
  });
});
