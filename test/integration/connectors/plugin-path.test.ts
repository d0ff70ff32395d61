/**
 * plugin.path on a real standalone worker: a plugin folder's connector is listed by /connector-plugins and
 * runs; a plugin that throws at import is skipped and the worker starts all the same.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KAFKA_BOOTSTRAP, uniqueName } from "../../support/env.js";
import { readOr, tempDir } from "../../support/files.js";
import { createTopic, readTopic } from "../../support/kafka.js";
import { freePort } from "../../support/ports.js";
import { type FerryProcess, startFerry, waitFor, waitHealthy } from "../../support/worker-process.js";

const api = pathToFileURL(resolve("dist/api/index.js")).href;

const PLUGIN = `import { ConfigDef, sourceRecord } from ${JSON.stringify(api)};
class Task {
  n = 0;
  version() { return "9.9.9"; }
  start(config, ctx) { this.topic = config.topic; this.ctx = ctx; }
  async poll() {
    if (this.n >= 3) { await new Promise((r) => setTimeout(r, 100)); return null; }
    return [sourceRecord({ topic: this.topic, value: "hello-" + this.n++ })];
  }
  stop() {}
}
export default [{
  type: "source",
  className: "com.example.HelloSourceConnector",
  version: "9.9.9",
  createConnector: () => ({
    version: () => "9.9.9",
    start(config) { this.config_ = config; },
    taskConfigs() { return [{ ...this.config_ }]; },
    stop() {},
    config: () => new ConfigDef(),
  }),
  createTask: () => new Task(),
}];
`;

let dir: Awaited<ReturnType<typeof tempDir>>;
let proc: FerryProcess;
let base: string;

beforeAll(async () => {
  dir = await tempDir("plugin-path");
  await mkdir(join(dir.path, "plugins/hello"), { recursive: true });
  await mkdir(join(dir.path, "plugins/broken"), { recursive: true });
  await writeFile(join(dir.path, "plugins/hello/index.mjs"), PLUGIN);
  await writeFile(join(dir.path, "plugins/broken/index.mjs"), 'throw new Error("broken on purpose");\n');
  const port = await freePort();
  const worker = join(dir.path, "worker.properties");
  await writeFile(
    worker,
    [
      `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
      "key.converter=org.apache.kafka.connect.storage.StringConverter",
      "value.converter=org.apache.kafka.connect.storage.StringConverter",
      `offset.storage.file.filename=${join(dir.path, "offsets")}`,
      `listeners=http://127.0.0.1:${port}`,
      `plugin.path=${join(dir.path, "plugins")},${join(dir.path, "not-there")}`,
    ].join("\n"),
  );
  proc = startFerry(["standalone", worker], uniqueName("plugin-path"));
  base = `http://127.0.0.1:${port}`;
  await waitHealthy(port, proc);
});
afterAll(async () => {
  await proc?.kill("SIGTERM");
  await dir?.cleanup();
});

describe("plugin.path", () => {
  it("lists and runs a loaded connector, and logs the broken plugin it skipped", async () => {
    const list = (await (await fetch(`${base}/connector-plugins`)).json()) as unknown[];
    expect(list).toContainEqual({
      class: "com.example.HelloSourceConnector",
      type: "source",
      version: "9.9.9",
    });
    const topic = uniqueName("hello");
    await createTopic(topic);
    const r = await fetch(`${base}/connectors`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: topic, config: { "connector.class": "HelloSource", topic } }),
    });
    expect(r.status, await r.clone().text()).toBe(201);
    const msgs = await waitFor(async () => {
      const m = await readTopic(topic).catch(() => []);
      return m.length >= 3 ? m : null;
    }, "three records");
    expect(msgs.map((m) => m.value?.toString())).toEqual(["hello-0", "hello-1", "hello-2"]);
    const log = await readOr(proc.logFile, "");
    expect(log).toContain("broken on purpose");
    expect(log).toContain("not-there");
  });
});
