/**
 * Runs one source task: poll → transforms → converters → produce, with offsets committed only for records
 * Kafka acknowledged. Polling overlaps with the send in flight: while one batch is on the wire, the next
 * accumulates (bounded), and goes out as one request when the first is acknowledged. One send in flight
 * keeps per-partition order without an idempotent producer.
 *
 * With exactly-once (options.transactions, see exactly-once.ts) a send is a transaction holding the records
 * and their offsets: one per poll() (transaction.boundary=poll) or one per interval; nothing goes through
 * the offset store's periodic flush, and a task fenced by a newer owner stops without failing.
 */
import type { SourceTask, SourceTaskContext, TaskConfig } from "../api/connector.js";
import type { RecordMetadata, SourceOffset, SourcePartition, SourceRecord } from "../api/records.js";
import { isRetriable } from "../kafka/client.js";
import type { KafkaProducer, RecordMetadata as KafkaRecordMetadata, TopicMessages } from "../kafka/types.js";
import type { Logger } from "../log/logger.js";
import { secondsSince, type TaskMetrics, taskMetrics } from "../metrics/task-metrics.js";
import { sleep } from "../sleep.js";
import { type OffsetStore, offsetKey } from "../state/types.js";
import { TransformStageError } from "../transforms/chain.js";
import { backoffMs } from "./backoff.js";
import { type ErrorContext, type RecordErrorHandler, SKIPPED } from "./error-handler.js";
import { isFenced, type SourceTransactions } from "./exactly-once.js";
import {
  ConverterStageError,
  type Converters,
  type OutgoingMessage,
  type TransformChain,
  toKafkaMessage,
} from "./record-pipeline.js";
import type { TopicCreator } from "./topic-creation.js";
import type { StatusListener } from "./unit-status.js";

export interface SourceTaskRunnerOptions {
  readonly connector: string;
  readonly taskId: number;
  readonly task: SourceTask;
  readonly config: TaskConfig;
  /** the producer of the at-least-once path; unused (may be absent) with `transactions` */
  readonly producer?: KafkaProducer;
  /** exactly-once: records and offsets in one transaction (exactly-once.ts) */
  readonly transactions?: SourceTransactions;
  /** distributed: false once this worker may no longer write for the task (its lease is not surely held) */
  readonly mayWrite?: () => boolean;
  /** KIP-558 active topic tracking: a topic the task wrote to (acknowledged) or read from */
  readonly onTopicUsed?: (topic: string) => void;
  readonly chain: TransformChain;
  readonly converters: Converters;
  readonly offsets: OffsetStore;
  readonly offsetFlushIntervalMs: number;
  /** how long stop() waits for records in flight before giving up on them (they are re-sent next start) */
  readonly offsetFlushTimeoutMs: number;
  readonly status: StatusListener;
  readonly logger: Logger;
  readonly errors: RecordErrorHandler;
  /** creates topics on first use when topic.creation.* is configured */
  readonly topicCreator?: TopicCreator;
  /** records polled but not yet acknowledged before poll() waits (backpressure) */
  readonly maxBufferedRecords?: number;
  /** the most records in one produce request */
  readonly maxBatchRecords?: number;
  /**
   * the most bytes (estimated) in one produce request: kafkajs puts a partition's records in one record
   * batch, and the broker refuses batches over message.max.bytes (1 MiB by default)
   */
  readonly maxBatchBytes?: number;
  /** counters per batch; defaults to the process's worker metrics (see metrics/task-metrics.ts) */
  readonly metrics?: TaskMetrics;
}

interface Pending {
  readonly record: SourceRecord;
  /** null when a transform dropped the record: its offset is committed in order all the same */
  readonly out: OutgoingMessage | null;
  /** estimated bytes on the wire */
  readonly size: number;
  /** the last record of its poll() (transaction.boundary=poll ends a transaction there) */
  pollEnd: boolean;
}

/** per-record overhead in a v2 record batch (varints, attributes, deltas), roughly */
const RECORD_OVERHEAD = 24;

function estimateSize(out: OutgoingMessage | null): number {
  if (!out) return 0;
  const m = out.message;
  let n = RECORD_OVERHEAD + (m.key?.length ?? 0) + (m.value?.length ?? 0);
  if (m.headers)
    for (const [k, v] of Object.entries(m.headers))
      n += k.length + (v ? (Array.isArray(v) ? v.join("").length : v.length) : 0) + 8;
  return n;
}

function sourceErrorContext(e: unknown, record: SourceRecord): ErrorContext {
  return {
    stage: e instanceof ConverterStageError ? e.stage : "TRANSFORMATION",
    className: e instanceof ConverterStageError || e instanceof TransformStageError ? e.className : "unknown",
    record: {
      topic: record.topic,
      partition: record.kafkaPartition,
      offset: null,
      key: null,
      value: null,
      headers: null,
      describe: () =>
        `SourceRecord{sourcePartition=${JSON.stringify(record.sourcePartition)}, sourceOffset=${JSON.stringify(record.sourceOffset)}} topic=${record.topic}, key=${String(record.key)}, value=${String(record.value)}`,
    },
  };
}

export class SourceTaskRunner {
  private readonly abort = new AbortController();
  private pending: Pending[] = [];
  private sending: Promise<void> | null = null;
  private sendError: unknown = null;
  private readonly committable = new Map<string, { partition: SourcePartition; offset: SourceOffset }>();
  private dirty = false;
  private readonly partitionKeys = new WeakMap<SourcePartition, string>();
  private lastFlush = Date.now();
  /** the periodic offset commit in flight */
  private flushing: Promise<void> | null = null;
  /** exactly-once, interval boundary: when the current transaction's first record was buffered */
  private txnStart = 0;
  /** set by drain(): send everything, whatever the transaction boundary */
  private draining = false;
  private done: Promise<void> | null = null;
  private readonly log: Logger;
  private readonly maxBuffered: number;
  private readonly maxBatch: number;
  private readonly maxBatchBytes: number;
  private readonly metrics: TaskMetrics;
  /** records acknowledged by Kafka since start, for tests and metrics */
  acked = 0;

  constructor(private readonly o: SourceTaskRunnerOptions) {
    this.log = o.logger.child({ connector: o.connector, task: o.taskId });
    this.maxBuffered = o.maxBufferedRecords ?? 50_000;
    this.maxBatch = o.maxBatchRecords ?? 20_000;
    this.maxBatchBytes = o.maxBatchBytes ?? 900 * 1024;
    this.metrics = o.metrics ?? taskMetrics(o.connector, o.taskId);
  }

  /** Starts the task; the returned promise settles when the task has stopped or failed. */
  start(): Promise<void> {
    this.done ??= this.run();
    return this.done;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  private async run(): Promise<void> {
    const { task, status } = this.o;
    const ctx: SourceTaskContext = {
      signal: this.abort.signal,
      offsetStorageReader: {
        offset: async (p) => this.o.offsets.get(this.o.connector, p),
        offsets: async (ps) => new Map(ps.map((p) => [p, this.o.offsets.get(this.o.connector, p)])),
      },
    };
    let failed = false;
    let fenced = false;
    try {
      // exactly-once: fence the previous owner (aborting its open transaction) before reading its offsets
      await this.o.transactions?.fence();
      // offsets may have been written by the worker that ran this task before: read them to the end first
      await this.o.offsets.readToEnd();
      await task.start(this.o.config, ctx);
      status.onRunning();
      this.log.info("source task started");
      await this.pollLoop();
      await this.drain();
      await this.finalFlush();
    } catch (e) {
      if (this.o.transactions && isFenced(e)) {
        // a newer owner runs this task now; its status is theirs to write
        fenced = true;
        this.log.warn({ err: e }, "source task fenced by a newer owner; stopping");
      } else {
        failed = true;
        this.log.error({ err: e }, "source task failed");
        status.onFailure(e);
      }
    } finally {
      this.abort.abort();
      try {
        await task.stop();
      } catch (e) {
        this.log.error({ err: e }, "source task stop() threw");
      }
      if (!failed && !fenced) status.onShutdown();
      this.log.info({ acked: this.acked }, "source task stopped");
    }
  }

  private async pollLoop(): Promise<void> {
    const signal = this.abort.signal;
    let turned = performance.now();
    while (!signal.aborted) {
      if (this.sendError) throw this.sendError;
      if (this.pending.length >= this.maxBuffered && this.sending) {
        await this.sending;
        continue;
      }
      const records = await this.o.task.poll();
      if (records && records.length > 0) {
        this.metrics.sourcePolled(records.length);
        await this.enqueue(records);
        this.kickSend();
        // a task whose poll() always has records at once resolves in microtasks only: let the event loop
        // turn now and then, or its own acknowledgements, its thread's other tasks and timers never run
        if (performance.now() - turned > 20) {
          await new Promise((r) => setImmediate(r));
          turned = performance.now();
        }
      } else {
        if (this.o.transactions?.boundary === "interval") this.kickSend();
        // a task that returns nothing at once must not starve timers and I/O
        await new Promise((r) => setImmediate(r));
      }
      this.maybeFlush();
    }
  }

  private async enqueue(records: readonly SourceRecord[]): Promise<void> {
    const { chain, converters } = this.o;
    for (const record of records) {
      const convert = () => {
        const transformed = chain.apply(record);
        return transformed ? toKafkaMessage(transformed, converters) : null;
      };
      let out: OutgoingMessage | null | typeof SKIPPED;
      try {
        out = convert();
      } catch (e) {
        out = await this.o.errors.handle(e, sourceErrorContext(e, record), convert, this.abort.signal);
      }
      // a skipped record is committed in its place, as one a transform dropped
      const msg = out === SKIPPED ? null : out;
      this.pending.push({ record, out: msg, size: estimateSize(msg), pollEnd: false });
    }
    const last = this.pending[this.pending.length - 1];
    if (last && records.length > 0) last.pollEnd = true;
  }

  private kickSend(): void {
    if (this.sending || this.pending.length === 0 || this.sendError) return;
    if (this.o.mayWrite && !this.o.mayWrite()) {
      // distributed: this worker's lease on the task is no longer surely valid (an event-loop stall can
      // outlast it before the lease watchdog runs): send nothing more; the next owner re-sends from the
      // committed offsets
      this.log.warn("lease no longer valid; stopping before the next send");
      this.abort.abort();
      return;
    }
    if (this.o.transactions) {
      this.kickTransaction(this.o.transactions);
      return;
    }
    // take records up to the count and byte limits (always at least one)
    let n = 0;
    let bytes = 0;
    while (n < this.pending.length && n < this.maxBatch) {
      const size = this.pending[n]?.size ?? 0;
      if (n > 0 && bytes + size > this.maxBatchBytes) break;
      bytes += size;
      n++;
    }
    const batch = n === this.pending.length ? this.pending : this.pending.slice(0, n);
    this.pending = batch === this.pending ? [] : this.pending.slice(n);
    this.sending = this.sendWithRetry(batch)
      .then((meta) => this.onAcked(batch, meta))
      .catch((e) => {
        this.sendError = e;
      })
      .finally(() => {
        this.sending = null;
        this.kickSend();
      });
  }

  /** Exactly-once: the next transaction's records, cut at the transaction boundary. */
  private kickTransaction(tx: SourceTransactions): void {
    let n: number;
    if (tx.boundary === "interval") {
      if (this.txnStart === 0) this.txnStart = Date.now();
      const due =
        this.draining ||
        Date.now() - this.txnStart >= tx.intervalMs ||
        this.pending.length >= this.maxBuffered;
      if (!due) return;
      n = this.pending.length;
    } else {
      // every poll() that completed while the previous transaction committed: Kafka's worker does not
      // poll during a commit, so its next poll() returns all of that at once; never part of a poll
      let end = this.pending.length - 1;
      while (end >= 0 && !this.pending[end]?.pollEnd) end--;
      if (end < 0) return;
      n = end + 1;
    }
    const batch = this.pending.slice(0, n);
    this.pending = this.pending.slice(n);
    this.txnStart = 0;
    this.sending = this.sendTransaction(tx, batch)
      .then((meta) => this.onAcked(batch, meta))
      .catch((e) => {
        this.sendError = e;
      })
      .finally(() => {
        this.sending = null;
        this.kickSend();
      });
  }

  private async sendTransaction(
    tx: SourceTransactions,
    batch: readonly Pending[],
  ): Promise<KafkaRecordMetadata[]> {
    // produce requests within the byte limit (a partition's records form one record batch)
    const chunks: TopicMessages[][] = [];
    let chunk = new Map<string, TopicMessages>();
    let bytes = 0;
    const offsets = new Map<string, { partition: SourcePartition; offset: SourceOffset }>();
    for (const p of batch) {
      const { sourcePartition, sourceOffset } = p.record;
      if (sourcePartition && sourceOffset)
        offsets.set(this.keyOf(sourcePartition), { partition: sourcePartition, offset: sourceOffset });
      if (!p.out) continue;
      if (chunk.size > 0 && bytes + p.size > this.maxBatchBytes) {
        chunks.push([...chunk.values()]);
        chunk = new Map();
        bytes = 0;
      }
      let tm = chunk.get(p.out.topic);
      if (!tm) {
        tm = { topic: p.out.topic, messages: [] };
        chunk.set(p.out.topic, tm);
      }
      tm.messages.push(p.out.message);
      bytes += p.size;
    }
    if (chunk.size > 0) chunks.push([...chunk.values()]);
    const topics = new Set(chunks.flatMap((c) => c.map((t) => t.topic)));
    if (topics.size > 0) await this.o.topicCreator?.ensure(topics);
    return tx.commit(chunks, [...offsets.values()], this.abort.signal);
  }

  /** tasks usually reuse one partition object: canonical JSON once per object, not per record */
  private keyOf(partition: SourcePartition): string {
    let key = this.partitionKeys.get(partition);
    if (key === undefined) {
      key = offsetKey(this.o.connector, partition);
      this.partitionKeys.set(partition, key);
    }
    return key;
  }

  private async sendWithRetry(batch: readonly Pending[]): Promise<KafkaRecordMetadata[]> {
    const producer = this.o.producer;
    if (!producer) throw new Error("SourceTaskRunner: a producer is required without transactions");
    const byTopic = new Map<string, TopicMessages>();
    for (const p of batch) {
      if (!p.out) continue;
      let tm = byTopic.get(p.out.topic);
      if (!tm) {
        tm = { topic: p.out.topic, messages: [] };
        byTopic.set(p.out.topic, tm);
      }
      tm.messages.push(p.out.message);
    }
    if (byTopic.size === 0) return [];
    await this.o.topicCreator?.ensure(byTopic.keys());
    for (let attempt = 0; ; attempt++) {
      try {
        return await producer.sendBatch({ topicMessages: [...byTopic.values()], acks: -1 });
      } catch (e) {
        // Kafka Connect's producer retries forever (delivery.timeout.ms = MAX); a stopping task gives up
        // after offset.flush.timeout.ms and leaves these records to be re-sent from the committed offset.
        if (!isRetriable(e)) throw e;
        // capped at 1 s, as the Java producer's retry.backoff.max.ms: a broker that is back is used at once
        const wait = backoffMs(attempt, 100, 1000);
        this.log.warn(
          { err: e, attempt, topics: [...byTopic.keys()] },
          `produce failed, retrying in ${wait} ms`,
        );
        if (this.abort.signal.aborted && attempt > 0)
          throw new Error("Task stopped while Kafka was unavailable", { cause: e });
        await sleep(wait);
      }
    }
  }

  private async onAcked(batch: readonly Pending[], meta: KafkaRecordMetadata[]): Promise<void> {
    // kafkajs reports one base offset per topic-partition; per-record offsets are known when a topic's
    // records all went to one partition (the common case for explicit partitions or one-partition topics).
    const single = new Map<string, { partition: number; next: number }>();
    const perTopic = new Map<string, number>();
    for (const m of meta) perTopic.set(m.topicName, (perTopic.get(m.topicName) ?? 0) + 1);
    // as Kafka's source task: a topic is active once a record sent to it was acknowledged
    if (this.o.onTopicUsed) for (const t of perTopic.keys()) this.o.onTopicUsed(t);
    for (const m of meta) {
      if (perTopic.get(m.topicName) === 1)
        single.set(m.topicName, { partition: m.partition, next: Number(m.baseOffset) });
    }
    let written = 0;
    const commitRecord = this.o.task.commitRecord?.bind(this.o.task);
    for (const p of batch) {
      const { sourcePartition, sourceOffset } = p.record;
      // exactly-once: the offsets were committed in the transaction itself
      if (sourcePartition && sourceOffset && !this.o.transactions) {
        this.committable.set(this.keyOf(sourcePartition), {
          partition: sourcePartition,
          offset: sourceOffset,
        });
        this.dirty = true;
      }
      if (p.out) written++;
      if (commitRecord) {
        let md: RecordMetadata | null = null;
        if (p.out) {
          const s = single.get(p.out.topic);
          md = s
            ? { topic: p.out.topic, partition: s.partition, offset: s.next++ }
            : { topic: p.out.topic, partition: -1, offset: -1 };
        }
        await commitRecord(p.record, md);
      }
    }
    this.acked += batch.length;
    this.metrics.sourceWritten(written, batch.length);
    if (this.o.transactions) await this.o.task.commit?.();
  }

  /** Waits for what is buffered and in flight, up to offset.flush.timeout.ms. */
  private async drain(): Promise<void> {
    const deadline = Date.now() + this.o.offsetFlushTimeoutMs;
    this.draining = true;
    this.kickSend();
    while ((this.sending || this.pending.length > 0) && Date.now() < deadline) {
      if (this.sendError) throw this.sendError;
      const current = this.sending;
      if (!current) {
        this.kickSend();
        if (!this.sending) break;
        continue;
      }
      await Promise.race([current, sleep(Math.max(0, deadline - Date.now()))]);
    }
    if (this.sendError) throw this.sendError;
    if (this.sending || this.pending.length > 0) {
      this.log.warn(
        { unsent: this.pending.length },
        "stopping with records not acknowledged; they will be re-sent on restart",
      );
    }
  }

  /**
   * The periodic commit runs beside polling, one at a time (Kafka Connect's offset committer does the same on
   * its own thread): a slow offsets topic, a broker away for a while, must not stop the task from polling.
   */
  private maybeFlush(): void {
    if (this.o.transactions || !this.dirty || this.flushing) return;
    if (Date.now() - this.lastFlush < this.o.offsetFlushIntervalMs) return;
    this.flushing = this.flushOffsets()
      .catch((e: unknown) => {
        // as Kafka Connect: a failed commit is logged and retried at the next interval; the task goes on
        this.log.error({ err: e }, "committing offsets failed; retrying at the next interval");
      })
      .finally(() => {
        this.flushing = null;
      });
  }

  /**
   * The last commit, once everything acknowledged is in: a failure is logged, not a task failure (the
   * records since the last commit are re-sent by the next run, which at-least-once allows).
   */
  private async finalFlush(): Promise<void> {
    await this.flushing;
    try {
      await this.flushOffsets();
    } catch (e) {
      this.log.error(
        { err: e },
        "committing the last offsets failed; records since the last commit will be re-sent",
      );
    }
  }

  private async flushOffsets(): Promise<void> {
    this.lastFlush = Date.now();
    if (!this.dirty) return;
    this.dirty = false;
    const entries = [...this.committable.values()];
    this.committable.clear();
    const t0 = Date.now();
    const start = process.hrtime.bigint();
    try {
      const { offsets } = this.o;
      const written = offsets.write
        ? offsets.write(this.o.connector, entries)
        : offsets.put(this.o.connector, entries);
      // Kafka Connect's bound on a commit (offset.flush.timeout.ms): a broker that is away must not hold a
      // stop for the offsets log's own 30 s; the write may still land, and the next commit repeats it
      const ms = this.o.offsetFlushTimeoutMs;
      await withTimeout(
        written,
        ms,
        () => new Error(`Committing offsets timed out after ${ms} ms (offset.flush.timeout.ms)`),
      );
    } catch (e) {
      this.metrics.offsetCommit("source", secondsSince(start), false);
      // keep them for the next commit, unless a newer offset of the same partition came in meanwhile
      for (const entry of entries) {
        const key = this.keyOf(entry.partition);
        if (!this.committable.has(key)) this.committable.set(key, entry);
      }
      this.dirty = true;
      throw e;
    }
    this.metrics.offsetCommit("source", secondsSince(start), true);
    this.log.debug({ partitions: entries.length, ms: Date.now() - t0 }, "offsets committed");
    await this.o.task.commit?.();
  }
}

/** `p`, or the error `timeout()` makes after `ms`; a later rejection of `p` is observed, not left unhandled. */
function withTimeout<T>(p: Promise<T>, ms: number, timeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeout()), ms);
  });
  p.catch(() => undefined);
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
