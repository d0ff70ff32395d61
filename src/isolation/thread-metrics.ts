/**
 * Task metrics across the thread boundary: a task thread records its tasks' metric calls and sends them in
 * one message now and then; the control thread replays them on the worker's registry, which /metrics serves.
 * Calls are per batch, not per record, so the volume stays small.
 */
import type { TaskMetrics, TaskMetricsSource } from "../metrics/task-metrics.js";
import type { MetricCall } from "./protocol.js";

const METHODS = [
  "sourcePolled",
  "sourceWritten",
  "sinkRead",
  "sinkPut",
  "recordError",
  "recordSkipped",
  "deadLettered",
  "offsetCommit",
] as const satisfies readonly (keyof TaskMetrics)[];

/** Task thread: collects metric calls until `drain()` takes them. */
export class RecordedMetrics implements TaskMetricsSource {
  private calls: MetricCall[] = [];

  task(connector: string, task: number): TaskMetrics {
    const record =
      (method: string) =>
      (...args: (string | number | boolean)[]) => {
        this.calls.push({ connector, task, method, args });
      };
    return Object.fromEntries(METHODS.map((m) => [m, record(m)])) as unknown as TaskMetrics;
  }

  drain(): MetricCall[] {
    const out = this.calls;
    this.calls = [];
    return out;
  }
}

/** Control thread: replays a thread's calls on the worker's metrics. */
export function replayMetrics(calls: readonly MetricCall[], into: TaskMetricsSource): void {
  for (const c of calls) {
    if (!(METHODS as readonly string[]).includes(c.method)) continue;
    const m = into.task(c.connector, c.task) as unknown as Record<string, (...a: unknown[]) => void>;
    m[c.method]?.(...c.args);
  }
}
