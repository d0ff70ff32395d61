/**
 * Standalone mode end to end on the real broker: lines appended to a file reach another file through Kafka,
 * in order, across clean restarts (byte for byte) and kill -9 (nothing lost).
 */
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { readOr } from "../../support/files.js";
import { readTopic } from "../../support/kafka.js";
import { type FerryProcess, waitFor } from "../../support/worker-process.js";
import { filePipeline, type Pipeline } from "./support.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function setUp(name: string, opts: Parameters<typeof filePipeline>[1] = {}): Promise<Pipeline> {
  const p = await filePipeline(name, opts);
  cleanups.push(() => p.cleanup());
  return p;
}

function track(proc: FerryProcess): FerryProcess {
  cleanups.push(() => proc.kill("SIGKILL"));
  return proc;
}

function lines(from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i++) s += `line ${i} ${"x".repeat(i % 50)}\n`;
  return s;
}

async function outputEquals(p: Pipeline, expected: string, timeoutMs = 60_000) {
  await waitFor(
    async () => (await readOr(p.output, "")).length >= expected.length,
    "output to catch up",
    timeoutMs,
  );
  expect(await readFile(p.output, "utf8")).toBe(expected);
}

describe("standalone file source → Kafka → file sink", () => {
  it("moves appended lines in order, with Kafka's JsonConverter envelope on the topic", async () => {
    const p = await setUp("order");
    await writeFile(p.input, lines(0, 100));
    const proc = track(await p.start());
    await outputEquals(p, lines(0, 100));
    await appendFile(p.input, lines(100, 250));
    await outputEquals(p, lines(0, 250));
    const msgs = await readTopic(p.topic);
    expect(msgs).toHaveLength(250);
    expect(msgs[0]?.key).toBeNull();
    expect(msgs[0]?.value?.toString()).toBe(
      `{"schema":{"type":"string","optional":false},"payload":"line 0 "}`,
    );
    expect((await proc.kill("SIGTERM")).code).toBe(0);
  });

  it("clean restart mid-stream: output equals input byte for byte", async () => {
    const p = await setUp("clean", { flushMs: 60_000, batchSize: 100 });
    const all = lines(0, 30_000);
    await writeFile(p.input, all.slice(0, all.length / 2));
    let proc = track(await p.start("-1"));
    // stop while the stream is flowing: some of the input is still unread
    await waitFor(async () => (await readOr(p.output, "")).length > 1000, "some output");
    await appendFile(p.input, all.slice(all.length / 2));
    const stopped = await proc.kill("SIGTERM");
    expect(stopped.code).toBe(0);
    const partial = await readFile(p.output, "utf8");
    expect(all.startsWith(partial)).toBe(true);
    proc = track(await p.start("-2"));
    await outputEquals(p, all);
    expect((await proc.kill("SIGTERM")).code).toBe(0);
  });

  it("kill -9 mid-stream and restart: nothing lost, duplicates only from the last flush interval", async () => {
    const p = await setUp("hard", { flushMs: 300, batchSize: 50 });
    const n = 40_000;
    const all = lines(0, n);
    await writeFile(p.input, all);
    let proc = track(await p.start("-1"));
    await waitFor(async () => (await readOr(p.output, "")).split("\n").length > 2000, "some output");
    await proc.kill("SIGKILL");
    proc = track(await p.start("-2"));
    await waitFor(
      async () => new Set((await readOr(p.output, "")).split("\n")).size >= n + 1,
      "every line",
      90_000,
    );
    await proc.kill("SIGTERM");
    const out = (await readFile(p.output, "utf8")).split("\n").filter((l) => l.length > 0);
    const firstSeen: string[] = [];
    const seen = new Set<string>();
    for (const l of out) {
      if (seen.has(l)) continue;
      seen.add(l);
      firstSeen.push(l);
    }
    // every line arrived, in input order
    expect(`${firstSeen.join("\n")}\n`).toBe(all);
    // duplicates are replays from a committed position: the source re-sends from its last flushed offset
    // and the sink re-reads from its last committed one, so the output is at most three runs of
    // consecutive lines, never scattered repeats
    const numbers = out.map((l) => Number(l.split(" ")[1]));
    let runs = 1;
    for (let i = 1; i < numbers.length; i++) {
      const prev = numbers[i - 1] ?? -1;
      const cur = numbers[i] ?? -1;
      if (cur === prev + 1) continue;
      expect(
        cur,
        `line ${i} jumps from ${prev} to ${cur}: only a replay may break the order`,
      ).toBeLessThanOrEqual(prev);
      runs++;
    }
    expect(runs).toBeLessThanOrEqual(3);
  });

  it("non-ASCII and very long lines, byte offsets across a restart", async () => {
    const p = await setUp("utf8", { flushMs: 200 });
    const long = "λ".repeat(300_000);
    const first = `héllo wörld\n日本語のテキスト\n${long}\nemoji 🚀 ok\n`;
    const second = "après le redémarrage\n最後の行\n";
    await writeFile(p.input, first);
    let proc = track(await p.start("-1"));
    await outputEquals(p, first);
    expect((await proc.kill("SIGTERM")).code).toBe(0);
    const stored = JSON.parse(await readFile(p.offsets, "utf8")) as {
      offsets: { offset: { position: number } }[];
    };
    expect(stored.offsets[0]?.offset.position).toBe(Buffer.byteLength(first));
    await appendFile(p.input, second);
    proc = track(await p.start("-2"));
    await outputEquals(p, first + second);
    await proc.kill("SIGTERM");
  });

  it("an empty file, then a file that appears later, and \\r\\n / \\r line ends", async () => {
    const p = await setUp("later");
    const proc = track(await p.start());
    await new Promise((r) => setTimeout(r, 1000));
    expect(await readOr(p.output, "")).toBe("");
    await writeFile(p.input, "");
    await new Promise((r) => setTimeout(r, 500));
    await appendFile(p.input, "one\r\ntwo\rthree\n");
    await outputEquals(p, "one\ntwo\nthree\n");
    await proc.kill("SIGTERM");
  });

  it("StringConverter carries raw lines", async () => {
    const p = await setUp("string", { converter: "org.apache.kafka.connect.storage.StringConverter" });
    await writeFile(p.input, "a\nb\n");
    const proc = track(await p.start());
    await outputEquals(p, "a\nb\n");
    const msgs = await readTopic(p.topic);
    expect(msgs.map((m) => m.value?.toString())).toEqual(["a", "b"]);
    await proc.kill("SIGTERM");
  });
});
