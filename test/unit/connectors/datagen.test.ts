import { describe, expect, it, vi } from "vitest";
import type {
  SourceOffset,
  SourcePartition,
  SourceRecord,
  SourceTaskContext,
} from "../../../src/api/index.js";
import {
  DatagenSourceTask,
  datagenConfigDef,
  datagenSourcePlugin,
  nextSeqAfter,
} from "../../../src/connectors/datagen/datagen-source.js";

function ctx(
  stored: Record<string, SourceOffset> = {},
  signal = new AbortController().signal,
): SourceTaskContext {
  const get = async (p: SourcePartition) => stored[JSON.stringify(p)] ?? null;
  return {
    signal,
    offsetStorageReader: {
      offset: get,
      offsets: async (ps) => new Map(await Promise.all(ps.map(async (p) => [p, await get(p)] as const))),
    },
  };
}

async function taskConfigs(config: Record<string, string>, maxTasks: number) {
  const c = datagenSourcePlugin.createConnector();
  await c.start(config, { requestTaskReconfiguration() {}, raiseError() {} });
  return c.taskConfigs(maxTasks);
}

async function drain(
  task: DatagenSourceTask,
  until: (all: SourceRecord[]) => boolean,
): Promise<SourceRecord[]> {
  const all: SourceRecord[] = [];
  while (!until(all)) all.push(...((await task.poll()) ?? []));
  return all;
}

const seqs = (rs: SourceRecord[]) => rs.map((r) => r.sourceOffset?.seq);

describe("datagen source", () => {
  it("checks its config", () => {
    const r = datagenConfigDef().parse({ template: "nope", "records.per.second": "-3" });
    expect(Object.keys(r.errors).sort()).toEqual(["records.per.second", "template", "topic"]);
    expect(datagenConfigDef().parse({ topic: "t" }).values).toMatchObject({
      "records.per.second": 10,
      "max.records": -1,
      template: "users",
      seed: 0,
    });
  });

  it("makes the same records for the same seed, different ones for another seed", async () => {
    const run = async (seed: string, template: string) => {
      const [cfg] = await taskConfigs(
        { topic: "t", seed, template, "records.per.second": "0", "max.records": "20" },
        1,
      );
      const t = new DatagenSourceTask();
      await t.start(cfg ?? {}, ctx());
      return drain(t, (a) => a.length >= 20);
    };
    for (const template of ["users", "orders", "pageviews"]) {
      const a = await run("7", template);
      const b = await run("7", template);
      const c = await run("8", template);
      expect(a.map((r) => [r.key, r.value])).toEqual(b.map((r) => [r.key, r.value]));
      expect(a.map((r) => r.value)).not.toEqual(c.map((r) => r.value));
      expect(seqs(a)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(a[0]?.topic).toBe("t");
    }
  });

  it("splits the sequence space over tasks and stops at max.records", async () => {
    const cfgs = await taskConfigs({ topic: "t", "records.per.second": "0", "max.records": "10" }, 3);
    expect(cfgs).toHaveLength(3);
    const got: number[][] = [];
    for (const cfg of cfgs) {
      const t = new DatagenSourceTask();
      await t.start(cfg, ctx());
      const rs = (await t.poll()) ?? [];
      expect(rs.every((r) => r.sourcePartition?.task === Number(cfg["datagen.task.id"]))).toBe(true);
      got.push(seqs(rs) as number[]);
    }
    expect(got).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7],
      [2, 5, 8],
    ]);
  });

  it("resumes after the last committed seq", async () => {
    const cfgs = await taskConfigs({ topic: "t", "records.per.second": "0", "max.records": "12" }, 2);
    const t = new DatagenSourceTask();
    await t.start(cfgs[1] ?? {}, ctx({ [JSON.stringify({ task: 1 })]: { seq: 5 } }));
    expect(seqs((await t.poll()) ?? [])).toEqual([7, 9, 11]);
    expect(nextSeqAfter(5, 0, 3)).toBe(6);
    expect(nextSeqAfter(5, 2, 3)).toBe(8);
    expect(nextSeqAfter(5, 1, 4)).toBe(9);
  });

  it("keeps the rate without busy waiting, and returns at once when stopped", async () => {
    // a fake clock: the schedule is checked record by record, whatever the machine's load
    vi.useFakeTimers({ now: 0, toFake: ["Date", "setTimeout", "clearTimeout"] });
    try {
      const ac = new AbortController();
      const [cfg] = await taskConfigs({ topic: "t", "records.per.second": "50" }, 1);
      const t = new DatagenSourceTask();
      await t.start(cfg ?? {}, ctx({}, ac.signal));
      let polls = 0;
      const arrivals: { seq: number; at: number }[] = [];
      while (Date.now() < 400) {
        polls++;
        const p = t.poll();
        // a poll with nothing due sleeps until the next record's time: let the clock reach it
        await vi.advanceTimersToNextTimerAsync();
        for (const r of (await p) ?? [])
          arrivals.push({ seq: (r.sourceOffset as { seq: number }).seq, at: Date.now() });
      }
      // 50/s: record k is due at k × 20 ms, the first at once; by 400 ms records 0..20 are out, in order,
      // none before its time
      expect(arrivals.map((a) => a.seq)).toEqual(Array.from({ length: 21 }, (_, k) => k));
      for (const a of arrivals) expect(a.at, `record ${a.seq}`).toBeGreaterThanOrEqual(a.seq * 20);
      // polls sleep between records rather than spin: at most one empty poll per record
      expect(polls).toBeLessThanOrEqual(2 * arrivals.length);
      const slow = new DatagenSourceTask();
      await slow.start({ ...cfg, "records.per.second": "0.1" }, ctx({}, ac.signal));
      await slow.poll();
      const p = slow.poll();
      const pollStartedAt = Date.now();
      ac.abort();
      // the clock does not move: the sleeping poll answers the abort, not its timer
      expect(await p).toBeNull();
      expect(Date.now()).toBe(pollStartedAt);
    } finally {
      vi.useRealTimers();
    }
  });
});
