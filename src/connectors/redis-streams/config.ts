/** Keys of the Redis Streams source and sink. */
import { z } from "zod";
import { ConfigDef } from "../../api/config-def.js";
import { ConfigError } from "../../api/errors.js";

export const URL_CONFIG = "redis.url";
export const STREAMS_CONFIG = "redis.streams";
export const STREAM_CONFIG = "redis.stream";
export const GROUP_CONFIG = "redis.consumer.group";
export const CONSUMER_PREFIX_CONFIG = "redis.consumer.name.prefix";
export const START_ID_CONFIG = "redis.start.id";
export const BATCH_CONFIG = "redis.batch.size";
export const BLOCK_CONFIG = "redis.block.ms";
export const CLAIM_IDLE_CONFIG = "redis.claim.min.idle.ms";
export const TOPIC_CONFIG = "topic";
export const MAXLEN_CONFIG = "redis.maxlen";
export const MAXLEN_EXACT_CONFIG = "redis.maxlen.exact";
export const KEY_FIELD_CONFIG = "redis.key.field";
export const VALUE_FIELD_CONFIG = "redis.value.field";
/** set by the source connector per task: its consumer name within the group */
export const TASK_CONSUMER_CONFIG = "ferry.task.consumer";

// biome-ignore lint/suspicious/noTemplateCurlyInString: Kafka Connect's placeholder syntax, not a template
export const TOPIC_PLACEHOLDER = "${topic}";
// biome-ignore lint/suspicious/noTemplateCurlyInString: the same syntax for the stream's name
export const STREAM_PLACEHOLDER = "${stream}";

function redisUrl(def: ConfigDef): ConfigDef {
  return def.define({
    name: URL_CONFIG,
    type: "PASSWORD",
    default: "redis://127.0.0.1:6379",
    importance: "HIGH",
    documentation: "The Redis server, redis://[user:password@]host:port[/db] (rediss:// for TLS).",
    check: z.string().regex(/^rediss?:\/\//, "Expected redis:// or rediss://"),
  });
}

export function redisStreamsSourceConfigDef(): ConfigDef {
  return redisUrl(new ConfigDef())
    .define({
      name: STREAMS_CONFIG,
      type: "LIST",
      default: [],
      importance: "HIGH",
      documentation: "The streams to read (or redis.stream for one).",
    })
    .define({
      name: STREAM_CONFIG,
      type: "STRING",
      default: "",
      importance: "HIGH",
      documentation: "The one stream to read (joined with redis.streams).",
    })
    .define({
      name: GROUP_CONFIG,
      type: "STRING",
      importance: "HIGH",
      documentation: "The consumer group; created (with MKSTREAM) when missing.",
      check: z.string().trim().min(1, "String must be non-empty"),
    })
    .define({
      name: CONSUMER_PREFIX_CONFIG,
      type: "STRING",
      default: "",
      importance: "LOW",
      documentation:
        "Consumer names are <prefix>-<task number>; the default prefix is the connector name. Stable names let a restarted task re-read what it had not acknowledged.",
    })
    .define({
      name: START_ID_CONFIG,
      type: "STRING",
      default: "0",
      importance: "MEDIUM",
      documentation: "Where a new group starts: 0 (the whole stream) or $ (only new entries).",
      check: z.string().regex(/^(\$|\d+(-\d+)?)$/, "Value must be $ or a stream id such as 0"),
    })
    .define({
      name: TOPIC_CONFIG,
      type: "STRING",
      importance: "HIGH",
      documentation: `The topic to write to; \${stream} is replaced by the stream's name.`,
      check: z.string().trim().min(1, "String must be non-empty"),
    })
    .define({
      name: BATCH_CONFIG,
      type: "INT",
      default: 500,
      importance: "LOW",
      documentation: "The most entries one XREADGROUP returns per stream (COUNT).",
      check: z.number().int().min(1, "Value must be at least 1"),
    })
    .define({
      name: BLOCK_CONFIG,
      type: "INT",
      default: 500,
      importance: "LOW",
      documentation: "How long one XREADGROUP waits for new entries (BLOCK).",
      check: z.number().int().min(1, "Value must be at least 1"),
    })
    .define({
      name: CLAIM_IDLE_CONFIG,
      type: "LONG",
      default: 60_000,
      importance: "MEDIUM",
      documentation:
        "Entries another consumer of the group read but did not acknowledge for this long are claimed (XAUTOCLAIM) and delivered again; 0 disables claiming.",
      check: z.number().int().min(0, "Value must be at least 0"),
    })
    .define({
      name: TASK_CONSUMER_CONFIG,
      type: "STRING",
      default: "",
      importance: "LOW",
      documentation: "Internal: this task's consumer name (set by the connector).",
    });
}

export function redisStreamsSinkConfigDef(): ConfigDef {
  return redisUrl(new ConfigDef())
    .define({
      name: STREAM_CONFIG,
      type: "STRING",
      default: TOPIC_PLACEHOLDER,
      importance: "HIGH",
      documentation: `The stream to XADD to; \${topic} is replaced by the record's topic.`,
      check: z.string().trim().min(1, "String must be non-empty"),
    })
    .define({
      name: MAXLEN_CONFIG,
      type: "LONG",
      default: 0,
      importance: "MEDIUM",
      documentation: "Trim each stream to about this many entries (XADD MAXLEN ~); 0 keeps everything.",
      check: z.number().int().min(0, "Value must be at least 0"),
    })
    .define({
      name: MAXLEN_EXACT_CONFIG,
      type: "BOOLEAN",
      default: false,
      importance: "LOW",
      documentation: "Trim to exactly redis.maxlen (MAXLEN =) instead of about it (slower).",
    })
    .define({
      name: KEY_FIELD_CONFIG,
      type: "STRING",
      default: "key",
      importance: "MEDIUM",
      documentation:
        "The entry field that holds the record key (when the record has one); empty: the key is not written.",
    })
    .define({
      name: VALUE_FIELD_CONFIG,
      type: "STRING",
      default: "value",
      importance: "MEDIUM",
      documentation:
        "The entry field for a value that is not a struct or map (a string, number, bytes, array); struct and map values become one field each.",
      check: z.string().trim().min(1, "String must be non-empty"),
    });
}

export interface SourceSettings {
  readonly url: string;
  readonly streams: string[];
  readonly group: string;
  readonly consumerPrefix: string;
  readonly consumer: string;
  readonly startId: string;
  readonly topic: string;
  readonly batch: number;
  readonly blockMs: number;
  readonly claimIdleMs: number;
}

export function sourceConfigErrors(v: Record<string, unknown>): Record<string, string[]> {
  const streams = [...(v[STREAMS_CONFIG] as string[]), v[STREAM_CONFIG] as string].filter(
    (s) => s.trim() !== "",
  );
  return streams.length === 0
    ? { [STREAMS_CONFIG]: [`Name at least one stream (${STREAMS_CONFIG} or ${STREAM_CONFIG})`] }
    : {};
}

export function redisStreamsSourceSettings(
  config: Readonly<Record<string, string | undefined>>,
): SourceSettings {
  const v = redisStreamsSourceConfigDef().parseOrThrow(config);
  const [first] = Object.entries(sourceConfigErrors(v));
  if (first) throw new ConfigError(`${first[0]}: ${first[1].join(", ")}`, first[0]);
  const streams = [
    ...new Set([...(v[STREAMS_CONFIG] as string[]), (v[STREAM_CONFIG] as string).trim()]),
  ].filter((s) => s !== "");
  const prefix = (v[CONSUMER_PREFIX_CONFIG] as string).trim() || (config.name ?? "ferry");
  return {
    url: v[URL_CONFIG] as string,
    streams,
    group: (v[GROUP_CONFIG] as string).trim(),
    consumerPrefix: prefix,
    consumer: (v[TASK_CONSUMER_CONFIG] as string) || `${prefix}-0`,
    startId: v[START_ID_CONFIG] as string,
    topic: (v[TOPIC_CONFIG] as string).trim(),
    batch: v[BATCH_CONFIG] as number,
    blockMs: v[BLOCK_CONFIG] as number,
    claimIdleMs: v[CLAIM_IDLE_CONFIG] as number,
  };
}

export interface SinkSettings {
  readonly url: string;
  readonly stream: string;
  readonly maxlen: number;
  readonly maxlenExact: boolean;
  readonly keyField: string;
  readonly valueField: string;
}

export function redisStreamsSinkSettings(config: Readonly<Record<string, string | undefined>>): SinkSettings {
  const v = redisStreamsSinkConfigDef().parseOrThrow(config);
  return {
    url: v[URL_CONFIG] as string,
    stream: (v[STREAM_CONFIG] as string).trim(),
    maxlen: v[MAXLEN_CONFIG] as number,
    maxlenExact: v[MAXLEN_EXACT_CONFIG] as boolean,
    keyField: (v[KEY_FIELD_CONFIG] as string).trim(),
    valueField: (v[VALUE_FIELD_CONFIG] as string).trim(),
  };
}
