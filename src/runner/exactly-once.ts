/**
 * Exactly-once source (KIP-618 semantics): with `exactly.once.source.support=enabled` on the worker, each
 * source task writes its records and the source offsets they carry in ONE Kafka transaction, through a
 * transactional producer whose id is `<group.id>-<connector>-<task>`. A reader with isolation.level
 * read_committed then sees a record if and only if the offset that covers it is stored too, so a restarted
 * task neither skips nor repeats records, even after a SIGKILL.
 *
 * Zombies: the new owner of a task initialises its producer (InitProducerId) before it reads its offsets;
 * the broker bumps the epoch of that transactional id, aborts the old owner's open transaction and refuses
 * the old producer from then on (INVALID_PRODUCER_EPOCH / PRODUCER_FENCED), so the old owner stops.
 */

import type { SourceOffset, SourcePartition } from "../api/records.js";
import type { WorkerConfig } from "../config/worker-config.js";
import { ConnectError } from "../errors.js";
import { createProducer, isRetriable } from "../kafka/client.js";
import { errorChain, isProducerFenced } from "../kafka/errors.js";
import type {
  KafkaClient,
  KafkaProducer,
  RecordMetadata as KafkaRecordMetadata,
  ProduceMessage,
  TopicMessages,
} from "../kafka/types.js";
import type { Logger } from "../log/logger.js";
import { sleep } from "../sleep.js";
import type { LogWrite } from "../state/kafka/kafka-log.js";
import { canonicalJson, type OffsetEntry, type OffsetStore } from "../state/types.js";
import { backoffMs } from "./backoff.js";

export const EXACTLY_ONCE_SOURCE_SUPPORT = "exactly.once.source.support";
export type ExactlyOnceSourceSupport = "disabled" | "preparing" | "enabled";
export type TransactionBoundary = "poll" | "interval";

/** Kafka's transaction.timeout.ms for source tasks would be 60 s; a new owner fences long before that. */
const TRANSACTION_TIMEOUT_MS = 60_000;

/** What the source task runner needs to write in transactions. */
export interface SourceTransactions {
  readonly boundary: TransactionBoundary;
  /** transaction.boundary=interval: how long a transaction stays open */
  readonly intervalMs: number;
  /** Initialises the producer, which fences a previous owner of the same transactional id. */
  fence(): Promise<void>;
  /**
   * Sends the chunks of records (one produce request each) and the offsets in one transaction and commits
   * it; resolves with the records' metadata. Rejects with ProducerFencedError when a newer owner took over.
   */
  commit(
    chunks: readonly (readonly TopicMessages[])[],
    offsets: readonly OffsetEntry[],
    signal: AbortSignal,
  ): Promise<KafkaRecordMetadata[]>;
}

/** A newer owner of the task's transactional id took over; this task must stop (it is not a failure). */
export class ProducerFencedError extends ConnectError {
  override name = "ProducerFencedError";
  constructor(transactionalId: string, options?: ErrorOptions) {
    super(
      `The producer with transactional.id ${transactionalId} was fenced by a newer owner of the task`,
      500,
      options,
    );
  }
}

/** Whether an error (or one it wraps) says that a newer producer with our transactional id exists. */
export function isFenced(e: unknown): boolean {
  return errorChain(e).some((err) => err instanceof ProducerFencedError) || isProducerFenced(e);
}

/** The worker's exactly.once.source.support, checked (worker-config.ts defines the key). */
export function workerExactlyOnceSupport(config: WorkerConfig): ExactlyOnceSourceSupport {
  const v = (config.raw[EXACTLY_ONCE_SOURCE_SUPPORT] ?? "disabled").trim().toLowerCase();
  if (v === "disabled" || v === "preparing" || v === "enabled") return v;
  throw new ConnectError(
    `Invalid value ${v} for configuration ${EXACTLY_ONCE_SOURCE_SUPPORT}: String must be one of: disabled, preparing, enabled`,
    400,
  );
}

/**
 * The connector's transaction boundary under exactly-once; throws a 400 for values Ferry cannot honour.
 * Without exactly-once on the worker, `exactly.once.support=required` fails the task (Kafka refuses it).
 */
export function connectorTransactionSettings(
  connectorConfig: Readonly<Record<string, string>>,
  workerSupport: ExactlyOnceSourceSupport,
  offsetFlushIntervalMs: number,
): { boundary: TransactionBoundary; intervalMs: number } | null {
  const support = (connectorConfig["exactly.once.support"] ?? "requested").trim().toLowerCase();
  if (support !== "requested" && support !== "required")
    throw new ConnectError(
      `Invalid value ${support} for configuration exactly.once.support: String must be one of: requested, required`,
      400,
    );
  if (workerSupport !== "enabled") {
    if (support === "required")
      throw new ConnectError(
        `exactly.once.support=required, but the worker's ${EXACTLY_ONCE_SOURCE_SUPPORT} is ${workerSupport}, not enabled`,
        400,
      );
    return null;
  }
  const boundary = (connectorConfig["transaction.boundary"] ?? "poll").trim().toLowerCase();
  if (boundary === "connector")
    throw new ConnectError(
      "transaction.boundary=connector is not supported by Ferry: connectors cannot define transaction boundaries; use poll or interval",
      400,
    );
  if (boundary !== "poll" && boundary !== "interval")
    throw new ConnectError(
      `Invalid value ${boundary} for configuration transaction.boundary: String must be one of: poll, interval, connector`,
      400,
    );
  // Kafka reads the interval only for transaction.boundary=interval; it is checked either way
  const rawInterval = connectorConfig["transaction.boundary.interval.ms"]?.trim();
  let intervalMs = offsetFlushIntervalMs;
  if (rawInterval !== undefined && rawInterval !== "") {
    intervalMs = Number(rawInterval);
    if (!Number.isSafeInteger(intervalMs) || intervalMs < 0)
      throw new ConnectError(
        `Invalid value ${rawInterval} for configuration transaction.boundary.interval.ms: Value must be a non-negative integer`,
        400,
      );
  }
  return { boundary, intervalMs };
}

/**
 * The offsets topic as an exactly-once task sees it: the Kafka offset store itself, or (on a task thread) the
 * control thread's store reached through messages.
 */
export interface TransactionOffsets {
  readonly topic: string;
  /** the offset records a transaction writes, keyed as the store has them */
  records(connector: string, entries: readonly OffsetEntry[]): LogWrite[] | Promise<LogWrite[]>;
  readToEnd(): Promise<void>;
  get(connector: string, partition: SourcePartition): SourceOffset | null;
}

/** The store as TransactionOffsets when it is backed by the offsets topic (distributed mode), else null. */
export function transactionOffsets(offsets: OffsetStore): TransactionOffsets | null {
  const o = offsets as Partial<TransactionOffsets>;
  return typeof o.topic === "string" && typeof o.records === "function"
    ? (offsets as OffsetStore & TransactionOffsets)
    : null;
}

export interface TransactionalWriterOptions {
  readonly kafka: KafkaClient;
  readonly transactionalId: string;
  readonly connector: string;
  readonly offsets: TransactionOffsets;
  readonly boundary: TransactionBoundary;
  readonly intervalMs: number;
  readonly logger: Logger;
}

/** Builds the task's transactional writer when the worker runs exactly-once sources, else null. */
export function sourceTransactions(
  config: WorkerConfig,
  connectorConfig: Readonly<Record<string, string>>,
  offsets: OffsetStore,
  kafka: KafkaClient,
  id: { connector: string; task: number },
  logger: Logger,
): TransactionalWriter | null {
  const settings = connectorTransactionSettings(
    connectorConfig,
    workerExactlyOnceSupport(config),
    config.offsetFlushIntervalMs,
  );
  if (!settings) return null;
  const groupId = config.raw["group.id"]?.trim();
  const topicOffsets = transactionOffsets(offsets);
  if (!topicOffsets || !groupId)
    throw new ConnectError(
      `${EXACTLY_ONCE_SOURCE_SUPPORT}=enabled needs distributed mode (group.id and the offsets topic)`,
      400,
    );
  return new TransactionalWriter({
    kafka,
    transactionalId: `${groupId}-${id.connector}-${id.task}`,
    connector: id.connector,
    offsets: topicOffsets,
    ...settings,
    logger,
  });
}

export class TransactionalWriter implements SourceTransactions {
  readonly boundary: TransactionBoundary;
  readonly intervalMs: number;
  private producer: KafkaProducer | null = null;
  private closed = false;
  private readonly log: Logger;

  constructor(private readonly o: TransactionalWriterOptions) {
    this.boundary = o.boundary;
    this.intervalMs = o.intervalMs;
    this.log = o.logger.child({ transactionalId: o.transactionalId });
  }

  /** Nothing to connect before fence(); present so the worker handles it like its other clients. */
  async connect(): Promise<void> {}

  async disconnect(): Promise<void> {
    this.closed = true;
    await this.dropProducer();
  }

  async fence(): Promise<void> {
    const p = await this.ready();
    const t0 = Date.now();
    try {
      // InitProducerId happens on the first transaction(); an empty transaction sends no EndTxn
      const txn = await p.transaction();
      await txn.abort();
    } catch (e) {
      await this.dropProducer();
      if (isFenced(e)) throw new ProducerFencedError(this.o.transactionalId, { cause: e });
      throw e;
    }
    this.log.info({ ms: Date.now() - t0 }, "transactional producer initialised; earlier owners are fenced");
  }

  async commit(
    chunks: readonly (readonly TopicMessages[])[],
    offsets: readonly OffsetEntry[],
    signal: AbortSignal,
  ): Promise<KafkaRecordMetadata[]> {
    const offsetMessages: ProduceMessage[] = (await this.o.offsets.records(this.o.connector, offsets)).map(
      (r) => ({ key: r.key, value: r.value }),
    );
    for (let attempt = 0; ; attempt++) {
      const p = await this.ready();
      let committing = false;
      try {
        const txn = await p.transaction();
        try {
          const meta: KafkaRecordMetadata[] = [];
          for (const chunk of chunks)
            if (chunk.length > 0)
              meta.push(...(await txn.sendBatch({ topicMessages: [...chunk], acks: -1 })));
          if (offsetMessages.length > 0)
            await txn.send({ topic: this.o.offsets.topic, messages: offsetMessages, acks: -1 });
          committing = true;
          await txn.commit();
          return meta;
        } catch (e) {
          if (!committing && !isFenced(e))
            await txn
              .abort()
              .catch((ae: unknown) => this.log.warn({ err: ae }, "aborting the transaction failed"));
          throw e;
        }
      } catch (e) {
        // the producer's state after a failure is unknown: a new one re-initialises (and fences this one)
        await this.dropProducer();
        if (isFenced(e)) throw new ProducerFencedError(this.o.transactionalId, { cause: e });
        if (committing) {
          // EndTxn may have committed before its answer was lost: the next InitProducerId completes it,
          // and the stored offsets say which way it went
          if (await this.landed(offsets)) {
            this.log.warn({ err: e }, "the commit's answer was lost, but the transaction committed");
            return [];
          }
        }
        if (!isRetriable(e) && !committing) throw e;
        if (signal.aborted && attempt > 0)
          throw new ConnectError("Task stopped while Kafka was unavailable", 500, { cause: e });
        // capped at 1 s as the Java producer's retry backoff: a broker that is back is used at once
        const wait = backoffMs(attempt, 100, 1000);
        this.log.warn({ err: e, attempt }, `transaction failed, retrying in ${wait} ms`);
        await sleep(wait);
      }
    }
  }

  /** After a re-initialisation: whether every offset of a transaction is the one stored. */
  private async landed(offsets: readonly OffsetEntry[]): Promise<boolean> {
    if (offsets.length === 0)
      throw new ConnectError(
        `The outcome of a transaction of ${this.o.transactionalId} is unknown and it carried no offsets to tell`,
      );
    await this.fence();
    await this.o.offsets.readToEnd();
    return offsets.every(
      (e) =>
        canonicalJson(this.o.offsets.get(this.o.connector, e.partition) ?? null) ===
        canonicalJson(e.offset ?? null),
    );
  }

  private async ready(): Promise<KafkaProducer> {
    if (this.closed) throw new ConnectError(`The producer of ${this.o.transactionalId} was closed`);
    if (this.producer) return this.producer;
    const p = createProducer(this.o.kafka, {
      transactionalId: this.o.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: TRANSACTION_TIMEOUT_MS,
      // right after a commit the coordinator answers CONCURRENT_TRANSACTIONS until its markers are written;
      // the Java client retries that after 20 ms, kafkajs's default would wait 100 ms or more
      retry: { initialRetryTime: 20, maxRetryTime: 1_000, retries: 10 },
    });
    await p.connect();
    this.producer = p;
    return p;
  }

  private async dropProducer(): Promise<void> {
    const p = this.producer;
    this.producer = null;
    await p?.disconnect().catch((e: unknown) => this.log.warn({ err: e }, "producer disconnect failed"));
  }
}
