/**
 * The three state stores every herder uses, whatever holds them (memory and files in standalone mode,
 * Kafka compacted topics in distributed mode). One conformance suite runs against every implementation
 * (test/integration/state/*.case.ts).
 *
 * Every store has the same life cycle: `start()` loads what is durable (for the Kafka stores: reads the
 * topic from the beginning to its end), `readToEnd()` is the barrier "everything written before this call,
 * by any worker, is in my view", `stop()` releases the resources. Reads are synchronous, from the view;
 * writes resolve once the write is durable and visible in this store's own view.
 */
import type { TaskConfig } from "../api/connector.js";
import type { SourceOffset, SourcePartition } from "../api/records.js";

export type UnitState = "UNASSIGNED" | "RUNNING" | "PAUSED" | "FAILED" | "RESTARTING" | "STOPPED";
export type TargetState = "STARTED" | "PAUSED" | "STOPPED";

export const UNIT_STATES: readonly UnitState[] = [
  "UNASSIGNED",
  "RUNNING",
  "PAUSED",
  "FAILED",
  "RESTARTING",
  "STOPPED",
];
export const TARGET_STATES: readonly TargetState[] = ["STARTED", "PAUSED", "STOPPED"];

/** Start, barrier and stop, shared by the three stores. */
export interface StoreLifecycle {
  /** Loads the durable state; the store is usable once this resolved. */
  start(): Promise<void>;
  /** Resolves once every write made anywhere before this call is in this store's view. */
  readToEnd(): Promise<void>;
  /** Waits for writes in flight, then releases the store's resources. */
  stop(): Promise<void>;
}

export interface UnitStatus {
  readonly state: UnitState;
  readonly trace: string | null;
  readonly workerId: string;
  readonly generation: number;
  /** Ferry: consecutive failed runs of the unit (automatic restarts); absent when it never failed */
  readonly attempts?: number;
}

export interface StatusWriteOptions {
  /**
   * The writer's fencing token (its lease's counter). Kafka stores carry it in the record header
   * `ferry.fence`; readers drop a record whose token is lower than the highest seen for its key.
   */
  readonly fence?: number;
  /**
   * Kafka Connect's `putSafe`: write only if there is no status yet, or it came from the same worker, or
   * the new generation is not lower. A skipped write resolves without writing.
   */
  readonly safe?: boolean;
}

/** Which unit a status record is about (task undefined: the connector itself). */
export interface StatusUnit {
  readonly connector: string;
  readonly task?: number;
}

export interface StatusStore extends StoreLifecycle {
  putConnector(name: string, status: UnitStatus, options?: StatusWriteOptions): Promise<void>;
  putTask(connector: string, task: number, status: UnitStatus, options?: StatusWriteOptions): Promise<void>;
  connector(name: string): UnitStatus | undefined;
  task(connector: string, task: number): UnitStatus | undefined;
  /** statuses of the connector's tasks, by task number */
  tasks(connector: string): ReadonlyMap<number, UnitStatus>;
  /** connectors that have a connector status */
  connectors(): string[];
  /** tombstones the connector's and its tasks' statuses */
  deleteConnector(name: string): Promise<void>;
  /**
   * The highest fencing token seen for the unit's status (reset by a tombstone), so that fencing counters
   * can be re-seeded after a Redis restart; undefined if no record carried one.
   */
  highestFence(unit: StatusUnit): number | undefined;
  /**
   * Called when a record was dropped because its fencing token was lower than the highest seen for that
   * unit: a stale owner wrote after the current one, and the current owner should re-assert its status
   * (compaction keeps only the last record, which is the stale one). Returns an unsubscribe function.
   */
  onStaleWrite(listener: (unit: StatusUnit, token: number, highest: number) => void): () => void;
}

/** KIP-745 restart request (`restart-connector-<name>` record). */
export interface RestartRequest {
  readonly includeTasks: boolean;
  readonly onlyFailed: boolean;
}

/** What changed in the config store; listeners re-read what they need from the store. */
export type ConfigChange =
  | { readonly kind: "connector-config"; readonly connector: string }
  | { readonly kind: "connector-removed"; readonly connector: string }
  | { readonly kind: "target-state"; readonly connector: string; readonly state: TargetState }
  /** a task-config commit was applied (or found inconsistent: taskConfigs() is then undefined) */
  | { readonly kind: "task-configs"; readonly connector: string }
  | { readonly kind: "restart"; readonly connector: string; readonly request: RestartRequest }
  /** KIP-976: a cluster-scope logger level, applied by every worker that reads it (not on start-up) */
  | { readonly kind: "logger"; readonly namespace: string; readonly level: string };

export interface ConfigStore extends StoreLifecycle {
  /** names of the connectors that exist, sorted */
  connectors(): string[];
  connectorConfig(name: string): Readonly<Record<string, string>> | undefined;
  /**
   * undefined until the connector's tasks were generated, and when the stored task configs are
   * inconsistent (a commit whose task records compaction removed): the herder then regenerates them
   */
  taskConfigs(name: string): readonly TaskConfig[] | undefined;
  /** STARTED unless a target state was written */
  targetState(name: string): TargetState;
  /** `targetState`, when given, is written first (a connector created PAUSED or STOPPED never runs) */
  putConnectorConfig(name: string, config: Record<string, string>, targetState?: TargetState): Promise<void>;
  /** writes every task config, then the commit that applies them together; `fence` as StatusWriteOptions */
  putTaskConfigs(name: string, configs: TaskConfig[], fence?: number): Promise<void>;
  putTargetState(name: string, state: TargetState): Promise<void>;
  putRestartRequest(name: string, request: RestartRequest): Promise<void>;
  /** distributed: a cluster-scope logger level (KIP-976); stores of a single worker do not have it */
  putLoggerLevel?(namespace: string, level: string): Promise<void>;
  /** deletes the connector's config and target state (its task configs go with it) */
  deleteConnector(name: string): Promise<void>;
  /**
   * Called for every change read after start() completed, including this store's own writes (before the
   * write resolves). Records replayed by start() are not reported. Returns an unsubscribe function.
   */
  onChange(listener: (change: ConfigChange) => void): () => void;
}

export interface OffsetEntry {
  readonly partition: SourcePartition;
  /** null deletes the partition's offset */
  readonly offset: SourceOffset | null;
}

export interface OffsetStore extends StoreLifecycle {
  get(connector: string, partition: SourcePartition): SourceOffset | null;
  list(connector: string): OffsetEntry[];
  /** Resolves once the entries are durable and in this store's view (get() sees them). */
  put(connector: string, entries: readonly OffsetEntry[]): Promise<void>;
  /**
   * Resolves once the entries are durable; this store's view catches up later. A task's periodic commit
   * needs no more (Kafka Connect's offset writer completes on the producer's acknowledgement), and must not
   * wait on a reader that is rejoining its group after a broker restart. Without it, put() is used.
   */
  write?(connector: string, entries: readonly OffsetEntry[]): Promise<void>;
}

/** Canonical JSON (sorted object keys) so that {a,b} and {b,a} name the same source partition. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(o)
          .sort()
          .map((k) => [k, o[k]]),
      );
    }
    return v;
  });
}

export function offsetKey(connector: string, partition: SourcePartition): string {
  return canonicalJson([connector, partition]);
}
