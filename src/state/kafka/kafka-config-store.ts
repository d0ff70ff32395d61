/**
 * Connector configs, task configs, target states and restart requests in the config topic (one partition,
 * compacted), with Kafka Connect's keys and values (KafkaConfigBackingStore): a Kafka Connect cluster and
 * Ferry read each other's records.
 *
 * Reading, as Kafka:
 * - `connector-<c>` applies at once; null deletes the connector and its task configs;
 * - `target-state-<c>` applies at once ("state.v2" preferred); null removes it (the default is STARTED);
 * - `task-<c>-<n>` is buffered until `commit-<c>` {"tasks": n}; the commit applies the buffered configs of
 *   tasks 0..n-1 together. If some of them are missing (compaction removed task records that a later write
 *   replaced, and that later write never committed), the connector's tasks are inconsistent: taskConfigs()
 *   is undefined until a complete commit, so the herder regenerates them. The buffer is cleared by every
 *   commit; a commit for a connector that does not exist is ignored;
 * - `restart-connector-<c>` is reported to listeners (only once started: old requests are not replayed).
 * Task and commit records may carry a fencing token (header `ferry.fence`): one lower than the highest seen
 * for its key is dropped.
 *
 * Writing: records of one operation go out in one ordered request and the operation resolves once they are
 * read back (read to end), so the caller sees its own write and everything before it.
 */
import type { TaskConfig } from "../../api/connector.js";
import type { KafkaClient } from "../../kafka/types.js";
import type { Logger } from "../../log/logger.js";
import { FENCE_HEADER, FenceTracker, parseFence } from "../fencing.js";
import { Listeners } from "../listeners.js";
import type { ConfigChange, ConfigStore, RestartRequest, TargetState } from "../types.js";
import {
  commitKey,
  connectorKey,
  loggerKey,
  parseCommit,
  parseConfigKey,
  parseJsonBytes,
  parseLoggerLevel,
  parseProperties,
  parseRestartRequest,
  parseTargetState,
  restartKey,
  serializeCommit,
  serializeLoggerLevel,
  serializeProperties,
  serializeRestartRequest,
  serializeTargetState,
  targetStateKey,
  taskKey,
} from "./codec.js";
import { KafkaLog, type LogRecord, type LogWrite } from "./kafka-log.js";
import { configTopicSpec, ensureStateTopicWith } from "./topics.js";

export interface KafkaConfigStoreOptions {
  readonly kafka: KafkaClient;
  /** config.storage.topic */
  readonly topic: string;
  readonly logger: Logger;
  /** config.storage.replication.factor; -1 (default here) is the broker's default */
  readonly replicationFactor?: number;
  /** config.storage.* topic settings used when creating the topic */
  readonly topicConfigs?: Readonly<Record<string, string>>;
  /** bound on a read to end or a write; default 30 s */
  readonly timeoutMs?: number;
}

export class KafkaConfigStore implements ConfigStore {
  private readonly log: Logger;
  private readonly kafkaLog: KafkaLog;
  private started = false;
  private readonly configs = new Map<string, Readonly<Record<string, string>>>();
  private readonly targets = new Map<string, TargetState>();
  /** committed task configs and their count */
  private readonly tasks = new Map<string, readonly TaskConfig[]>();
  private readonly deferred = new Map<string, Map<number, TaskConfig>>();
  private readonly inconsistent = new Set<string>();
  private readonly fences = new FenceTracker();
  private readonly listeners = new Listeners<[ConfigChange]>();

  constructor(private readonly o: KafkaConfigStoreOptions) {
    this.log = o.logger.child({ component: "config-store", topic: o.topic });
    this.kafkaLog = new KafkaLog({
      kafka: o.kafka,
      topic: o.topic,
      logger: o.logger,
      timeoutMs: o.timeoutMs,
      groupIdPrefix: `ferry-configs-${o.topic}`,
      onRecord: (r) => this.onRecord(r),
    });
  }

  /** Creates or checks the topic, then reads it to its end. */
  async start(): Promise<void> {
    await ensureStateTopicWith(
      this.o.kafka,
      configTopicSpec(this.o.topic, this.o.replicationFactor ?? -1, this.o.topicConfigs),
      this.log,
    );
    await this.kafkaLog.start();
    this.started = true;
  }

  readToEnd(): Promise<void> {
    return this.kafkaLog.readToEnd();
  }

  stop(): Promise<void> {
    return this.kafkaLog.stop();
  }

  /** The reader's timings, for logs and benchmarks. */
  startTimings() {
    return this.kafkaLog.startTimings();
  }

  connectors(): string[] {
    return [...this.configs.keys()].sort();
  }

  connectorConfig(name: string): Readonly<Record<string, string>> | undefined {
    return this.configs.get(name);
  }

  taskConfigs(name: string): readonly TaskConfig[] | undefined {
    if (!this.configs.has(name) || this.inconsistent.has(name)) return undefined;
    return this.tasks.get(name);
  }

  /** Whether the connector's stored task configs are inconsistent (see the file comment). */
  isInconsistent(name: string): boolean {
    return this.inconsistent.has(name);
  }

  targetState(name: string): TargetState {
    return this.targets.get(name) ?? "STARTED";
  }

  async putConnectorConfig(name: string, config: Record<string, string>, targetState?: TargetState) {
    const records: LogWrite[] = [];
    if (targetState) records.push({ key: targetStateKey(name), value: serializeTargetState(targetState) });
    records.push({ key: connectorKey(name), value: serializeProperties(config) });
    await this.write(records);
  }

  async putTaskConfigs(name: string, configs: TaskConfig[], fence?: number) {
    const headers = fence === undefined ? undefined : { [FENCE_HEADER]: String(fence) };
    const records: LogWrite[] = configs.map((c, i) => ({
      key: taskKey(name, i),
      value: serializeProperties(c),
      headers,
    }));
    records.push({ key: commitKey(name), value: serializeCommit(configs.length), headers });
    await this.write(records);
  }

  async putTargetState(name: string, state: TargetState) {
    await this.write([{ key: targetStateKey(name), value: serializeTargetState(state) }]);
  }

  async putRestartRequest(name: string, request: RestartRequest) {
    await this.write([{ key: restartKey(name), value: serializeRestartRequest(request) }]);
  }

  async putLoggerLevel(namespace: string, level: string) {
    await this.write([{ key: loggerKey(namespace), value: serializeLoggerLevel(level) }]);
  }

  async deleteConnector(name: string) {
    await this.write([
      { key: connectorKey(name), value: null },
      { key: targetStateKey(name), value: null },
    ]);
  }

  onChange(listener: (change: ConfigChange) => void): () => void {
    return this.listeners.add(listener);
  }

  private async write(records: LogWrite[]): Promise<void> {
    await this.kafkaLog.sendAll(records);
    await this.kafkaLog.readToEnd();
  }

  private emit(change: ConfigChange): void {
    if (!this.started) return;
    this.listeners.emit((e) => this.log.error({ err: e, change }, "a config change listener threw"), change);
  }

  private onRecord(r: LogRecord): void {
    const where = { partition: r.partition, offset: r.offset };
    if (r.key === null) {
      this.log.warn(where, "ignoring a config record without a key");
      return;
    }
    const key = r.key.toString("utf8");
    const parsed = parseConfigKey(key);
    if (parsed.kind === "invalid") {
      this.log.warn({ ...where, key }, `ignoring config record: ${parsed.reason}`);
      return;
    }
    if (parsed.kind === "ignored") return;
    const value = parseJsonBytes(r.value);
    if (value instanceof Error) {
      this.log.error({ ...where, key }, `ignoring config record: ${value.message}`);
      return;
    }
    const skip = (reason: string) => this.log.error({ ...where, key }, `ignoring config record: ${reason}`);

    switch (parsed.kind) {
      case "connector": {
        const name = parsed.connector;
        if (value === null) {
          this.removeConnector(name);
          this.emit({ kind: "connector-removed", connector: name });
          return;
        }
        const props = parseProperties(value);
        if (props instanceof Error) {
          skip(props.message);
          return;
        }
        this.configs.set(name, props);
        this.emit({ kind: "connector-config", connector: name });
        return;
      }
      case "target-state": {
        const name = parsed.connector;
        if (value === null) {
          // no event: the connector's own tombstone reports the deletion
          this.targets.delete(name);
          return;
        }
        const state = parseTargetState(value);
        if (state instanceof Error) {
          skip(state.message);
          return;
        }
        const prev = this.targetState(name);
        this.targets.set(name, state);
        // no event for a connector that does not exist yet (created with an initial state)
        if (state !== prev && this.configs.has(name))
          this.emit({ kind: "target-state", connector: name, state });
        return;
      }
      case "task": {
        if (value === null) {
          skip("a task config cannot be null");
          return;
        }
        if (!this.admitFence(key, r)) return;
        const props = parseProperties(value);
        if (props instanceof Error) {
          skip(props.message);
          return;
        }
        let d = this.deferred.get(parsed.connector);
        if (!d) {
          d = new Map();
          this.deferred.set(parsed.connector, d);
        }
        d.set(parsed.task, props);
        return;
      }
      case "commit": {
        const name = parsed.connector;
        if (value === null) {
          skip("a commit cannot be null");
          return;
        }
        if (!this.admitFence(key, r)) return;
        if (!this.configs.has(name)) {
          // the connector was deleted, and compaction may have removed its config and tombstone
          this.removeConnector(name);
          return;
        }
        const count = parseCommit(value);
        if (count instanceof Error) {
          skip(count.message);
          return;
        }
        const d = this.deferred.get(name) ?? new Map<number, TaskConfig>();
        const configs: TaskConfig[] = [];
        for (let i = 0; i < count; i++) {
          const c = d.get(i);
          if (c === undefined) break;
          configs.push(c);
        }
        if (configs.length < count) {
          this.log.warn(
            { connector: name, tasks: count, found: configs.length },
            "incomplete task configs at a commit, probably because of compaction; the tasks must be regenerated",
          );
          this.inconsistent.add(name);
        } else {
          this.tasks.set(name, configs);
          this.inconsistent.delete(name);
        }
        // a commit always clears the buffer: an inconsistent set must be rewritten in full
        this.deferred.delete(name);
        this.emit({ kind: "task-configs", connector: name });
        return;
      }
      case "restart": {
        if (value === null) return;
        const request = parseRestartRequest(value);
        if (request instanceof Error) {
          skip(request.message);
          return;
        }
        this.emit({ kind: "restart", connector: parsed.connector, request });
        return;
      }
      case "logger": {
        if (value === null) return;
        const level = parseLoggerLevel(value);
        if (level instanceof Error) {
          skip(level.message);
          return;
        }
        this.emit({ kind: "logger", namespace: parsed.namespace, level });
        return;
      }
    }
  }

  private admitFence(key: string, r: LogRecord): boolean {
    const token = parseFence(r.headers[FENCE_HEADER]);
    if (token instanceof Error) {
      this.log.error({ key, offset: r.offset }, `ignoring config record: ${token.message}`);
      return false;
    }
    const verdict = this.fences.admit(key, token);
    if (!verdict.admitted) {
      this.log.warn(
        { key, offset: r.offset, token, highest: verdict.highest },
        "dropping a config record from a fenced-off writer",
      );
    }
    return verdict.admitted;
  }

  private removeConnector(name: string): void {
    this.configs.delete(name);
    this.tasks.delete(name);
    this.deferred.delete(name);
    this.inconsistent.delete(name);
  }
}
