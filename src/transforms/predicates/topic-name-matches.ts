/** TopicNameMatches: true when the whole topic name matches the Java regex `pattern` (Kafka's TopicNameMatches). */
import { ConfigDef } from "../../api/config-def.js";
import type { ConnectRecord } from "../../api/records.js";
import type { Predicate } from "../../api/transform.js";
import type { JavaPattern } from "../java-regex.js";
import { JAVA_REGEX, NON_EMPTY_STRING, parseConfig, predicatePlugin } from "../util.js";

const PATTERN_CONFIG = "pattern";

const CONFIG_DEF = new ConfigDef().define({
  name: PATTERN_CONFIG,
  type: "STRING",
  importance: "MEDIUM",
  documentation: "A Java regular expression for matching against the name of a record's topic.",
  check: NON_EMPTY_STRING.pipe(JAVA_REGEX),
});

export class TopicNameMatches implements Predicate {
  private pattern: RegExp | null = null;

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    this.pattern = (parseConfig(CONFIG_DEF, props)[PATTERN_CONFIG] as JavaPattern).whole;
  }

  test(record: ConnectRecord): boolean {
    return typeof record.topic === "string" && this.pattern !== null && this.pattern.test(record.topic);
  }

  close(): void {}

  toString(): string {
    return `TopicNameMatches{pattern=${this.pattern?.source ?? ""}}`;
  }
}

export const topicNameMatchesPlugin = predicatePlugin("TopicNameMatches", () => new TopicNameMatches());
