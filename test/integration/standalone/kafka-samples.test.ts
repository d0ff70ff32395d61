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

const LICENSE = `# Licensed to the Apache Software Foundation (ASF) under one or more
# contributor license agreements.  See the NOTICE file distributed with
# this work for additional information regarding copyright ownership.
# The ASF licenses this file to You under the Apache License, Version 2.0
# (the "License"); you may not use this file except in compliance with
# the License.  You may obtain a copy of the License at
#
#    http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
`;

const WORKER = `${LICENSE}
# These are defaults. This file just demonstrates how to override some settings.
bootstrap.servers=localhost:9092

# The converters specify the format of data in Kafka and how to translate it into Connect data. Every Connect user will
# need to configure these based on the format they want their data in when loaded from or stored into Kafka
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
# Converter-specific settings can be passed in by prefixing the Converter's setting with the converter we want to apply
# it to
key.converter.schemas.enable=true
value.converter.schemas.enable=true

offset.storage.file.filename=/tmp/connect.offsets
# Flush much faster than normal, which is useful for testing/debugging
offset.flush.interval.ms=10000

# Set to a list of filesystem paths separated by commas (,) to enable class loading isolation for plugins
# (connectors, converters, transformations). The list should consist of top level directories that include 
# any combination of: 
# a) directories immediately containing jars with plugins and their dependencies
# b) uber-jars with plugins and their dependencies
# c) directories immediately containing the package directory structure of classes of plugins and their dependencies
# Note: symlinks will be followed to discover dependencies or plugins.
# Examples: 
# plugin.path=/usr/local/share/java,/usr/local/share/kafka/plugins,/opt/connectors,
#plugin.path=
`;

const SOURCE = `${LICENSE}
name=local-file-source
connector.class=FileStreamSource
tasks.max=1
file=test.txt
topic=connect-test`;

const SINK = `${LICENSE}
name=local-file-sink
connector.class=FileStreamSink
tasks.max=1
file=test.sink.txt
topics=connect-test`;

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
  await writeFile(join(dir.path, "connect-standalone.properties"), WORKER);
  await writeFile(join(dir.path, "connect-file-source.properties"), SOURCE);
  await writeFile(join(dir.path, "connect-file-sink.properties"), SINK);
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
