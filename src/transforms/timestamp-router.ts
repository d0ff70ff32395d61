/**
 * TimestampRouter: rename the topic from `topic.format`, replacing ${topic} with the topic and ${timestamp}
 * with the record timestamp formatted by `timestamp.format` in UTC (Kafka's TimestampRouter).
 */
import { ConfigDef } from "../api/config-def.js";
import type { ConnectRecord } from "../api/records.js";
import { DataError } from "../api/schema.js";
import type { Transformation } from "../api/transform.js";
import { compileDateFormat, type DateFormat } from "./date-format.js";
import { ConfigError, parseConfig, transformationPlugin } from "./util.js";

// biome-ignore lint/suspicious/noTemplateCurlyInString: Kafka's literal placeholder, not a template
const TOPIC_PLACEHOLDER = "${topic}";
// biome-ignore lint/suspicious/noTemplateCurlyInString: Kafka's literal placeholder, not a template
const TIMESTAMP_PLACEHOLDER = "${timestamp}";
const TOPIC_FORMAT = "topic.format";
const TIMESTAMP_FORMAT = "timestamp.format";

const CONFIG_DEF = new ConfigDef()
  .define({
    name: TOPIC_FORMAT,
    type: "STRING",
    default: `${TOPIC_PLACEHOLDER}-${TIMESTAMP_PLACEHOLDER}`,
    importance: "HIGH",
    documentation: `Format string which can contain <code>${TOPIC_PLACEHOLDER}</code> and <code>${TIMESTAMP_PLACEHOLDER}</code> as placeholders for the topic and timestamp, respectively.`,
  })
  .define({
    name: TIMESTAMP_FORMAT,
    type: "STRING",
    default: "yyyyMMdd",
    importance: "HIGH",
    documentation:
      "Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>.",
  });

type Part = string | { readonly placeholder: "topic" | "timestamp" };

export class TimestampRouter implements Transformation {
  private parts: readonly Part[] = [];
  private format: DateFormat | null = null;

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const values = parseConfig(CONFIG_DEF, props);
    const pattern = values[TIMESTAMP_FORMAT] as string;
    try {
      // Kafka only finds a bad pattern on the first record; here it is a config error
      this.format = compileDateFormat(pattern);
    } catch (e) {
      throw ConfigError.invalid(TIMESTAMP_FORMAT, pattern, (e as Error).message);
    }
    // split once so each record only concatenates
    this.parts = (values[TOPIC_FORMAT] as string)
      .split(/(\$\{topic\}|\$\{timestamp\})/)
      .filter((p) => p !== "")
      .map((p) =>
        p === TOPIC_PLACEHOLDER
          ? { placeholder: "topic" }
          : p === TIMESTAMP_PLACEHOLDER
            ? { placeholder: "timestamp" }
            : p,
      );
  }

  apply<R extends ConnectRecord>(record: R): R {
    const ts = record.timestamp;
    if (ts === null || ts === undefined) {
      throw new DataError(
        `Timestamp missing on record: {topic=${record.topic}, kafkaPartition=${record.kafkaPartition}}`,
      );
    }
    let topic = "";
    let formatted: string | undefined;
    for (const p of this.parts) {
      if (typeof p === "string") topic += p;
      else if (p.placeholder === "topic") topic += record.topic;
      else topic += formatted ??= (this.format as DateFormat).format(ts);
    }
    return { ...record, topic };
  }

  close(): void {}
}

export const timestampRouterPlugin = transformationPlugin("TimestampRouter", () => new TimestampRouter());
