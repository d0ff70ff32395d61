// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${provider:...} variables are the subject here
/**
 * Config providers on a standalone worker: ${env:...} and ${file:...:...} values are resolved where the
 * connector and its tasks run (data flows to the right file and topic), while every REST response keeps
 * the raw text.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KAFKA_BOOTSTRAP, uniqueName } from "../../support/env.js";
import { tempDir } from "../../support/files.js";
import { createTopic } from "../../support/kafka.js";
import { freePort } from "../../support/ports.js";
import { startFerry, waitFor } from "../../support/worker-process.js";
import { allRunning, type RestWorker, startRestWorker } from "./support.js";

let w: RestWorker;
let secrets: string;
let input: string;
let output: string;
let src: string;
let sink: string;
let cliTopic: string;

beforeAll(async () => {
  // the worker's dir is only known once it started, so the files live in a dir of their own
  const files = await tempDir("rest-providers-files");
  secrets = join(files.path, "connect-secrets.properties");
  input = join(files.path, "in.txt");
  output = join(files.path, "out.txt");
  await writeFile(input, "alpha\nbeta\n");
  cliTopic = uniqueName("rest-providers-cli");
  await createTopic(cliTopic);
  w = await startRestWorker("rest-providers", {
    workerLines: [
      "config.providers=env,file",
      "config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider",
      "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
    ],
    env: { CONN_INPUT_FILE: input, CONN_TOPIC: cliTopic, CONN_TASKS: "2" },
    // a connector file given on the command line: validated and started with its variables resolved
    connectorFiles: {
      "cli.properties": [
        "name=from-cli",
        "connector.class=FileStreamSink",
        "topics=${env:CONN_TOPIC}",
        "tasks.max=${env:CONN_TASKS}",
        "file=/dev/null",
      ].join("\n"),
    },
  });
  await writeFile(secrets, `topic=${w.topic}\noutput=${output}\n`);
  src = w.name("src");
  sink = w.name("sink");
  const s = await w.call("POST", "/connectors", {
    name: src,
    config: {
      "connector.class": "FileStreamSource",
      file: "${env:CONN_INPUT_FILE}",
      topic: `\${file:${secrets}:topic}`,
    },
  });
  expect(s.status).toBe(201);
  const k = await w.call("POST", "/connectors", {
    name: sink,
    config: {
      "connector.class": "FileStreamSink",
      topics: `\${file:${secrets}:topic}`,
      file: `\${file:${secrets}:output}`,
    },
  });
  expect(k.status).toBe(201);
  await w.waitStatus(src, allRunning, "source running");
  await w.waitStatus(sink, allRunning, "sink running");
});

afterAll(async () => {
  await w?.stop();
});

describe("config providers", () => {
  it("the connector and its tasks run with the resolved values", async () => {
    await waitFor(async () => (await readFile(output, "utf8").catch(() => "")) === "alpha\nbeta\n", "output");
  });

  it("REST answers keep the raw text: config, info, tasks, tasks-config, expand, validate", async () => {
    // as JSON strings: the topic name is also the prefix of the connector names
    const resolved = [input, output, w.topic].map((v) => JSON.stringify(v));
    const answers = [
      await w.get(`/connectors/${src}/config`),
      await w.get(`/connectors/${src}`),
      await w.get(`/connectors/${src}/tasks`),
      await w.get(`/connectors/${src}/tasks-config`),
      await w.get(`/connectors/${sink}/tasks`),
      await w.get("/connectors?expand=info"),
      await w.call("PUT", "/connector-plugins/FileStreamSink/config/validate", {
        "connector.class": "FileStreamSink",
        name: "v",
        topics: `\${file:${secrets}:topic}`,
        file: `\${file:${secrets}:output}`,
      }),
    ];
    for (const a of answers) {
      expect(a.status).toBe(200);
      for (const r of resolved) expect(a.text).not.toContain(r);
    }
    expect(answers[0]?.body).toMatchObject({ file: "${env:CONN_INPUT_FILE}" });
    const tasks = answers[2]?.body as { config: Record<string, string> }[];
    expect(tasks[0]?.config).toMatchObject({
      file: "${env:CONN_INPUT_FILE}",
      topic: `\${file:${secrets}:topic}`,
    });
    const validated = answers[6]?.body as {
      error_count: number;
      configs: { value: { name: string; value: string } }[];
    };
    expect(validated.error_count).toBe(0);
    expect(validated.configs.find((c) => c.value.name === "file")?.value.value).toBe(
      `\${file:${secrets}:output}`,
    );
  });

  it("a connector file's variables are resolved at start-up, and shown raw", async () => {
    const s = await w.waitStatus(
      "from-cli",
      (b) => b.tasks.length === 2 && allRunning(b),
      "two tasks running",
    );
    expect(s.tasks.map((t) => t.id)).toEqual([0, 1]);
    expect((await w.get("/connectors/from-cli/config")).body).toMatchObject({
      topics: "${env:CONN_TOPIC}",
      "tasks.max": "${env:CONN_TASKS}",
    });
    const tasks = (await w.get("/connectors/from-cli/tasks")).body as { config: Record<string, string> }[];
    expect(tasks.map((t) => t.config.topics)).toEqual(["${env:CONN_TOPIC}", "${env:CONN_TOPIC}"]);
  });

  it("a variable that cannot be resolved is a 400 naming the key", async () => {
    const r = await w.call("POST", "/connectors", {
      name: w.name("bad"),
      config: {
        "connector.class": "FileStreamSource",
        topic: "t",
        file: "${env:FERRY_TEST_NOT_SET_ANYWHERE}",
      },
    });
    expect(r.status).toBe(400);
    expect((r.body as { message: string }).message).toContain(
      'Cannot resolve ${env:FERRY_TEST_NOT_SET_ANYWHERE} in config "file": environment variable FERRY_TEST_NOT_SET_ANYWHERE is not set',
    );
    const v = await w.call("PUT", "/connector-plugins/FileStreamSource/config/validate", {
      "connector.class": "FileStreamSource",
      topic: "${vault:kv:topic}",
    });
    const ci = v.body as { error_count: number; configs: { value: { name: string; errors: string[] } }[] };
    expect(ci.configs.find((c) => c.value.name === "topic")?.value.errors[0]).toContain(
      'unknown config provider "vault"',
    );
  });

  it("an unknown provider class in the worker config stops the worker at start-up, naming the key", async () => {
    const tmp = await tempDir("rest-providers-bad");
    try {
      const workerFile = join(tmp.path, "worker.properties");
      await writeFile(
        workerFile,
        [
          `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
          "key.converter=org.apache.kafka.connect.storage.StringConverter",
          "value.converter=org.apache.kafka.connect.storage.StringConverter",
          `offset.storage.file.filename=${join(tmp.path, "offsets")}`,
          `listeners=http://127.0.0.1:${await freePort()}`,
          "config.providers=vault",
          "config.providers.vault.class=com.example.VaultConfigProvider",
        ].join("\n"),
      );
      const p = startFerry(["standalone", workerFile], `${w.topic}-bad-provider`);
      const exit = await p.exited;
      expect(exit.code).toBe(1);
      expect(await readFile(p.logFile, "utf8")).toContain("config.providers.vault.class");
    } finally {
      await tmp.cleanup();
    }
  });
});
