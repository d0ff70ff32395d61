/**
 * The control plane of one worker, as the REST API sees it. Standalone and distributed herders implement it;
 * shapes are Kafka Connect's REST entities (reference §1), so the REST layer only maps them to HTTP.
 * Errors are ConnectErrors carrying their HTTP status (404 NotFoundError, 400 BadRequestError, 409 ...).
 */
import type { TaskConfig } from "../api/connector.js";
import type { ClusterScaling } from "../cluster/scaling.js";
import type { LoggerLevel } from "../log/levels.js";
import type { PluginInfo } from "../plugins/registry.js";
import type { TargetState, UnitState } from "../state/types.js";
import type { ConfigInfos, ConfigKeyInfo } from "./config-infos.js";

export type { ClusterScaling } from "../cluster/scaling.js";
export type { LoggerLevel } from "../log/levels.js";
export type { PluginInfo } from "../plugins/registry.js";
export type { ConfigInfo, ConfigInfos, ConfigKeyInfo, ConfigValueInfo } from "./config-infos.js";

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
  /** the connector plugin's version (KIP-891) */
  version?: string;
  /** Ferry: consecutive failed runs, while automatic restarts are under way (REST: only with ?ferry=true) */
  attempts?: number;
}

export type TaskStateInfo = UnitStateInfo & { id: number };

export interface ConnectorStateInfo {
  name: string;
  connector: UnitStateInfo;
  tasks: TaskStateInfo[];
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

/** Kafka's RestartRequest (POST /connectors/{c}/restart?includeTasks&onlyFailed). */
export interface RestartRequest {
  readonly includeTasks: boolean;
  readonly onlyFailed: boolean;
}

/** One partition's offset: connector-defined maps for sources; kafka_topic/kafka_partition/kafka_offset for sinks. */
export interface ConnectorOffset {
  partition: Record<string, unknown>;
  /** null (in PATCH bodies) removes the partition's offset */
  offset: Record<string, unknown> | null;
}

export interface ConnectorOffsets {
  offsets: ConnectorOffset[];
}

/** Kafka's Message entity: {"message": ...}. */
export interface Message {
  message: string;
}

/** Kafka's ActiveTopicsInfo. */
export interface ActiveTopicsInfo {
  connector: string;
  topics: string[];
}

export interface Herder {
  /** true once the herder has started and processed its initial connectors */
  ready(): boolean;
  kafkaClusterId(): string | null;

  connectors(): string[];
  connectorInfo(name: string): ConnectorInfo;
  connectorConfig(name: string): Record<string, string>;
  connectorStatus(name: string): ConnectorStateInfo;
  taskStatus(name: string, task: number): TaskStateInfo;
  taskConfigs(name: string): TaskInfo[];

  /** creates (fails with 409 when it exists) */
  createConnector(req: CreateConnectorRequest): Promise<ConnectorInfo>;
  /** creates or replaces; `created` tells which */
  putConnectorConfig(
    name: string,
    config: Record<string, string>,
  ): Promise<{ created: boolean; info: ConnectorInfo }>;
  /** merges `patch` into the config (a null removes the key), validates and applies it; 404 when absent */
  patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo>;
  deleteConnector(name: string): Promise<void>;

  /**
   * PAUSED (pause), STARTED (resume, also from STOPPED) or STOPPED (stop: the tasks are removed, so a
   * stopped connector has no tasks in /status and /tasks). 404 when absent.
   */
  setTargetState(name: string, state: TargetState): Promise<void>;
  /** restarts the connector instance only (POST .../restart with both flags false) */
  restartConnector(name: string): Promise<void>;
  /**
   * Restarts the connector if `!onlyFailed || FAILED`, and each task if `includeTasks && (!onlyFailed || FAILED)`;
   * returns the plan: the current status with RESTARTING for everything being restarted.
   */
  restartConnectorAndTasks(name: string, request: RestartRequest): Promise<ConnectorStateInfo>;
  restartTask(name: string, task: number): Promise<void>;

  /** KIP-875 offsets: the source offsets, or the sink's consumer group offsets */
  connectorOffsets(name: string): Promise<ConnectorOffsets>;
  /** only while STOPPED (400 otherwise); `offsets` is non-empty */
  alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<Message>;
  /** only while STOPPED (400 otherwise) */
  resetConnectorOffsets(name: string): Promise<Message>;

  /** topics the connector is known to use; an unknown connector has none */
  connectorActiveTopics(name: string): Promise<ActiveTopicsInfo>;
  resetConnectorActiveTopics(name: string): Promise<void>;

  connectorPlugins(connectorsOnly: boolean): PluginInfo[];
  /** 404 for an unknown plugin */
  connectorPluginConfig(plugin: string): ConfigKeyInfo[];
  /** 400 when connector.class is missing or unknown */
  validateConnectorConfig(config: Record<string, string>): Promise<ConfigInfos>;

  /** null for a logger nobody knows */
  loggerLevel(name: string): LoggerLevel | null;
  allLoggerLevels(): Record<string, LoggerLevel>;
  /** returns the affected loggers' names, sorted */
  setWorkerLoggerLevel(namespace: string, level: string): string[];
  /** every worker of the cluster (standalone: this one) */
  setClusterLoggerLevel(namespace: string, level: string): Promise<void>;

  /** GET /cluster/scaling: the worker count the cluster's units want; absent in standalone mode (404) */
  clusterScaling?(): Promise<ClusterScaling>;
}

export function targetStateFromInitial(s: CreateConnectorRequest["initialState"]): TargetState | undefined {
  if (s === undefined) return undefined;
  return s === "RUNNING" ? "STARTED" : s;
}
