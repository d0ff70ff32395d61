/**
 * Sink dead-letter queue (errors.deadletterqueue.*): a record that failed in a converter or transform is
 * produced, as consumed (original key, value and headers), to the DLQ topic, with Kafka Connect's
 * `__connect.errors.*` context headers when errors.deadletterqueue.context.headers.enable=true. The send is
 * acknowledged before the task moves on, so a record is never committed past without being in the DLQ.
 */

import type { KafkaAdmin, KafkaProducer, RecordHeaders } from "../kafka/types.js";
import type { Logger } from "../log/logger.js";
import { type TaskMetrics, taskMetrics } from "../metrics/task-metrics.js";
import type { ErrorContext, ErrorReporter } from "./error-handler.js";

export const DLQ_HEADER_PREFIX = "__connect.errors.";

export interface DeadLetterQueueOptions {
  readonly topic: string;
  readonly replicationFactor: number;
  readonly contextHeaders: boolean;
  readonly connector: string;
  readonly taskId: number;
  readonly producer: KafkaProducer;
  readonly admin: KafkaAdmin;
  readonly logger: Logger;
  /** defaults to the process's worker metrics (see metrics/task-metrics.ts) */
  readonly metrics?: TaskMetrics;
}

export function deadLetterQueueOptions(config: Readonly<Record<string, string>>): {
  topic: string;
  replicationFactor: number;
  contextHeaders: boolean;
} | null {
  const topic = config["errors.deadletterqueue.topic.name"]?.trim() ?? "";
  if (!topic) return null;
  return {
    topic,
    replicationFactor: Number(config["errors.deadletterqueue.topic.replication.factor"]?.trim() || "3"),
    contextHeaders: config["errors.deadletterqueue.context.headers.enable"]?.trim().toLowerCase() === "true",
  };
}

export class DeadLetterQueueReporter implements ErrorReporter {
  private readonly metrics: TaskMetrics;

  constructor(private readonly o: DeadLetterQueueOptions) {
    this.metrics = o.metrics ?? taskMetrics(o.connector, o.taskId);
  }

  /** Creates the topic when missing, as Kafka's DeadLetterQueueReporter does. */
  async start(): Promise<void> {
    const { admin, topic } = this.o;
    const existing = await admin.listTopics();
    if (existing.includes(topic)) return;
    try {
      await admin.createTopics({
        topics: [{ topic, numPartitions: 1, replicationFactor: this.o.replicationFactor }],
        waitForLeaders: true,
      });
      this.o.logger.info({ topic }, "created dead letter queue topic");
    } catch (e) {
      // another task may have created it at the same moment
      if ((e as { type?: string }).type === "TOPIC_ALREADY_EXISTS") return;
      throw new Error(
        `Could not create dead letter queue topic ${topic} (replication factor ${this.o.replicationFactor}): ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  async report(error: unknown, ctx: ErrorContext): Promise<void> {
    const r = ctx.record;
    const headers: RecordHeaders = {};
    if (r.headers) for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) headers[k] = v;
    if (this.o.contextHeaders) {
      const e = error instanceof Error ? error : new Error(String(error));
      // report the failing plugin's own error, not our stage wrapper
      const cause =
        e.cause instanceof Error && (e.name === "TransformStageError" || e.name === "ConverterStageError")
          ? e.cause
          : e;
      const h = (k: string, v: string) => {
        headers[DLQ_HEADER_PREFIX + k] = Buffer.from(v);
      };
      h("topic", r.topic);
      if (r.partition !== null) h("partition", String(r.partition));
      if (r.offset !== null) h("offset", String(r.offset));
      h("connector.name", this.o.connector);
      h("task.id", String(this.o.taskId));
      h("stage", ctx.stage);
      h("class.name", ctx.className);
      h("exception.class.name", cause.name);
      if (cause.message) h("exception.message", cause.message);
      h("exception.stacktrace", cause.stack ?? `${cause.name}: ${cause.message}`);
    }
    await this.o.producer.send({
      topic: this.o.topic,
      acks: -1,
      messages: [{ key: r.key, value: r.value, headers }],
    });
    this.metrics.deadLettered();
  }
}
