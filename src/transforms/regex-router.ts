/**
 * RegexRouter: when the whole topic matches `regex`, rename it with `replacement` (Kafka's RegexRouter,
 * i.e. Java's Matcher.matches() then replaceFirst(), with $1 / ${name} group references).
 */
import { ConfigDef } from "../api/config-def.js";
import type { ConnectRecord } from "../api/records.js";
import type { Transformation } from "../api/transform.js";
import { compileJavaReplacement, type JavaPattern, type JavaReplacement } from "./java-regex.js";
import { ConfigError, JAVA_REGEX, parseConfig, transformationPlugin } from "./util.js";

const REGEX = "regex";
const REPLACEMENT = "replacement";

const CONFIG_DEF = new ConfigDef()
  .define({
    name: REGEX,
    type: "STRING",
    importance: "HIGH",
    documentation: "Regular expression to use for matching.",
    check: JAVA_REGEX,
  })
  .define({ name: REPLACEMENT, type: "STRING", importance: "HIGH", documentation: "Replacement string." });

export class RegexRouter implements Transformation {
  private pattern: JavaPattern | null = null;
  private replacement: JavaReplacement | null = null;

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const values = parseConfig(CONFIG_DEF, props);
    const pattern = values[REGEX] as JavaPattern;
    const replacement = values[REPLACEMENT] as string;
    try {
      this.replacement = compileJavaReplacement(pattern, replacement);
    } catch (e) {
      throw ConfigError.invalid(REPLACEMENT, replacement, (e as Error).message);
    }
    this.pattern = pattern;
  }

  apply<R extends ConnectRecord>(record: R): R {
    if (!this.pattern || !this.replacement || !this.pattern.whole.test(record.topic)) return record;
    return { ...record, topic: this.replacement.replaceFirst(record.topic) };
  }

  close(): void {}
}

export const regexRouterPlugin = transformationPlugin("RegexRouter", () => new RegexRouter());
