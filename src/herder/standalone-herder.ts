/**
 * Kafka Connect's StandaloneHerder: one process, connector configs in memory, statuses in memory, offsets
 * in a file; every request runs in-process, so there is no forwarding and no rebalance.
 */
import type { ConnectorContext } from "../api/connector.js";
import {
  AlreadyExistsError,
  BadRequestError,
  ConfigValidationError,
  ConnectError,
  describeError,
  NotFoundError,
} from "../errors.js";
import type { Logger } from "../log/logger.js";
import type { PluginRegistry } from "../plugins/registry.js";
import type { StatusListener } from "../runner/unit-status.js";
import type { TaskId, Worker } from "../runner/worker.js";
import type { ConfigStore, StatusStore, TargetState, UnitState, UnitStatus } from "../state/types.js";
import { validateConnectorConfig } from "./connector-validation.js";
import {
  type ConnectorInfo,
  type ConnectorStateInfo,
  type CreateConnectorRequest,
  type Herder,
  type TaskInfo,
  targetStateFromInitial,
  type UnitStateInfo,
} from "./herder.js";

export interface StandaloneHerderOptions {
  readonly workerId: string;
  readonly worker: Worker;
  readonly plugins: PluginRegistry;
  readonly configs: ConfigStore;
  readonly statuses: StatusStore;
  readonly logger: Logger;
  readonly clusterId: string | null;
}

export class StandaloneHerder implements Herder {
  private isReady = false;
  /** connector operations are serialised, as StandaloneHerder's synchronized methods */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: StandaloneHerderOptions) {}

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  markReady() {
    this.isReady = true;
  }
  ready() {
    return this.isReady;
  }
  kafkaClusterId() {
    return this.o.clusterId;
  }

  connectors(): string[] {
    return this.o.configs.connectors();
  }

  private requireConfig(name: string): Readonly<Record<string, string>> {
    const c = this.o.configs.connectorConfig(name);
    if (!c) throw new NotFoundError(`Connector ${name} not found`);
    return c;
  }

  private typeOf(config: Readonly<Record<string, string>>): ConnectorInfo["type"] {
    return this.o.plugins.connector(config["connector.class"] ?? "")?.type ?? "unknown";
  }

  connectorInfo(name: string): ConnectorInfo {
    const config = this.requireConfig(name);
    const tasks = (this.o.configs.taskConfigs(name) ?? []).map((_, task) => ({ connector: name, task }));
    return { name, config: { ...config }, tasks, type: this.typeOf(config) };
  }

  connectorConfig(name: string): Record<string, string> {
    return { ...this.requireConfig(name) };
  }

  connectorStatus(name: string): ConnectorStateInfo {
    const config = this.o.configs.connectorConfig(name);
    const c = this.o.statuses.connector(name);
    if (!config || !c) throw new NotFoundError(`No status found for connector ${name}`);
    const tasks = [...this.o.statuses.tasks(name).entries()]
      .filter(([id]) => id < (this.o.configs.taskConfigs(name)?.length ?? 0))
      .sort(([a], [b]) => a - b)
      .map(([id, s]) => ({ id, ...stateInfo(s) }));
    return { name, connector: stateInfo(c), tasks, type: this.typeOf(config) };
  }

  taskStatus(name: string, task: number) {
    const s = this.o.configs.connectorConfig(name) ? this.o.statuses.task(name, task) : undefined;
    if (!s || task >= (this.o.configs.taskConfigs(name)?.length ?? 0))
      throw new NotFoundError(`No status found for task ${name}-${task}`);
    return { id: task, ...stateInfo(s) };
  }

  taskConfigs(name: string): TaskInfo[] {
    this.requireConfig(name);
    return (this.o.configs.taskConfigs(name) ?? []).map((config, task) => ({
      id: { connector: name, task },
      config: { ...config },
    }));
  }

  /** Validates and throws a 400 listing every bad key. */
  async validateOrThrow(config: Record<string, string>): Promise<void> {
    const r = await validateConnectorConfig(config, this.o.plugins);
    if (!r.plugin && r.errors["connector.class"]?.some((m) => m.startsWith("Failed to find"))) {
      // Kafka answers an unknown class with 500 (by code reading); a 400 tells the user more precisely
      throw new BadRequestError(r.errors["connector.class"]?.[0] ?? "Unknown connector class");
    }
    if (Object.keys(r.errors).length > 0) throw new ConfigValidationError("Connector", r.errors);
  }

  createConnector(req: CreateConnectorRequest): Promise<ConnectorInfo> {
    return this.exclusive(async () => {
      const name = req.name.trim();
      const config = { ...req.config };
      if (config.name !== undefined && config.name !== name) {
        throw new BadRequestError(
          "Connector name configuration (" +
            config.name +
            ") doesn't match connector name in the URL (" +
            name +
            ")",
        );
      }
      config.name = name;
      await this.validateOrThrow(config);
      if (this.o.configs.connectorConfig(name))
        throw new AlreadyExistsError(`Connector ${name} already exists`);
      await this.o.configs.putConnectorConfig(name, config, targetStateFromInitial(req.initialState));
      await this.startConnectorAndTasks(name);
      return { name, config, tasks: [], type: this.typeOf(config) };
    });
  }

  putConnectorConfig(name: string, input: Record<string, string>) {
    return this.exclusive(async () => {
      const config = { ...input };
      if (config.name !== undefined && config.name !== name) {
        throw new BadRequestError(
          "Connector name configuration (" +
            config.name +
            ") doesn't match connector name in the URL (" +
            name +
            ")",
        );
      }
      config.name = name;
      await this.validateOrThrow(config);
      const existed = this.o.configs.connectorConfig(name) !== undefined;
      const tasksBefore = (this.o.configs.taskConfigs(name) ?? []).map((_, task) => ({
        connector: name,
        task,
      }));
      if (existed) await this.stopConnectorAndTasks(name);
      await this.o.configs.putConnectorConfig(name, config);
      await this.startConnectorAndTasks(name);
      return { created: !existed, info: { name, config, tasks: tasksBefore, type: this.typeOf(config) } };
    });
  }

  deleteConnector(name: string) {
    return this.exclusive(async () => {
      this.requireConfig(name);
      await this.stopConnectorAndTasks(name);
      await this.o.configs.deleteConnector(name);
      await this.o.statuses.deleteConnector(name);
    });
  }

  setTargetState(name: string, state: TargetState) {
    return this.exclusive(async () => {
      this.requireConfig(name);
      await this.stopConnectorAndTasks(name);
      await this.o.configs.putTargetState(name, state);
      await this.startConnectorAndTasks(name);
    });
  }

  restartConnector(name: string) {
    return this.exclusive(async () => {
      this.requireConfig(name);
      await this.o.worker.stopConnector(name);
      await this.startConnectorInstance(name);
    });
  }

  restartTask(name: string, task: number) {
    return this.exclusive(async () => {
      const config = this.requireConfig(name);
      const tc = this.o.configs.taskConfigs(name)?.[task];
      if (!tc) throw new NotFoundError(`Task ${name}-${task} not found`);
      await this.o.worker.stopTask({ connector: name, task });
      this.o.worker.startTask(
        { connector: name, task },
        tc,
        config,
        this.taskListener({ connector: name, task }),
      );
    });
  }

  private status(state: UnitState, trace: string | null = null): UnitStatus {
    return { state, trace, workerId: this.o.workerId, generation: 0 };
  }

  private taskListener(id: TaskId): StatusListener {
    const put = (s: UnitStatus) => {
      this.o.statuses
        .putTask(id.connector, id.task, s)
        .catch((e) => this.o.logger.error({ err: e }, "status write failed"));
    };
    return {
      onRunning: () => put(this.status("RUNNING")),
      onPaused: () => put(this.status("PAUSED")),
      onFailure: (e) => put(this.status("FAILED", describeError(e))),
      onShutdown: () => put(this.status("UNASSIGNED")),
    };
  }

  private async startConnectorInstance(name: string): Promise<boolean> {
    const config = this.requireConfig(name);
    const target = this.o.configs.targetState(name);
    if (target === "STOPPED") {
      await this.o.statuses.putConnector(name, this.status("STOPPED"));
      return false;
    }
    const context: ConnectorContext = {
      requestTaskReconfiguration: () => {
        void this.exclusive(() => this.reconfigureTasks(name)).catch((e) =>
          this.o.logger.error({ err: e, connector: name }, "task reconfiguration failed"),
        );
      },
      raiseError: (e) => {
        void this.o.statuses.putConnector(name, this.status("FAILED", describeError(e)));
      },
    };
    try {
      await this.o.worker.startConnector(name, config, context);
      await this.o.statuses.putConnector(name, this.status(target === "PAUSED" ? "PAUSED" : "RUNNING"));
      return true;
    } catch (e) {
      this.o.logger.error({ err: e, connector: name }, "connector failed to start");
      await this.o.statuses.putConnector(name, this.status("FAILED", describeError(e)));
      return false;
    }
  }

  private async startConnectorAndTasks(name: string): Promise<void> {
    if (!(await this.startConnectorInstance(name))) {
      if (this.o.configs.targetState(name) === "STOPPED") await this.o.configs.putTaskConfigs(name, []);
      return;
    }
    await this.reconfigureTasks(name);
  }

  /** Regenerates task configs and (re)starts the tasks. */
  private async reconfigureTasks(name: string): Promise<void> {
    const config = this.requireConfig(name);
    let taskConfigs: Record<string, string>[];
    try {
      taskConfigs = await this.o.worker.connectorTaskConfigs(name, config);
    } catch (e) {
      this.o.logger.error({ err: e, connector: name }, "connector failed to generate task configs");
      await this.o.statuses.putConnector(name, this.status("FAILED", describeError(e)));
      return;
    }
    for (const id of this.o.worker.runningTasks().filter((t) => t.connector === name))
      await this.o.worker.stopTask(id);
    await this.o.configs.putTaskConfigs(name, taskConfigs);
    const paused = this.o.configs.targetState(name) === "PAUSED";
    for (const [task, tc] of taskConfigs.entries()) {
      const id = { connector: name, task };
      if (paused) {
        await this.o.statuses.putTask(name, task, this.status("PAUSED"));
        continue;
      }
      try {
        this.o.worker.startTask(id, tc, config, this.taskListener(id));
      } catch (e) {
        await this.o.statuses.putTask(name, task, this.status("FAILED", describeError(e)));
      }
    }
  }

  private async stopConnectorAndTasks(name: string): Promise<void> {
    const tasks = this.o.worker.runningTasks().filter((t) => t.connector === name);
    await Promise.all(tasks.map((t) => this.o.worker.stopTask(t)));
    await this.o.worker.stopConnector(name);
  }

  /** Stops every task and connector (SIGTERM); tasks flush their offsets. */
  async stop(): Promise<void> {
    this.isReady = false;
    await this.exclusive(() => this.o.worker.stopAll());
  }
}

function stateInfo(s: UnitStatus): UnitStateInfo {
  return { state: s.state, worker_id: s.workerId, ...(s.trace ? { trace: s.trace } : {}) };
}

export { ConnectError };
