/**
 * What connector authors implement, in the shape of Kafka Connect's Connector / SourceTask / SinkTask.
 * Everything here may be async; the runtime awaits it.
 */
import type { ConfigDef } from "./config-def.js";
import type {
  RecordMetadata,
  SinkRecord,
  SourceOffset,
  SourcePartition,
  SourceRecord,
  TopicPartition,
} from "./records.js";

export type ConnectorType = "source" | "sink";
export type TaskConfig = Record<string, string>;

export interface ConnectorContext {
  /** Ask the runtime to call taskConfigs() again and restart tasks whose config changed. */
  requestTaskReconfiguration(): void;
  /** Fail the connector (status FAILED with this error). */
  raiseError(error: Error): void;
}

export interface Connector {
  version(): string;
  start(config: Record<string, string>, context: ConnectorContext): void | Promise<void>;
  /** The configs of the tasks to run, at most `maxTasks` of them. */
  taskConfigs(maxTasks: number): TaskConfig[] | Promise<TaskConfig[]>;
  stop(): void | Promise<void>;
  /** The connector's own keys; the framework adds its common keys. */
  config(): ConfigDef;
  /** Extra validation across keys; returns messages per key. */
  validate?(config: Record<string, string>): Record<string, string[]> | Promise<Record<string, string[]>>;
}

export interface OffsetStorageReader {
  offset(partition: SourcePartition): Promise<SourceOffset | null>;
  offsets(partitions: readonly SourcePartition[]): Promise<Map<SourcePartition, SourceOffset | null>>;
}

export interface SourceTaskContext {
  readonly offsetStorageReader: OffsetStorageReader;
  readonly signal: AbortSignal;
}

export interface SourceTask {
  version(): string;
  start(config: TaskConfig, context: SourceTaskContext): void | Promise<void>;
  /**
   * Records available now, or null/[] when there are none. May wait a short while for data, but should
   * return promptly once `context.signal` is aborted.
   */
  poll(): Promise<SourceRecord[] | null>;
  /** Called after the offsets of everything polled so far were committed. */
  commit?(): void | Promise<void>;
  /** Called when Kafka acknowledged this record (metadata null when a transform dropped it). */
  commitRecord?(record: SourceRecord, metadata: RecordMetadata | null): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface SinkTaskContext {
  readonly signal: AbortSignal;
  /** Ask the runtime to commit offsets soon. */
  requestCommit(): void;
}

export interface SinkTask {
  version(): string;
  start(config: TaskConfig, context: SinkTaskContext): void | Promise<void>;
  put(records: readonly SinkRecord[]): void | Promise<void>;
  /** Make everything given to put() up to these offsets durable. Offsets are the next offset to read. */
  flush(offsets: ReadonlyMap<string, { tp: TopicPartition; offset: number }>): void | Promise<void>;
  open?(partitions: readonly TopicPartition[]): void | Promise<void>;
  close?(partitions: readonly TopicPartition[]): void | Promise<void>;
  stop(): void | Promise<void>;
}

/** A connector plugin: the class names it answers to and how to make instances. */
export interface SourceConnectorPlugin {
  readonly type: "source";
  /** fully qualified name as shown by /connector-plugins */
  readonly className: string;
  readonly aliases?: readonly string[];
  readonly version: string;
  createConnector(): Connector;
  createTask(): SourceTask;
}

export interface SinkConnectorPlugin {
  readonly type: "sink";
  readonly className: string;
  readonly aliases?: readonly string[];
  readonly version: string;
  createConnector(): Connector;
  createTask(): SinkTask;
}

export type ConnectorPlugin = SourceConnectorPlugin | SinkConnectorPlugin;
