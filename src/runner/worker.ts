/**
 * Runs connector and task instances on this process: builds each task's converters, transform chain and
 * Kafka client, and keeps the handles so the herder can stop them. It decides nothing about *what* runs.
 */
import type {
  Connector,
  ConnectorContext,
  ConnectorPlugin,
  SinkTask,
  SourceTask,
  TaskConfig,
} from "../api/connector.js";
import type { Converter, HeaderConverter } from "../api/converter.js";
import { subConfig, type WorkerConfig } from "../config/worker-config.js";
import { ConnectError } from "../errors.js";
import { createProducer } from "../kafka/client.js";
import { evictStaleMemberOnRestart } from "../kafka/stale-member-eviction.js";
import type { KafkaClient } from "../kafka/types.js";
import type { Logger } from "../log/logger.js";
import type { PluginRegistry } from "../plugins/registry.js";
import type { OffsetStore } from "../state/types.js";
import { DeadLetterQueueReporter, deadLetterQueueOptions } from "./dead-letter-queue.js";
import { type ErrorReporter, errorHandlingConfig, RecordErrorHandler } from "./error-handler.js";
import { sourceTransactions } from "./exactly-once.js";
import type { Converters, TransformChain } from "./record-pipeline.js";
import { SinkTaskRunner } from "./sink-task-runner.js";
import { SourceTaskRunner } from "./source-task-runner.js";
import { TopicCreator, topicCreationGroups } from "./topic-creation.js";
import type { StatusListener } from "./unit-status.js";

export interface TaskId {
  readonly connector: string;
  readonly task: number;
}

export type ChainFactory = (connectorConfig: Readonly<Record<string, string>>) => TransformChain;

export interface WorkerOptions {
  readonly config: WorkerConfig;
  readonly workerId: string;
  readonly plugins: PluginRegistry;
  readonly offsets: OffsetStore;
  readonly kafka: KafkaClient;
  readonly chainFactory: ChainFactory;
  readonly logger: Logger;
  /** wraps each task instance as it is created (a task thread marks its plugin calls, isolation/) */
  readonly wrapTask?: <T extends SourceTask | SinkTask>(id: TaskId, task: T) => T;
}

interface RunningTask {
  readonly runner: SourceTaskRunner | SinkTaskRunner;
  readonly done: Promise<void>;
}

export interface TaskHooks {
  /** a sink task's consumer joined its group as this member (distributed: the next owner evicts it) */
  readonly onSinkGroupJoin?: (memberId: string) => void;
  /** distributed: false once the task's lease is not surely held; the runner writes nothing more */
  readonly mayWrite?: () => boolean;
  /** KIP-558 active topic tracking: a topic the task wrote to (acknowledged) or read from */
  readonly onTopicUsed?: (topic: string) => void;
  /**
   * distributed: until when (Date.now() clock) the lease is surely held, undefined once it is not; a task
   * thread reads it from shared memory instead of calling mayWrite (isolation/)
   */
  readonly leaseValidUntil?: () => number | undefined;
  /** the task ended (stopped or failed) and its clients are disconnected */
  readonly onEnded?: () => void;
}

/**
 * What a herder needs from whatever runs its connectors and tasks: this process's Worker, or the task
 * threads of isolation/ (each of which runs a Worker).
 */
export interface UnitHost {
  startConnector(
    name: string,
    config: Readonly<Record<string, string>>,
    context: ConnectorContext,
  ): Promise<void>;
  connectorTaskConfigs(name: string, config: Readonly<Record<string, string>>): Promise<TaskConfig[]>;
  stopConnector(name: string): Promise<void>;
  isConnectorRunning(name: string): boolean;
  /** Launches the task; rejects (or throws) when it cannot be built, e.g. an unknown converter. */
  startTask(
    id: TaskId,
    taskConfig: TaskConfig,
    connectorConfig: Readonly<Record<string, string>>,
    status: StatusListener,
    hooks?: TaskHooks,
  ): void | Promise<void>;
  stopTask(id: TaskId): Promise<void>;
  runningTasks(): TaskId[];
  stopAll(): Promise<void>;
}

export const taskKey = (id: TaskId) => `${id.connector}-${id.task}`;

/**
 * Sink consumer settings from Kafka's client keys: the worker's `consumer.*`, overridden by the connector's
 * `consumer.override.*`. The session timeout defaults to 10 s (Kafka's system tests use the same) rather than
 * the client's 45 s, because a restarted standalone worker waits that long for its killed predecessor to
 * leave the group.
 */
export function consumerSettings(
  worker: Readonly<Record<string, string>>,
  connector: Readonly<Record<string, string>>,
): {
  sessionTimeout: number;
  heartbeatInterval: number;
  maxBytesPerPartition: number;
  maxWaitTimeInMs: number;
} {
  const get = (key: string, fallback: number) => {
    const v = connector[`consumer.override.${key}`] ?? worker[`consumer.${key}`];
    const n = v === undefined ? Number.NaN : Number(v.trim());
    return Number.isFinite(n) && n > 0 ? n : fallback;
  };
  const sessionTimeout = get("session.timeout.ms", 10_000);
  return {
    sessionTimeout,
    // short, because a consumer learns of a rebalance (a failed-over task joining) from its heartbeat
    heartbeatInterval: Math.min(get("heartbeat.interval.ms", 300), Math.floor(sessionTimeout / 3)),
    // fewer, larger fetches: kafkajs decodes a fetch before asking for the next one
    maxBytesPerPartition: get("max.partition.fetch.bytes", 4 * 1024 * 1024),
    // Kafka's fetch.max.wait.ms default; kafkajs waits 5 s, and a stopping task waits out that fetch
    maxWaitTimeInMs: get("fetch.max.wait.ms", 500),
  };
}

export class Worker implements UnitHost {
  private readonly connectors = new Map<string, Connector>();
  private readonly tasks = new Map<string, RunningTask>();

  constructor(private readonly o: WorkerOptions) {}

  plugin(config: Readonly<Record<string, string>>): ConnectorPlugin {
    const cls = config["connector.class"] ?? "";
    const p = this.o.plugins.connector(cls);
    if (!p)
      throw new ConnectError(
        `Failed to find any class that implements Connector and which name matches ${cls}`,
        500,
      );
    return p;
  }

  /** Starts the connector instance and returns its task configs (with task.class, and topics for sinks). */
  async startConnector(
    name: string,
    config: Readonly<Record<string, string>>,
    context: ConnectorContext,
  ): Promise<void> {
    const plugin = this.plugin(config);
    const connector = plugin.createConnector();
    await connector.start({ ...config }, context);
    this.connectors.set(name, connector);
  }

  async connectorTaskConfigs(name: string, config: Readonly<Record<string, string>>): Promise<TaskConfig[]> {
    const connector = this.connectors.get(name);
    if (!connector) throw new ConnectError(`Connector ${name} is not running on this worker`, 500);
    const plugin = this.plugin(config);
    const maxTasks = Number(config["tasks.max"] ?? "1");
    const configs = await connector.taskConfigs(maxTasks);
    const enforce = (config["tasks.max.enforce"] ?? "true").trim().toLowerCase() !== "false";
    if (configs.length > maxTasks && enforce) {
      throw new ConnectError(
        `The connector ${name} has generated ${configs.length} tasks, which is greater than ${maxTasks}, the maximum number of tasks it is configured to create.`,
      );
    }
    const taskClass = `${plugin.className.replace(/Connector$/, "")}Task`;
    return configs.map((c) => {
      const out: TaskConfig = { ...c, "task.class": taskClass };
      if (plugin.type === "sink") {
        if (config.topics !== undefined) out.topics = config.topics;
        if (config["topics.regex"] !== undefined) out["topics.regex"] = config["topics.regex"];
      }
      return out;
    });
  }

  async stopConnector(name: string): Promise<void> {
    const c = this.connectors.get(name);
    if (!c) return;
    this.connectors.delete(name);
    await c.stop();
  }

  isConnectorRunning(name: string): boolean {
    return this.connectors.has(name);
  }

  private converter(
    config: Readonly<Record<string, string>>,
    key: "key.converter" | "value.converter",
  ): Converter {
    // a connector's own converter (and its sub-keys) wins over the worker's
    const own = config[key]?.trim();
    const cls = own || (key === "key.converter" ? this.o.config.keyConverter : this.o.config.valueConverter);
    const sub = own ? subConfig(config, `${key}.`) : subConfig(this.o.config.raw, `${key}.`);
    const p = this.o.plugins.converter(cls);
    if (p?.type !== "converter")
      throw new ConnectError(
        `Invalid value ${cls} for configuration ${key}: Class ${cls} could not be found.`,
        400,
      );
    const c = p.create() as Converter;
    c.configure(sub, key === "key.converter");
    return c;
  }

  private headerConverter(config: Readonly<Record<string, string>>): HeaderConverter {
    const own = config["header.converter"]?.trim();
    const cls = own || this.o.config.headerConverter;
    const sub = own
      ? subConfig(config, "header.converter.")
      : subConfig(this.o.config.raw, "header.converter.");
    const p = this.o.plugins.converter(cls);
    const c = p?.create() as HeaderConverter | undefined;
    if (!c || typeof c.fromConnectHeader !== "function")
      throw new ConnectError(
        `Invalid value ${cls} for configuration header.converter: Class ${cls} could not be found.`,
        400,
      );
    c.configure(sub);
    return c;
  }

  converters(config: Readonly<Record<string, string>>): Converters {
    const name = (key: "key.converter" | "value.converter" | "header.converter", fallback: string) =>
      config[key]?.trim() || fallback;
    return {
      key: this.converter(config, "key.converter"),
      value: this.converter(config, "value.converter"),
      header: this.headerConverter(config),
      classNames: {
        key: name("key.converter", this.o.config.keyConverter),
        value: name("value.converter", this.o.config.valueConverter),
        header: name("header.converter", this.o.config.headerConverter),
      },
    };
  }

  /** Starts a task; `status` hears RUNNING, FAILED and shutdown. Resolves once it is launched. */
  startTask(
    id: TaskId,
    taskConfig: TaskConfig,
    connectorConfig: Readonly<Record<string, string>>,
    status: StatusListener,
    hooks: TaskHooks = {},
  ): void {
    const key = taskKey(id);
    if (this.tasks.has(key)) throw new ConnectError(`Task ${key} is already running on this worker`, 409);
    const plugin = this.plugin(connectorConfig);
    const log = this.o.logger.child({ connector: id.connector, task: id.task });
    const converters = this.converters(connectorConfig);
    const chain = this.o.chainFactory(connectorConfig);
    const errorConfig = errorHandlingConfig(connectorConfig);
    // Kafka clients this task needs; connected before it starts, disconnected after it stops
    const clients: { connect(): Promise<void>; disconnect(): Promise<void> }[] = [];
    const reporters: ErrorReporter[] = [];
    const before: (() => Promise<void>)[] = [];
    const common = {
      connector: id.connector,
      taskId: id.task,
      config: taskConfig,
      chain,
      converters,
      offsetFlushIntervalMs: this.o.config.offsetFlushIntervalMs,
      status,
      logger: this.o.logger,
      errors: new RecordErrorHandler(errorConfig, id.connector, id.task, log, reporters),
      ...(hooks.mayWrite ? { mayWrite: hooks.mayWrite } : {}),
      ...(hooks.onTopicUsed ? { onTopicUsed: hooks.onTopicUsed } : {}),
    };
    let runner: SourceTaskRunner | SinkTaskRunner;
    if (plugin.type === "source") {
      // exactly.once.source.support=enabled: a transactional producer per task instead of the shared kind
      const transactions = sourceTransactions(
        this.o.config,
        connectorConfig,
        this.o.offsets,
        this.o.kafka,
        id,
        log,
      );
      const producer = transactions ? undefined : createProducer(this.o.kafka, {});
      clients.push(transactions ?? (producer as NonNullable<typeof producer>));
      const groups = this.o.config.topicCreationEnable ? topicCreationGroups(connectorConfig) : null;
      let topicCreator: TopicCreator | undefined;
      if (groups) {
        const admin = this.o.kafka.admin();
        clients.push(admin);
        topicCreator = new TopicCreator(groups, admin, log);
      }
      runner = new SourceTaskRunner({
        ...common,
        task: this.created(id, plugin.createTask()),
        ...(producer ? { producer } : {}),
        ...(transactions ? { transactions } : {}),
        offsets: this.o.offsets,
        offsetFlushTimeoutMs: this.o.config.offsetFlushTimeoutMs,
        ...(topicCreator ? { topicCreator } : {}),
      });
    } else {
      const regex = (taskConfig["topics.regex"] ?? "").trim();
      const topics = regex
        ? new RegExp(regex)
        : (taskConfig.topics ?? "").split(/\s*,\s*/).filter((t) => t.length > 0);
      const dlq = deadLetterQueueOptions(connectorConfig);
      if (dlq) {
        const producer = createProducer(this.o.kafka, {});
        const admin = this.o.kafka.admin();
        clients.push(producer, admin);
        const reporter = new DeadLetterQueueReporter({
          ...dlq,
          connector: id.connector,
          taskId: id.task,
          producer,
          admin,
          logger: log,
        });
        reporters.push(reporter);
        before.push(() => reporter.start());
      }
      const groupId = `connect-${id.connector}`;
      const consumer = this.o.kafka.consumer({
        groupId,
        allowAutoTopicCreation: false,
        ...consumerSettings(this.o.config.raw, connectorConfig),
      });
      // a crash during a broker outage must not leave the group waiting a session timeout for the old member
      evictStaleMemberOnRestart({
        kafka: this.o.kafka,
        consumer,
        groupId,
        logger: log,
        timeoutMs: 60_000,
      });
      const onJoin = hooks.onSinkGroupJoin;
      if (onJoin) consumer.on(consumer.events.GROUP_JOIN, (e) => onJoin(e.payload.memberId));
      runner = new SinkTaskRunner({
        ...common,
        task: this.created(id, plugin.createTask()),
        consumer,
        topics,
      });
    }
    const done = (async () => {
      try {
        for (const c of clients) await c.connect();
        for (const b of before) await b();
      } catch (e) {
        status.onFailure(e);
        return;
      }
      await runner.start();
    })()
      .catch((e) => status.onFailure(e))
      .finally(async () => {
        for (const c of clients)
          await c.disconnect().catch((e) => log.warn({ err: e }, "client disconnect failed"));
        this.tasks.delete(key);
        hooks.onEnded?.();
      });
    this.tasks.set(key, { runner, done });
  }

  private created<T extends SourceTask | SinkTask>(id: TaskId, task: T): T {
    return this.o.wrapTask ? this.o.wrapTask(id, task) : task;
  }

  async stopTask(id: TaskId): Promise<void> {
    const t = this.tasks.get(taskKey(id));
    if (!t) return;
    await t.runner.stop();
    await t.done;
  }

  runningTasks(): TaskId[] {
    return [...this.tasks.keys()].map((k) => {
      const i = k.lastIndexOf("-");
      return { connector: k.slice(0, i), task: Number(k.slice(i + 1)) };
    });
  }

  /** Stops everything, tasks first (they flush offsets), within the graceful timeout. */
  async stopAll(): Promise<void> {
    const tasks = [...this.tasks.values()];
    await Promise.all(tasks.map((t) => t.runner.stop()));
    await Promise.all([...this.connectors.keys()].map((n) => this.stopConnector(n)));
  }
}
