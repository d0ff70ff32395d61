/**
 * The one place kafkajs is configured: brokers, client id, security, and its log lines routed into our pino
 * logger. The rest of Ferry gets a KafkaClient (./types.ts) here and asks it for producers, consumers and
 * admins.
 */
import "./kafkajs-patches.js";
import { Kafka, type KafkaConfig, logLevel, Partitioners } from "kafkajs";
import type { Logger } from "../log/logger.js";
import type { KafkaSecurity } from "./security.js";
import type {
  ConsumerOptions,
  KafkaAdmin,
  KafkaClient,
  KafkaConsumer,
  KafkaProducer,
  ProducerOptions,
  RetryOptions,
} from "./types.js";

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger: Logger;
  /** TLS and SASL settings (kafkaSecurityOptions) */
  readonly security?: KafkaSecurity;
  /** the client's retries of failed requests; defaults below */
  readonly retry?: RetryOptions;
  /** drops the client's own log lines (tests that provoke failures on purpose) */
  readonly silent?: boolean;
  /** how long opening a connection to a broker may take; kafkajs's default (1 s) when not given */
  readonly connectionTimeoutMs?: number;
}

const levelName: Record<number, "error" | "warn" | "info" | "debug"> = {
  [logLevel.ERROR]: "error",
  [logLevel.WARN]: "warn",
  [logLevel.INFO]: "info",
  [logLevel.DEBUG]: "debug",
};

/**
 * kafkajs's objects satisfy the port's interfaces as they are (the return types below are checked by the
 * compiler), so nothing wraps producers, consumers or admins; this class only fixes the producer defaults.
 */
class KafkajsClient implements KafkaClient {
  constructor(readonly kafkajs: Kafka) {}

  producer(options: ProducerOptions = {}): KafkaProducer {
    return this.kafkajs.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      ...options,
    });
  }

  consumer(options: ConsumerOptions): KafkaConsumer {
    return this.kafkajs.consumer(options);
  }

  admin(): KafkaAdmin {
    return this.kafkajs.admin();
  }
}

export function createKafka(opts: KafkaClientOptions): KafkaClient {
  const log = opts.logger.child({ component: "kafkajs" });
  const config: KafkaConfig = {
    clientId: opts.clientId,
    brokers: [...opts.brokers],
    // kafkajs INFO lines (joins, member assignments) are useful; its debug is very chatty
    logLevel: opts.silent ? logLevel.NOTHING : logLevel.INFO,
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
    retry: opts.retry ?? { initialRetryTime: 100, retries: 20, maxRetryTime: 1000 },
    ...(opts.connectionTimeoutMs === undefined ? {} : { connectionTimeout: opts.connectionTimeoutMs }),
    ...opts.security,
  };
  return new KafkajsClient(new Kafka(config));
}

/**
 * A producer with Ferry's defaults: Kafka's default partitioner (murmur2 of the key, as the Java client and
 * Kafka Connect place keys) and no automatic topic creation.
 */
export function createProducer(kafka: KafkaClient, options: ProducerOptions = {}): KafkaProducer {
  return kafka.producer(options);
}

/** The kafkajs client under a KafkaClient, for code in this folder that needs kafkajs internals. */
export function kafkajsOf(client: KafkaClient): Kafka {
  if (client instanceof KafkajsClient) return client.kafkajs;
  throw new Error("not a kafkajs-backed Kafka client (made by createKafka)");
}

/** Whether a Kafka client error is worth retrying (broker down, leader moving, timeouts). */
export function isRetriable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const err = e as Error & {
    retriable?: boolean;
    originalError?: unknown;
    name: string;
  };
  if (err.retriable === true) return true;
  if (err.name === "KafkaJSConnectionError" || err.name === "KafkaJSRequestTimeoutError") return true;
  // kafkajs gives up after its own retries; the cause says whether waiting longer can help
  if (err.originalError) return isRetriable(err.originalError);
  return false;
}
