/**
 * The one message protocol between the control thread and a task thread. Requests carry an id (`rid`) and
 * are answered by a `reply` with the same id; events (status, connector requests, metrics) are one-way.
 * Records never cross: a task's Kafka clients live in its thread.
 */
import type { TaskConfig } from "../api/connector.js";
import type { OffsetEntry } from "../state/types.js";

export type Config = Readonly<Record<string, string>>;

export interface TaskRef {
  readonly connector: string;
  readonly task: number;
}

/** An error as it crosses a thread: class instances do not survive structured cloning, their text does. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** control thread → task thread */
export type ToThread =
  | {
      readonly kind: "startConnector";
      readonly rid: number;
      readonly name: string;
      readonly config: Config;
      readonly cell: SharedArrayBuffer;
      readonly no: number;
    }
  | { readonly kind: "taskConfigs"; readonly rid: number; readonly name: string; readonly config: Config }
  | { readonly kind: "stopConnector"; readonly rid: number; readonly name: string }
  | {
      readonly kind: "startTask";
      readonly rid: number;
      readonly id: TaskRef;
      readonly taskConfig: TaskConfig;
      readonly connectorConfig: Config;
      readonly cell: SharedArrayBuffer;
      /** the unit's number, which the thread marks while the unit runs synchronously */
      readonly no: number;
      /** report the sink consumer's group member id (distributed) */
      readonly reportSinkJoin: boolean;
      /** report the topics the task writes to or reads from (KIP-558 topic tracking) */
      readonly reportTopics: boolean;
    }
  | { readonly kind: "stopTask"; readonly rid: number; readonly id: TaskRef }
  | Reply;

export type Reply =
  | { readonly kind: "reply"; readonly rid: number; readonly ok: true; readonly value?: unknown }
  | { readonly kind: "reply"; readonly rid: number; readonly ok: false; readonly error: WireError };

export type StatusEvent =
  | { readonly event: "running" | "paused" | "shutdown" }
  | { readonly event: "failure"; readonly error: WireError };

/** One call of a task's metrics (metrics/task-metrics.ts), replayed on the control thread's registry. */
export interface MetricCall {
  readonly connector: string;
  readonly task: number;
  readonly method: string;
  readonly args: readonly (string | number | boolean)[];
}

/** Offsets live in the control thread's store; a task reads and commits them through it. */
export type OffsetsRequest =
  /** readToEnd, then the connector's offsets (answer: OffsetEntry[]) */
  | { readonly op: "snapshot"; readonly connector: string }
  | { readonly op: "put" | "write"; readonly connector: string; readonly entries: readonly OffsetEntry[] }
  /** exactly-once: the offset records a transaction writes (answer: LogWrite[] with string keys) */
  | { readonly op: "records"; readonly connector: string; readonly entries: readonly OffsetEntry[] };

/** task thread → control thread */
export type FromThread =
  | { readonly kind: "ready" }
  | Reply
  | ({ readonly kind: "status"; readonly key: string } & StatusEvent)
  | { readonly kind: "taskEnded"; readonly key: string }
  | { readonly kind: "connector"; readonly name: string; readonly event: "reconfigure" }
  | {
      readonly kind: "connector";
      readonly name: string;
      readonly event: "raiseError";
      readonly error: WireError;
    }
  | { readonly kind: "sinkJoin"; readonly key: string; readonly memberId: string }
  /** a topic the task used; repeated at most once a second per topic (a tracking reset is seen again) */
  | { readonly kind: "topicUsed"; readonly key: string; readonly topic: string }
  | ({ readonly kind: "offsets"; readonly rid: number } & OffsetsRequest)
  | { readonly kind: "metrics"; readonly calls: readonly MetricCall[] };

export function toWire(e: unknown): WireError {
  if (e instanceof Error) return { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  return { name: "Error", message: String(e) };
}

/** An Error that reads as the original did (its stack text is the trace statuses show). */
export function fromWire(w: WireError): Error {
  const e = new Error(w.message);
  e.name = w.name;
  if (w.stack) e.stack = w.stack;
  return e;
}
