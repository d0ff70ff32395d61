/**
 * `ferry chaos`'s result: what a run found (per-task reports, failover times, violations, totals), put
 * together from what the run collected, and the table the command prints.
 */
import {
  type ChaosMode,
  percentiles,
  type TaskReport,
  type Violation,
  violations,
} from "./chaos-analysis.js";
import { FAILOVER_TIMEOUT_MS, type Failover } from "./chaos-bounce.js";
import { NOT_RESUMED } from "./chaos-logs.js";

export interface ChaosResult {
  readonly group: string;
  readonly dir: string;
  readonly mode: ChaosMode;
  readonly exactlyOnce: boolean;
  readonly rounds: number;
  readonly durationMs: number;
  readonly tasks: TaskReport[];
  readonly failovers: Failover[];
  readonly failoverMs: { p50: number; p95: number; max: number } | null;
  /**
   * with a disruption: its end → every source task had new records acknowledged and the sink flushed
   * them; null when that did not happen within RESUME_TIMEOUT_MS
   */
  readonly resumedMs?: number | null;
  readonly violations: Violation[];
  readonly totals: { acked: number; topic: number; flushed: number; lost: number; duplicated: number };
}

export interface ChaosFindings {
  readonly group: string;
  readonly dir: string;
  readonly mode: ChaosMode;
  readonly exactlyOnce: boolean;
  readonly rounds: number;
  readonly minRecords: number;
  readonly durationMs: number;
  readonly tasks: TaskReport[];
  readonly failovers: Failover[];
  /** undefined without a disruption */
  readonly resumedMs: number | null | undefined;
}

/** The result of a run: the guarantees checked, a failover that timed out or records that never flowed again. */
export function chaosResult(f: ChaosFindings): ChaosResult {
  const found = violations(f.tasks, f.mode, f.exactlyOnce, f.minRecords);
  if (f.resumedMs === null)
    found.push({
      task: -1,
      message: NOT_RESUMED,
    });
  for (const b of f.failovers)
    if (b.ms === null)
      found.push({
        task: -1,
        message: `round ${b.round}: worker ${b.worker}'s units did not run elsewhere within ${FAILOVER_TIMEOUT_MS} ms`,
      });
  const sum = (pick: (r: TaskReport) => number) => f.tasks.reduce((n, r) => n + pick(r), 0);
  return {
    group: f.group,
    dir: f.dir,
    mode: f.mode,
    exactlyOnce: f.exactlyOnce,
    rounds: f.rounds,
    durationMs: f.durationMs,
    tasks: f.tasks,
    failovers: f.failovers,
    failoverMs: percentiles(f.failovers.flatMap((b) => (b.ms === null ? [] : [b.ms]))),
    ...(f.resumedMs === undefined ? {} : { resumedMs: f.resumedMs }),
    violations: found,
    totals: {
      acked: sum((r) => r.acked.unique),
      topic: sum((r) => r.topic.count),
      flushed: sum((r) => r.flushed.count),
      lost: sum((r) => r.lostInTopic + r.lostInSink),
      duplicated: sum((r) => r.topic.duplicates),
    },
  };
}

/** A table of the per-task results, the failover times and the violations. */
export function formatChaosResult(r: ChaosResult): string {
  const rows = [
    ["task", "acked", "in topic", "sink flushed", "lost", "dup topic", "dup sink", "gaps acked/topic/sink"],
    ...r.tasks.map((t) => [
      String(t.task),
      String(t.acked.unique),
      String(t.topic.count),
      String(t.flushed.count),
      String(t.lostInTopic + t.lostInSink),
      String(t.topic.duplicates),
      String(t.flushed.duplicates),
      `${t.acked.gaps}/${t.topic.gaps}/${t.flushed.gaps}`,
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length))) ?? [];
  const lines = rows.map((row) => row.map((c, i) => c.padStart(widths[i] ?? 0)).join("  "));
  const f = r.failoverMs;
  lines.push(
    "",
    `mode ${r.mode}${r.exactlyOnce ? " + exactly-once" : ""}, ${r.rounds} rounds, ${r.failovers.length} bounces in ${(r.durationMs / 1000).toFixed(0)} s`,
    f
      ? `failover (signal → units running elsewhere): p50 ${f.p50} ms, p95 ${f.p95} ms, max ${f.max} ms`
      : "failover: no bounces",
    ...(r.resumedMs === undefined
      ? []
      : [
          r.resumedMs === null
            ? "after the disruption: records did not flow again"
            : `after the disruption: records flow again in ${r.resumedMs} ms`,
        ]),
    `logs: ${r.dir}`,
  );
  if (r.violations.length === 0) lines.push("OK: no violation of the guarantees");
  else
    for (const v of r.violations)
      lines.push(`VIOLATION${v.task >= 0 ? ` task ${v.task}` : ""}: ${v.message}`);
  return lines.join("\n");
}
