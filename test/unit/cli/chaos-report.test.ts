/** `ferry chaos`'s result put together from a run's findings, and the table the command prints. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { addSeqno, maxSeqno, taskReport } from "../../../src/cli/chaos-analysis.js";
import type { Failover } from "../../../src/cli/chaos-bounce.js";
import { LineReader } from "../../../src/cli/chaos-logs.js";
import { chaosResult, formatChaosResult } from "../../../src/cli/chaos-report.js";

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

const bounce = (round: number, worker: number, ms: number | null, forced = false): Failover => ({
  round,
  worker,
  signal: "SIGKILL",
  units: 3,
  ms,
  forced,
});

describe("chaosResult and formatChaosResult", () => {
  const findings = {
    group: "ferry-chaos-x",
    dir: "/tmp/ferry-chaos-x",
    mode: "hard" as const,
    exactlyOnce: false,
    rounds: 1,
    minRecords: 10,
    durationMs: 61_400,
    tasks: [
      taskReport(0, range(0, 20), [...range(0, 20), 4], range(0, 20)),
      taskReport(1, range(0, 20), range(0, 18), range(0, 18)),
    ],
    failovers: [bounce(1, 0, 400), bounce(1, 1, null), bounce(1, 2, 900, true)],
  };

  it("a failover that timed out and records that never flowed again are violations beside the tasks'", () => {
    const r = chaosResult({ ...findings, resumedMs: null });
    expect(r.violations).toEqual([
      { task: 1, message: "2 acknowledged records are not in the topic" },
      { task: -1, message: "records did not flow again within 60000 ms of the disruption" },
      { task: -1, message: "round 1: worker 1's units did not run elsewhere within 60000 ms" },
    ]);
    expect(r.failoverMs).toEqual({ p50: 400, p95: 900, max: 900 });
    expect(r.totals).toEqual({ acked: 40, topic: 39, flushed: 38, lost: 2, duplicated: 1 });
    expect(r.resumedMs).toBeNull();
  });

  it("without a disruption the result has no resumedMs; the table, then the summary and violations", () => {
    const r = chaosResult({ ...findings, resumedMs: undefined });
    expect("resumedMs" in r).toBe(false);
    expect(formatChaosResult(r).split("\n")).toEqual([
      "task  acked  in topic  sink flushed  lost  dup topic  dup sink  gaps acked/topic/sink",
      "   0     20        21            20     0          1         0                  0/0/0",
      "   1     20        18            18     2          0         0                  0/0/0",
      "",
      "mode hard, 1 rounds, 3 bounces in 61 s",
      "failover (signal → units running elsewhere): p50 400 ms, p95 900 ms, max 900 ms",
      "logs: /tmp/ferry-chaos-x",
      "VIOLATION task 1: 2 acknowledged records are not in the topic",
      "VIOLATION: round 1: worker 1's units did not run elsewhere within 60000 ms",
    ]);
    expect(formatChaosResult(chaosResult({ ...findings, resumedMs: 1234 }))).toContain(
      "after the disruption: records flow again in 1234 ms",
    );
  });
});

describe("the verifiable logs and seqnos", () => {
  it("LineReader returns each complete JSON line once, holding back a line still being written", async () => {
    const dir = await mkdtemp(join(tmpdir(), "chaos-logs-"));
    try {
      const file = join(dir, "source.jsonl");
      const reader = new LineReader(file);
      expect(await reader.next()).toEqual([]);
      await writeFile(file, '{"task":0,"seqno":0,"committed":true}\nnot json\n{"task":1,');
      expect(await reader.next()).toEqual([{ task: 0, seqno: 0, committed: true }]);
      await writeFile(
        file,
        '{"task":0,"seqno":0,"committed":true}\nnot json\n{"task":1,"seqno":5,"flushed":true}\n{"name":"x"}\n',
      );
      expect(await reader.next()).toEqual([{ task: 1, seqno: 5, flushed: true }]);
      expect(await reader.next()).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("addSeqno collects per task, maxSeqno is -1 for none", () => {
    const m = new Map<number, number[]>();
    addSeqno(m, 1, 3);
    addSeqno(m, 0, 7);
    addSeqno(m, 1, 2);
    expect([...m]).toEqual([
      [1, [3, 2]],
      [0, [7]],
    ]);
    expect(maxSeqno(m.get(1) ?? [])).toBe(3);
    expect(maxSeqno([])).toBe(-1);
  });
});
