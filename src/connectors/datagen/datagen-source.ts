/**
 * Datagen: deterministic records from a template at a set rate, for demos and benchmarks. Task i of n
 * makes the sequence numbers seq ≡ i (mod n), below max.records; its source partition is {task: i} and its
 * offset {seq} the last sequence number it produced, so a restart resumes right after the last committed
 * record (at most the uncommitted tail is produced again, never a gap). Record contents depend only on
 * (template, seed, seq).
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
import { ConfigError } from "../../api/errors.js";
import { type SourceRecord, sourceRecord } from "../../api/records.js";
import { Schemas } from "../../api/schema.js";
import { FERRY_VERSION } from "../../version.js";
import { TEMPLATES, type Template } from "./templates.js";

export const TOPIC_CONFIG = "topic";
export const RATE_CONFIG = "records.per.second";
export const MAX_RECORDS_CONFIG = "max.records";
export const TEMPLATE_CONFIG = "template";
export const SEED_CONFIG = "seed";
/** set by the connector in each task's config */
export const TASK_ID_CONFIG = "datagen.task.id";
export const TASK_COUNT_CONFIG = "datagen.task.count";

/** the most records one poll() returns */
const MAX_BATCH = 1000;
/** the longest one poll() waits for the next record to be due, or idles once max.records is reached */
const MAX_WAIT_MS = 500;

export function datagenConfigDef(): ConfigDef {
  return new ConfigDef()
    .define({
      name: TOPIC_CONFIG,
      type: "STRING",
      importance: "HIGH",
      documentation: "The topic to write records to.",
      check: z.string().trim().min(1, "String must be non-empty"),
    })
    .define({
      name: RATE_CONFIG,
      type: "DOUBLE",
      default: 10,
      importance: "MEDIUM",
      documentation:
        "Records per second for the whole connector, shared evenly by its tasks. 0 or -1: as fast as possible.",
      check: z.number().refine((n) => n >= 0 || n === -1, "Value must be -1, 0 or positive"),
    })
    .define({
      name: MAX_RECORDS_CONFIG,
      type: "LONG",
      default: -1,
      importance: "MEDIUM",
      documentation:
        "How many records the connector makes in all (sequence numbers 0 to max.records-1); -1: no end.",
      check: z.number().int().min(-1, "Value must be at least -1"),
    })
    .define({
      name: TEMPLATE_CONFIG,
      type: "STRING",
      default: "users",
      importance: "HIGH",
      documentation: `The shape of the records: ${Object.keys(TEMPLATES).join(", ")}.`,
      recommendedValues: Object.keys(TEMPLATES),
      check: z.enum(Object.keys(TEMPLATES) as [string, ...string[]], {
        error: `Value must be one of ${Object.keys(TEMPLATES).join(", ")}`,
      }),
    })
    .define({
      name: SEED_CONFIG,
      type: "LONG",
      default: 0,
      importance: "LOW",
      documentation:
        "Seed of the generated field values: the same seed and sequence number give the same record.",
      check: z.number().int().min(0, "Value must be at least 0"),
    });
}

class DatagenSourceConnector implements Connector {
  private props: Record<string, string> = {};
  version() {
    return FERRY_VERSION;
  }
  start(config: Record<string, string>) {
    datagenConfigDef().parseOrThrow(config);
    this.props = { ...config };
  }
  taskConfigs(maxTasks: number): TaskConfig[] {
    const n = Math.max(1, maxTasks);
    return Array.from({ length: n }, (_, i) => ({
      ...this.props,
      [TASK_ID_CONFIG]: String(i),
      [TASK_COUNT_CONFIG]: String(n),
    }));
  }
  stop() {}
  config() {
    return datagenConfigDef();
  }
}

/** The first sequence number of task i (of n) after `last`. */
export function nextSeqAfter(last: number, taskId: number, taskCount: number): number {
  const first = last + 1;
  return first + ((((taskId - first) % taskCount) + taskCount) % taskCount);
}

export class DatagenSourceTask implements SourceTask {
  private topic = "";
  private template!: Template;
  private seed = 0;
  private taskId = 0;
  private taskCount = 1;
  /** records per second for this task; 0 = unlimited */
  private rate = 0;
  private maxRecords = -1;
  private nextSeq = 0;
  private partition!: { task: number };
  private ctx!: SourceTaskContext;
  /** rate schedule: record k of this run is due at startedAt + k / rate */
  private startedAt = 0;
  private emitted = 0;

  version() {
    return FERRY_VERSION;
  }

  async start(config: TaskConfig, ctx: SourceTaskContext) {
    const v = datagenConfigDef().parseOrThrow(config);
    this.ctx = ctx;
    this.topic = v[TOPIC_CONFIG] as string;
    this.template = TEMPLATES[v[TEMPLATE_CONFIG] as string] as Template;
    this.seed = v[SEED_CONFIG] as number;
    this.taskId = Number(config[TASK_ID_CONFIG] ?? 0);
    this.taskCount = Number(config[TASK_COUNT_CONFIG] ?? 1);
    if (!Number.isSafeInteger(this.taskId) || !Number.isSafeInteger(this.taskCount) || this.taskCount < 1)
      throw new ConfigError(`bad ${TASK_ID_CONFIG}/${TASK_COUNT_CONFIG}`);
    const total = v[RATE_CONFIG] as number;
    this.rate = total > 0 ? total / this.taskCount : 0;
    this.maxRecords = v[MAX_RECORDS_CONFIG] as number;
    this.partition = { task: this.taskId };
    const stored = await ctx.offsetStorageReader.offset(this.partition);
    const last = stored?.seq;
    if (stored && (typeof last !== "number" || !Number.isSafeInteger(last) || last < 0))
      throw new Error(`Stored datagen offset is not a sequence number: ${JSON.stringify(stored)}`);
    this.nextSeq = typeof last === "number" ? nextSeqAfter(last, this.taskId, this.taskCount) : this.taskId;
    this.startedAt = Date.now();
    this.emitted = 0;
  }

  private exhausted(): boolean {
    return this.maxRecords >= 0 && this.nextSeq >= this.maxRecords;
  }

  /** how many records are due now under the rate */
  private due(): number {
    if (this.rate <= 0) return MAX_BATCH;
    // the first record is due at once
    return Math.floor(((Date.now() - this.startedAt) * this.rate) / 1000) + 1 - this.emitted;
  }

  async poll(): Promise<SourceRecord[] | null> {
    if (this.ctx.signal.aborted) return null;
    if (this.exhausted()) {
      await this.sleep(MAX_WAIT_MS);
      return null;
    }
    let count = this.due();
    if (count <= 0) {
      const at = this.startedAt + (this.emitted * 1000) / this.rate;
      await this.sleep(Math.min(MAX_WAIT_MS, Math.max(1, at - Date.now())));
      if (this.ctx.signal.aborted) return null;
      count = this.due();
      if (count <= 0) return null;
    }
    count = Math.min(count, MAX_BATCH);
    const out: SourceRecord[] = [];
    while (out.length < count && !this.exhausted()) {
      const seq = this.nextSeq;
      const { key, value } = this.template(this.seed, seq);
      out.push(
        sourceRecord({
          topic: this.topic,
          keySchema: Schemas.STRING,
          key,
          value,
          sourcePartition: this.partition,
          sourceOffset: { seq },
        }),
      );
      this.nextSeq += this.taskCount;
    }
    this.emitted += out.length;
    return out;
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

  stop() {}
}

export const datagenSourcePlugin: SourceConnectorPlugin = {
  type: "source",
  className: "io.ferry.connect.datagen.DatagenSourceConnector",
  aliases: ["Datagen"],
  version: FERRY_VERSION,
  createConnector: () => new DatagenSourceConnector(),
  createTask: () => new DatagenSourceTask(),
};
