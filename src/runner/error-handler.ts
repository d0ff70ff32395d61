/**
 * Kafka Connect's error handling for record stages (RetryWithToleranceOperator + reporters): a failing
 * converter or transform is retried while it throws RetriableError (errors.retry.timeout, backoff up to
 * errors.retry.delay.max.ms); then, with errors.tolerance=all, the record is skipped after being reported
 * (log, dead-letter queue); with none, it is reported and the task fails.
 */
import { RetriableError } from "../api/errors.js";
import type { Logger } from "../log/logger.js";
import { type TaskMetrics, taskMetrics } from "../metrics/task-metrics.js";
import { sleep } from "../sleep.js";

export type Stage =
  | "KEY_CONVERTER"
  | "VALUE_CONVERTER"
  | "HEADER_CONVERTER"
  | "TRANSFORMATION"
  | "TASK_PUT"
  | "TASK_POLL";

export interface ErrorContext {
  readonly stage: Stage;
  /** the class (plugin) that failed */
  readonly className: string;
  /** consumed record (sink) or produced record (source), for reporters */
  readonly record: ReportedRecord;
}

export interface ReportedRecord {
  readonly topic: string;
  readonly partition: number | null;
  readonly offset: number | null;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>> | null;
  /** a printable form for errors.log.include.messages */
  readonly describe: () => string;
}

/** Receives every error after retries, before tolerance decides (log, dead-letter queue). */
export interface ErrorReporter {
  report(error: unknown, ctx: ErrorContext): Promise<void>;
}

export interface ErrorHandlingConfig {
  readonly tolerance: "none" | "all";
  /** ms; 0 = no retries, -1 = forever */
  readonly retryTimeoutMs: number;
  readonly retryDelayMaxMs: number;
  readonly logEnable: boolean;
  readonly logIncludeMessages: boolean;
}

export function errorHandlingConfig(config: Readonly<Record<string, string>>): ErrorHandlingConfig {
  const num = (k: string, d: number) => {
    const v = config[k]?.trim();
    return v === undefined || v === "" ? d : Number(v);
  };
  return {
    tolerance: (config["errors.tolerance"]?.trim() ?? "none") === "all" ? "all" : "none",
    retryTimeoutMs: num("errors.retry.timeout", 0),
    retryDelayMaxMs: num("errors.retry.delay.max.ms", 60000),
    logEnable: config["errors.log.enable"]?.trim().toLowerCase() === "true",
    logIncludeMessages: config["errors.log.include.messages"]?.trim().toLowerCase() === "true",
  };
}

/** The task must stop: tolerance none, or errors beyond what tolerance allows. */
export class ToleranceExceededError extends Error {
  override name = "ConnectException";
}

/** Marker returned when a record was skipped under errors.tolerance=all. */
export const SKIPPED: unique symbol = Symbol("skipped");

export class RecordErrorHandler {
  /** records skipped since start (for status and metrics) */
  skipped = 0;
  private readonly logReporter: ErrorReporter | null;

  /** `reporters` is read at each error, so reporters added after construction take part. */
  constructor(
    private readonly cfg: ErrorHandlingConfig,
    private readonly connector: string,
    private readonly taskId: number,
    private readonly log: Logger,
    private readonly reporters: readonly ErrorReporter[] = [],
    private readonly metrics: TaskMetrics = taskMetrics(connector, taskId),
  ) {
    this.logReporter = cfg.logEnable ? this.makeLogReporter() : null;
  }

  /**
   * Called once `op` has thrown `first`: retries it while it throws RetriableError, then reports and applies
   * the tolerance. Returns op's value, or SKIPPED; throws ToleranceExceededError when the task must fail.
   */
  async handle<T>(
    first: unknown,
    ctx: ErrorContext,
    op: () => T,
    signal?: AbortSignal,
  ): Promise<T | typeof SKIPPED> {
    let error = first;
    const deadline =
      this.cfg.retryTimeoutMs < 0 ? Number.POSITIVE_INFINITY : Date.now() + this.cfg.retryTimeoutMs;
    let delay = 300;
    while (error instanceof RetriableError && Date.now() < deadline && !signal?.aborted) {
      await sleep(Math.min(delay, this.cfg.retryDelayMaxMs, deadline - Date.now()), signal);
      delay *= 2;
      try {
        return op();
      } catch (e) {
        error = e;
      }
    }
    this.metrics.recordError();
    await this.logReporter?.report(error, ctx);
    for (const r of this.reporters) await r.report(error, ctx);
    if (this.cfg.tolerance === "all") {
      this.skipped++;
      this.metrics.recordSkipped();
      return SKIPPED;
    }
    throw new ToleranceExceededError(
      `Tolerance exceeded in error handler: ${ctx.stage} failed with ${describe(error)}`,
      {
        cause: error,
      },
    );
  }

  private makeLogReporter(): ErrorReporter {
    return {
      report: async (error, ctx) => {
        const r = ctx.record;
        const where =
          r.offset !== null
            ? `consumed record is {topic='${r.topic}', partition=${r.partition}, offset=${r.offset}}`
            : `record is {topic='${r.topic}'}`;
        this.log.error(
          {
            err: error,
            stage: ctx.stage,
            class: ctx.className,
            ...(this.cfg.logIncludeMessages ? { record: r.describe() } : {}),
          },
          `Error encountered in task ${this.connector}-${this.taskId}. Executing stage '${ctx.stage}' with class '${ctx.className}', where ${where}.`,
        );
      },
    };
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
