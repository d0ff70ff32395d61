/**
 * Redis Streams sink: each record becomes one XADD entry (in one pipeline per put, in record order) on the
 * stream redis.stream names (by default the record's topic). Struct and map values give one field per
 * entry field; other values one field (redis.value.field); the key goes in redis.key.field. put() returns
 * after Redis answered every XADD, so committed offsets cover only written entries (at least once: a
 * redelivery after a crash adds the entry again).
 */
import type { Redis } from "ioredis";
import { pino } from "pino";
import type {
  Connector,
  SinkConnectorPlugin,
  SinkTask,
  SinkTaskContext,
  TaskConfig,
} from "../../api/connector.js";
import { RetriableError } from "../../api/errors.js";
import type { SinkRecord } from "../../api/records.js";
import { DataError, Struct } from "../../api/schema.js";
import { createRedis, redactRedisUrl } from "../../cluster/redis.js";
import { Decimal } from "../../data/decimal.js";
import { FERRY_VERSION } from "../../version.js";
import {
  redisStreamsSinkConfigDef,
  redisStreamsSinkSettings,
  type SinkSettings,
  TOPIC_PLACEHOLDER,
} from "./config.js";

const log = pino({ level: process.env.FERRY_LOG_LEVEL ?? "info", base: { plugin: "RedisStreamsSink" } });

class RedisStreamsSinkConnector implements Connector {
  private props: Record<string, string> = {};
  version() {
    return FERRY_VERSION;
  }
  start(config: Record<string, string>) {
    redisStreamsSinkSettings(config);
    this.props = { ...config };
  }
  taskConfigs(maxTasks: number): TaskConfig[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }
  stop() {}
  config() {
    return redisStreamsSinkConfigDef();
  }
}

/** A field value as Redis stores it: text, or the bytes themselves. */
function fieldValue(v: unknown): string | Buffer {
  if (v === null || v === undefined) return "";
  if (typeof v === "string" || Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v);
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Decimal) return v.toString();
  return JSON.stringify(v instanceof Struct ? v.toJSON() : v, (_k, x) =>
    typeof x === "bigint" ? x.toString() : x instanceof Decimal ? x.toString() : x,
  );
}

function where(r: SinkRecord): string {
  return `${r.topic}-${r.kafkaPartition}@${r.kafkaOffset}`;
}

/** field, value, field, value, … for XADD */
export function entryFields(r: SinkRecord, s: SinkSettings): (string | Buffer)[] {
  const out: (string | Buffer)[] = [];
  if (s.keyField !== "" && r.key !== null && r.key !== undefined) out.push(s.keyField, fieldValue(r.key));
  const v = r.value;
  if (v instanceof Struct) {
    for (const f of v.schema.fields ?? []) {
      const x = v.get(f.name);
      if (x !== null && x !== undefined) out.push(f.name, fieldValue(x));
    }
  } else if (v instanceof Map) {
    for (const [k, x] of v) if (x !== null && x !== undefined) out.push(String(k), fieldValue(x));
  } else if (
    v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    !Buffer.isBuffer(v) &&
    !(v instanceof Uint8Array) &&
    !(v instanceof Date) &&
    !(v instanceof Decimal)
  ) {
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out.push(k, fieldValue(x));
  } else if (v !== null && v !== undefined) {
    out.push(s.valueField, fieldValue(v));
  }
  if (out.length === 0)
    throw new DataError(
      `record ${where(r)}: no key and no value fields; a stream entry needs at least one field`,
    );
  return out;
}

export class RedisStreamsSinkTask implements SinkTask {
  private s!: SinkSettings;
  private redis!: Redis;

  version() {
    return FERRY_VERSION;
  }

  async start(config: TaskConfig, _ctx: SinkTaskContext) {
    this.s = redisStreamsSinkSettings(config);
    this.redis = createRedis(this.s.url, log, "stream-sink");
    try {
      await this.redis.connect();
    } catch (e) {
      this.redis.disconnect();
      throw new Error(
        `Redis Streams sink: cannot connect to ${redactRedisUrl(this.s.url)}: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    const trim: (string | number)[] =
      this.s.maxlen > 0 ? ["MAXLEN", this.s.maxlenExact ? "=" : "~", this.s.maxlen] : [];
    const pipeline = this.redis.pipeline();
    for (const r of records) {
      const stream = this.s.stream.replaceAll(TOPIC_PLACEHOLDER, r.topic);
      pipeline.xadd(stream, ...trim, "*", ...entryFields(r, this.s));
    }
    let results: [Error | null, unknown][];
    try {
      results = (await pipeline.exec()) ?? [];
    } catch (e) {
      throw new RetriableError(`Redis Streams sink: XADD failed: ${(e as Error).message}`, { cause: e });
    }
    const i = results.findIndex(([err]) => err);
    if (i >= 0) {
      const err = results[i]?.[0] as Error;
      const r = records[i] as SinkRecord;
      // WRONGTYPE and the like will fail again; a lost connection will not
      if (/^(WRONGTYPE|ERR)/.test(err.message))
        throw new Error(`Redis Streams sink: XADD of record ${where(r)} refused: ${err.message}`, {
          cause: err,
        });
      throw new RetriableError(`Redis Streams sink: XADD of record ${where(r)} failed: ${err.message}`, {
        cause: err,
      });
    }
  }

  flush() {
    // put() returns after Redis answered: nothing is buffered
  }

  async stop() {
    await this.redis?.quit().catch(() => this.redis.disconnect());
  }
}

export const redisStreamsSinkPlugin: SinkConnectorPlugin = {
  type: "sink",
  className: "io.ferry.connect.redis.RedisStreamsSinkConnector",
  aliases: ["RedisStreamsSink", "RedisStreamsSinkConnector"],
  version: FERRY_VERSION,
  createConnector: () => new RedisStreamsSinkConnector(),
  createTask: () => new RedisStreamsSinkTask(),
};
