/**
 * Kafka's own sample files (config/connect-standalone.properties, connect-file-source.properties,
 * connect-file-sink.properties), byte for byte. Only the broker address, the offsets file and the REST port
 * come from FERRY_* environment overrides, so the files stay unchanged.
 */
import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { KAFKA_BOOTSTRAP } from "../../support/env.js";
import { readOr, tempDir } from "../../support/files.js";
import { createTopic, testKafka } from "../../support/kafka.js";
import { freePort } from "../../support/ports.js";
import { startFerry, waitFor, waitHealthy } from "../../support/worker-process.js";
import { KAFKA_SAMPLES } from "../../unit/config/kafka-samples.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir("samples");
  // the sample names are fixed: start from a clean topic and group, whatever earlier runs left
  const admin = testKafka().admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes("connect-test"))
      await admin.deleteTopics({ topics: ["connect-test"] });
    await admin.deleteGroups(["connect-local-file-sink"]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
  await waitFor(async () => {
    try {
      await createTopic("connect-test");
      return true;
    } catch {
      return false;
    }
  }, "connect-test to be re-created");
});
afterAll(async () => dir?.cleanup());

it("runs Kafka's sample worker, source and sink files unchanged", async () => {
  // Kafka's files as they are in apache/kafka (shared with the config parser's unit tests)
  for (const [file, text] of Object.entries(KAFKA_SAMPLES)) await writeFile(join(dir.path, file), text);
  await writeFile(join(dir.path, "test.txt"), "foo\nbar\n");
  const port = await freePort();
  const proc = startFerry(
    [
      "standalone",
      "connect-standalone.properties",
      "connect-file-source.properties",
      "connect-file-sink.properties",
    ],
    "kafka-samples",
    {
      FERRY_BOOTSTRAP_SERVERS: KAFKA_BOOTSTRAP,
      FERRY_OFFSET_STORAGE_FILE_FILENAME: join(dir.path, "connect.offsets"),
      FERRY_LISTENERS: `http://127.0.0.1:${port}`,
    },
    dir.path,
  );
  try {
    await waitHealthy(port, proc);
    const sinkFile = join(dir.path, "test.sink.txt");
    await waitFor(
      async () => (await readOr(sinkFile, "")) === "foo\nbar\n",
      "the sink file to hold the first lines",
    );
    await appendFile(join(dir.path, "test.txt"), "baz\nqux\n");
    await waitFor(
      async () => (await readOr(sinkFile, "")) === "foo\nbar\nbaz\nqux\n",
      "appended lines to arrive in order",
    );
    const status = (await (
      await fetch(`http://127.0.0.1:${port}/connectors/local-file-source/status`)
    ).json()) as {
      connector: { state: string };
      tasks: { state: string }[];
    };
    expect(status.connector.state).toBe("RUNNING");
    expect(status.tasks.map((t) => t.state)).toEqual(["RUNNING"]);
  } finally {
    expect((await proc.kill("SIGTERM")).code).toBe(0);
  }
});
