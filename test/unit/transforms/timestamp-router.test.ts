// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${topic} and ${timestamp} are Kafka placeholders, not templates
import { describe, expect, it } from "vitest";
import { TimestampRouter } from "../../../src/transforms/timestamp-router.js";
import { ConfigError } from "../../../src/transforms/util.js";
import { sourceRec } from "./helpers.js";

function router(props: Record<string, string> = {}): TimestampRouter {
  const t = new TimestampRouter();
  t.configure(props);
  return t;
}

describe("TimestampRouter", () => {
  it("defaults to ${topic}-yyyyMMdd in UTC", () => {
    expect(router().apply(sourceRec({ topic: "test", timestamp: 1483425001864 })).topic).toBe(
      "test-20170103",
    );
  });

  it.each([
    ["${timestamp}/${topic}/${timestamp}", "yyyy-MM", "2017-01/test/2017-01"],
    ["static", "yyyy", "static"],
    ["${topic}_${timestamp}", "yyyy-MM-dd'T'HH:mm", "test_2017-01-03T06:30"],
    ["${topic}-${timestamp}", "EEE, d MMM yy", "test-Tue, 3 Jan 17"],
  ])("formats %s with %s", (topicFormat, timestampFormat, expected) => {
    const t = router({ "topic.format": topicFormat, "timestamp.format": timestampFormat });
    expect(t.apply(sourceRec({ topic: "test", timestamp: 1483425001864 })).topic).toBe(expected);
  });

  it("keeps the rest of the record", () => {
    const r = sourceRec({ topic: "test", timestamp: 0, key: "k", value: "v" });
    expect(router().apply(r)).toEqual({ ...r, topic: "test-19700101" });
  });

  it("requires a timestamp", () => {
    expect(() => router().apply(sourceRec({ topic: "test" }))).toThrow("Timestamp missing on record");
  });

  it("rejects a bad timestamp.format at configure time", () => {
    expect(() => router({ "timestamp.format": "yyyyMMddq" })).toThrow(ConfigError);
    expect(() => router({ "timestamp.format": "yyyyMMddq" })).toThrow(
      "Invalid value yyyyMMddq for configuration timestamp.format: Illegal pattern character 'q'",
    );
  });
});
