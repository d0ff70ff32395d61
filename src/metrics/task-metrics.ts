/**
 * What the source and sink loops, the error handler and the dead-letter queue report, per task. Every call
 * is per batch (or per failed record, which is off the hot path), and costs a counter increment.
 *
 * The runners take a TaskMetrics in their options. Until every place that builds them passes one, they fall
 * back to `taskMetrics(connector, task)`: the metrics of the worker this process runs (installed by the
 * CLI), or no-ops when none is installed (unit tests, embedded use).
 */
export interface TaskMetrics {
  /** a source poll() returned `n` records */
  sourcePolled(n: number): void;
  /** a produce request of `batch` records was acknowledged; `n` of them were written (the rest dropped) */
  sourceWritten(n: number, batch: number): void;
  /** a consumed batch of `n` records reached the sink loop */
  sinkRead(n: number): void;
  /** `n` records were handed to put() */
  sinkPut(n: number): void;
  /** a record failed after retries (reported to the log and dead-letter queue) */
  recordError(): void;
  /** a failed record was skipped (errors.tolerance=all) */
  recordSkipped(): void;
  /** a record was written to the dead-letter queue */
  deadLettered(): void;
  /** an offset commit took `seconds`; `ok` false when it threw */
  offsetCommit(type: "source" | "sink", seconds: number, ok: boolean): void;
}

const noop = () => {};

export const NOOP_TASK_METRICS: TaskMetrics = {
  sourcePolled: noop,
  sourceWritten: noop,
  sinkRead: noop,
  sinkPut: noop,
  recordError: noop,
  recordSkipped: noop,
  deadLettered: noop,
  offsetCommit: noop,
};

/** Something that hands out per-task metrics (WorkerMetrics). */
export interface TaskMetricsSource {
  task(connector: string, task: number): TaskMetrics;
}

let installed: TaskMetricsSource | null = null;

/** Makes `source` the metrics of this process's worker (the CLI calls it once); null removes it. */
export function installProcessMetrics(source: TaskMetricsSource | null): void {
  installed = source;
}

/** The task's metrics from the installed worker metrics, or no-ops. */
export function taskMetrics(connector: string, task: number): TaskMetrics {
  return installed ? installed.task(connector, task) : NOOP_TASK_METRICS;
}

/** Seconds since a process.hrtime.bigint() reading. */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
