import { describe, expect, it } from "vitest";
import { compileJavaRegex, compileJavaReplacement } from "../../../src/transforms/java-regex.js";
import { RegexRouter } from "../../../src/transforms/regex-router.js";
import { ConfigError } from "../../../src/transforms/util.js";
import { sinkRec } from "./helpers.js";

function route(regex: string, replacement: string, topic: string): string {
  const router = new RegexRouter();
  router.configure({ regex, replacement });
  const out = router.apply(sinkRec({ topic })).topic;
  router.close();
  return out;
}

describe("RegexRouter", () => {
  it.each([
    ["foo", "bar", "foo", "bar"],
    ["foo", "bar", "orig", "orig"],
    ["(.*)", "$1", "orig", "orig"],
    ["(.*)", "prefix-$1", "orig", "prefix-orig"],
    ["(.*)", "$1-suffix", "orig", "orig-suffix"],
    ["(.*)-(\\d\\d\\d\\d\\d\\d\\d\\d)", "$1", "index-20160117", "index"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Java named-group reference, not a template
    ["(?<name>[a-z]+)\\.(\\d+)", "${name}_$2", "orders.7", "orders_7"],
    ["(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)", "$10-$1", "abcdefghij", "j-a"],
    ["(a)(b)", "$12", "ab", "a2"],
    ["a.*", "\\$x\\\\", "abc", "$x\\"],
    ["(?i)ORDERS", "o", "orders", "o"],
    ["\\Qa.b\\E", "x", "a.b", "x"],
    ["\\Qa.b\\E", "x", "axb", "axb"],
    ["(a)|(b)", "[$1$2]", "b", "[b]"],
    ["foo", "bar", "xfoo", "xfoo"],
    ["a|ab", "X", "ab", "Xb"],
  ])("%s → %s on %s", (regex, replacement, topic, expected) => {
    expect(route(regex, replacement, topic)).toBe(expected);
  });

  it("keeps the record when the topic does not match", () => {
    const router = new RegexRouter();
    router.configure({ regex: "foo", replacement: "bar" });
    const r = sinkRec({ topic: "other" });
    expect(router.apply(r)).toBe(r);
  });

  it.each([
    [{ regex: "(", replacement: "x" }, "regex", "Invalid value ( for configuration regex: Invalid regex:"],
    [
      { regex: "(a)", replacement: "$2" },
      "replacement",
      "Invalid value $2 for configuration replacement: No group 2",
    ],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Java named-group reference, not a template
    [{ regex: "a", replacement: "${x}" }, "replacement", "No group with name {x}"],
    [{ regex: "a", replacement: "x\\" }, "replacement", "character to be escaped is missing"],
    [{ regex: "a", replacement: "$" }, "replacement", "Illegal group reference: group index is missing"],
    [{ regex: "a" }, "replacement", 'Missing required configuration "replacement"'],
    [{ replacement: "a" }, "regex", 'Missing required configuration "regex"'],
  ])("rejects %o", (props, key, message) => {
    let err: unknown;
    try {
      new RegexRouter().configure(props);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe(key);
    expect((err as Error).message).toContain(message);
  });
});

describe("Java regex translation", () => {
  it("anchors matches() to the whole input even with (?m)", () => {
    const p = compileJavaRegex("(?m)a$");
    expect(p.whole.test("a")).toBe(true);
    expect(p.whole.test("a\nb")).toBe(false);
    expect(compileJavaRegex("\\Aab\\z").whole.test("ab")).toBe(true);
  });
  it("counts groups", () => {
    expect(compileJavaRegex("(a)(?:b)(?<n>c)").groupCount).toBe(2);
    expect(compileJavaReplacement(compileJavaRegex("(a)b"), "<$1>").replaceFirst("xab ab")).toBe("x<a> ab");
  });
  it("accepts Java's \\p classes and lone brackets", () => {
    expect(compileJavaRegex("\\p{L}+").whole.test("héllo")).toBe(true);
    expect(compileJavaRegex("a]").whole.test("a]")).toBe(true);
  });
});
