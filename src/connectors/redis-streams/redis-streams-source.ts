/**
 * Redis Streams source: each task is one consumer of a consumer group (XREADGROUP) over the configured
 * streams. An entry is XACKed only after Kafka acknowledged its record (commitRecord), so an entry whose
 * record never reached Kafka stays in the group's pending list and is delivered again:
 *  - by this task after a restart: it first re-reads its own pending entries (XREADGROUP from id 0), since
 *    its consumer name is stable (<prefix>-<task number>);
 *  - by any task of the group, once the entry has been pending longer than redis.claim.min.idle.ms
 *    (XAUTOCLAIM), which covers a consumer that never comes back (tasks.max lowered).
 * At least once: a crash between Kafka's ack and the XACK delivers an entry twice.
 */
import type { Redis } from "ioredis";
import { pino } from "pino";
import type {
  Connector,
  SourceConnectorPlugin,
  SourceTask,
  SourceTaskContext,
  TaskConfig,
} from "../../api/connector.js";
import { type SourcePartition, type SourceRecord, sourceRecord } from "../../api/records.js";
import { SchemaBuilder, Schemas } from "../../api/schema.js";
import { createRedis, redactRedisUrl } from "../../cluster/redis.js";
import { sleep } from "../../sleep.js";
import { FERRY_VERSION } from "../../version.js";
import {
  redisStreamsSourceConfigDef,
  redisStreamsSourceSettings,
  type SourceSettings,
  STREAM_PLACEHOLDER,
  sourceConfigErrors,
  TASK_CONSUMER_CONFIG,
} from "./config.js";

const log = pino({ level: process.env.FERRY_LOG_LEVEL ?? "info", base: { plugin: "RedisStreamsSource" } });

/** an entry's fields: field → value, as Redis keeps them (strings) */
export const ENTRY_SCHEMA = SchemaBuilder.map(Schemas.STRING, Schemas.OPTIONAL_STRING).build();
const RETRY_MS = 1000;

class RedisStreamsSourceConnector implements Connector {
  private props: Record<string, string> = {};
  private settings!: SourceSettings;
  version() {
    return FERRY_VERSION;
  }
  start(config: Record<string, string>) {
    this.settings = redisStreamsSourceSettings(config);
    this.props = { ...config };
  }
  /** Every task reads every stream as its own consumer: the group shares the entries out. */
  taskConfigs(maxTasks: number): TaskConfig[] {
    return Array.from({ length: maxTasks }, (_, i) => ({
      ...this.props,
      [TASK_CONSUMER_CONFIG]: `${this.settings.consumerPrefix}-${i}`,
    }));
  }
  stop() {}
  config() {
    return redisStreamsSourceConfigDef();
  }
  validate(config: Record<string, string>): Record<string, string[]> {
    const { values, errors } = redisStreamsSourceConfigDef().parse(config);
    return Object.keys(errors).length > 0 ? {} : sourceConfigErrors(values);
  }
}

type Entry = [id: string, fields: string[] | null];
type StreamReply = [stream: string, entries: Entry[]][];

interface EntryRef {
  readonly stream: string;
  readonly id: string;
}

export class RedisStreamsSourceTask implements SourceTask {
  private s!: SourceSettings;
  private ctx!: SourceTaskContext;
  /** blocking reads hold their connection: acknowledgements go over a second one */
  private reader!: Redis;
  private acker!: Redis;
  private partitions = new Map<string, SourcePartition>();
  private readonly refs = new WeakMap<SourceRecord, EntryRef>();
  /** acknowledged by Kafka, not yet XACKed */
  private toAck: EntryRef[] = [];
  /** streams whose own pending entries are still being re-read, with the id to continue after */
  private recovering = new Map<string, string>();
  private claimCursor = new Map<string, string>();
  private nextClaimAt = 0;
  /** entries handed to the runtime and not yet acknowledged (for tests and logs) */
  inFlight = 0;

  version() {
    return FERRY_VERSION;
  }

  async start(config: TaskConfig, ctx: SourceTaskContext) {
    this.s = redisStreamsSourceSettings(config);
    this.ctx = ctx;
    const where = redactRedisUrl(this.s.url);
    const logger = log.child({ consumer: this.s.consumer });
    this.reader = createRedis(this.s.url, logger, `stream-source-${this.s.consumer}`);
    this.acker = createRedis(this.s.url, logger, `stream-source-ack-${this.s.consumer}`);
    try {
      await Promise.all([this.reader.connect(), this.acker.connect()]);
    } catch (e) {
      this.reader.disconnect();
      this.acker.disconnect();
      throw new Error(`Redis Streams source: cannot connect to ${where}: ${(e as Error).message}`, {
        cause: e,
      });
    }
    for (const stream of this.s.streams) {
      this.partitions.set(stream, { stream, group: this.s.group });
      this.recovering.set(stream, "0");
      this.claimCursor.set(stream, "0-0");
    }
    await this.ensureGroups();
    // a stop() while a blocking read waits: closing the connection ends the wait at once
    ctx.signal.addEventListener("abort", () => this.reader.disconnect(), { once: true });
  }

  private async ensureGroups(): Promise<void> {
    for (const stream of this.s.streams) {
      try {
        await this.acker.xgroup("CREATE", stream, this.s.group, this.s.startId, "MKSTREAM");
        log.info({ stream, group: this.s.group, start: this.s.startId }, "consumer group created");
      } catch (e) {
        if (!String((e as Error).message).startsWith("BUSYGROUP"))
          throw new Error(
            `Redis Streams source: creating group ${this.s.group} on ${stream} failed: ${(e as Error).message}`,
            {
              cause: e,
            },
          );
      }
    }
  }

  async poll(): Promise<SourceRecord[] | null> {
    await this.flushAcks();
    if (this.ctx.signal.aborted) return null;
    try {
      if (this.recovering.size > 0) return this.readOwnPending();
      if (this.s.claimIdleMs > 0 && Date.now() >= this.nextClaimAt) {
        const claimed = await this.claim();
        if (claimed.length > 0) return claimed;
      }
      const reply = (await this.reader.xreadgroup(
        "GROUP",
        this.s.group,
        this.s.consumer,
        "COUNT",
        this.s.batch,
        "BLOCK",
        this.s.blockMs,
        "STREAMS",
        ...this.s.streams,
        ...this.s.streams.map(() => ">"),
      )) as StreamReply | null;
      return reply ? this.toRecords(reply) : null;
    } catch (e) {
      if (this.ctx.signal.aborted) return null;
      const message = (e as Error).message;
      if (message.startsWith("NOGROUP")) {
        log.warn({ err: e }, "consumer group missing (deleted?); creating it again");
        await this.ensureGroups().catch((err) => log.warn({ err }, "cannot create the consumer group yet"));
      } else {
        log.warn({ err: e }, "reading the streams failed; retrying");
      }
      await sleep(RETRY_MS, this.ctx.signal);
      return null;
    }
  }

  /** This consumer's entries read before a restart and never acknowledged: they come first. */
  private async readOwnPending(): Promise<SourceRecord[] | null> {
    const streams = [...this.recovering.keys()];
    const reply = (await this.reader.xreadgroup(
      "GROUP",
      this.s.group,
      this.s.consumer,
      "COUNT",
      this.s.batch,
      "STREAMS",
      ...streams,
      ...streams.map((s) => this.recovering.get(s) as string),
    )) as StreamReply | null;
    const seen = new Map((reply ?? []).map(([stream, entries]) => [stream, entries]));
    for (const stream of streams) {
      const entries = seen.get(stream) ?? [];
      const last = entries.at(-1);
      if (last) this.recovering.set(stream, last[0]);
      else this.recovering.delete(stream);
    }
    const records = await this.toRecords(reply ?? []);
    if (records.length > 0)
      log.info({ entries: records.length }, "re-delivering entries read before a restart");
    return records.length > 0 ? records : null;
  }

  /** Entries other consumers left pending for longer than redis.claim.min.idle.ms. */
  private async claim(): Promise<SourceRecord[]> {
    const out: SourceRecord[] = [];
    let sweepDone = true;
    for (const stream of this.s.streams) {
      const cursor = this.claimCursor.get(stream) ?? "0-0";
      const [next, entries] = (await this.reader.xautoclaim(
        stream,
        this.s.group,
        this.s.consumer,
        this.s.claimIdleMs,
        cursor,
        "COUNT",
        this.s.batch,
      )) as [string, Entry[], string[]?];
      this.claimCursor.set(stream, next);
      if (next !== "0-0") sweepDone = false;
      if (entries.length > 0) {
        log.warn({ stream, entries: entries.length }, "claimed entries another consumer left unacknowledged");
        out.push(...(await this.toRecords([[stream, entries]])));
      }
    }
    if (sweepDone) this.nextClaimAt = Date.now() + Math.max(1000, Math.floor(this.s.claimIdleMs / 2));
    return out;
  }

  private async toRecords(reply: StreamReply): Promise<SourceRecord[]> {
    const out: SourceRecord[] = [];
    const gone: EntryRef[] = [];
    for (const [stream, entries] of reply) {
      const partition = this.partitions.get(stream) ?? { stream, group: this.s.group };
      const topic = this.s.topic.replaceAll(STREAM_PLACEHOLDER, stream);
      for (const [id, fields] of entries) {
        if (fields === null) {
          // deleted (XDEL or trimmed) after it was read: nothing left to deliver
          gone.push({ stream, id });
          continue;
        }
        const value: Record<string, string | null> = {};
        for (let i = 0; i + 1 < fields.length; i += 2)
          Object.defineProperty(value, fields[i] as string, {
            value: fields[i + 1] ?? null,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        const record = sourceRecord({
          topic,
          valueSchema: ENTRY_SCHEMA,
          value,
          timestamp: Number(id.slice(0, id.indexOf("-"))),
          headers: [
            { key: "redis.stream", schema: Schemas.STRING, value: stream },
            { key: "redis.id", schema: Schemas.STRING, value: id },
          ],
          sourcePartition: partition,
          sourceOffset: { id },
        });
        this.refs.set(record, { stream, id });
        out.push(record);
      }
    }
    if (gone.length > 0) {
      log.warn(
        { entries: gone },
        "pending entries were deleted from their stream before delivery; acknowledging them",
      );
      this.toAck.push(...gone);
    }
    this.inFlight += out.length;
    return out;
  }

  /** Kafka has the record (or a transform dropped it): its entry may leave the pending list. */
  commitRecord(record: SourceRecord): void {
    const ref = this.refs.get(record);
    if (!ref) return;
    this.refs.delete(record);
    this.inFlight--;
    this.toAck.push(ref);
  }

  private async flushAcks(): Promise<void> {
    if (this.toAck.length === 0) return;
    const batch = this.toAck;
    this.toAck = [];
    const byStream = new Map<string, string[]>();
    for (const r of batch) {
      let ids = byStream.get(r.stream);
      if (!ids) byStream.set(r.stream, (ids = []));
      ids.push(r.id);
    }
    try {
      const pipeline = this.acker.pipeline();
      for (const [stream, ids] of byStream) pipeline.xack(stream, this.s.group, ...ids);
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed?.[0]) throw failed[0];
    } catch (e) {
      // XACK is idempotent: keep them all and try again with the next poll (or re-deliver after a restart)
      this.toAck = [...batch, ...this.toAck];
      log.warn({ err: e, entries: batch.length }, "XACK failed; retrying");
    }
  }

  async stop() {
    await this.flushAcks();
    if (this.toAck.length > 0)
      log.warn(
        { entries: this.toAck.length },
        "stopping with entries Kafka has but Redis was not told; they will be delivered again",
      );
    this.reader?.disconnect();
    await this.acker?.quit().catch(() => this.acker.disconnect());
  }
}

export const redisStreamsSourcePlugin: SourceConnectorPlugin = {
  type: "source",
  className: "io.ferry.connect.redis.RedisStreamsSourceConnector",
  aliases: ["RedisStreamsSource", "RedisStreamsSourceConnector"],
  version: FERRY_VERSION,
  createConnector: () => new RedisStreamsSourceConnector(),
  createTask: () => new RedisStreamsSourceTask(),
};
