/**
 * The control plane of one worker, as the REST API sees it. Standalone and distributed herders implement it;
 * shapes are Kafka Connect's REST entities.
 */
import type { TaskConfig } from "../api/connector.js";
import type { TargetState, UnitState } from "../state/types.js";

export interface ConnectorInfo {
  name: string;
  config: Record<string, string>;
  tasks: { connector: string; task: number }[];
  type: "source" | "sink" | "unknown";
}

export interface UnitStateInfo {
  state: UnitState;
  worker_id: string;
  trace?: string;
}

export interface ConnectorStateInfo {
  name: string;
  connector: UnitStateInfo;
  tasks: (UnitStateInfo & { id: number })[];
  type: "source" | "sink" | "unknown";
}

export interface TaskInfo {
  id: { connector: string; task: number };
  config: TaskConfig;
}

export interface CreateConnectorRequest {
  name: string;
  config: Record<string, string>;
  initialState?: "RUNNING" | "PAUSED" | "STOPPED";
}

export interface Herder {
  /** true once the herder has started and processed its initial connectors */
  ready(): boolean;
  kafkaClusterId(): string | null;
  connectors(): string[];
  connectorInfo(name: string): ConnectorInfo;
  connectorConfig(name: string): Record<string, string>;
  connectorStatus(name: string): ConnectorStateInfo;
  taskStatus(name: string, task: number): UnitStateInfo & { id: number };
  taskConfigs(name: string): TaskInfo[];
  /** creates (fails with 409 when it exists) */
  createConnector(req: CreateConnectorRequest): Promise<ConnectorInfo>;
  /** creates or replaces; `created` tells which */
  putConnectorConfig(
    name: string,
    config: Record<string, string>,
  ): Promise<{ created: boolean; info: ConnectorInfo }>;
  deleteConnector(name: string): Promise<void>;
  setTargetState(name: string, state: TargetState): Promise<void>;
  restartConnector(name: string): Promise<void>;
  restartTask(name: string, task: number): Promise<void>;
}

export function targetStateFromInitial(s: CreateConnectorRequest["initialState"]): TargetState | undefined {
  if (s === undefined) return undefined;
  return s === "RUNNING" ? "STARTED" : s;
}
