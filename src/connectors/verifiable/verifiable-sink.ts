/**
 * VerifiableSink, as Kafka's VerifiableSinkConnector (connect/test-plugins): reports every record put()
 * gives it as a JSON line, keeps it per topic-partition, and when flush(offsets) runs — right before the
 * runtime commits those consumer offsets — reports each kept record below the flushed offset again with
 * "flushed": true. A bounce test checks the flushed seqnos of each source task: no gaps, and no duplicates
 * after clean restarts. Records of a partition closed before a flush are dropped: they are delivered again.
 */
import { ConfigDef } from "../../api/config-def.js";
import type { Connector, SinkConnectorPlugin, SinkTask, TaskConfig } from "../../api/connector.js";
import type { SinkRecord, TopicPartition } from "../../api/records.js";
import { Struct } from "../../api/schema.js";
import { FERRY_VERSION } from "../../version.js";
import { ID_CONFIG, LOG_FILE_CONFIG, NAME_CONFIG, taskIdOf, VerifiableLog } from "./log.js";

export function verifiableSinkConfigDef(): ConfigDef {
  return new ConfigDef().define({
    name: LOG_FILE_CONFIG,
    type: "STRING",
    default: null,
    importance: "MEDIUM",
    documentation:
      "File the JSON report lines are appended to (all tasks share it); standard output when not set.",
  });
}

class VerifiableSinkConnector implements Connector {
  private props: Record<string, string> = {};
  version() {
    return FERRY_VERSION;
  }
  start(config: Record<string, string>) {
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
    return verifiableSinkConfigDef();
  }
}

/** A number written as text (StringConverter) back to a number; anything else as it is. */
function asNumber(v: unknown): unknown {
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v);
  if (typeof v === "bigint") return Number(v);
  return v;
}

/** The field of a complete.record.data value (a Struct, or its JSON without schemas). */
function fieldOf(value: unknown, name: string): unknown {
  if (value instanceof Struct)
    return value.schema.fields?.some((f) => f.name === name) ? value.get(name) : null;
  if (value && typeof value === "object" && !Buffer.isBuffer(value))
    return (value as Record<string, unknown>)[name] ?? null;
  return undefined;
}

/** The source task id and seqno a record carries: key and value, or the fields of a complete value. */
export function taskAndSeqno(r: SinkRecord): { task: unknown; seqno: unknown } {
  const seqnoField = fieldOf(r.value, "seqno");
  const seqno = seqnoField === undefined ? asNumber(r.value) : asNumber(seqnoField);
  let task = asNumber(r.key);
  if (task === null || task === undefined) {
    const t = fieldOf(r.value, "task");
    if (t !== undefined) task = asNumber(t);
  }
  return { task: task ?? null, seqno: seqno ?? null };
}

type Line = Record<string, unknown> & { offset: number };

export class VerifiableSinkTask implements SinkTask {
  private name = "";
  private id = 0;
  private log: VerifiableLog | null = null;
  /** records put() but not flushed yet, by topic-partition key */
  private readonly unflushed = new Map<string, Line[]>();

  version() {
    return FERRY_VERSION;
  }

  start(config: TaskConfig) {
    this.name = config[NAME_CONFIG] ?? "";
    this.id = taskIdOf(config);
    this.log = new VerifiableLog(config[LOG_FILE_CONFIG]);
  }

  put(records: readonly SinkRecord[]) {
    const nowMs = Date.now();
    const lines: Line[] = [];
    for (const r of records) {
      const { task, seqno } = taskAndSeqno(r);
      const data: Line = {
        name: this.name,
        task,
        sinkTask: this.id,
        topic: r.topic,
        partition: r.kafkaPartition,
        offset: r.kafkaOffset,
        time_ms: nowMs,
        seqno,
      };
      lines.push(data);
      const key = `${r.topic}-${r.kafkaPartition}`;
      let list = this.unflushed.get(key);
      if (!list) this.unflushed.set(key, (list = []));
      list.push(data);
    }
    this.log?.write(lines);
  }

  /** Reports the kept records below each flushed offset (the next offset to read) as flushed. */
  flush(offsets: ReadonlyMap<string, { tp: TopicPartition; offset: number }>) {
    const nowMs = Date.now();
    const lines: Record<string, unknown>[] = [];
    for (const { tp, offset } of offsets.values()) {
      const key = `${tp.topic}-${tp.partition}`;
      const list = this.unflushed.get(key);
      if (!list) continue;
      const keep: Line[] = [];
      for (const data of list) {
        if (data.offset < offset) lines.push({ ...data, time_ms: nowMs, flushed: true });
        else keep.push(data);
      }
      if (keep.length > 0) this.unflushed.set(key, keep);
      else this.unflushed.delete(key);
    }
    this.log?.write(lines);
  }

  close(partitions: readonly TopicPartition[]) {
    for (const tp of partitions) this.unflushed.delete(`${tp.topic}-${tp.partition}`);
  }

  stop() {
    this.unflushed.clear();
    this.log?.close();
  }
}

export const verifiableSinkPlugin: SinkConnectorPlugin = {
  type: "sink",
  className: "org.apache.kafka.connect.tools.VerifiableSinkConnector",
  aliases: ["VerifiableSink"],
  version: FERRY_VERSION,
  createConnector: () => new VerifiableSinkConnector(),
  createTask: () => new VerifiableSinkTask(),
};
