/**
 * The one place kafkajs is configured: brokers, client id, and its log lines routed into our pino logger.
 * The rest of Ferry asks this module for producers, consumers and admins.
 */
import "./kafkajs-patches.js";
import { Kafka, type KafkaConfig, logLevel, Partitioners, type Producer, type ProducerConfig } from "kafkajs";
import type { Logger } from "../log/logger.js";

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger: Logger;
  /** extra kafkajs settings (security, timeouts) */
  readonly extra?: Partial<KafkaConfig>;
}

const levelName: Record<number, "error" | "warn" | "info" | "debug"> = {
  [logLevel.ERROR]: "error",
  [logLevel.WARN]: "warn",
  [logLevel.INFO]: "info",
  [logLevel.DEBUG]: "debug",
};

export function createKafka(opts: KafkaClientOptions): Kafka {
  const log = opts.logger.child({ component: "kafkajs" });
  return new Kafka({
    clientId: opts.clientId,
    brokers: [...opts.brokers],
    // kafkajs INFO lines (joins, member assignments) are useful; its debug is very chatty
    logLevel: logLevel.INFO,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...rest } = entry;
        const lvl = levelName[level] ?? "info";
        // kafkajs logs a one-time partitioner notice and connection noise at info; keep them at debug
        log[lvl === "info" ? "debug" : lvl](rest, String(message));
      },
    // waits capped at 1 s as the Java clients' reconnect/retry backoff maximum, so a broker that comes back
    // is used within a second; 20 retries keep about the budget of kafkajs's defaults (~17 s) before giving up
    retry: { initialRetryTime: 100, retries: 20, maxRetryTime: 1000 },
    ...opts.extra,
  });
}

export function createProducer(kafka: Kafka, config: ProducerConfig = {}): Producer {
  return kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    ...config,
  });
}

/** Whether a kafkajs error is worth retrying (broker down, leader moving, timeouts). */
export function isRetriable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const err = e as Error & { retriable?: boolean; originalError?: unknown; name: string };
  if (err.retriable === true) return true;
  if (err.name === "KafkaJSConnectionError" || err.name === "KafkaJSRequestTimeoutError") return true;
  // kafkajs gives up after its own retries; the cause says whether waiting longer can help
  if (err.originalError) return isRetriable(err.originalError);
  return false;
}
