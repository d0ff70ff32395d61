/**
 * Connector and task statuses in the status topic (compacted), with Kafka Connect's keys and values
 * (KafkaStatusBackingStore): `status-connector-<c>` and `status-task-<c>-<n>` →
 * {"state", "trace", "worker_id", "generation"}; a tombstone deletes (a connector's tombstone also forgets
 * its tasks' statuses, as Kafka's reader does).
 *
 * Reading rules, in this order:
 * - fencing: a record carrying a token (header `ferry.fence`) lower than the highest seen for its unit is
 *   dropped, and the stale-write listeners are told (once started) so that the owner can re-assert;
 * - Kafka Connect's rebalance guard, for records without a token (Kafka Connect's own): a task's UNASSIGNED
 *   whose generation is not above that of its cached RUNNING status is ignored.
 * Writes: `safe` is Kafka's putSafe, decided on this store's view; every write resolves once it is read back.
 */

import type { KafkaClient } from "../../kafka/types.js";
import type { Logger } from "../../log/logger.js";
import { FENCE_HEADER, FenceTracker, parseFence } from "../fencing.js";
import { Listeners } from "../listeners.js";
import { canWriteSafely, statusUnitKey } from "../status-rules.js";
import type { StatusStore, StatusUnit, StatusWriteOptions, UnitStatus } from "../types.js";
import {
  connectorStatusKey,
  parseJsonBytes,
  parseStatus,
  parseStatusKey,
  serializeStatus,
  taskStatusKey,
} from "./codec.js";
import { KafkaLog, type LogRecord, type LogWrite } from "./kafka-log.js";
import { ensureStateTopicWith, statusTopicSpec } from "./topics.js";

export interface KafkaStatusStoreOptions {
  readonly kafka: KafkaClient;
  /** status.storage.topic */
  readonly topic: string;
  readonly logger: Logger;
  /** status.storage.partitions; default 5 */
  readonly partitions?: number;
  /** status.storage.replication.factor; -1 (default here) is the broker's default */
  readonly replicationFactor?: number;
  /** status.storage.* topic settings used when creating the topic */
  readonly topicConfigs?: Readonly<Record<string, string>>;
  /** bound on a read to end or a write; default 30 s */
  readonly timeoutMs?: number;
}

export class KafkaStatusStore implements StatusStore {
  private readonly log: Logger;
  private readonly kafkaLog: KafkaLog;
  private started = false;
  private readonly connectorStatus = new Map<string, UnitStatus>();
  private readonly taskStatus = new Map<string, Map<number, UnitStatus>>();
  private readonly fences = new FenceTracker();
  private readonly stale = new Listeners<[StatusUnit, number, number]>();

  constructor(private readonly o: KafkaStatusStoreOptions) {
    this.log = o.logger.child({ component: "status-store", topic: o.topic });
    this.kafkaLog = new KafkaLog({
      kafka: o.kafka,
      topic: o.topic,
      logger: o.logger,
      timeoutMs: o.timeoutMs,
      groupIdPrefix: `ferry-statuses-${o.topic}`,
      onRecord: (r) => this.onRecord(r),
    });
  }

  async start(): Promise<void> {
    await ensureStateTopicWith(
      this.o.kafka,
      statusTopicSpec(
        this.o.topic,
        this.o.partitions ?? 5,
        this.o.replicationFactor ?? -1,
        this.o.topicConfigs,
      ),
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

  startTimings() {
    return this.kafkaLog.startTimings();
  }

  async putConnector(name: string, status: UnitStatus, options?: StatusWriteOptions): Promise<void> {
    if (options?.safe && !canWriteSafely(this.connectorStatus.get(name), status)) return;
    await this.write([
      { key: connectorStatusKey(name), value: serializeStatus(status), headers: headers(options) },
    ]);
  }

  async putTask(
    connector: string,
    task: number,
    status: UnitStatus,
    options?: StatusWriteOptions,
  ): Promise<void> {
    if (options?.safe && !canWriteSafely(this.task(connector, task), status)) return;
    await this.write([
      { key: taskStatusKey(connector, task), value: serializeStatus(status), headers: headers(options) },
    ]);
  }

  connector(name: string): UnitStatus | undefined {
    return this.connectorStatus.get(name);
  }

  task(connector: string, task: number): UnitStatus | undefined {
    return this.taskStatus.get(connector)?.get(task);
  }

  tasks(connector: string): ReadonlyMap<number, UnitStatus> {
    return new Map(this.taskStatus.get(connector) ?? []);
  }

  connectors(): string[] {
    return [...this.connectorStatus.keys()].sort();
  }

  async deleteConnector(name: string): Promise<void> {
    const records: LogWrite[] = [...(this.taskStatus.get(name)?.keys() ?? [])].map((task) => ({
      key: taskStatusKey(name, task),
      value: null,
    }));
    records.push({ key: connectorStatusKey(name), value: null });
    await this.write(records);
  }

  highestFence(unit: StatusUnit): number | undefined {
    return this.fences.highest(statusUnitKey(unit));
  }

  onStaleWrite(listener: (unit: StatusUnit, token: number, highest: number) => void): () => void {
    return this.stale.add(listener);
  }

  private async write(records: LogWrite[]): Promise<void> {
    await this.kafkaLog.sendAll(records);
    await this.kafkaLog.readToEnd();
  }

  private onRecord(r: LogRecord): void {
    const where = { partition: r.partition, offset: r.offset };
    if (r.key === null) {
      this.log.warn(where, "ignoring a status record without a key");
      return;
    }
    const key = r.key.toString("utf8");
    const parsed = parseStatusKey(key);
    if (parsed.kind === "invalid") {
      this.log.warn({ ...where, key }, `ignoring status record: ${parsed.reason}`);
      return;
    }
    if (parsed.kind === "ignored") return;
    const unit: StatusUnit =
      parsed.kind === "task" ? { connector: parsed.connector, task: parsed.task } : parsed;
    const value = parseJsonBytes(r.value);
    if (value instanceof Error) {
      this.log.error({ ...where, key }, `ignoring status record: ${value.message}`);
      return;
    }
    if (value === null) {
      this.remove(unit);
      return;
    }
    const status = parseStatus(value);
    if (status instanceof Error) {
      this.log.error({ ...where, key }, `ignoring status record: ${status.message}`);
      return;
    }
    const token = parseFence(r.headers[FENCE_HEADER]);
    if (token instanceof Error) {
      this.log.error({ ...where, key }, `ignoring status record: ${token.message}`);
      return;
    }
    const verdict = this.fences.admit(statusUnitKey(unit), token);
    if (!verdict.admitted) {
      this.log.warn(
        { ...where, key, token, highest: verdict.highest },
        "dropping a status from a fenced-off writer",
      );
      if (this.started) {
        this.stale.emit(
          (e) => this.log.error({ err: e, key }, "a stale-write listener threw"),
          unit,
          token ?? 0,
          verdict.highest,
        );
      }
      return;
    }
    if (unit.task === undefined) {
      this.connectorStatus.set(unit.connector, status);
      return;
    }
    let m = this.taskStatus.get(unit.connector);
    if (!m) {
      m = new Map();
      this.taskStatus.set(unit.connector, m);
    }
    const cached = m.get(unit.task);
    if (
      token === undefined &&
      status.state === "UNASSIGNED" &&
      cached?.state === "RUNNING" &&
      cached.generation >= status.generation
    ) {
      this.log.debug({ ...where, key }, "ignoring a stale UNASSIGNED status in favour of RUNNING");
      return;
    }
    m.set(unit.task, status);
  }

  private remove(unit: StatusUnit): void {
    this.fences.reset(statusUnitKey(unit));
    if (unit.task !== undefined) {
      this.taskStatus.get(unit.connector)?.delete(unit.task);
      return;
    }
    this.connectorStatus.delete(unit.connector);
    for (const task of this.taskStatus.get(unit.connector)?.keys() ?? []) {
      this.fences.reset(statusUnitKey({ connector: unit.connector, task }));
    }
    this.taskStatus.delete(unit.connector);
  }
}

function headers(options: StatusWriteOptions | undefined): LogWrite["headers"] {
  return options?.fence === undefined ? undefined : { [FENCE_HEADER]: String(options.fence) };
}
