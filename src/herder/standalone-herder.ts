import type { ConnectorContext, TaskConfig } from "../api/connector.js";
import { AlreadyExistsError, ConnectError, describeError, NotFoundError } from "../errors.js";
import type { StatusListener } from "../runner/unit-status.js";
import type { TaskId, UnitHost } from "../runner/worker.js";
import type { TargetState, UnitStatus } from "../state/types.js";
import { reverseTransform } from "./config-providers.js";
import {
  type ActiveTopicsInfo,
  type ConnectorInfo,
  type ConnectorOffset,
  type ConnectorOffsets,
  type ConnectorStateInfo,
  type CreateConnectorRequest,
  type Herder,
  type Message,
  type RestartRequest,
  targetStateFromInitial,
} from "./herder.js";
import { HerderBase, type HerderBaseOptions, patchConfig } from "./herder-base.js";
import { buildRestartPlan } from "./restart-plan.js";

export interface StandaloneHerderOptions extends HerderBaseOptions {
  readonly worker: UnitHost;
}

function sameTaskConfigs(a: readonly TaskConfig[] | undefined, b: readonly TaskConfig[]): boolean {
  if (!a || a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i] as TaskConfig;
    const kx = Object.keys(x);
    return kx.length === Object.keys(y).length && kx.every((k) => x[k] === y[k]);
  });
}

export class StandaloneHerder extends HerderBase implements Herder {
  /** connector operations are serialised, as StandaloneHerder's synchronized methods */
  private queue: Promise<unknown> = Promise.resolve();
  /** topics each connector is known to use (reset on demand and on delete) */
  private readonly activeTopics = new Map<string, Set<string>>();

  constructor(protected override readonly o: StandaloneHerderOptions) {
    super(o);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  markReady() {
    this.isReady = true;
  }

  // ---------------------------------------------------------------- reads

  // ---------------------------------------------------------------- validation and plugins

  // ---------------------------------------------------------------- config writes

  createConnector(req: CreateConnectorRequest): Promise<ConnectorInfo> {
    return this.exclusive(async () => {
      const name = req.name.trim();
      const config = this.checkName(name, req.config);
      await this.validateOrThrow(config);
      if (this.o.configs.connectorConfig(name))
        throw new AlreadyExistsError(`Connector ${name} already exists`);
      await this.o.configs.putConnectorConfig(name, config, targetStateFromInitial(req.initialState));
      await this.startConnectorAndTasks(name);
      // as Kafka's standalone herder: the tasks were generated before it answers, so they are listed
      return this.connectorInfo(name);
    });
  }

  putConnectorConfig(name: string, input: Record<string, string>) {
    return this.exclusive(async () => {
      const config = this.checkName(name, input);
      await this.validateOrThrow(config);
      const existed = this.o.configs.connectorConfig(name) !== undefined;
      if (existed) await this.stopConnectorAndTasks(name);
      await this.o.configs.putConnectorConfig(name, config);
      await this.startConnectorAndTasks(name);
      // as Kafka's standalone herder: it answers once the tasks are generated, so they are listed
      return { created: !existed, info: this.connectorInfo(name) };
    });
  }

  patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    return this.exclusive(async () => {
      const config = this.checkName(name, patchConfig(this.requireConfig(name), patch));
      await this.validateOrThrow(config);
      await this.stopConnectorAndTasks(name);
      await this.o.configs.putConnectorConfig(name, config);
      await this.startConnectorAndTasks(name);
      // as Kafka's standalone herder: the info after the update, with the new tasks
      return this.connectorInfo(name);
    });
  }

  deleteConnector(name: string) {
    return this.exclusive(async () => {
      this.requireConfig(name);
      await this.stopConnectorAndTasks(name);
      await this.o.configs.deleteConnector(name);
      await this.o.statuses.deleteConnector(name);
      this.activeTopics.delete(name);
    });
  }

  // ---------------------------------------------------------------- target states and restarts

  setTargetState(name: string, state: TargetState) {
    return this.exclusive(async () => {
      this.requireConfig(name, `Unknown connector ${name}`);
      // pause, resume and stop are idempotent
      if (this.o.configs.targetState(name) === state && this.o.statuses.connector(name)) return;
      await this.stopConnectorAndTasks(name);
      // as Kafka: a stopped connector has no tasks; the empty task set is written before the target state
      if (state === "STOPPED") await this.o.configs.putTaskConfigs(name, []);
      await this.o.configs.putTargetState(name, state);
      await this.startConnectorAndTasks(name);
    });
  }

  restartConnector(name: string) {
    return this.exclusive(async () => {
      this.requireConfig(name);
      await this.o.worker.stopConnector(name);
      if (await this.startConnectorInstance(name)) {
        if (this.o.configs.targetState(name) === "STARTED") await this.reconfigureTasks(name, true);
      }
    });
  }

  restartConnectorAndTasks(name: string, request: RestartRequest): Promise<ConnectorStateInfo> {
    return this.exclusive(async () => {
      this.requireConfig(name, `Unknown connector: ${name}`);
      const current = this.statusView(name);
      if (!current) throw new NotFoundError(`Status for connector ${name} not found`);
      const plan = buildRestartPlan(current, request);
      this.o.logger.info({ connector: name, ...request, tasks: plan.tasks }, "restarting");
      if (plan.restartConnector) {
        await this.o.worker.stopConnector(name);
        await this.o.statuses.putConnector(name, this.status("RESTARTING"));
      }
      await Promise.all(plan.tasks.map((task) => this.o.worker.stopTask({ connector: name, task })));
      for (const task of plan.tasks) await this.o.statuses.putTask(name, task, this.status("RESTARTING"));
      if (plan.restartConnector) await this.startConnectorInstance(name);
      for (const task of plan.tasks) await this.startTaskInstance(name, task);
      return plan.stateInfo;
    });
  }

  restartTask(name: string, task: number) {
    return this.exclusive(async () => {
      this.requireConfig(name);
      if (!this.o.configs.taskConfigs(name)?.[task])
        throw new NotFoundError(`Task ${name}-${task} not found`);
      await this.o.worker.stopTask({ connector: name, task });
      if (!(await this.startTaskInstance(name, task)))
        throw new ConnectError(`Failed to start task: ${name}-${task}`, 500);
    });
  }

  // ---------------------------------------------------------------- offsets (KIP-875)

  connectorOffsets(name: string): Promise<ConnectorOffsets> {
    return this.exclusive(() => this.readConnectorOffsets(name));
  }

  alterConnectorOffsets(name: string, offsets: readonly ConnectorOffset[]): Promise<Message> {
    return this.exclusive(() => this.alterStoppedConnectorOffsets(name, offsets));
  }

  resetConnectorOffsets(name: string): Promise<Message> {
    return this.exclusive(() => this.resetStoppedConnectorOffsets(name));
  }

  // ---------------------------------------------------------------- active topics

  async connectorActiveTopics(name: string): Promise<ActiveTopicsInfo> {
    return { connector: name, topics: [...(this.activeTopics.get(name) ?? [])].sort() };
  }

  async resetConnectorActiveTopics(name: string): Promise<void> {
    this.activeTopics.delete(name);
  }

  /**
   * KIP-558: a topic one of the connector's tasks wrote to (acknowledged) or read from, reported by the
   * runner as it happens. Until then the connector has no active topics, as in Kafka Connect.
   */
  private recordTopic(name: string, topic: string): void {
    if (!this.o.configs.connectorConfig(name)) return;
    let set = this.activeTopics.get(name);
    if (!set) this.activeTopics.set(name, (set = new Set()));
    set.add(topic);
  }

  // ---------------------------------------------------------------- loggers

  async setClusterLoggerLevel(namespace: string, level: string): Promise<void> {
    // this single worker is the whole cluster
    this.setWorkerLoggerLevel(namespace, level);
  }

  // ---------------------------------------------------------------- running units

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

  /** Starts the connector instance with its resolved config; false when it is STOPPED or failed. */
  private async startConnectorInstance(name: string): Promise<boolean> {
    const raw = this.requireConfig(name);
    const target = this.o.configs.targetState(name);
    if (target === "STOPPED") {
      await this.o.statuses.putConnector(name, this.status("STOPPED"));
      return false;
    }
    const context: ConnectorContext = {
      requestTaskReconfiguration: () => {
        void this.exclusive(() => this.reconfigureTasks(name, true)).catch((e) =>
          this.o.logger.error({ err: e, connector: name }, "task reconfiguration failed"),
        );
      },
      raiseError: (e) => {
        void this.o.statuses.putConnector(name, this.status("FAILED", describeError(e)));
      },
    };
    try {
      const config = await this.providers.resolve(raw);
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
    await this.reconfigureTasks(name, false);
  }

  /**
   * Regenerates the task configs from the running connector and (re)starts every task; with `onlyIfChanged`,
   * nothing happens when the generated configs equal the stored ones (Kafka's updateConnectorTasks).
   */
  private async reconfigureTasks(name: string, onlyIfChanged: boolean): Promise<void> {
    const raw = this.requireConfig(name);
    if (!this.o.worker.isConnectorRunning(name)) return;
    let rawTasks: TaskConfig[];
    try {
      const generated = await this.o.worker.connectorTaskConfigs(name, await this.providers.resolve(raw));
      rawTasks = reverseTransform(raw, generated);
    } catch (e) {
      this.o.logger.error({ err: e, connector: name }, "connector failed to generate task configs");
      await this.o.statuses.putConnector(name, this.status("FAILED", describeError(e)));
      return;
    }
    if (onlyIfChanged && sameTaskConfigs(this.o.configs.taskConfigs(name), rawTasks)) return;
    await Promise.all(
      this.o.worker
        .runningTasks()
        .filter((t) => t.connector === name)
        .map((id) => this.o.worker.stopTask(id)),
    );
    await this.o.configs.putTaskConfigs(name, rawTasks);
    for (const task of rawTasks.keys()) await this.startTaskInstance(name, task);
  }

  /**
   * Starts one task with its stored config, resolved; a PAUSED connector's task only gets a PAUSED status.
   * False when it could not be started (its status is then FAILED).
   */
  private async startTaskInstance(name: string, task: number): Promise<boolean> {
    const id = { connector: name, task };
    const raw = this.requireConfig(name);
    const tc = this.o.configs.taskConfigs(name)?.[task];
    if (!tc) return false;
    if (this.o.configs.targetState(name) === "PAUSED") {
      await this.o.statuses.putTask(name, task, this.status("PAUSED"));
      return true;
    }
    try {
      const taskConfig = await this.providers.resolve(tc);
      const connectorConfig = await this.providers.resolve(raw);
      await this.o.worker.startTask(id, taskConfig, connectorConfig, this.taskListener(id), {
        onTopicUsed: (topic) => this.recordTopic(name, topic),
      });
      return true;
    } catch (e) {
      this.o.logger.error({ err: e, connector: name, task }, "task failed to start");
      await this.o.statuses.putTask(name, task, this.status("FAILED", describeError(e)));
      return false;
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

export { ConnectError };
