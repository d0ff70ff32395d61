/** WorkerMetrics: its own registry, ferry_* names, per-task labels bound lazily, scrape-time state gauges. */
import { pino } from "pino";
import { register as globalRegister } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { ConnectError } from "../../../src/errors.js";
import { herderStateSource } from "../../../src/metrics/herder-state.js";
import { installProcessMetrics, NOOP_TASK_METRICS, taskMetrics } from "../../../src/metrics/task-metrics.js";
import { WorkerMetrics } from "../../../src/metrics/worker-metrics.js";
import { errorHandlingConfig, RecordErrorHandler, SKIPPED } from "../../../src/runner/error-handler.js";

/** The value of one sample line of the text format, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const have = Object.fromEntries(
      [...(m[1] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1] as string, x[2] as string]),
    );
    if (
      Object.entries(labels).every(([k, v]) => have[k] === v) &&
      Object.keys(have).length === Object.keys(labels).length
    )
      return Number(m[2]);
  }
  return undefined;
}

afterEach(() => installProcessMetrics(null));

describe("WorkerMetrics", () => {
  it("keeps its own registry, with Node's default metrics, and not the global one", async () => {
    const a = new WorkerMetrics({ workerId: "w:1", mode: "standalone" });
    const b = new WorkerMetrics({ workerId: "w:2", mode: "standalone", defaultMetrics: false });
    a.task("c", 0).sourcePolled(3);
    const text = (await a.scrape()).body;
    expect(text).toContain("process_cpu_user_seconds_total");
    expect(text).toContain("nodejs_eventloop_lag_seconds");
    expect(sample(text, "ferry_source_records_polled_total", { connector: "c", task: "0" })).toBe(3);
    expect(
      sample((await b.scrape()).body, "ferry_source_records_polled_total", { connector: "c", task: "0" }),
    ).toBe(undefined);
    expect(await globalRegister.metrics()).not.toContain("ferry_");
    expect(text).toMatch(/ferry_worker_info\{worker_id="w:1",mode="standalone",version="[^"]+"\} 1/);
    expect((await a.scrape()).contentType).toMatch(/^text\/plain/);
  });

  it("counts per task and batch; a source task shows no sink series", async () => {
    const m = new WorkerMetrics({ workerId: "w", mode: "standalone", defaultMetrics: false });
    const t = m.task("src", 1);
    t.sourcePolled(10);
    t.sourceWritten(8, 10);
    t.sourceWritten(2, 2);
    t.offsetCommit("source", 0.02, true);
    t.offsetCommit("source", 0.5, false);
    const s = m.task("snk", 0);
    s.sinkRead(5);
    s.sinkPut(4);
    s.recordError();
    s.recordSkipped();
    s.deadLettered();
    const text = (await m.scrape()).body;
    const src = { connector: "src", task: "1" };
    const snk = { connector: "snk", task: "0" };
    expect(sample(text, "ferry_source_records_polled_total", src)).toBe(10);
    expect(sample(text, "ferry_source_records_written_total", src)).toBe(10);
    expect(sample(text, "ferry_batch_size_records_count", { ...src, type: "source" })).toBe(2);
    expect(sample(text, "ferry_batch_size_records_sum", { ...src, type: "source" })).toBe(12);
    expect(sample(text, "ferry_batch_size_records_bucket", { ...src, type: "source", le: "5" })).toBe(1);
    expect(sample(text, "ferry_offset_commit_seconds_count", { ...src, type: "source" })).toBe(2);
    expect(sample(text, "ferry_offset_commit_failures_total", { ...src, type: "source" })).toBe(1);
    expect(sample(text, "ferry_sink_records_read_total", snk)).toBe(5);
    expect(sample(text, "ferry_sink_records_put_total", snk)).toBe(4);
    expect(sample(text, "ferry_batch_size_records_count", { ...snk, type: "sink" })).toBe(1);
    expect(sample(text, "ferry_record_errors_total", snk)).toBe(1);
    expect(sample(text, "ferry_records_skipped_total", snk)).toBe(1);
    expect(sample(text, "ferry_dead_letter_records_total", snk)).toBe(1);
    expect(sample(text, "ferry_sink_records_read_total", src)).toBeUndefined();
    expect(sample(text, "ferry_source_records_polled_total", snk)).toBeUndefined();
  });

  it("reads connectors and tasks by state from the herder at scrape time (this worker's tasks only)", async () => {
    const m = new WorkerMetrics({ workerId: "me", mode: "standalone", defaultMetrics: false });
    const tasks: Record<string, { state: string; worker_id: string }[]> = {
      a: [
        { state: "RUNNING", worker_id: "me" },
        { state: "RUNNING", worker_id: "me" },
        { state: "FAILED", worker_id: "me" },
        { state: "RUNNING", worker_id: "other" },
      ],
    };
    const herder = {
      connectors: () => ["a", "b"],
      connectorStatus: (name: string) => {
        const t = tasks[name];
        if (!t) throw new ConnectError(`No status found for connector ${name}`, 404);
        return { tasks: t } as never;
      },
    };
    m.observe(herderStateSource(herder, "me"));
    let text = (await m.scrape()).body;
    expect(sample(text, "ferry_connectors")).toBe(2);
    expect(sample(text, "ferry_tasks", { connector: "a", state: "RUNNING" })).toBe(2);
    expect(sample(text, "ferry_tasks", { connector: "a", state: "FAILED" })).toBe(1);
    tasks.a = [{ state: "PAUSED", worker_id: "me" }];
    text = (await m.scrape()).body;
    expect(sample(text, "ferry_tasks", { connector: "a", state: "RUNNING" })).toBeUndefined();
    expect(sample(text, "ferry_tasks", { connector: "a", state: "PAUSED" })).toBe(1);
    // no cluster gauges in standalone
    expect(text).not.toContain("ferry_cluster_members");
    expect(text).not.toContain("ferry_lease_renewal_failures_total");
  });

  it("distributed: members, units owned and lease renewal failures", async () => {
    const m = new WorkerMetrics({ workerId: "me", mode: "distributed", defaultMetrics: false });
    m.observe(
      herderStateSource({ connectors: () => [], connectorStatus: () => ({}) as never }, "me", {
        members: () => 3,
        unitsOwned: () => 7,
      }),
    );
    m.leaseLost.inc();
    const text = (await m.scrape()).body;
    expect(sample(text, "ferry_cluster_members")).toBe(3);
    expect(sample(text, "ferry_units_owned")).toBe(7);
    expect(sample(text, "ferry_lease_renewal_failures_total")).toBe(1);
  });

  it("process metrics: no-ops until installed, then the installed worker's", async () => {
    expect(taskMetrics("c", 0)).toBe(NOOP_TASK_METRICS);
    const m = new WorkerMetrics({ workerId: "w", mode: "standalone", defaultMetrics: false });
    installProcessMetrics(m);
    taskMetrics("c", 0).sinkPut(2);
    expect(
      sample((await m.scrape()).body, "ferry_sink_records_put_total", { connector: "c", task: "0" }),
    ).toBe(2);
  });

  it("the error handler counts errors and skipped records", async () => {
    const m = new WorkerMetrics({ workerId: "w", mode: "standalone", defaultMetrics: false });
    const handler = new RecordErrorHandler(
      errorHandlingConfig({ "errors.tolerance": "all" }),
      "c",
      2,
      pino({ level: "silent" }),
      [],
      m.task("c", 2),
    );
    const ctx = {
      stage: "VALUE_CONVERTER" as const,
      className: "x",
      record: {
        topic: "t",
        partition: 0,
        offset: 1,
        key: null,
        value: null,
        headers: null,
        describe: () => "",
      },
    };
    expect(await handler.handle(new Error("bad"), ctx, () => 1)).toBe(SKIPPED);
    const text = (await m.scrape()).body;
    expect(sample(text, "ferry_record_errors_total", { connector: "c", task: "2" })).toBe(1);
    expect(sample(text, "ferry_records_skipped_total", { connector: "c", task: "2" })).toBe(1);
  });
});
