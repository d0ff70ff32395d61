import { describe, expect, it } from "vitest";
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
    const ac = new AbortController();
    const [cfg] = await taskConfigs({ topic: "t", "records.per.second": "50" }, 1);
    const t = new DatagenSourceTask();
    await t.start(cfg ?? {}, ctx({}, ac.signal));
    const t0 = Date.now();
    let polls = 0;
    const all: SourceRecord[] = [];
    while (Date.now() - t0 < 400) {
      polls++;
      all.push(...((await t.poll()) ?? []));
    }
    // 50/s over ~0.4 s: about 21 records, and polls sleep between records rather than spin
    expect(all.length).toBeGreaterThanOrEqual(18);
    expect(all.length).toBeLessThanOrEqual(24);
    expect(polls).toBeLessThan(80);
    const slow = new DatagenSourceTask();
    await slow.start({ ...cfg, "records.per.second": "0.1" }, ctx({}, ac.signal));
    await slow.poll();
    const p = slow.poll();
    setTimeout(() => ac.abort(), 20);
    const t1 = Date.now();
    expect(await p).toBeNull();
    expect(Date.now() - t1).toBeLessThan(200);
  });
});
