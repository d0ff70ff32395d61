/**
 * One Kafka topic read as a log, in the manner of Kafka Connect's KafkaBasedLog: every partition is read from
 * the beginning into a callback and then tailed; `readToEnd()` is the barrier a write waits on; `send()`
 * produces with acks=all and resolves once the broker acknowledged.
 *
 * kafkajs has no manual partition assignment, so the reader is a consumer group of its own: a unique group id
 * per instance, nothing ever committed, `fromBeginning`. A lone member is assigned every partition.
 *
 * Position: for each partition, the offset after the last record this reader has passed. It is taken from
 * the batch's last offset (`batch.lastOffset()` in eachBatch, and the END_BATCH_PROCESS event for batches
 * kafkajs filtered to nothing), never from "the last message delivered": a batch holding only transaction
 * markers or aborted records never reaches eachBatch, and compaction leaves gaps in the offsets.
 *
 * Read to end: take the end offsets with `admin.fetchTopicOffsets` (read-committed: `high` is the last stable
 * offset, which is also where a read-committed consumer stops) and wait until the position reached them on
 * every partition; a partition with no records is done at once.
 *
 * Failures are never swallowed: a callback that threw (or a consumer that crashed for good while starting)
 * fails the log, and every later `readToEnd()` and `send()` rejects with that error. A consumer that crashes
 * later is restarted (by kafkajs, or by a new consumer once kafkajs gives up: a broker outage must not freeze
 * the worker's view); its last error shows in the message of a `readToEnd()` that times out.
 */
import { randomUUID } from "node:crypto";
import { ConnectError, errorMessage } from "../../errors.js";
import { createProducer, isRetriable } from "../../kafka/client.js";
import { evictStaleMemberOnRestart } from "../../kafka/stale-member-eviction.js";
import type {
  EachBatchPayload,
  FetchedMessage,
  KafkaAdmin,
  KafkaClient,
  KafkaConsumer,
  KafkaProducer,
  ProduceMessage,
} from "../../kafka/types.js";
import type { Logger } from "../../log/logger.js";
import { sleep } from "../../sleep.js";

export class KafkaLogError extends ConnectError {
  override name = "KafkaLogError";
  constructor(message: string, options?: ErrorOptions) {
    super(message, 500, options);
  }
}

export interface LogRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  /** null: a tombstone */
  readonly value: Buffer | null;
  /** first value of each header */
  readonly headers: Readonly<Record<string, Buffer>>;
}

export interface LogWrite {
  readonly key: string | Buffer;
  /** null writes a tombstone */
  readonly value: string | Buffer | null;
  readonly headers?: Readonly<Record<string, string | Buffer>>;
}

export interface KafkaLogOptions {
  readonly kafka: KafkaClient;
  readonly topic: string;
  readonly logger: Logger;
  /**
   * Called for every record, in offset order within a partition, before the position passes it. It should
   * log and skip records it cannot use; if it throws, the log fails (see the file comment).
   */
  readonly onRecord: (record: LogRecord) => void;
  /** the consumer group id is `<prefix>-<uuid>`; default "ferry-log-<topic>" */
  readonly groupIdPrefix?: string;
  /** bound on one readToEnd() and one send(); Kafka Connect's READ_WRITE_TOTAL_TIMEOUT_MS, default 30 s */
  readonly timeoutMs?: number;
  /** consumer group session timeout; the broker's minimum (group.min.session.timeout.ms) is 6 s by default */
  readonly sessionTimeoutMs?: number;
  /** how long the broker holds an empty fetch; stop() waits for the fetch in flight. Default 250 ms */
  readonly maxWaitTimeMs?: number;
}

/** What start() spent its time on, for logs and benchmarks. */
export interface StartTimings {
  /** admin, producer and consumer connected */
  readonly connectMs: number;
  /** the consumer group joined (JoinGroup + SyncGroup), as kafkajs measured it */
  readonly joinMs: number;
  /** from start() to the first read-to-end done */
  readonly totalMs: number;
}

interface Waiter {
  readonly targets: ReadonlyMap<number, number>;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface PendingSend {
  readonly records: readonly LogWrite[];
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

type EndOffsets = ReadonlyMap<number, { readonly low: number; readonly high: number }>;

/** A produce request stays well below the broker's default message.max.bytes (1 MiB per record batch). */
const MAX_REQUEST_BYTES = 512 * 1024;

export class KafkaLog {
  readonly topic: string;
  readonly groupId: string;
  private readonly log: Logger;
  private readonly timeoutMs: number;
  private state: "new" | "starting" | "running" | "stopping" | "stopped" = "new";
  private admin: KafkaAdmin | undefined;
  private producer: KafkaProducer | undefined;
  private consumer: KafkaConsumer | undefined;
  /** partition → offset after the last record passed */
  private readonly positions = new Map<number, number>();
  private readonly waiters = new Set<Waiter>();
  private failure: KafkaLogError | undefined;
  private lastCrash: Error | undefined;
  private joinMs = 0;
  private timings: StartTimings | undefined;
  private readonly queue: PendingSend[] = [];
  /** set and cleared synchronously with the queue check, so that no write is left behind in the queue */
  private pumping = false;
  private drained: Promise<void> = Promise.resolve();
  private stopped: Promise<void> | undefined;
  private endsInFlight: Promise<EndOffsets> | undefined;
  private endsNext: Promise<EndOffsets> | undefined;

  constructor(private readonly o: KafkaLogOptions) {
    this.topic = o.topic;
    this.groupId = `${o.groupIdPrefix ?? `ferry-log-${o.topic}`}-${randomUUID()}`;
    this.log = o.logger.child({ component: "kafka-log", topic: o.topic });
    this.timeoutMs = o.timeoutMs ?? 30_000;
  }

  /** Connects, joins the reader's own group and reads the topic to its end. */
  async start(): Promise<void> {
    if (this.state !== "new") throw new KafkaLogError(`The log of topic ${this.topic} was already started`);
    this.state = "starting";
    const t0 = performance.now();
    let connectMs = 0;
    try {
      const { kafka } = this.o;
      this.admin = kafka.admin();
      this.producer = createProducer(kafka, {
        // one request in flight, as the writes of one store must land in the order they were made
        maxInFlightRequests: 1,
        idempotent: false,
        allowAutoTopicCreation: false,
      });
      this.consumer = this.newConsumer();
      await Promise.all([this.admin.connect(), this.producer.connect(), this.consumer.connect()]);
      connectMs = performance.now() - t0;
      await this.runConsumer(this.consumer);
      await this.readToEnd();
    } catch (e) {
      this.state = "stopping";
      await this.disconnectAll().catch((de: unknown) =>
        this.log.warn({ err: de }, "disconnecting after a failed start also failed"),
      );
      this.state = "stopped";
      throw new KafkaLogError(`Cannot start reading topic ${this.topic}: ${errorMessage(e)}`, { cause: e });
    }
    this.state = "running";
    this.timings = { connectMs, joinMs: this.joinMs, totalMs: performance.now() - t0 };
    this.log.info({ groupId: this.groupId, ...this.timings }, "read the topic to its end");
  }

  private newConsumer(): KafkaConsumer {
    const sessionTimeout = this.o.sessionTimeoutMs ?? 10_000;
    const consumer = this.o.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout,
      rebalanceTimeout: sessionTimeout,
      heartbeatInterval: Math.max(100, Math.min(1_000, Math.floor(sessionTimeout / 3))),
      maxWaitTimeInMs: this.o.maxWaitTimeMs ?? 250,
      allowAutoTopicCreation: false,
    });
    this.listen(consumer);
    evictStaleMemberOnRestart({
      kafka: this.o.kafka,
      consumer,
      groupId: this.groupId,
      logger: this.log,
      timeoutMs: 2 * sessionTimeout,
    });
    return consumer;
  }

  private async runConsumer(consumer: KafkaConsumer): Promise<void> {
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: async (payload) => this.onBatch(payload),
    });
  }

  /**
   * kafkajs stops restarting a consumer whose retries ran out (a broker away longer than its retry budget):
   * a running log makes a new one, again and again with a backoff until it runs, so a broker outage does not
   * leave the worker with a frozen view. Positions are kept: the new consumer reads from the beginning and
   * what was passed already is skipped.
   */
  private async recreateConsumer(cause: Error): Promise<void> {
    if (this.recreating) return;
    this.recreating = true;
    this.lastCrash = cause;
    this.log.warn({ err: cause }, "the reader consumer stopped for good; making a new one");
    try {
      for (let attempt = 0; this.state === "running" && !this.failure; attempt++) {
        const old = this.consumer;
        await old?.disconnect().catch(() => undefined);
        const consumer = this.newConsumer();
        this.consumer = consumer;
        try {
          await consumer.connect();
          await this.runConsumer(consumer);
          this.log.info({ attempt }, "the new reader consumer runs");
          return;
        } catch (e) {
          this.lastCrash = e as Error;
          // at most 2 s apart: a broker that is back is read again soon
          await sleep(Math.min(250 * 2 ** attempt, 2_000));
        }
      }
    } finally {
      this.recreating = false;
    }
  }

  private recreating = false;

  /** Timings of start(), once it completed. */
  startTimings(): StartTimings | undefined {
    return this.timings;
  }

  /**
   * Resolves once every record written to the topic before this call (and committed, for transactional
   * writers) has been passed to the callback.
   */
  async readToEnd(timeoutMs = this.timeoutMs): Promise<void> {
    this.checkUsable();
    let ends: EndOffsets;
    try {
      ends = await this.endOffsets();
    } catch (e) {
      throw new KafkaLogError(`Cannot read the end offsets of topic ${this.topic}: ${errorMessage(e)}`, {
        cause: e,
      });
    }
    this.checkUsable();
    const targets = new Map<number, number>();
    for (const [partition, { low, high }] of ends) {
      if (high > low && this.position(partition) < high) targets.set(partition, high);
    }
    if (targets.size === 0) return;
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        targets,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(this.timeoutError(targets, timeoutMs));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Produces one record (acks=all); resolves once the broker acknowledged it. */
  send(key: string | Buffer, value: string | Buffer | null, headers?: LogWrite["headers"]): Promise<void> {
    return this.sendAll([{ key, value, headers }]);
  }

  /**
   * Produces records in order (acks=all); resolves once the broker acknowledged all of them. Writes made
   * while an earlier one is in flight go together in the next request, so the order of calls is the order
   * in the log.
   */
  sendAll(records: readonly LogWrite[]): Promise<void> {
    try {
      this.checkUsable();
    } catch (e) {
      return Promise.reject(e);
    }
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      if (!this.pumping) {
        this.pumping = true;
        this.drained = this.pump();
      }
    });
  }

  /** Waits for writes in flight, leaves the group and disconnects. Later calls share the first one's work. */
  stop(): Promise<void> {
    if (this.state === "new") this.state = "stopped";
    if (this.state === "stopped") return this.stopped ?? Promise.resolve();
    this.stopped ??= this.doStop();
    return this.stopped;
  }

  private async doStop(): Promise<void> {
    this.state = "stopping";
    await this.drained;
    const stopped = new KafkaLogError(`The log of topic ${this.topic} was stopped`);
    for (const w of [...this.waiters]) this.settle(w, stopped);
    try {
      await this.disconnectAll();
    } finally {
      this.state = "stopped";
    }
    this.log.debug({ groupId: this.groupId }, "stopped");
  }

  private listen(consumer: KafkaConsumer): void {
    const { END_BATCH_PROCESS, CRASH, GROUP_JOIN } = consumer.events;
    // batches that kafkajs filtered to nothing (transaction markers, aborted records) only show up here
    consumer.on(END_BATCH_PROCESS, (e) => {
      if (e.payload.topic !== this.topic || this.failure) return;
      this.advance(e.payload.partition, Number(e.payload.lastOffset) + 1);
    });
    consumer.on(GROUP_JOIN, (e) => {
      this.joinMs = e.payload.duration;
      this.log.debug({ groupId: this.groupId, durationMs: e.payload.duration }, "joined the reader group");
    });
    consumer.on(CRASH, (e) => {
      const { error, restart } = e.payload;
      if (this.state === "stopping" || this.state === "stopped") return;
      if (restart) {
        this.lastCrash = error;
        this.log.warn({ err: error }, "the consumer crashed; kafkajs restarts it");
      } else if (this.state === "running" && consumer === this.consumer) {
        void this.recreateConsumer(error);
      } else {
        this.fail(
          new KafkaLogError(`The consumer of topic ${this.topic} stopped: ${error.message}`, {
            cause: error,
          }),
        );
      }
    });
  }

  private onBatch({ batch }: EachBatchPayload): void {
    if (this.failure) return;
    const { partition } = batch;
    let position = this.position(partition);
    for (const m of batch.messages) {
      const offset = Number(m.offset);
      // after a rebalance or a restarted consumer, kafkajs reads from the beginning again
      if (offset < position) continue;
      try {
        this.o.onRecord(toRecord(partition, m));
      } catch (e) {
        this.fail(
          new KafkaLogError(
            `Applying the record at offset ${m.offset} of ${this.topic}-${partition} failed: ${errorMessage(e)}`,
            { cause: e },
          ),
        );
        this.consumer?.pause([{ topic: this.topic }]);
        return;
      }
      position = offset + 1;
      // waiters see the state as of each record, never half of one
      this.advance(partition, position);
    }
    this.advance(partition, Number(batch.lastOffset()) + 1);
  }

  private position(partition: number): number {
    return this.positions.get(partition) ?? 0;
  }

  private advance(partition: number, next: number): void {
    if (!(next > this.position(partition))) return;
    this.positions.set(partition, next);
    for (const w of [...this.waiters]) {
      if ([...w.targets].every(([p, end]) => this.position(p) >= end)) this.settle(w);
    }
  }

  private settle(w: Waiter, error?: Error): void {
    if (!this.waiters.delete(w)) return;
    clearTimeout(w.timer);
    if (error) w.reject(error);
    else w.resolve();
  }

  private fail(error: KafkaLogError): void {
    if (this.failure) return;
    this.failure = error;
    this.log.error({ err: error }, "the log failed");
    for (const w of [...this.waiters]) this.settle(w, error);
  }

  private checkUsable(): void {
    if (this.failure) throw this.failure;
    if (this.state === "new") throw new KafkaLogError(`The log of topic ${this.topic} was not started`);
    if (this.state === "stopping" || this.state === "stopped")
      throw new KafkaLogError(`The log of topic ${this.topic} was stopped`);
  }

  private timeoutError(targets: ReadonlyMap<number, number>, timeoutMs: number): KafkaLogError {
    const behind = [...targets]
      .filter(([p, end]) => this.position(p) < end)
      .map(([p, end]) => `partition ${p} at ${this.position(p)} of ${end}`);
    const crash = this.lastCrash ? `; last consumer error: ${this.lastCrash.message}` : "";
    return new KafkaLogError(
      `Timed out after ${timeoutMs} ms reading topic ${this.topic} to its end (${behind.join(", ")})${crash}`,
      this.lastCrash ? { cause: this.lastCrash } : undefined,
    );
  }

  /**
   * End offsets, shared by concurrent callers: a caller waits for a fetch that started after its call, so
   * callers that arrive while one is in flight share the next one.
   */
  private endOffsets(): Promise<EndOffsets> {
    if (!this.endsInFlight) {
      const admin = this.admin;
      if (!admin) return Promise.reject(new KafkaLogError("not connected"));
      this.endsInFlight = this.fetchEndOffsets(admin).finally(() => {
        this.endsInFlight = undefined;
      });
      return this.endsInFlight;
    }
    this.endsNext ??= this.endsInFlight
      .catch(() => undefined)
      .then(() => {
        this.endsNext = undefined;
        return this.endOffsets();
      });
    return this.endsNext;
  }

  /**
   * kafkajs's fetchTopicOffsets gives up at once on NOT_LEADER_FOR_PARTITION, which a broker answers while a
   * leader moves and, for a moment, for a topic just created; such errors are retried here until the timeout.
   */
  private async fetchEndOffsets(admin: KafkaAdmin): Promise<EndOffsets> {
    const deadline = Date.now() + this.timeoutMs;
    for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
      try {
        const rows = await admin.fetchTopicOffsets(this.topic);
        return new Map(rows.map((r) => [r.partition, { low: Number(r.low), high: Number(r.high) }] as const));
      } catch (e) {
        if (!isRetriable(e) || Date.now() + delay > deadline) throw e;
        this.log.debug({ err: e }, "retrying the end offsets");
        await sleep(delay);
      }
    }
  }

  /**
   * Sends what is queued, round after round. `pumping` is cleared in the same tick as the check that found
   * the queue empty (no await in between), and nothing in a round can throw past its catch.
   */
  private async pump(): Promise<void> {
    const producer = this.producer;
    while (this.queue.length > 0) {
      const round = this.queue.splice(0);
      const messages: ProduceMessage[] = [];
      // index of each pending write's last message
      const lastIndex = round.map((p) => {
        for (const r of p.records) messages.push(toMessage(r));
        return messages.length - 1;
      });
      let acked = 0;
      try {
        if (!producer) throw new KafkaLogError("not connected");
        for (const chunk of chunks(messages)) {
          await producer.send({ topic: this.topic, acks: -1, timeout: this.timeoutMs, messages: chunk });
          acked += chunk.length;
        }
        for (const p of round) p.resolve();
      } catch (e) {
        const error = new KafkaLogError(`Writing to topic ${this.topic} failed: ${errorMessage(e)}`, {
          cause: e,
        });
        round.forEach((p, i) => {
          if ((lastIndex[i] ?? 0) < acked) p.resolve();
          else p.reject(error);
        });
      }
    }
    this.pumping = false;
  }

  private async disconnectAll(): Promise<void> {
    const results = await Promise.allSettled([
      this.consumer?.disconnect(),
      this.producer?.disconnect(),
      this.admin?.disconnect(),
    ]);
    const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    if (errors.length > 0) {
      throw new KafkaLogError(
        `Disconnecting from topic ${this.topic} failed: ${errors.map(errorMessage).join("; ")}`,
        { cause: errors[0] },
      );
    }
  }
}

function toRecord(partition: number, m: FetchedMessage): LogRecord {
  const headers: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) headers[k] = Buffer.isBuffer(first) ? first : Buffer.from(first);
  }
  return { partition, offset: m.offset, key: m.key, value: m.value, headers };
}

function toMessage(w: LogWrite): ProduceMessage {
  return w.headers
    ? { key: w.key, value: w.value, headers: { ...w.headers } }
    : { key: w.key, value: w.value };
}

function size(m: ProduceMessage): number {
  const len = (v: string | Buffer | null | undefined) =>
    v == null ? 0 : typeof v === "string" ? Buffer.byteLength(v) : v.length;
  let n = len(m.key) + len(m.value) + 64;
  for (const [k, v] of Object.entries(m.headers ?? {})) n += Buffer.byteLength(k) + len(v as string | Buffer);
  return n;
}

/** Splits messages into requests of at most MAX_REQUEST_BYTES (a larger single message goes alone). */
function* chunks(messages: ProduceMessage[]): Generator<ProduceMessage[]> {
  let current: ProduceMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    const s = size(m);
    if (current.length > 0 && bytes + s > MAX_REQUEST_BYTES) {
      yield current;
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += s;
  }
  if (current.length > 0) yield current;
}
