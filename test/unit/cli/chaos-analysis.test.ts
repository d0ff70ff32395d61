import { describe, expect, it } from "vitest";
import { percentiles, seqnoStats, taskReport, violations } from "../../../src/cli/chaos-analysis.js";
import { parseChaosArgs } from "../../../src/cli/chaos-args.js";
import { UsageError } from "../../../src/cli/usage-error.js";

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe("seqnoStats", () => {
  it("counts duplicates and the seqnos missing below the highest", () => {
    const s = seqnoStats([0, 1, 1, 2, 5, 5, 5]);
    expect(s).toMatchObject({ count: 7, unique: 4, max: 5, duplicates: 3, gaps: 2, firstGaps: [3, 4] });
    expect(seqnoStats([])).toMatchObject({ count: 0, max: -1, gaps: 0, duplicates: 0 });
  });
});

describe("violations", () => {
  const clean = taskReport(0, range(0, 1200), range(0, 1200), range(0, 1200));

  it("none for a run that met every guarantee", () => {
    expect(violations([clean], "clean", false, 1000)).toEqual([]);
  });

  it("gaps and lost records are violations in every mode", () => {
    const gap = taskReport(1, [...range(0, 500), ...range(501, 1200)], range(0, 1200), range(0, 1200));
    expect(violations([gap], "hard", false, 0).map((v) => v.message)).toEqual([
      "acknowledged seqnos have gaps: 1 (first: 500)",
    ]);
    const lost = taskReport(2, range(0, 1200), range(0, 1100), range(0, 1100));
    expect(violations([lost], "hard", true, 0).map((v) => v.message)).toEqual([
      "100 acknowledged records are not in the topic",
    ]);
    const notSunk = taskReport(3, range(0, 1200), range(0, 1200), [...range(0, 10), ...range(11, 1200)]);
    expect(violations([notSunk], "hard", false, 0).map((v) => v.message)).toEqual([
      "sink flushed seqnos have gaps: 1 (first: 10)",
      "1 records in the topic never reached the sink",
    ]);
  });

  it("duplicates: violations when clean, allowed under SIGKILL, but not in the topic with exactly-once", () => {
    const dup = taskReport(0, [...range(0, 1200), 7], [...range(0, 1200), 7], [...range(0, 1200), 7]);
    expect(violations([dup], "clean", false, 0)).toHaveLength(3);
    expect(violations([dup], "hard", false, 0)).toEqual([]);
    expect(violations([dup], "hard", true, 0).map((v) => v.message)).toEqual([
      "1 duplicates in the topic (read_committed) with exactly-once",
      "1 duplicate acknowledgements with exactly-once",
    ]);
    // a sink is at least once even with exactly-once sources
    const sinkDup = taskReport(0, range(0, 1200), range(0, 1200), [...range(0, 1200), 3]);
    expect(violations([sinkDup], "hard", true, 0)).toEqual([]);
  });

  it("with exactly-once, acknowledgements a killed worker never reported are not gaps", () => {
    const unreported = taskReport(0, [...range(0, 40), ...range(50, 1200)], range(0, 1200), range(0, 1200));
    expect(violations([unreported], "hard", true, 0)).toEqual([]);
  });

  it("too little progress on either side is a violation", () => {
    const slow = taskReport(0, range(0, 1200), range(0, 1200), range(0, 900));
    expect(violations([slow], "hard", false, 1000).map((v) => v.message)).toEqual([
      "300 records in the topic never reached the sink",
      "only 900 sink records flushed (< 1000)",
    ]);
  });
});

describe("percentiles", () => {
  it("p50, p95 and max", () => {
    expect(percentiles(range(1, 101))).toEqual({ p50: 50, p95: 95, max: 100 });
    expect(percentiles([])).toBeNull();
  });
});

describe("parseChaosArgs", () => {
  it("has Kafka's test_bounce shape by default and reads the flags", () => {
    const o = parseChaosArgs(["--bootstrap", "k:9092", "--redis", "redis://r:6379"]);
    expect(o).toMatchObject({
      workers: 3,
      rounds: 3,
      mode: "hard",
      exactlyOnce: false,
      tasks: 3,
      json: false,
    });
    const p = parseChaosArgs([
      "--workers=4",
      "--rounds",
      "30",
      "--mode",
      "clean",
      "--exactly-once",
      "--records-per-second",
      "250",
      "--worker-property",
      "offset.flush.interval.ms=500",
    ]);
    expect(p).toMatchObject({
      workers: 4,
      rounds: 30,
      mode: "clean",
      exactlyOnce: true,
      recordsPerSecond: 250,
    });
    expect(p.workerProperties).toEqual({ "offset.flush.interval.ms": "500" });
  });

  it("refuses bad input with a message naming the flag", () => {
    expect(() => parseChaosArgs(["--mode", "soft"])).toThrow(/--mode must be hard or clean/);
    expect(() => parseChaosArgs(["--workers", "1"])).toThrow(/--workers must be at least 2/);
    expect(() => parseChaosArgs(["--worker-property", "novalue"])).toThrow(UsageError);
    expect(() => parseChaosArgs(["--frobnicate"])).toThrow(UsageError);
  });
});
