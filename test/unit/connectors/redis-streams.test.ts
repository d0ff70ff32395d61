/** Pure parts of the Redis Streams connectors: entry fields, consumer names, config checks. */
import { describe, expect, it } from "vitest";
import type { SinkRecord } from "../../../src/api/records.js";
import { SchemaBuilder, Schemas, Struct } from "../../../src/api/schema.js";
import {
  redisStreamsSinkSettings,
  redisStreamsSourceSettings,
} from "../../../src/connectors/redis-streams/config.js";
import { redisStreamsSourcePlugin } from "../../../src/connectors/redis-streams/index.js";
import { entryFields } from "../../../src/connectors/redis-streams/redis-streams-sink.js";
import { sinkRecords } from "../../../src/testing/index.js";

describe("Redis Streams sink entries", () => {
  const settings = redisStreamsSinkSettings({});
  const rec = (key: unknown, value: unknown): SinkRecord => ({
    ...(sinkRecords("t", [value])[0] as SinkRecord),
    key,
  });

  it("writes the key, then one field per struct field or map entry, else the value in one field", () => {
    const schema = new SchemaBuilder("struct")
      .field("a", Schemas.INT64)
      .field("b", Schemas.OPTIONAL_STRING)
      .build();
    expect(entryFields(rec("k", new Struct(schema).put("a", 2n ** 60n)), settings)).toEqual([
      "key",
      "k",
      "a",
      "1152921504606846976",
    ]);
    expect(entryFields(rec(null, new Map([["x", { y: 1 }]])), settings)).toEqual(["x", '{"y":1}']);
    expect(entryFields(rec(null, 3.5), settings)).toEqual(["value", "3.5"]);
    expect(entryFields(rec(7, null), settings)).toEqual(["key", "7"]);
    expect(() => entryFields(rec(null, null), settings)).toThrow(/t-0@0: no key and no value fields/);
    expect(redisStreamsSinkSettings({ "redis.stream": `s:\${topic}` }).stream).toBe(`s:\${topic}`);
    expect(() => redisStreamsSinkSettings({ "redis.url": "http://x" })).toThrow(/redis\.url/);
  });
});

describe("Redis Streams source config", () => {
  it("needs a stream and gives each task its own stable consumer name", async () => {
    expect(() => redisStreamsSourceSettings({ "redis.consumer.group": "g", topic: "t" })).toThrow(
      /^redis\.streams:/,
    );
    expect(() => redisStreamsSourceSettings({ "redis.stream": "s", topic: "t" })).toThrow(
      /redis\.consumer\.group/,
    );
    expect(() =>
      redisStreamsSourceSettings({
        "redis.stream": "s",
        "redis.consumer.group": "g",
        topic: "t",
        "redis.start.id": "x",
      }),
    ).toThrow(/redis\.start\.id/);
    const config = {
      name: "c",
      "redis.streams": "a,b",
      "redis.stream": "a",
      "redis.consumer.group": "g",
      topic: "t",
    };
    expect(redisStreamsSourceSettings(config).streams).toEqual(["a", "b"]);
    const connector = redisStreamsSourcePlugin.createConnector();
    await connector.start(config, { requestTaskReconfiguration() {}, raiseError() {} });
    expect((await connector.taskConfigs(3)).map((t) => t["ferry.task.consumer"])).toEqual([
      "c-0",
      "c-1",
      "c-2",
    ]);
  });
});
