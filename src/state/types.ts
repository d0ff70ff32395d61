/**
 * The three state stores every herder uses, whatever holds them (memory and files in standalone mode,
 * Kafka compacted topics in distributed mode). One conformance suite runs against every implementation.
 */
import type { TaskConfig } from "../api/connector.js";
import type { SourceOffset, SourcePartition } from "../api/records.js";

export type UnitState = "UNASSIGNED" | "RUNNING" | "PAUSED" | "FAILED" | "RESTARTING" | "STOPPED";
export type TargetState = "STARTED" | "PAUSED" | "STOPPED";

export interface UnitStatus {
  readonly state: UnitState;
  readonly trace: string | null;
  readonly workerId: string;
  readonly generation: number;
}

export interface StatusStore {
  putConnector(name: string, status: UnitStatus): Promise<void>;
  putTask(connector: string, task: number, status: UnitStatus): Promise<void>;
  connector(name: string): UnitStatus | undefined;
  task(connector: string, task: number): UnitStatus | undefined;
  /** statuses of the connector's tasks, by task number */
  tasks(connector: string): ReadonlyMap<number, UnitStatus>;
  /** tombstones the connector's and its tasks' statuses */
  deleteConnector(name: string): Promise<void>;
}

export interface ConfigStore {
  connectors(): string[];
  connectorConfig(name: string): Readonly<Record<string, string>> | undefined;
  /** undefined until the connector's tasks were generated */
  taskConfigs(name: string): readonly TaskConfig[] | undefined;
  targetState(name: string): TargetState;
  putConnectorConfig(name: string, config: Record<string, string>, targetState?: TargetState): Promise<void>;
  putTaskConfigs(name: string, configs: TaskConfig[]): Promise<void>;
  putTargetState(name: string, state: TargetState): Promise<void>;
  deleteConnector(name: string): Promise<void>;
}

export interface OffsetEntry {
  readonly partition: SourcePartition;
  /** null deletes the partition's offset */
  readonly offset: SourceOffset | null;
}

export interface OffsetStore {
  start(): Promise<void>;
  get(connector: string, partition: SourcePartition): SourceOffset | null;
  list(connector: string): OffsetEntry[];
  /** Resolves once the entries are durable. */
  put(connector: string, entries: readonly OffsetEntry[]): Promise<void>;
  stop(): Promise<void>;
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
