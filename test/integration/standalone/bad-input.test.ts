/**
 * Bad input never starts anything and never writes anything: a clear error naming the file and the key,
 * and a non-zero exit.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KAFKA_BOOTSTRAP, uniqueName } from "../../support/env.js";
import { tempDir } from "../../support/files.js";
import { freePort } from "../../support/ports.js";
import { startFerry } from "../../support/worker-process.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir("bad");
});
afterAll(async () => dir?.cleanup());

async function worker(extra: string[] = []): Promise<string> {
  const port = await freePort();
  const path = join(dir.path, `${uniqueName("worker")}.properties`);
  await writeFile(
    path,
    [
      `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
      "key.converter=org.apache.kafka.connect.storage.StringConverter",
      "value.converter=org.apache.kafka.connect.storage.StringConverter",
      `offset.storage.file.filename=${join(dir.path, "offsets", `${uniqueName("o")}.json`)}`,
      `listeners=http://127.0.0.1:${port}`,
      ...extra,
    ].join("\n"),
  );
  return path;
}

async function connector(name: string, body: string): Promise<string> {
  const path = join(dir.path, name);
  await writeFile(path, body);
  return path;
}

async function run(args: string[]): Promise<{ code: number | null; log: string }> {
  const proc = startFerry(["standalone", ...args], uniqueName("bad-input"));
  const { code } = await proc.exited;
  await new Promise((r) => setTimeout(r, 100));
  return { code, log: await readFile(proc.logFile, "utf8") };
}

describe("bad input", () => {
  it("malformed worker properties: names the file and the line", async () => {
    const path = await connector("broken.properties", "bootstrap.servers=x\nkey.converter=\\u12G4\n");
    const r = await run([path]);
    expect(r.code).not.toBe(0);
    expect(r.log).toContain(path);
    expect(r.log).toMatch(/line 2/i);
    expect(r.log).toMatch(/\\uxxxx/i);
  });

  it("missing required worker key: names the key", async () => {
    const path = await connector(
      "no-offsets.properties",
      `bootstrap.servers=${KAFKA_BOOTSTRAP}\nkey.converter=a\nvalue.converter=b\n`,
    );
    const r = await run([path]);
    expect(r.code).not.toBe(0);
    expect(r.log).toContain("offset.storage.file.filename");
  });

  it("unknown connector class: names the file, the key and the class; exit 3", async () => {
    const w = await worker();
    const c = await connector(
      "unknown.properties",
      "name=u\nconnector.class=com.example.NoSuchConnector\ntopic=t\n",
    );
    const r = await run([w, c]);
    expect(r.code).toBe(3);
    expect(r.log).toContain(c);
    expect(r.log).toContain("connector.class");
    expect(r.log).toContain("com.example.NoSuchConnector");
  });

  it("missing required connector keys: every one is named", async () => {
    const w = await worker();
    const out = join(dir.path, "never-written.txt");
    const good = await connector(
      "good-sink.json",
      JSON.stringify({ name: "good", "connector.class": "FileStreamSink", file: out, topics: "t" }),
    );
    const bad = await connector(
      "missing.json",
      JSON.stringify({ name: "m", config: { "connector.class": "FileStreamSource" } }),
    );
    const r = await run([w, good, bad]);
    expect(r.code).toBe(3);
    expect(r.log).toContain(bad);
    expect(r.log).toContain("topic:");
    // the good connector before it was not started: nothing was written
    expect(await readdir(dir.path)).not.toContain("never-written.txt");
  });

  it("a sink without topics or topics.regex", async () => {
    const w = await worker();
    const c = await connector("sink.properties", "name=s\nconnector.class=FileStreamSink\nfile=/dev/null\n");
    const r = await run([w, c]);
    expect(r.code).toBe(3);
    expect(r.log).toContain("Must configure one of topics or topics.regex");
  });

  it("corrupt offsets file: an error naming it, left untouched", async () => {
    const offsets = join(dir.path, "corrupt.offsets");
    await writeFile(offsets, '{"format":"ferry-offsets-v1","offsets":[{"conn');
    const w = await worker([`offset.storage.file.filename=${offsets}`]);
    const c = await connector(
      "src.properties",
      `name=s\nconnector.class=FileStreamSource\nfile=${join(dir.path, "in.txt")}\ntopic=t\n`,
    );
    const r = await run([w, c]);
    expect(r.code).not.toBe(0);
    expect(r.log).toContain(offsets);
    expect(r.log).toContain("offset.storage.file.filename");
    expect(await readFile(offsets, "utf8")).toBe('{"format":"ferry-offsets-v1","offsets":[{"conn');
  });

  it("a worker file that does not exist", async () => {
    const r = await run([join(dir.path, "nope.properties")]);
    expect(r.code).not.toBe(0);
    expect(r.log).toContain("nope.properties");
  });
});
