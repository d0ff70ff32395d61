/**
 * Prometheus metrics of one worker (prom-client). Each worker has its own Registry, never prom-client's global
 * one, so two workers in one process (tests) do not mix. Ferry's own metrics are named ferry_*; Node's
 * default process metrics (process_*, nodejs_*) keep their standard names so existing dashboards fit.
 *
 * Hot paths (source and sink loops) hold a TaskMetrics whose label children are bound once per task, and
 * count per batch, never per record. Gauges that describe state (tasks by state, connectors, members, units)
 * are computed when Prometheus scrapes, from callbacks, so nothing is kept up to date in between.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { FERRY_VERSION } from "../version.js";
import type { TaskMetrics } from "./task-metrics.js";

/** Record counts per batch: from one-record polls up to the largest produce request (20 000 by default). */
export const BATCH_SIZE_BUCKETS = [1, 5, 10, 50, 100, 500, 1000, 5000, 10_000, 20_000, 50_000];
/** Offset commits: a file fsync or a Kafka produce with acks=all, up to offset.flush.timeout.ms. */
export const COMMIT_SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What the scrape-time gauges read; every field optional (a worker without a herder yet shows none). */
export interface WorkerStateSource {
  /** connectors known to this worker's view of the cluster */
  connectors?(): number;
  /** count of the tasks this worker runs, by state (RUNNING, FAILED, PAUSED, ...) and connector */
  tasksByState?(): Iterable<{ connector: string; state: string; count: number }>;
  /** distributed: live members of the cluster */
  members?(): number;
  /** distributed: units (connector and task instances) this worker runs */
  unitsOwned?(): number;
  /** distributed: unit jobs in the cluster's queue by state (waiting, delayed, active) */
  queueDepth?(): Promise<{ waiting: number; delayed: number; active: number } | undefined>;
}

export interface WorkerMetricsOptions {
  readonly workerId: string;
  readonly mode: "standalone" | "distributed";
  /** Node's default process metrics (default true; tests turn them off for speed) */
  readonly defaultMetrics?: boolean;
}

const TASK_LABELS = ["connector", "task"] as const;

/** `make()` on the first call, the same value after. */
function once<T>(make: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= make());
}

export class WorkerMetrics {
  readonly registry = new Registry();
  private state: WorkerStateSource = {};

  readonly sourcePolled: Counter<"connector" | "task">;
  readonly sourceWritten: Counter<"connector" | "task">;
  readonly sinkRead: Counter<"connector" | "task">;
  readonly sinkPut: Counter<"connector" | "task">;
  readonly batchSize: Histogram<"connector" | "task" | "type">;
  readonly recordErrors: Counter<"connector" | "task">;
  readonly recordsSkipped: Counter<"connector" | "task">;
  readonly deadLettered: Counter<"connector" | "task">;
  readonly offsetCommit: Histogram<"connector" | "task" | "type">;
  readonly offsetCommitFailures: Counter<"connector" | "task" | "type">;
  readonly leaseLost: Counter;
  readonly leaseRenewals: Counter;
  readonly failovers: Counter;
  readonly unitRestarts: Counter<"kind">;

  constructor(readonly o: WorkerMetricsOptions) {
    const registers = [this.registry];
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Counter<L>({ name, help, labelNames, registers });

    new Gauge({
      name: "ferry_worker_info",
      help: "Constant 1, labelled with this worker's id, mode and Ferry version",
      labelNames: ["worker_id", "mode", "version"],
      registers,
    }).set({ worker_id: o.workerId, mode: o.mode, version: FERRY_VERSION }, 1);

    this.sourcePolled = counter(
      "ferry_source_records_polled_total",
      "Records returned by source tasks' poll()",
      TASK_LABELS,
    );
    this.sourceWritten = counter(
      "ferry_source_records_written_total",
      "Records source tasks wrote to Kafka (acknowledged by the broker)",
      TASK_LABELS,
    );
    this.sinkRead = counter(
      "ferry_sink_records_read_total",
      "Records sink tasks consumed from Kafka",
      TASK_LABELS,
    );
    this.sinkPut = counter(
      "ferry_sink_records_put_total",
      "Records handed to sink tasks' put()",
      TASK_LABELS,
    );
    this.batchSize = new Histogram({
      name: "ferry_batch_size_records",
      help: "Records per batch: type=source per produce request, type=sink per consumed batch",
      labelNames: [...TASK_LABELS, "type"],
      buckets: BATCH_SIZE_BUCKETS,
      registers,
    });
    this.recordErrors = counter(
      "ferry_record_errors_total",
      "Records that failed in a converter or transform after retries (errors.tolerance decides what follows)",
      TASK_LABELS,
    );
    this.recordsSkipped = counter(
      "ferry_records_skipped_total",
      "Failed records skipped under errors.tolerance=all",
      TASK_LABELS,
    );
    this.deadLettered = counter(
      "ferry_dead_letter_records_total",
      "Records written to the dead-letter queue topic",
      TASK_LABELS,
    );
    this.offsetCommit = new Histogram({
      name: "ferry_offset_commit_seconds",
      help: "Time to commit offsets: source offsets to the offset store; sink flush() and consumer commit",
      labelNames: [...TASK_LABELS, "type"],
      buckets: COMMIT_SECONDS_BUCKETS,
      registers,
    });
    this.offsetCommitFailures = counter("ferry_offset_commit_failures_total", "Offset commits that threw", [
      ...TASK_LABELS,
      "type",
    ]);
    this.leaseLost = new Counter({
      name: "ferry_lease_renewal_failures_total",
      help: "Unit leases this worker could not renew, so it stopped the unit (distributed)",
      registers: o.mode === "distributed" ? registers : [],
    });

    const cluster = o.mode === "distributed" ? registers : [];
    this.leaseRenewals = new Counter({
      name: "ferry_lease_renewals_total",
      help: "Unit lease renewals that succeeded (distributed)",
      registers: cluster,
    });
    this.failovers = new Counter({
      name: "ferry_unit_failovers_total",
      help: "Units this worker took over from a worker that was gone (died or lost Redis) (distributed)",
      registers: cluster,
    });
    this.unitRestarts = new Counter({
      name: "ferry_unit_restarts_total",
      help: "Failed units sent back to the queue with a backoff (automatic restarts), by unit kind (distributed)",
      labelNames: ["kind"],
      registers: cluster,
    });

    // state gauges: read at scrape time
    const self = this;
    new Gauge({
      name: "ferry_connectors",
      help: "Connectors this worker knows (standalone: its own; distributed: the cluster's)",
      registers,
      collect() {
        const n = self.state.connectors?.();
        if (n !== undefined) this.set(n);
      },
    });
    new Gauge({
      name: "ferry_tasks",
      help: "Tasks on this worker, by connector and state",
      labelNames: ["connector", "state"],
      registers,
      collect() {
        this.reset();
        for (const t of self.state.tasksByState?.() ?? [])
          this.set({ connector: t.connector, state: t.state }, t.count);
      },
    });
    if (o.mode === "distributed") {
      new Gauge({
        name: "ferry_cluster_members",
        help: "Live workers in the cluster (Redis membership)",
        registers,
        collect() {
          const n = self.state.members?.();
          if (n !== undefined) this.set(n);
        },
      });
      new Gauge({
        name: "ferry_unit_queue_jobs",
        help: "Unit jobs in the cluster's BullMQ queue: waiting for a worker, delayed (restart backoff), active",
        labelNames: ["state"],
        registers,
        async collect() {
          const d = await self.state.queueDepth?.().catch(() => undefined);
          if (!d) return;
          this.set({ state: "waiting" }, d.waiting);
          this.set({ state: "delayed" }, d.delayed);
          this.set({ state: "active" }, d.active);
        },
      });
      new Gauge({
        name: "ferry_units_owned",
        help: "Units (connector and task instances) running on this worker",
        registers,
        collect() {
          const n = self.state.unitsOwned?.();
          if (n !== undefined) this.set(n);
        },
      });
    }
    if (o.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** Where the scrape-time gauges read from (set once the herder exists). */
  observe(state: WorkerStateSource): void {
    this.state = state;
  }

  /**
   * The metrics of one task. Label children are bound on first use (so a source task shows no sink series)
   * and kept, so each later call is one increment.
   */
  task(connector: string, task: number): TaskMetrics {
    const l = { connector, task: String(task) };
    const src = { ...l, type: "source" };
    const snk = { ...l, type: "sink" };
    const polled = once(() => this.sourcePolled.labels(l));
    const written = once(() => this.sourceWritten.labels(l));
    const read = once(() => this.sinkRead.labels(l));
    const put = once(() => this.sinkPut.labels(l));
    const sourceBatch = once(() => this.batchSize.labels(src));
    const sinkBatch = once(() => this.batchSize.labels(snk));
    const errors = once(() => this.recordErrors.labels(l));
    const skipped = once(() => this.recordsSkipped.labels(l));
    const dlq = once(() => this.deadLettered.labels(l));
    const sourceCommit = once(() => this.offsetCommit.labels(src));
    const sinkCommit = once(() => this.offsetCommit.labels(snk));
    const sourceCommitFail = once(() => this.offsetCommitFailures.labels(src));
    const sinkCommitFail = once(() => this.offsetCommitFailures.labels(snk));
    return {
      sourcePolled: (n) => polled().inc(n),
      sourceWritten: (n, batch) => {
        written().inc(n);
        sourceBatch().observe(batch);
      },
      sinkRead: (n) => {
        read().inc(n);
        sinkBatch().observe(n);
      },
      sinkPut: (n) => put().inc(n),
      recordError: () => errors().inc(),
      recordSkipped: () => skipped().inc(),
      deadLettered: () => dlq().inc(),
      offsetCommit: (type, seconds, ok) => {
        (type === "source" ? sourceCommit : sinkCommit)().observe(seconds);
        if (!ok) (type === "source" ? sourceCommitFail : sinkCommitFail)().inc();
      },
    };
  }

  /** The text exposition format, and its content type. */
  async scrape(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
