/**
 * Runs one sink task: consume (group connect-<name>) → converters → transforms → put; every
 * offset.flush.interval.ms, and on stop: flush() then commit the consumer offsets. Offsets are committed
 * only for records put() and flush() accepted, so a crash re-delivers, never skips.
 */
import type { SinkTask, SinkTaskContext, TaskConfig } from "../api/connector.js";
import { RetriableError } from "../api/errors.js";
import type { SinkRecord, TopicPartition } from "../api/records.js";
import { ConnectError } from "../errors.js";
import { isRebalance } from "../kafka/errors.js";
import type { EachBatchPayload, KafkaConsumer } from "../kafka/types.js";
import type { Logger } from "../log/logger.js";
import { secondsSince, type TaskMetrics, taskMetrics } from "../metrics/task-metrics.js";
import { sleep } from "../sleep.js";
import { TransformStageError } from "../transforms/chain.js";
import { backoffMs } from "./backoff.js";
import { type ErrorContext, type RecordErrorHandler, SKIPPED } from "./error-handler.js";
import {
  ConverterStageError,
  type Converters,
  type IncomingMessage,
  type TransformChain,
  toSinkRecord,
} from "./record-pipeline.js";
import type { StatusListener } from "./unit-status.js";

export interface SinkTaskRunnerOptions {
  readonly connector: string;
  readonly taskId: number;
  readonly task: SinkTask;
  readonly config: TaskConfig;
  readonly consumer: KafkaConsumer;
  readonly topics: readonly string[] | RegExp;
  readonly chain: TransformChain;
  readonly converters: Converters;
  readonly offsetFlushIntervalMs: number;
  readonly status: StatusListener;
  readonly logger: Logger;
  readonly errors: RecordErrorHandler;
  /** counters per batch; defaults to the process's worker metrics (see metrics/task-metrics.ts) */
  readonly metrics?: TaskMetrics;
  /** distributed: false once this worker may no longer write for the task (its lease is not surely held) */
  readonly mayWrite?: () => boolean;
  /** KIP-558 active topic tracking: a topic the task wrote to (acknowledged) or read from */
  readonly onTopicUsed?: (topic: string) => void;
}

/** put() skipped because this worker's lease on the task may have expired; the task stops, it did not fail. */
export class LeaseNotHeldError extends Error {
  constructor() {
    super("the lease on this task is no longer surely held");
    this.name = "LeaseNotHeldError";
  }
}

/** Where a sink record failed, for the error reporters (log, dead-letter queue). */
export function sinkErrorContext(
  e: unknown,
  topic: string,
  partition: number,
  m: IncomingMessage,
): ErrorContext {
  const stage = e instanceof ConverterStageError ? e.stage : "TRANSFORMATION";
  const className =
    e instanceof ConverterStageError
      ? e.className
      : e instanceof TransformStageError
        ? e.className
        : "unknown";
  return {
    stage,
    className,
    record: {
      topic,
      partition,
      offset: Number(m.offset),
      key: m.key,
      value: m.value,
      headers: m.headers ?? null,
      describe: () =>
        `ConsumerRecord(topic = ${topic}, partition = ${partition}, offset = ${m.offset}, key = ${m.key?.toString() ?? "null"}, value = ${m.value?.toString() ?? "null"})`,
    },
  };
}

/** a fetched message after conversion; null record: dropped by a transform or skipped by error tolerance */
interface Converted {
  readonly offset: number;
  readonly record: SinkRecord | null;
}

export class SinkTaskRunner {
  private readonly abort = new AbortController();
  /** next offset to read, per partition, for everything handed to put() */
  private readonly consumed = new Map<string, { tp: TopicPartition; offset: number }>();
  private dirty = false;
  private lastCommit = Date.now();
  /** task calls (put, flush) never overlap */
  private serial: Promise<unknown> = Promise.resolve();
  private done: Promise<void> | null = null;
  private failure: unknown = null;
  private commitRequested = false;
  /** topics that delivered records; pause() needs names, and a regex subscription has none up front */
  private readonly topicsSeen = new Set<string>();
  private readonly log: Logger;
  private readonly metrics: TaskMetrics;
  /** the batch handed to deliver() last; the next onBatch waits for it */
  private delivering: Promise<void> = Promise.resolve();
  /** partitions of the current assignment; null until the first */
  private held: ReadonlySet<string> | null = null;
  /** records handed to put() since start */
  delivered = 0;

  constructor(private readonly o: SinkTaskRunnerOptions) {
    this.log = o.logger.child({ connector: o.connector, task: o.taskId });
    this.metrics = o.metrics ?? taskMetrics(o.connector, o.taskId);
  }

  start(): Promise<void> {
    this.done ??= this.run();
    return this.done;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.serial.then(fn);
    this.serial = next.catch(() => undefined);
    return next;
  }

  private async run(): Promise<void> {
    const { task, consumer, status } = this.o;
    const ctx: SinkTaskContext = {
      signal: this.abort.signal,
      requestCommit: () => {
        this.commitRequested = true;
      },
    };
    let failed = false;
    try {
      await task.start(this.o.config, ctx);
      await consumer.connect();
      const topics = this.o.topics;
      await consumer.subscribe({
        topics: topics instanceof RegExp ? [topics] : [...topics],
        fromBeginning: true,
      });
      consumer.on(consumer.events.GROUP_JOIN, (e) => this.onAssigned(e.payload.memberAssignment));
      consumer.on(consumer.events.CRASH, (e) => {
        // kafkajs restarts the consumer after a retriable crash; after any other it stays stopped, and a
        // task that kept saying RUNNING would read nothing: fail it (the automatic restart makes a new one)
        if (e.payload.restart || this.abort.signal.aborted) return;
        this.failure ??= new ConnectError(`The task's consumer stopped: ${e.payload.error.message}`, 500, {
          cause: e.payload.error,
        });
      });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.onBatch(payload),
      });
      status.onRunning();
      this.log.info("sink task started");
      while (!this.abort.signal.aborted && !this.failure) {
        await sleep(Math.min(this.o.offsetFlushIntervalMs, 200), this.abort.signal);
        if (this.commitRequested || Date.now() - this.lastCommit >= this.o.offsetFlushIntervalMs) {
          await this.exclusive(() => this.commit());
        }
      }
      if (this.failure) throw this.failure;
      // stop fetching, let the batch in hand finish, then flush and commit what was put
      consumer.pause([...this.topicsSeen].map((topic) => ({ topic })));
      await this.exclusive(() => this.commit());
    } catch (e) {
      failed = true;
      this.log.error({ err: e }, "sink task failed");
      status.onFailure(e);
    } finally {
      this.abort.abort();
      try {
        await consumer.disconnect();
      } catch (e) {
        this.log.warn({ err: e }, "consumer disconnect failed");
      }
      try {
        await task.stop();
      } catch (e) {
        this.log.error({ err: e }, "sink task stop() threw");
      }
      if (!failed) status.onShutdown();
      this.log.info({ delivered: this.delivered }, "sink task stopped");
    }
  }

  /**
   * One fetched batch: converted now, while the previous batch may still be in put(); handed to put() in
   * fetch order behind it; resolved at once, so that kafkajs (which fetches from the resolved offset, and only
   * once this returns) has the next fetch in flight during the put — as Kafka Connect's consumer, which keeps
   * fetching while the task's put() runs. Returns once the previous batch is put: at most one batch waits.
   * What counts for commits is what put() accepted (`consumed`), never what kafkajs resolved.
   */
  private async onBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    if (this.abort.signal.aborted || this.failure || batch.messages.length === 0) return;
    const last = batch.messages[batch.messages.length - 1];
    if (!last) return;
    const tp = { topic: batch.topic, partition: batch.partition };
    // as Kafka's sink task: a topic is active once a record was read from it
    this.o.onTopicUsed?.(batch.topic);
    let converted: Converted[];
    try {
      converted = await this.convert(batch.topic, batch.partition, batch.messages);
    } catch (e) {
      this.failure ??= e;
      this.abort.abort();
      return;
    }
    const previous = this.delivering;
    const end = Number(last.offset) + 1;
    this.delivering = this.exclusive(() =>
      this.deliver(tp, converted, end, batch.messages.length, () => isRunning() && !isStale()),
    ).catch((e: unknown) => {
      // the lease may have lapsed: the task stops (abort is set), it did not fail
      if (e instanceof LeaseNotHeldError) return;
      // kafkajs would retry the batch on its own; a failing put() fails the task instead, as in Kafka Connect
      this.failure ??= e;
      this.abort.abort();
    });
    resolveOffset(last.offset);
    await previous;
    try {
      await heartbeat();
    } catch (e) {
      if (!isRebalance(e)) throw e;
      // the group rebalances (a task joined or left) and this task's partitions may move: commit what was
      // put first, as Kafka Connect does on revocation, then let kafkajs rejoin (it handles this error)
      await this.exclusive(() => this.commit()).catch((ce: unknown) =>
        this.log.warn({ err: ce }, "committing before a rebalance failed"),
      );
      throw e;
    }
  }

  /** Messages → sink records (transforms, converters, error tolerance); null for a record dropped. */
  private async convert(
    topic: string,
    partition: number,
    messages: EachBatchPayload["batch"]["messages"],
  ): Promise<Converted[]> {
    const { chain, converters } = this.o;
    this.metrics.sinkRead(messages.length);
    // a cheap first cut; deliver() decides with the position as of its turn
    const from = this.consumed.get(`${topic}-${partition}`)?.offset ?? -1;
    const out: Converted[] = [];
    for (const m of messages) {
      const offset = Number(m.offset);
      if (offset < from) continue;
      const make = () => chain.apply(toSinkRecord(topic, partition, m, converters));
      let r: SinkRecord | null | typeof SKIPPED;
      try {
        r = make();
      } catch (e) {
        r = await this.o.errors.handle(e, sinkErrorContext(e, topic, partition, m), make, this.abort.signal);
      }
      out.push({ offset, record: r && r !== SKIPPED ? r : null });
    }
    return out;
  }

  /** In fetch order, one at a time (exclusive): put() what this task still holds and has not put yet. */
  private async deliver(
    tp: TopicPartition,
    converted: readonly Converted[],
    end: number,
    fetched: number,
    current: () => boolean,
  ): Promise<void> {
    const key = `${tp.topic}-${tp.partition}`;
    // a rebalance since the fetch: a partition given away is not put() after its close()
    if (this.abort.signal.aborted || !current() || (this.held && !this.held.has(key))) return;
    // after a rebalance kafkajs fetches a partition this task kept from its committed offset again:
    // what was already given to put() is not given twice (Kafka's consumer keeps its position)
    const from = this.consumed.get(key)?.offset ?? -1;
    const records: SinkRecord[] = [];
    for (const c of converted) if (c.offset >= from && c.record) records.push(c.record);
    if (records.length > 0) {
      await this.putWithRetry(records);
      this.metrics.sinkPut(records.length);
    }
    this.topicsSeen.add(tp.topic);
    this.consumed.set(key, { tp, offset: Math.max(from, end) });
    this.dirty = true;
    this.delivered += fetched;
  }

  /**
   * After a rebalance: partitions this task no longer holds are forgotten (their offsets are not committed
   * by this task any more) and close()d, as Kafka Connect does on revocation, so that the task drops what it
   * was given but did not flush: the new holder reads those records again from the committed offset.
   */
  private onAssigned(assignment: Readonly<Record<string, readonly number[]>>): void {
    const held = new Set(Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => `${t}-${p}`)));
    this.held = held;
    const revoked: TopicPartition[] = [];
    for (const [key, { tp }] of this.consumed) {
      if (held.has(key)) continue;
      this.consumed.delete(key);
      revoked.push(tp);
    }
    if (revoked.length === 0 || !this.o.task.close) return;
    this.log.info({ revoked }, "partitions moved to another task");
    const close = this.o.task.close.bind(this.o.task);
    this.exclusive(async () => close(revoked)).catch((e: unknown) => {
      this.failure ??= e;
      this.abort.abort();
    });
  }

  /**
   * put(), retried while it throws RetriableError (Kafka's RetriableException: the same records are
   * delivered again after a backoff); any other error fails the task.
   */
  private async putWithRetry(records: readonly SinkRecord[]): Promise<void> {
    if (this.o.mayWrite && !this.o.mayWrite()) {
      // distributed: the lease is not surely ours any more; the next owner reads from the committed offsets
      this.log.warn("lease no longer valid; stopping before the next put()");
      this.abort.abort();
      throw new LeaseNotHeldError();
    }
    for (let attempt = 0; ; attempt++) {
      try {
        await this.o.task.put(records);
        return;
      } catch (e) {
        if (!(e instanceof RetriableError) || this.abort.signal.aborted) throw e;
        const wait = backoffMs(attempt, 100, 10_000);
        this.log.warn(
          { err: e, attempt, records: records.length },
          `put() asked to retry; retrying in ${wait} ms`,
        );
        await sleep(wait, this.abort.signal);
      }
    }
  }

  /** flush() the task, then commit consumer offsets for what it flushed. */
  private async commit(): Promise<void> {
    this.lastCommit = Date.now();
    this.commitRequested = false;
    if (!this.dirty) return;
    this.dirty = false;
    const snapshot = new Map(this.consumed);
    const start = process.hrtime.bigint();
    try {
      await this.o.task.flush(snapshot);
      await this.o.consumer
        .commitOffsets(
          [...snapshot.values()].map(({ tp, offset }) => ({
            topic: tp.topic,
            partition: tp.partition,
            offset: String(offset),
          })),
        )
        .catch((e: unknown) => {
          // refused while the group rebalances: not a task failure; the next commit tries again
          if (!isRebalance(e)) throw e;
          this.dirty = true;
          this.log.warn({ err: e }, "offset commit refused during a rebalance; retrying later");
        });
    } catch (e) {
      this.metrics.offsetCommit("sink", secondsSince(start), false);
      throw e;
    }
    this.metrics.offsetCommit("sink", secondsSince(start), true);
    this.log.debug({ partitions: snapshot.size }, "sink offsets committed");
  }
}
