/**
 * The testing kit on a real Kafka: a Datagen task's records produced and acknowledged in-process with its
 * offsets stored, read back as SinkRecords, and put into the HTTP sink.
 */
import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { datagenSourcePlugin } from "../../../src/connectors/datagen/index.js";
import { httpSinkPlugin } from "../../../src/connectors/http-sink/index.js";
import {
  MemoryOffsetReader,
  readSinkRecords,
  runSinkTask,
  runSourceTask,
  sinkRecords,
} from "../../../src/testing/index.js";
import { KAFKA_BOOTSTRAP, uniqueName } from "../../support/env.js";
import { createTopic } from "../../support/kafka.js";

const kafka = { brokers: [KAFKA_BOOTSTRAP] };

describe("testing kit", () => {
  it("runs a source task against Kafka and a sink task over what it produced", async () => {
    const topic = uniqueName("kit");
    await createTopic(topic);
    const config = { topic, template: "pageviews", "records.per.second": "0", "max.records": "20" };
    const offsets = new MemoryOffsetReader();
    const first = await runSourceTask(datagenSourcePlugin, config, {
      kafka,
      offsets,
      until: (r) => r.length >= 5,
    });
    expect(first.metadata.map((m) => m.offset)).toEqual(first.records.map((_, i) => i));
    const last = first.records.at(-1)?.sourceOffset?.seq as number;
    expect(await offsets.offset({ task: 0 })).toEqual({ seq: last });
    // a second run (with room for more records) resumes after the stored offset
    const more = { ...config, "max.records": "40" };
    const second = await runSourceTask(datagenSourcePlugin, more, { offsets, until: (r) => r.length > 0 });
    expect(second.records[0]?.sourceOffset).toEqual({ seq: last + 1 });

    const read = await readSinkRecords(kafka, topic, "json");
    expect(read.map((r) => (r.value as { seq: number }).seq)).toEqual(
      first.records.map((r) => r.sourceOffset?.seq),
    );

    const bodies: unknown[][] = [];
    const server = createServer((req, res) => {
      let text = "";
      req.on("data", (c) => (text += c));
      req.on("end", () => {
        bodies.push(JSON.parse(text));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
      const { flushed } = await runSinkTask(
        httpSinkPlugin,
        { "http.url": url, "http.batch.size": "2" },
        read,
      );
      expect(bodies.flat()).toEqual(read.map((r) => r.value));
      expect([...flushed.values()]).toEqual([{ tp: { topic, partition: 0 }, offset: read.length }]);
      await runSinkTask(httpSinkPlugin, { "http.url": url }, sinkRecords("t", ["x"]));
      expect(bodies.at(-1)).toEqual(["x"]);
    } finally {
      server.close();
    }
  });
});
