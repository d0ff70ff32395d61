/**
 * VerifiableSource → topic → VerifiableSink on a real standalone worker and Kafka, with a clean stop and
 * restart in between: per source task, the acknowledged seqnos and the flushed seqnos have no gaps and no
 * duplicates, as Kafka's test_bounce checks in clean mode.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KAFKA_BOOTSTRAP, uniqueName } from "../../support/env.js";
import { tempDir } from "../../support/files.js";
import { createTopic } from "../../support/kafka.js";
import { freePort } from "../../support/ports.js";
import { type FerryProcess, startFerry, waitFor, waitHealthy } from "../../support/worker-process.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
let worker: string;
let port: number;
let proc: FerryProcess | undefined;

async function startWorker(): Promise<void> {
  proc = startFerry(["standalone", worker], uniqueName("verifiable"));
  await waitHealthy(port, proc);
}

beforeAll(async () => {
  dir = await tempDir("verifiable");
  port = await freePort();
  worker = join(dir.path, "worker.properties");
  await writeFile(
    worker,
    [
      `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
      "key.converter=org.apache.kafka.connect.storage.StringConverter",
      "value.converter=org.apache.kafka.connect.json.JsonConverter",
      "value.converter.schemas.enable=false",
      `offset.storage.file.filename=${join(dir.path, "offsets")}`,
      "offset.flush.interval.ms=200",
      `listeners=http://127.0.0.1:${port}`,
    ].join("\n"),
  );
  await startWorker();
});
afterAll(async () => {
  await proc?.kill("SIGTERM");
  await dir?.cleanup();
});

async function create(name: string, config: Record<string, string>): Promise<void> {
  const r = await fetch(`http://127.0.0.1:${port}/connectors`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, config }),
  });
  expect(r.status, await r.clone().text()).toBe(201);
}

interface Line {
  name: string;
  task: number;
  seqno: number;
  committed?: boolean;
  flushed?: boolean;
}

async function readLines(file: string): Promise<Line[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Line);
}

/** seqnos per task of the lines that pass `pick` */
function byTask(lines: Line[], pick: (l: Line) => boolean): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const l of lines.filter(pick)) {
    let list = m.get(l.task);
    if (!list) m.set(l.task, (list = []));
    list.push(l.seqno);
  }
  return m;
}

const max = (s: number[] | undefined) => (s && s.length > 0 ? Math.max(...s) : -1);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("verifiable source and sink", () => {
  it("are listed by /connector-plugins", async () => {
    const list = (await (await fetch(`http://127.0.0.1:${port}/connector-plugins`)).json()) as {
      class: string;
      type: string;
    }[];
    expect(list).toContainEqual(
      expect.objectContaining({
        class: "org.apache.kafka.connect.tools.VerifiableSourceConnector",
        type: "source",
      }),
    );
    expect(list).toContainEqual(
      expect.objectContaining({
        class: "org.apache.kafka.connect.tools.VerifiableSinkConnector",
        type: "sink",
      }),
    );
  });

  it("a clean stop and restart: acknowledged and flushed seqnos without gaps or duplicates", async () => {
    const topic = uniqueName("verifiable");
    await createTopic(topic, 2);
    const srcLog = join(dir.path, "source.log");
    const sinkLog = join(dir.path, "sink.log");
    const source = {
      "connector.class": "VerifiableSource",
      topic,
      throughput: "100",
      "tasks.max": "2",
      "verifiable.log.file": srcLog,
    };
    const sink = {
      "connector.class": "VerifiableSink",
      topics: topic,
      "tasks.max": "2",
      "verifiable.log.file": sinkLog,
    };
    const acked = async () => byTask(await readLines(srcLog), (l) => l.committed === true);
    const flushed = async () => byTask(await readLines(sinkLog), (l) => l.flushed === true);
    const progressed = async (srcAtLeast: number, sinkAtLeast: number) => {
      const [a, f] = [await acked(), await flushed()];
      return [0, 1].every((t) => max(a.get(t)) >= srcAtLeast && max(f.get(t)) >= sinkAtLeast);
    };

    await create("vsrc", source);
    await create("vsink", sink);
    await waitFor(() => progressed(100, 50), "records acknowledged and flushed by both tasks", 60_000, 200);
    await proc?.kill("SIGTERM");
    const before = await acked();

    await startWorker();
    await create("vsrc", source);
    await create("vsink", sink);
    const beyond = Math.max(max(before.get(0)), max(before.get(1))) + 100;
    await waitFor(() => progressed(beyond, beyond - 50), "progress after the restart", 60_000, 200);
    await proc?.kill("SIGTERM");

    const a = await acked();
    const f = await flushed();
    expect([...a.keys()].sort()).toEqual([0, 1]);
    expect([...f.keys()].sort()).toEqual([0, 1]);
    for (const task of [0, 1]) {
      const src = a.get(task) ?? [];
      const snk = f.get(task) ?? [];
      // no duplicates, no gaps: every seqno in [0, max] exactly once
      expect(
        [...src].sort((x, y) => x - y),
        `acknowledged seqnos of task ${task}`,
      ).toEqual(range(max(src) + 1));
      expect(
        [...snk].sort((x, y) => x - y),
        `flushed seqnos of task ${task}`,
      ).toEqual(range(max(snk) + 1));
      expect(max(snk)).toBeLessThanOrEqual(max(src));
      expect(max(src)).toBeGreaterThan(max(before.get(task)));
    }
  });
});
