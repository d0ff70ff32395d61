/**
 * HTTP sink: POSTs record values as JSON arrays of up to http.batch.size to http.url. put() returns only
 * when every batch was accepted (2xx), so the consumer offsets the runtime commits after flush() cover only
 * delivered records.
 *
 * - 5xx, 408, 429, network errors and timeouts are retried inside put() with exponential backoff, for up to
 *   http.retry.max.ms in all; then put() throws a RetriableError and the task fails (its records are
 *   delivered again after a restart).
 * - Any other 4xx: with errors.tolerance=none (the default) the task fails. With errors.tolerance=all the
 *   batch is split and sent again record by record, and the records the server still refuses are logged and
 *   skipped. The runtime's dead-letter queue covers converter and transform failures only; what put()
 *   refuses is this connector's to handle.
 */
import { z } from "zod";
import { ConfigDef } from "../../api/config-def.js";
import type {
  Connector,
  SinkConnectorPlugin,
  SinkTask,
  SinkTaskContext,
  TaskConfig,
} from "../../api/connector.js";
import { RetriableError } from "../../api/errors.js";
import type { SinkRecord } from "../../api/records.js";
import { Struct } from "../../api/schema.js";
import { sleep } from "../../sleep.js";
import { FERRY_VERSION } from "../../version.js";

export const URL_CONFIG = "http.url";
export const BATCH_SIZE_CONFIG = "http.batch.size";
export const HEADERS_CONFIG = "http.headers";
export const TIMEOUT_CONFIG = "http.timeout.ms";
export const BACKOFF_CONFIG = "http.retry.backoff.ms";
export const RETRY_MAX_CONFIG = "http.retry.max.ms";

export function httpSinkConfigDef(): ConfigDef {
  return new ConfigDef()
    .define({
      name: URL_CONFIG,
      type: "STRING",
      importance: "HIGH",
      documentation: "The URL that receives the POSTs.",
      check: z.url({ protocol: /^https?$/, error: "Value must be an http or https URL" }),
    })
    .define({
      name: BATCH_SIZE_CONFIG,
      type: "INT",
      default: 100,
      importance: "MEDIUM",
      documentation: "The most records in one request (a JSON array of their values).",
      check: z.number().int().min(1, "Value must be at least 1"),
    })
    .define({
      name: HEADERS_CONFIG,
      type: "LIST",
      default: [],
      importance: "MEDIUM",
      documentation: "Extra request headers as `name:value` items, e.g. `Authorization:Bearer x,X-Env:prod`.",
      check: z.array(z.string().regex(/^[^:]+:.*$/, "Each header must be name:value")),
    })
    .define({
      name: TIMEOUT_CONFIG,
      type: "INT",
      default: 30_000,
      importance: "LOW",
      documentation: "How long one request may take before it counts as failed (and is retried).",
      check: z.number().int().min(1, "Value must be at least 1"),
    })
    .define({
      name: BACKOFF_CONFIG,
      type: "INT",
      default: 100,
      importance: "LOW",
      documentation: "The first wait before a retry; each next wait doubles, up to 10 s.",
      check: z.number().int().min(0, "Value must be at least 0"),
    })
    .define({
      name: RETRY_MAX_CONFIG,
      type: "LONG",
      default: 60_000,
      importance: "MEDIUM",
      documentation: "How long one batch is retried in all before the task fails.",
      check: z.number().int().min(0, "Value must be at least 0"),
    });
}

class HttpSinkConnector implements Connector {
  private props: Record<string, string> = {};
  version() {
    return FERRY_VERSION;
  }
  start(config: Record<string, string>) {
    httpSinkConfigDef().parseOrThrow(config);
    this.props = { ...config };
  }
  taskConfigs(maxTasks: number): TaskConfig[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }
  stop() {}
  config() {
    return httpSinkConfigDef();
  }
}

/** A record value as JSON: Structs as objects, bytes as UTF-8 text, 64-bit integers as numbers. */
export function valueAsJson(value: unknown): unknown {
  if (value instanceof Struct) return value.toJSON();
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  return value === undefined ? null : value;
}

function serialize(records: readonly SinkRecord[]): string {
  return JSON.stringify(
    records.map((r) => valueAsJson(r.value)),
    (_k, v) => (typeof v === "bigint" ? Number(v) : Buffer.isBuffer(v) ? v.toString("utf8") : v),
  );
}

/** A 4xx the server will answer again: not retried. */
export class HttpRejectedError extends Error {
  override name = "HttpRejectedError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function retriableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

export class HttpSinkTask implements SinkTask {
  private url = "";
  private batchSize = 100;
  private headers: Record<string, string> = {};
  private timeoutMs = 30_000;
  private backoffMs = 100;
  private retryMaxMs = 60_000;
  private tolerateAll = false;
  private ctx!: SinkTaskContext;
  /** requests sent, and records skipped after a 4xx under errors.tolerance=all (for tests and logs) */
  readonly stats = { requests: 0, retries: 0, skipped: 0 };

  version() {
    return FERRY_VERSION;
  }

  start(config: TaskConfig, ctx: SinkTaskContext) {
    const v = httpSinkConfigDef().parseOrThrow(config);
    this.ctx = ctx;
    this.url = v[URL_CONFIG] as string;
    this.batchSize = v[BATCH_SIZE_CONFIG] as number;
    this.timeoutMs = v[TIMEOUT_CONFIG] as number;
    this.backoffMs = v[BACKOFF_CONFIG] as number;
    this.retryMaxMs = v[RETRY_MAX_CONFIG] as number;
    this.headers = { "content-type": "application/json" };
    for (const h of v[HEADERS_CONFIG] as string[]) {
      const i = h.indexOf(":");
      this.headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
    }
    this.tolerateAll = (config["errors.tolerance"] ?? "none").trim().toLowerCase() === "all";
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += this.batchSize) {
      const batch = records.slice(i, i + this.batchSize);
      try {
        await this.sendWithRetry(batch);
      } catch (e) {
        if (!(e instanceof HttpRejectedError) || !this.tolerateAll) throw e;
        await this.sendOneByOne(batch);
      }
    }
  }

  /** errors.tolerance=all after a 4xx: find the records the server refuses, skip and log them. */
  private async sendOneByOne(batch: readonly SinkRecord[]): Promise<void> {
    for (const r of batch) {
      try {
        await this.sendWithRetry([r]);
      } catch (e) {
        if (!(e instanceof HttpRejectedError)) throw e;
        this.stats.skipped++;
        console.warn(
          JSON.stringify({
            level: "warn",
            msg: "HTTP sink: record refused, skipped (errors.tolerance=all)",
            status: e.status,
            topic: r.topic,
            partition: r.kafkaPartition,
            offset: r.kafkaOffset,
            error: e.message,
          }),
        );
      }
    }
  }

  private async sendWithRetry(batch: readonly SinkRecord[]): Promise<void> {
    const body = serialize(batch);
    const deadline = Date.now() + this.retryMaxMs;
    for (let attempt = 0; ; attempt++) {
      let failure: Error;
      try {
        this.stats.requests++;
        const res = await fetch(this.url, {
          method: "POST",
          headers: this.headers,
          body,
          signal: AbortSignal.any([this.ctx.signal, AbortSignal.timeout(this.timeoutMs)]),
        });
        const text = await res.text().catch(() => "");
        if (res.ok) return;
        const msg = `POST ${this.url} answered ${res.status}: ${text.slice(0, 500)}`;
        if (!retriableStatus(res.status)) throw new HttpRejectedError(res.status, msg);
        failure = new RetriableError(msg);
      } catch (e) {
        if (e instanceof HttpRejectedError) throw e;
        if (this.ctx.signal.aborted) throw new Error("HTTP sink stopped while sending", { cause: e });
        failure = new RetriableError(`POST ${this.url} failed: ${(e as Error).message}`, { cause: e });
      }
      const wait = Math.min(10_000, this.backoffMs * 2 ** attempt);
      if (Date.now() + wait > deadline)
        throw new RetriableError(`giving up after ${attempt + 1} attempts: ${failure.message}`, {
          cause: failure,
        });
      this.stats.retries++;
      await sleep(wait, this.ctx.signal);
      if (this.ctx.signal.aborted) throw new Error("HTTP sink stopped while retrying", { cause: failure });
    }
  }

  flush() {
    // put() returns only after delivery: nothing is buffered
  }

  stop() {}
}

export const httpSinkPlugin: SinkConnectorPlugin = {
  type: "sink",
  className: "io.ferry.connect.http.HttpSinkConnector",
  aliases: ["HttpSink"],
  version: FERRY_VERSION,
  createConnector: () => new HttpSinkConnector(),
  createTask: () => new HttpSinkTask(),
};
