/** Shared set-up for the standalone tests: a temp dir with worker and connector files, one worker process. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { KAFKA_BOOTSTRAP, uniqueName } from "../../support/env.js";
import { tempDir } from "../../support/files.js";
import { createTopic } from "../../support/kafka.js";
import { freePort } from "../../support/ports.js";
import { type FerryProcess, startFerry, waitHealthy } from "../../support/worker-process.js";

export interface Pipeline {
  dir: string;
  topic: string;
  input: string;
  output: string;
  offsets: string;
  workerFile: string;
  sourceFile: string;
  sinkFile: string;
  port: number;
  start(logSuffix?: string): Promise<FerryProcess>;
  cleanup(): Promise<void>;
}

export async function filePipeline(
  name: string,
  opts: { flushMs?: number; converter?: string; batchSize?: number; connectors?: ("source" | "sink")[] } = {},
): Promise<Pipeline> {
  const tmp = await tempDir(name);
  const dir = tmp.path;
  const topic = uniqueName(name);
  await createTopic(topic);
  const port = await freePort();
  const conv = opts.converter ?? "org.apache.kafka.connect.json.JsonConverter";
  const p: Pipeline = {
    dir,
    topic,
    input: join(dir, "input.txt"),
    output: join(dir, "output.txt"),
    offsets: join(dir, "connect.offsets"),
    workerFile: join(dir, "worker.properties"),
    sourceFile: join(dir, "source.properties"),
    sinkFile: join(dir, "sink.json"),
    port,
    async start(logSuffix = "") {
      const which = opts.connectors ?? ["source", "sink"];
      const files = [
        ...(which.includes("source") ? [p.sourceFile] : []),
        ...(which.includes("sink") ? [p.sinkFile] : []),
      ];
      const proc = startFerry(["standalone", p.workerFile, ...files], `${topic}${logSuffix}`);
      await waitHealthy(port, proc);
      return proc;
    },
    cleanup: tmp.cleanup,
  };
  await writeFile(
    p.workerFile,
    [
      `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
      `key.converter=${conv}`,
      `value.converter=${conv}`,
      "key.converter.schemas.enable=true",
      "value.converter.schemas.enable=true",
      `offset.storage.file.filename=${p.offsets}`,
      `offset.flush.interval.ms=${opts.flushMs ?? 500}`,
      `listeners=http://127.0.0.1:${port}`,
      "",
    ].join("\n"),
  );
  await writeFile(
    p.sourceFile,
    [
      `name=${topic}-source`,
      "connector.class=FileStreamSource",
      "tasks.max=1",
      `file=${p.input}`,
      `topic=${topic}`,
    ]
      .concat(opts.batchSize ? [`batch.size=${opts.batchSize}`] : [])
      .join("\n"),
  );
  await writeFile(
    p.sinkFile,
    JSON.stringify({
      name: `${topic}-sink`,
      config: { "connector.class": "FileStreamSink", "tasks.max": 1, file: p.output, topics: topic },
    }),
  );
  return p;
}
