import { describe, expect, it } from "vitest";
import { HasHeaderKey } from "../../../src/transforms/predicates/has-header-key.js";
import { RecordIsTombstone } from "../../../src/transforms/predicates/record-is-tombstone.js";
import { TopicNameMatches } from "../../../src/transforms/predicates/topic-name-matches.js";
import { header, sinkRec, sourceRec } from "./helpers.js";

describe("HasHeaderKey", () => {
  const withHeaders = (...keys: string[]) => sourceRec({ headers: keys.map((k) => header(k, null)) });

  it.each([
    [["foo"], true],
    [["foo", "bar"], true],
    [["bar", "foo", "bar", "foo"], true],
    [["bar"], false],
    [["bar", "bar"], false],
    [[], false],
  ])("headers %j → %s", (keys, expected) => {
    const p = new HasHeaderKey();
    p.configure({ name: "foo" });
    expect(p.test(withHeaders(...keys))).toBe(expected);
  });

  it("validates name", () => {
    expect(() => new HasHeaderKey().configure({})).toThrow('Missing required configuration "name"');
    expect(() => new HasHeaderKey().configure({ name: "" })).toThrow(
      "Invalid value  for configuration name: String must be non-empty",
    );
    expect(new HasHeaderKey().config().parse({ name: "" }).errors).toEqual({
      name: ["Invalid value  for configuration name: String must be non-empty"],
    });
  });
});

describe("RecordIsTombstone", () => {
  it.each([
    [null, true],
    [undefined, true],
    ["x", false],
    [0, false],
    [{}, false],
  ])("value %j → %s", (value, expected) => {
    const p = new RecordIsTombstone();
    p.configure();
    expect(p.test(sinkRec({ value }))).toBe(expected);
    expect(p.config().list()).toEqual([]);
  });
});

describe("TopicNameMatches", () => {
  it.each([
    ["my-prefix-", true],
    ["my-prefix-foo", true],
    ["x-my-prefix-", false],
    ["x-my-prefix-foo", false],
    ["your-prefix-", false],
    ["your-prefix-foo", false],
  ])("%s", (topic, expected) => {
    const p = new TopicNameMatches();
    p.configure({ pattern: "my-prefix-.*" });
    expect(p.test(sourceRec({ topic }))).toBe(expected);
  });

  it.each([
    [{}, 'Missing required configuration "pattern"'],
    [{ pattern: "" }, "String must be non-empty"],
    [{ pattern: "[" }, "Invalid value [ for configuration pattern: Invalid regex"],
    [{ pattern: "*" }, "Invalid regex"],
  ])("rejects %o", (props, message) => {
    expect(() => new TopicNameMatches().configure(props)).toThrow(message);
  });

  it("reports one error for an invalid pattern from validate", () => {
    const errors = new TopicNameMatches().config().parse({ pattern: "*" }).errors.pattern ?? [];
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain("Invalid regex");
  });
});
