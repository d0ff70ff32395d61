import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SinkRecord } from "../../../src/api/index.js";
import { Struct } from "../../../src/api/schema.js";
import {
  taskAndSeqno,
  VerifiableSinkTask,
  verifiableSinkPlugin,
} from "../../../src/connectors/verifiable/verifiable-sink.js";
import {
  COMPLETE_VALUE_SCHEMA,
  VerifiableSourceTask,
  verifiableSourceConfigDef,
  verifiableSourcePlugin,
} from "../../../src/connectors/verifiable/verifiable-source.js";
import { builtinPlugins } from "../../../src/plugins/builtin.js";
import { MemoryOffsetReader, runSinkTask, runSourceTask, sinkRecords } from "../../../src/testing/index.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-verifiable-"));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

async function lines(file: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(file, "utf8");
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe("verifiable source", () => {
  it("is a built-in plugin under Kafka's class name and its alias", () => {
    const reg = builtinPlugins();
    expect(verifiableSourcePlugin.className).toBe("org.apache.kafka.connect.tools.VerifiableSourceConnector");
    expect(verifiableSinkPlugin.className).toBe("org.apache.kafka.connect.tools.VerifiableSinkConnector");
    expect(reg.connector("VerifiableSource")).toBe(verifiableSourcePlugin);
    expect(reg.connector("VerifiableSink")).toBe(verifiableSinkPlugin);
    expect(verifiableSourcePlugin.aliases).toEqual(["VerifiableSource"]);
    expect(verifiableSinkPlugin.aliases).toEqual(["VerifiableSink"]);
  });

  it("checks its config", () => {
    const r = verifiableSourceConfigDef().parse({ throughput: "-2" });
    expect(Object.keys(r.errors).sort()).toEqual(["throughput", "topic"]);
    expect(verifiableSourceConfigDef().parse({ topic: "t" }).values).toMatchObject({
      throughput: 1000,
      "complete.record.data": false,
      "verifiable.log.file": null,
    });
  });

  it("key = task id, value = seqno, offset {seqno}; a restart goes on from the stored seqno + 1", async () => {
    const offsets = new MemoryOffsetReader();
    const config = { name: "v", topic: "t", throughput: "-1", "verifiable.log.file": join(dir, "log") };
    const opts = { maxTasks: 2, taskIndex: 1, offsets, until: (r: readonly unknown[]) => r.length >= 10 };
    const first = await runSourceTask(verifiableSourcePlugin, config, opts);
    expect(first.records.slice(0, 10).map((r) => r.value)).toEqual(range(0, 10));
    for (const r of first.records) {
      expect(r.key).toBe(1);
      expect(r.keySchema?.type).toBe("int32");
      expect(r.valueSchema?.type).toBe("int64");
      expect(r.sourcePartition).toEqual({ id: 1 });
      expect(r.sourceOffset).toEqual({ seqno: r.value });
    }
    const last = first.records.length - 1;
    expect(await offsets.offset({ id: 1 })).toEqual({ seqno: last });
    const second = await runSourceTask(verifiableSourcePlugin, config, opts);
    expect(second.records.slice(0, 10).map((r) => r.value)).toEqual(range(last + 1, last + 11));
    // task 0 has its own partition and starts at 0
    const other = await runSourceTask(verifiableSourcePlugin, config, { ...opts, taskIndex: 0 });
    expect(other.records[0]?.value).toBe(0);
  });

  it("rejects a stored offset that is not a seqno", async () => {
    const offsets = new MemoryOffsetReader([[{ id: 0 }, { seqno: "x" }]]);
    await expect(
      runSourceTask(verifiableSourcePlugin, { topic: "t", throughput: "-1" }, { offsets }),
    ).rejects.toThrow(/not a seqno/);
  });

  it("reports sent and acknowledged records as JSON lines", async () => {
    const file = join(dir, "log");
    await runSourceTask(
      verifiableSourcePlugin,
      { name: "src", topic: "t", throughput: "-1", "verifiable.log.file": file },
      { until: (r) => r.length >= 5 },
    );
    const all = await lines(file);
    const sent = all.filter((l) => !("committed" in l));
    const acked = all.filter((l) => l.committed === true);
    expect(sent.length).toBeGreaterThanOrEqual(5);
    expect(acked.map((l) => l.seqno)).toEqual(range(0, acked.length));
    for (const l of sent) {
      expect(Object.keys(l).sort()).toEqual(["name", "seqno", "task", "time_ms", "topic"]);
      expect(l).toMatchObject({ name: "src", task: 0, topic: "t" });
      expect(typeof l.time_ms).toBe("number");
    }
    for (const l of acked) {
      expect(Object.keys(l).sort()).toEqual(["committed", "name", "seqno", "task", "time_ms", "topic"]);
      expect(l).toMatchObject({ name: "src", task: 0, topic: "t", committed: true });
    }
    // a sent line comes before the acknowledgement of the same seqno
    const at = (pred: (l: Record<string, unknown>) => boolean) => all.findIndex(pred);
    expect(at((l) => l.seqno === 0 && !l.committed)).toBeLessThan(at((l) => l.seqno === 0 && !!l.committed));
  });

  it("writes to standard output without verifiable.log.file", async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    await runSourceTask(verifiableSourcePlugin, { name: "s", topic: "t", throughput: "-1" }, {});
    vi.restoreAllMocks();
    const parsed = out
      .join("")
      .split("\n")
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.some((l) => l.seqno === 0 && l.committed === true)).toBe(true);
  });

  it("complete.record.data writes a struct value", async () => {
    const run = await runSourceTask(verifiableSourcePlugin, {
      name: "c",
      topic: "t",
      throughput: "-1",
      "complete.record.data": "true",
      "verifiable.log.file": join(dir, "log"),
    });
    const v = run.records[0]?.value as Struct;
    expect(v).toBeInstanceOf(Struct);
    expect(v.schema).toBe(COMPLETE_VALUE_SCHEMA);
    expect([v.get("name"), v.get("task"), v.get("topic"), v.get("seqno")]).toEqual(["c", 0, "t", 0]);
    const acked = (await lines(join(dir, "log"))).filter((l) => l.committed);
    expect(acked[0]?.seqno).toBe(0);
  });

  it("honours throughput, per task", async () => {
    // a fake clock: the schedule is checked record by record, whatever the machine's load
    vi.useFakeTimers({ now: 0, toFake: ["Date", "setTimeout", "clearTimeout"] });
    try {
      const c = verifiableSourcePlugin.createConnector();
      await c.start(
        { topic: "t", throughput: "50", "tasks.max": "2" },
        {
          requestTaskReconfiguration() {},
          raiseError() {},
        },
      );
      const configs = await c.taskConfigs(2);
      expect(configs).toHaveLength(2);
      const task = new VerifiableSourceTask();
      await task.start(configs[1] ?? {}, {
        signal: new AbortController().signal,
        offsetStorageReader: new MemoryOffsetReader(),
      });
      const arrivals: { seqno: number; at: number }[] = [];
      let polls = 0;
      while (Date.now() < 500) {
        polls++;
        const p = task.poll();
        // a poll with nothing due sleeps until the next record's time: let the clock reach it
        await vi.advanceTimersToNextTimerAsync();
        for (const r of (await p) ?? []) arrivals.push({ seqno: r.value as number, at: Date.now() });
      }
      // 50/s for this task alone (throughput is per task): record k is due at k × 20 ms, the first at once;
      // by 500 ms records 0..25 are out, in order, none before its time
      expect(arrivals.map((a) => a.seqno)).toEqual(range(0, 26));
      for (const a of arrivals) expect(a.at, `record ${a.seqno}`).toBeGreaterThanOrEqual(a.seqno * 20);
      expect(polls).toBeLessThanOrEqual(2 * arrivals.length);
    } finally {
      vi.useRealTimers();
    }
  });

  it("throughput 0 produces nothing; poll returns as soon as the task is stopped", async () => {
    vi.useFakeTimers({ now: 0, toFake: ["Date", "setTimeout", "clearTimeout"] });
    try {
      for (const throughput of ["0", "1"]) {
        const abort = new AbortController();
        const task = new VerifiableSourceTask();
        await task.start(
          { topic: "t", throughput, id: "0", "verifiable.log.file": join(dir, "log") },
          { signal: abort.signal, offsetStorageReader: new MemoryOffsetReader() },
        );
        if (throughput === "1") expect((await task.poll())?.length).toBe(1);
        const p = task.poll();
        const pollStartedAt = Date.now();
        abort.abort();
        // the clock does not move: the sleeping poll answers the abort, not its timer
        expect(await p, `throughput ${throughput}`).toBeNull();
        expect(Date.now()).toBe(pollStartedAt);
        await task.stop();
      }
    } finally {
      vi.useRealTimers();
    }
  });
});

function keyed(
  topic: string,
  task: number | string,
  seqnos: number[],
  partition = 0,
  first = 0,
): SinkRecord[] {
  return sinkRecords(topic, seqnos, partition, first).map((r) => ({ ...r, key: task }));
}

describe("verifiable sink", () => {
  it("reports each record, then every flushed one with flushed: true", async () => {
    const file = join(dir, "sink");
    const records = [...keyed("t", 0, [0, 1, 2], 0), ...keyed("t", 1, [0, 1], 1)];
    await runSinkTask(
      verifiableSinkPlugin,
      { name: "snk", topics: "t", "verifiable.log.file": file },
      records,
      {
        batchSize: 2,
      },
    );
    const all = await lines(file);
    const received = all.filter((l) => !("flushed" in l));
    const flushed = all.filter((l) => l.flushed === true);
    expect(received).toHaveLength(5);
    expect(flushed).toHaveLength(5);
    for (const l of received)
      expect(Object.keys(l).sort()).toEqual([
        "name",
        "offset",
        "partition",
        "seqno",
        "sinkTask",
        "task",
        "time_ms",
        "topic",
      ]);
    expect(flushed.map((l) => [l.task, l.seqno])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
    ]);
    expect(flushed[0]).toMatchObject({ name: "snk", sinkTask: 0, topic: "t", partition: 0, offset: 0 });
  });

  it("flushes only below the flushed offset, per partition; close() drops what was not flushed", async () => {
    const file = join(dir, "sink");
    const task = new VerifiableSinkTask();
    task.start({ name: "s", id: "3", "verifiable.log.file": file });
    task.put([...keyed("t", 0, [0, 1, 2, 3], 0), ...keyed("t", 1, [7], 1, 10)]);
    const tp0 = { topic: "t", partition: 0 };
    task.flush(new Map([["t-0", { tp: tp0, offset: 2 }]]));
    let flushed = (await lines(file)).filter((l) => l.flushed);
    expect(flushed.map((l) => l.seqno)).toEqual([0, 1]);
    expect(flushed.every((l) => l.sinkTask === 3)).toBe(true);
    task.close([{ topic: "t", partition: 1 }]);
    task.flush(
      new Map([
        ["t-0", { tp: tp0, offset: 4 }],
        ["t-1", { tp: { topic: "t", partition: 1 }, offset: 11 }],
      ]),
    );
    flushed = (await lines(file)).filter((l) => l.flushed);
    expect(flushed.map((l) => [l.task, l.seqno])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [0, 3],
    ]);
    task.stop();
  });

  it("reads the task and seqno from text, JSON and struct values", () => {
    const base = sinkRecords("t", [null])[0] as SinkRecord;
    expect(taskAndSeqno({ ...base, key: "2", value: "41" })).toEqual({ task: 2, seqno: 41 });
    expect(taskAndSeqno({ ...base, key: 2, value: 41 })).toEqual({ task: 2, seqno: 41 });
    expect(taskAndSeqno({ ...base, key: null, value: { task: 1, seqno: 5, name: "x" } })).toEqual({
      task: 1,
      seqno: 5,
    });
    const s = new Struct(COMPLETE_VALUE_SCHEMA)
      .put("name", "n")
      .put("task", 4)
      .put("topic", "t")
      .put("time_ms", 1)
      .put("seqno", 9);
    expect(taskAndSeqno({ ...base, key: 4, value: s })).toEqual({ task: 4, seqno: 9 });
  });
});
