/**
 * VerifiableSource, as Kafka's VerifiableSourceConnector (connect/test-plugins): each task produces
 * key = its task id (int32), value = a sequence number (int64) counting up from 0, at `throughput` records
 * per second. Its source partition is {"id": taskId} and its offset {"seqno": n}, so a restarted task goes
 * on from the last committed seqno + 1. Every record sent and every record Kafka acknowledged
 * (commitRecord) is reported as a JSON line (see log.ts), which is what a bounce test checks: the
 * acknowledged seqnos of a task must have no gaps.
 */
import { z } from "zod";
import { ConfigDef } from "../../api/config-def.js";
import type {
  Connector,
  SourceConnectorPlugin,
  SourceTask,
  SourceTaskContext,
  TaskConfig,
} from "../../api/connector.js";
import { type RecordMetadata, type SourceRecord, sourceRecord } from "../../api/records.js";
import { type Schema, SchemaBuilder, Schemas, Struct } from "../../api/schema.js";
import { FERRY_VERSION } from "../../version.js";
import { ID_CONFIG, LOG_FILE_CONFIG, NAME_CONFIG, taskIdOf, VerifiableLog } from "./log.js";

export const TOPIC_CONFIG = "topic";
export const THROUGHPUT_CONFIG = "throughput";
export const COMPLETE_RECORD_DATA_CONFIG = "complete.record.data";

/** the most records one poll() returns */
const MAX_BATCH = 1000;
/** the longest one poll() waits for the next record to be due */
const MAX_WAIT_MS = 500;

/** The value schema with complete.record.data=true (Kafka's COMPLETE_VALUE_SCHEMA). */
export const COMPLETE_VALUE_SCHEMA: Schema = SchemaBuilder.struct()
  .field("name", Schemas.STRING)
  .field("task", Schemas.INT32)
  .field("topic", Schemas.STRING)
  .field("time_ms", Schemas.INT64)
  .field("seqno", Schemas.INT64)
  .build();

export function verifiableSourceConfigDef(): ConfigDef {
  return new ConfigDef()
    .define({
      name: TOPIC_CONFIG,
      type: "STRING",
      importance: "HIGH",
      documentation: "The topic to write records to.",
      check: z.string().trim().min(1, "String must be non-empty"),
    })
    .define({
      name: THROUGHPUT_CONFIG,
      type: "LONG",
      default: 1000,
      importance: "HIGH",
      documentation: "Records per second of each task; -1: as fast as possible; 0: none.",
      check: z.number().int().min(-1, "Value must be -1, 0 or positive"),
    })
    .define({
      name: COMPLETE_RECORD_DATA_CONFIG,
      type: "BOOLEAN",
      default: false,
      importance: "LOW",
      documentation:
        "Write a struct {name, task, topic, time_ms, seqno} as the value instead of the bare seqno.",
    })
    .define({
      name: LOG_FILE_CONFIG,
      type: "STRING",
      default: null,
      importance: "MEDIUM",
      documentation:
        "File the JSON report lines are appended to (all tasks share it); standard output when not set.",
    });
}

class VerifiableSourceConnector implements Connector {
  private props: Record<string, string> = {};
  version() {
    return FERRY_VERSION;
  }
  start(config: Record<string, string>) {
    verifiableSourceConfigDef().parseOrThrow(config);
    this.props = { ...config };
  }
  taskConfigs(maxTasks: number): TaskConfig[] {
    return Array.from({ length: Math.max(1, maxTasks) }, (_, i) => ({
      ...this.props,
      [ID_CONFIG]: String(i),
    }));
  }
  stop() {}
  config() {
    return verifiableSourceConfigDef();
  }
}

export class VerifiableSourceTask implements SourceTask {
  private name = "";
  private id = 0;
  private topic = "";
  /** records per second; -1 unthrottled, 0 none */
  private throughput = -1;
  private completeRecordData = false;
  private partition!: { id: number };
  private seqno = 0;
  private ctx!: SourceTaskContext;
  private log: VerifiableLog | null = null;
  /** rate schedule: record k of this run is due at startedAt + k / throughput */
  private startedAt = 0;
  private emitted = 0;

  version() {
    return FERRY_VERSION;
  }

  async start(config: TaskConfig, ctx: SourceTaskContext) {
    const v = verifiableSourceConfigDef().parseOrThrow(config);
    this.ctx = ctx;
    this.name = config[NAME_CONFIG] ?? "";
    this.id = taskIdOf(config);
    this.topic = v[TOPIC_CONFIG] as string;
    this.throughput = v[THROUGHPUT_CONFIG] as number;
    this.completeRecordData = v[COMPLETE_RECORD_DATA_CONFIG] as boolean;
    this.partition = { id: this.id };
    const stored = await ctx.offsetStorageReader.offset(this.partition);
    const last = stored?.seqno;
    if (stored && (typeof last !== "number" || !Number.isSafeInteger(last) || last < 0))
      throw new Error(`Stored verifiable offset is not a seqno: ${JSON.stringify(stored)}`);
    this.seqno = typeof last === "number" ? last + 1 : 0;
    this.startedAt = Date.now();
    this.emitted = 0;
    this.log = new VerifiableLog(v[LOG_FILE_CONFIG] as string | null);
  }

  /** The seqno the next record gets. */
  nextSeqno(): number {
    return this.seqno;
  }

  /** How many records are due now; the schedule catches up at most one second's worth after a stall. */
  private due(): number {
    if (this.throughput < 0) return MAX_BATCH;
    const now = Date.now();
    const cap = Math.max(1, this.throughput);
    // the first record is due at once
    let due = Math.floor(((now - this.startedAt) * this.throughput) / 1000) + 1 - this.emitted;
    if (due > cap) {
      this.startedAt = now - ((this.emitted + cap - 1) * 1000) / this.throughput;
      due = cap;
    }
    return due;
  }

  async poll(): Promise<SourceRecord[] | null> {
    if (this.ctx.signal.aborted) return null;
    if (this.throughput === 0) {
      await this.sleep(MAX_WAIT_MS);
      return null;
    }
    let count = this.due();
    if (count <= 0) {
      const at = this.startedAt + (this.emitted * 1000) / this.throughput;
      await this.sleep(Math.min(MAX_WAIT_MS, Math.max(1, at - Date.now())));
      if (this.ctx.signal.aborted) return null;
      count = this.due();
      if (count <= 0) return null;
    }
    count = Math.min(count, MAX_BATCH);
    const nowMs = Date.now();
    const out: SourceRecord[] = [];
    const lines: Record<string, unknown>[] = [];
    for (let i = 0; i < count; i++) {
      const seqno = this.seqno++;
      const data = { name: this.name, task: this.id, topic: this.topic, time_ms: nowMs, seqno };
      lines.push(data);
      out.push(
        sourceRecord({
          topic: this.topic,
          keySchema: Schemas.INT32,
          key: this.id,
          valueSchema: this.completeRecordData ? COMPLETE_VALUE_SCHEMA : Schemas.INT64,
          value: this.completeRecordData ? completeValue(data) : seqno,
          sourcePartition: this.partition,
          sourceOffset: { seqno },
        }),
      );
    }
    this.emitted += out.length;
    this.log?.write(lines);
    return out;
  }

  commitRecord(record: SourceRecord, _metadata: RecordMetadata | null): void {
    this.log?.write([
      {
        name: this.name,
        task: this.id,
        topic: this.topic,
        time_ms: Date.now(),
        seqno: record.sourceOffset?.seqno ?? null,
        committed: true,
      },
    ]);
  }

  /** Waits ms, or less when the task is stopped. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.ctx.signal;
      if (signal.aborted) return resolve();
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /**
   * The runtime calls stop() after its last offset commit: an acknowledgement arriving later is not
   * reported, and its record is produced again by the next run, since its offset was not committed.
   */
  stop() {
    this.log?.close();
  }
}

function completeValue(data: {
  name: string;
  task: number;
  topic: string;
  time_ms: number;
  seqno: number;
}): Struct {
  const s = new Struct(COMPLETE_VALUE_SCHEMA);
  for (const [k, v] of Object.entries(data)) s.put(k, v);
  return s;
}

export const verifiableSourcePlugin: SourceConnectorPlugin = {
  type: "source",
  className: "org.apache.kafka.connect.tools.VerifiableSourceConnector",
  aliases: ["VerifiableSource"],
  version: FERRY_VERSION,
  createConnector: () => new VerifiableSourceConnector(),
  createTask: () => new VerifiableSourceTask(),
};
