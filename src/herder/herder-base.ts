/**
 * What every herder does the same way whatever its mode: reads answered from the local view of the stores,
 * validation, plugin listings, logger levels and KIP-875 offsets (source stores, sink consumer groups). The standalone and
 * distributed herders add how connectors are written and where units run.
 */
import { BadRequestError, ConfigValidationError, ConnectError, NotFoundError } from "../errors.js";
import type { KafkaAdmin, KafkaClient } from "../kafka/types.js";
import { type LoggerLevel, LoggerLevels } from "../log/levels.js";
import type { Logger } from "../log/logger.js";
import type { PluginInfo, PluginRegistry } from "../plugins/registry.js";
import type { ConfigStore, OffsetStore, StatusStore, UnitState, UnitStatus } from "../state/types.js";
import {
  buildConfigInfos,
  type ConfigInfos,
  type ConfigKeyInfo,
  pluginConfigKeyInfos,
} from "./config-infos.js";
import { ConfigProviders } from "./config-providers.js";
import {
  alterSinkConnectorOffsets,
  modifiedOffsetsMessage,
  notStoppedMessage,
  parseSinkOffsets,
  parseSourceOffsets,
  resetSinkConnectorOffsets,
  sinkConnectorOffsets,
  sourceConnectorOffsets,
} from "./connector-offsets.js";
import type {
  ConnectorInfo,
  ConnectorOffset,
  ConnectorOffsets,
  ConnectorStateInfo,
  Message,
  TaskInfo,
  TaskStateInfo,
  UnitStateInfo,
} from "./herder.js";

export interface HerderBaseOptions {
  readonly workerId: string;
  readonly plugins: PluginRegistry;
  readonly configs: ConfigStore;
  readonly statuses: StatusStore;
  readonly logger: Logger;
  readonly clusterId: string | null;
  /** source connectors' offsets, for GET/PATCH/DELETE /connectors/{c}/offsets */
  readonly offsets?: OffsetStore;
  /** Kafka client: sink connectors' consumer-group offsets */
  readonly kafka?: KafkaClient;
  /** resolves ${provider:...} variables in what is handed to the worker; default: env and file */
  readonly providers?: ConfigProviders;
  /** runtime logger levels (/admin/loggers); default: levels over `logger` */
  readonly loggers?: LoggerLevels;
}

/** Kafka's message for PATCH .../offsets without offsets. */
export const NO_OFFSETS_MESSAGE = "Partitions / offsets need to be provided for an alter offsets request";

/** Kafka's ConnectUtils.patchConfig: a null removes the key. */
export function patchConfig(
  config: Readonly<Record<string, string>>,
  patch: Readonly<Record<string, string | null>>,
): Record<string, string> {
  const out: Record<string, string> = { ...config };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

export function stateInfo(s: UnitStatus, version: { version?: string } = {}): UnitStateInfo {
  return {
    state: s.state,
    worker_id: s.workerId,
    ...(s.trace ? { trace: s.trace } : {}),
    ...version,
    ...(s.attempts ? { attempts: s.attempts } : {}),
  };
}

export abstract class HerderBase {
  protected isReady = false;
  protected readonly providers: ConfigProviders;
  protected readonly loggers: LoggerLevels;

  constructor(protected readonly o: HerderBaseOptions) {
    this.providers = o.providers ?? ConfigProviders.builtin();
    this.loggers = o.loggers ?? new LoggerLevels(o.logger);
  }

  ready() {
    return this.isReady;
  }
  kafkaClusterId() {
    return this.o.clusterId;
  }

  // ---------------------------------------------------------------- reads

  connectors(): string[] {
    return this.o.configs.connectors();
  }

  protected requireConfig(
    name: string,
    notFound = `Connector ${name} not found`,
  ): Readonly<Record<string, string>> {
    const c = this.o.configs.connectorConfig(name);
    if (!c) throw new NotFoundError(notFound);
    return c;
  }

  protected typeOf(config: Readonly<Record<string, string>>): ConnectorInfo["type"] {
    return this.o.plugins.connector(config["connector.class"] ?? "")?.type ?? "unknown";
  }

  protected taskCount(name: string): number {
    return this.o.configs.taskConfigs(name)?.length ?? 0;
  }

  connectorInfo(name: string): ConnectorInfo {
    const config = this.requireConfig(name);
    const tasks = (this.o.configs.taskConfigs(name) ?? []).map((_, task) => ({ connector: name, task }));
    return { name, config: { ...config }, tasks, type: this.typeOf(config) };
  }

  connectorConfig(name: string): Record<string, string> {
    return { ...this.requireConfig(name) };
  }

  /**
   * KIP-891 (Kafka Connect 4.x): status carries the connector plugin's version, for the connector and its
   * tasks alike (Ferry's tasks come from the same plugin); none when the class is unknown or declares none.
   */
  protected pluginVersion(config: Readonly<Record<string, string>>): { version?: string } {
    const v = this.o.plugins.connector(config["connector.class"] ?? "")?.version;
    return v && v !== "undefined" ? { version: v } : {};
  }

  protected statusView(name: string): ConnectorStateInfo | undefined {
    const config = this.o.configs.connectorConfig(name);
    const c = this.o.statuses.connector(name);
    if (!config || !c) return undefined;
    const count = this.taskCount(name);
    const version = this.pluginVersion(config);
    const tasks = [...this.o.statuses.tasks(name).entries()]
      .filter(([id]) => id < count)
      .sort(([a], [b]) => a - b)
      .map(([id, s]) => ({ id, ...stateInfo(this.liveStatus(`task:${name}:${id}`, s), version) }));
    return {
      name,
      connector: stateInfo(this.liveStatus(`connector:${name}`, c), version),
      tasks,
      type: this.typeOf(config),
    };
  }

  /**
   * The status as reported, or as it is now when the reporter no longer runs the unit (distributed: its
   * lease is gone, so it is UNASSIGNED rather than RUNNING on a dead worker).
   */
  protected liveStatus(_unit: string, s: UnitStatus): UnitStatus {
    return s;
  }

  connectorStatus(name: string): ConnectorStateInfo {
    const s = this.statusView(name);
    if (!s) throw new NotFoundError(`No status found for connector ${name}`);
    return s;
  }

  taskStatus(name: string, task: number): TaskStateInfo {
    const config = this.o.configs.connectorConfig(name);
    const s = config ? this.o.statuses.task(name, task) : undefined;
    if (!config || !s || task >= this.taskCount(name))
      throw new NotFoundError(`No status found for task ${name}-${task}`);
    return { id: task, ...stateInfo(this.liveStatus(`task:${name}:${task}`, s), this.pluginVersion(config)) };
  }

  taskConfigs(name: string): TaskInfo[] {
    this.requireConfig(name);
    return (this.o.configs.taskConfigs(name) ?? []).map((config, task) => ({
      id: { connector: name, task },
      config: { ...config },
    }));
  }

  // ---------------------------------------------------------------- validation and plugins

  connectorPlugins(connectorsOnly: boolean): PluginInfo[] {
    return this.o.plugins.list(connectorsOnly);
  }

  connectorPluginConfig(plugin: string): ConfigKeyInfo[] {
    return pluginConfigKeyInfos(this.o.plugins, plugin);
  }

  async validateConnectorConfig(config: Record<string, string>): Promise<ConfigInfos> {
    return (await buildConfigInfos(config, { plugins: this.o.plugins, providers: this.providers })).infos;
  }

  /** Validates as the validate endpoint does and throws a 400 listing every bad key. */
  async validateOrThrow(config: Record<string, string>): Promise<void> {
    const r = await buildConfigInfos(config, { plugins: this.o.plugins, providers: this.providers });
    if (r.infos.error_count > 0) throw new ConfigValidationError("Connector", r.errors);
  }

  /** A `name` in the body must match the URL's; absent, it is set. */
  protected checkName(name: string, input: Record<string, string>): Record<string, string> {
    const config = { ...input };
    if (config.name !== undefined && config.name !== name) {
      throw new BadRequestError(
        `Connector name configuration (${config.name}) doesn't match connector name in the URL (${name})`,
      );
    }
    config.name = name;
    return config;
  }

  // ---------------------------------------------------------------- offsets (KIP-875)
  // One path for both modes; a herder calls these once its view of the configs is current (distributed:
  // the config log read to its end) and with its own serialisation (standalone: its operation queue).

  /** GET /connectors/{c}/offsets: the source's stored offsets, or the sink's consumer-group offsets. */
  protected async readConnectorOffsets(name: string): Promise<ConnectorOffsets> {
    const config = this.requireConfig(name);
    if (this.connectorType(name, config) === "source") {
      const store = this.requireOffsetStore();
      await store.readToEnd();
      return sourceConnectorOffsets(store, name);
    }
    return this.withAdmin((admin) => sinkConnectorOffsets(admin, name));
  }

  /** PATCH /connectors/{c}/offsets of a STOPPED connector. */
  protected async alterStoppedConnectorOffsets(
    name: string,
    offsets: readonly ConnectorOffset[],
  ): Promise<Message> {
    const config = this.requireStopped(name);
    if (offsets.length === 0) throw new BadRequestError(NO_OFFSETS_MESSAGE);
    if (this.connectorType(name, config) === "source") {
      await this.requireOffsetStore().put(name, parseSourceOffsets(offsets));
      return modifiedOffsetsMessage(false);
    }
    const parsed = parseSinkOffsets(offsets);
    return this.withAdmin((admin, kafka) => alterSinkConnectorOffsets(admin, kafka, name, parsed));
  }

  /** DELETE /connectors/{c}/offsets of a STOPPED connector. */
  protected async resetStoppedConnectorOffsets(name: string): Promise<Message> {
    const config = this.requireStopped(name);
    if (this.connectorType(name, config) === "source") {
      const store = this.requireOffsetStore();
      await store.readToEnd();
      const entries = store.list(name).map((e) => ({ partition: e.partition, offset: null }));
      if (entries.length > 0) await store.put(name, entries);
      return modifiedOffsetsMessage(true);
    }
    return this.withAdmin((admin) => resetSinkConnectorOffsets(admin, name));
  }

  /** Kafka's modifyConnectorOffsetsChecks: the connector exists and is STOPPED with no tasks. */
  private requireStopped(name: string): Readonly<Record<string, string>> {
    const config = this.requireConfig(name);
    if (this.o.configs.targetState(name) !== "STOPPED" || this.taskCount(name) !== 0)
      throw new BadRequestError(notStoppedMessage(name));
    return config;
  }

  protected async withAdmin<T>(fn: (admin: KafkaAdmin, kafka: KafkaClient) => Promise<T>): Promise<T> {
    const kafka = this.o.kafka;
    if (!kafka) throw new ConnectError("This worker has no Kafka client for consumer group offsets", 500);
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await fn(admin, kafka);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private requireOffsetStore(): OffsetStore {
    if (!this.o.offsets) throw new ConnectError("This worker has no offset store", 500);
    return this.o.offsets;
  }

  protected connectorType(name: string, config: Readonly<Record<string, string>>): "source" | "sink" {
    const t = this.typeOf(config);
    if (t === "unknown") {
      throw new ConnectError(
        `Failed to find any class that implements Connector and which name matches ${config["connector.class"]} (connector ${name})`,
        500,
      );
    }
    return t;
  }

  // ---------------------------------------------------------------- loggers

  loggerLevel(name: string): LoggerLevel | null {
    return this.loggers.level(name);
  }

  allLoggerLevels(): Record<string, LoggerLevel> {
    return this.loggers.allLevels();
  }

  setWorkerLoggerLevel(namespace: string, level: string): string[] {
    const affected = this.loggers.setLevel(namespace, level);
    this.o.logger.info({ namespace, level, affected }, "logger level changed");
    return affected;
  }

  /** A status written by this worker. */
  protected status(state: UnitState, trace: string | null = null): UnitStatus {
    return { state, trace, workerId: this.o.workerId, generation: 0 };
  }
}
