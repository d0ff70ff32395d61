/**
 * Keys and values of the three internal topics, exactly as Kafka Connect writes them
 * (reference/kafka-connect.md §3): config and status keys are UTF-8 strings, offset keys are JSON bytes,
 * values are what JsonConverter writes with schemas.enable=false (plain JSON, struct fields in schema order,
 * null fields as JSON null). Parsers accept what Kafka Connect accepts and return an Error for the rest,
 * which the stores log and skip, as Kafka does.
 */
import { z } from "zod";
import type { TaskConfig } from "../../api/connector.js";
import type { SourceOffset, SourcePartition } from "../../api/records.js";
import { isPlainObject } from "../../data/plain-object.js";
import type { RestartRequest, TargetState, UnitStatus } from "../types.js";
import { TARGET_STATES, UNIT_STATES } from "../types.js";

// ---- config topic ----

export const CONNECTOR_PREFIX = "connector-";
export const TARGET_STATE_PREFIX = "target-state-";
export const TASK_PREFIX = "task-";
export const COMMIT_PREFIX = "commit-";
export const RESTART_PREFIX = "restart-connector-";
/** keys Kafka Connect writes that Ferry does not use (yet); read and ignored without a warning */
export const IGNORED_CONFIG_PREFIXES = ["tasks-fencing-", "session-key"] as const;
export const LOGGER_PREFIX = "logger-cluster-";

export const connectorKey = (name: string) => `${CONNECTOR_PREFIX}${name}`;
export const targetStateKey = (name: string) => `${TARGET_STATE_PREFIX}${name}`;
export const taskKey = (name: string, task: number) => `${TASK_PREFIX}${name}-${task}`;
export const commitKey = (name: string) => `${COMMIT_PREFIX}${name}`;
export const restartKey = (name: string) => `${RESTART_PREFIX}${name}`;

export type ConfigKey =
  | { readonly kind: "connector"; readonly connector: string }
  | { readonly kind: "target-state"; readonly connector: string }
  | { readonly kind: "task"; readonly connector: string; readonly task: number }
  | { readonly kind: "commit"; readonly connector: string }
  | { readonly kind: "restart"; readonly connector: string }
  | { readonly kind: "logger"; readonly namespace: string }
  | { readonly kind: "ignored" }
  | { readonly kind: "invalid"; readonly reason: string };

/** Parses a config topic key; prefixes are tested in Kafka's order. */
export function parseConfigKey(key: string): ConfigKey {
  if (key.startsWith(TARGET_STATE_PREFIX))
    return { kind: "target-state", connector: key.slice(TARGET_STATE_PREFIX.length) };
  if (key.startsWith(CONNECTOR_PREFIX))
    return { kind: "connector", connector: key.slice(CONNECTOR_PREFIX.length) };
  if (key.startsWith(TASK_PREFIX)) {
    const id = parseTaskSuffix(key.slice(TASK_PREFIX.length));
    return id ? { kind: "task", ...id } : { kind: "invalid", reason: `${key} is not a task config key` };
  }
  if (key.startsWith(COMMIT_PREFIX)) return { kind: "commit", connector: key.slice(COMMIT_PREFIX.length) };
  if (key.startsWith(RESTART_PREFIX)) return { kind: "restart", connector: key.slice(RESTART_PREFIX.length) };
  if (key.startsWith(LOGGER_PREFIX)) return { kind: "logger", namespace: key.slice(LOGGER_PREFIX.length) };
  if (IGNORED_CONFIG_PREFIXES.some((p) => key.startsWith(p))) return { kind: "ignored" };
  return { kind: "invalid", reason: `unknown config key ${key}` };
}

/** "<connector>-<n>": the task number is the last segment, so connector names may contain '-'. */
export function parseTaskSuffix(s: string): { connector: string; task: number } | undefined {
  const dash = s.lastIndexOf("-");
  if (dash <= 0) return undefined;
  const num = s.slice(dash + 1);
  if (!/^\d{1,9}$/.test(num)) return undefined;
  return { connector: s.slice(0, dash), task: Number(num) };
}

const Properties = z.object({ properties: z.record(z.string(), z.string().nullable()) });
const TargetStateValue = z.object({ state: z.unknown().optional(), "state.v2": z.unknown().optional() });
const CommitValue = z.object({ tasks: z.number().int().min(0) });

/** `{"properties": {...}}`, for connector and task configs */
export function serializeProperties(properties: Readonly<Record<string, string>>): string {
  return JSON.stringify({ properties });
}

/** Properties of a connector or task config; keys whose value is null are left out. */
export function parseProperties(value: unknown): TaskConfig | Error {
  const r = Properties.safeParse(value);
  if (!r.success) return new Error(`"properties" must be a map of strings (${issues(r.error)})`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.data.properties)) if (v !== null) out[k] = v;
  return out;
}

/** STOPPED goes to "state" as PAUSED, for workers that predate STOPPED; "state.v2" has the real state. */
export function serializeTargetState(state: TargetState): string {
  return JSON.stringify({ state: state === "STOPPED" ? "PAUSED" : state, "state.v2": state });
}

/** Prefers "state.v2", falls back on "state" (older writers), as Kafka. */
export function parseTargetState(value: unknown): TargetState | Error {
  const r = TargetStateValue.safeParse(value);
  if (!r.success) return new Error(`target state must be an object (${issues(r.error)})`);
  const v2 = r.data["state.v2"];
  const raw = typeof v2 === "string" ? v2 : r.data.state;
  if (typeof raw !== "string") return new Error(`"state" must be a string, found ${JSON.stringify(raw)}`);
  if (!(TARGET_STATES as readonly string[]).includes(raw)) return new Error(`unknown target state ${raw}`);
  return raw as TargetState;
}

export function serializeCommit(tasks: number): string {
  return JSON.stringify({ tasks });
}

export function parseCommit(value: unknown): number | Error {
  const r = CommitValue.safeParse(value);
  return r.success ? r.data.tasks : new Error(`"tasks" must be a non-negative integer (${issues(r.error)})`);
}

export const loggerKey = (namespace: string) => `${LOGGER_PREFIX}${namespace}`;

/** KIP-976: `logger-cluster-<namespace>` → {"level": "DEBUG"} */
export function serializeLoggerLevel(level: string): string {
  return JSON.stringify({ level });
}

export function parseLoggerLevel(value: unknown): string | Error {
  const level = (value as { level?: unknown } | null)?.level;
  return typeof level === "string" && level.length > 0 ? level : new Error("logger record without a level");
}

export function serializeRestartRequest(request: RestartRequest): string {
  return JSON.stringify({ "include-tasks": request.includeTasks, "only-failed": request.onlyFailed });
}

/** Missing or non-boolean fields default to false, as Kafka. */
export function parseRestartRequest(value: unknown): RestartRequest | Error {
  if (!isPlainObject(value)) return new Error("restart request must be an object");
  const includeTasks = value["include-tasks"];
  const onlyFailed = value["only-failed"];
  return {
    includeTasks: typeof includeTasks === "boolean" ? includeTasks : false,
    onlyFailed: typeof onlyFailed === "boolean" ? onlyFailed : false,
  };
}

// ---- status topic ----

export const CONNECTOR_STATUS_PREFIX = "status-connector-";
export const TASK_STATUS_PREFIX = "status-task-";
export const TOPIC_STATUS_PREFIX = "status-topic-";

export const connectorStatusKey = (name: string) => `${CONNECTOR_STATUS_PREFIX}${name}`;
export const taskStatusKey = (name: string, task: number) => `${TASK_STATUS_PREFIX}${name}-${task}`;

export type StatusKey =
  | { readonly kind: "connector"; readonly connector: string }
  | { readonly kind: "task"; readonly connector: string; readonly task: number }
  | { readonly kind: "ignored" }
  | { readonly kind: "invalid"; readonly reason: string };

export function parseStatusKey(key: string): StatusKey {
  if (key.startsWith(CONNECTOR_STATUS_PREFIX)) {
    const connector = key.slice(CONNECTOR_STATUS_PREFIX.length);
    return connector
      ? { kind: "connector", connector }
      : { kind: "invalid", reason: `${key} names no connector` };
  }
  if (key.startsWith(TASK_STATUS_PREFIX)) {
    const id = parseTaskSuffix(key.slice(TASK_STATUS_PREFIX.length));
    return id ? { kind: "task", ...id } : { kind: "invalid", reason: `${key} is not a task status key` };
  }
  // active topics (KIP-558) are not tracked by Ferry yet
  if (key.startsWith(TOPIC_STATUS_PREFIX)) return { kind: "ignored" };
  return { kind: "invalid", reason: `unknown status key ${key}` };
}

const StatusValue = z.object({
  state: z.string(),
  trace: z.string().nullable().optional(),
  worker_id: z.string(),
  generation: z.number().int(),
  attempts: z.number().int().min(0).optional(),
});

/** Field order as Kafka's STATUS_SCHEMA_V0: state, trace, worker_id, generation. */
export function serializeStatus(status: UnitStatus): string {
  return JSON.stringify({
    state: status.state,
    trace: status.trace,
    worker_id: status.workerId,
    generation: status.generation,
    // Ferry's field; Kafka Connect's reader ignores keys it does not know
    ...(status.attempts ? { attempts: status.attempts } : {}),
  });
}

export function parseStatus(value: unknown): UnitStatus | Error {
  const r = StatusValue.safeParse(value);
  if (!r.success) return new Error(`invalid status (${issues(r.error)})`);
  const { state, trace, worker_id, generation, attempts } = r.data;
  if (!(UNIT_STATES as readonly string[]).includes(state)) return new Error(`unknown state ${state}`);
  return {
    state: state as UnitStatus["state"],
    trace: trace ?? null,
    workerId: worker_id,
    generation,
    ...(attempts ? { attempts } : {}),
  };
}

// ---- offsets topic ----

export function parseOffsetKey(json: unknown): { connector: string; partition: SourcePartition } | Error {
  if (!Array.isArray(json) || json.length !== 2) return new Error("offset key must be a JSON array of two");
  const [connector, partition] = json as [unknown, unknown];
  if (typeof connector !== "string") return new Error("offset key must start with the connector name");
  if (!isPlainObject(partition)) return new Error("offset key's source partition must be an object");
  return { connector, partition };
}

export function serializeOffset(offset: SourceOffset): string {
  return JSON.stringify(offset);
}

/** A source offset, or null (the JSON null a converter writes for a null value deletes, as a tombstone). */
export function parseOffset(json: unknown): SourceOffset | null | Error {
  if (json === null) return null;
  if (!isPlainObject(json)) return new Error("source offset must be a JSON object");
  return json;
}

// ---- shared ----

/** JSON from the record bytes; null for a tombstone; an Error for bytes that are not JSON. */
export function parseJsonBytes(bytes: Buffer | null): unknown {
  if (bytes === null) return null;
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch (e) {
    return new Error(`not valid JSON: ${(e as Error).message}`);
  }
}

function issues(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`).join("; ");
}
