/**
 * KIP-875 offsets for the REST API, as Kafka's Worker and SinkUtils do them: source connectors' offsets come
 * from the offset store (the connector's namespace); sink connectors' offsets are the committed offsets of
 * their consumer group `connect-<name>`, read and changed with a Kafka admin client. Callers check first that
 * the connector exists and (to change offsets) is STOPPED.
 */
import { isPlainObject } from "../data/plain-object.js";
import { BadRequestError, ConnectError } from "../errors.js";
import type { KafkaAdmin, KafkaClient } from "../kafka/types.js";
import { sleep } from "../sleep.js";
import type { OffsetEntry, OffsetStore } from "../state/types.js";
import type { ConnectorOffset, ConnectorOffsets, Message } from "./herder.js";

export const KAFKA_TOPIC_KEY = "kafka_topic";
export const KAFKA_PARTITION_KEY = "kafka_partition";
export const KAFKA_OFFSET_KEY = "kafka_offset";

/** Kafka's SinkUtils.consumerGroupId. */
export function sinkConsumerGroup(connector: string): string {
  return `connect-${connector}`;
}

/**
 * Kafka's Worker.completeModifyOffsetsCallback. Ferry's Connector API has no alterOffsets(), which Kafka's
 * default answers with false: only the framework-managed offsets were changed.
 */
export function modifiedOffsetsMessage(isReset: boolean, connectorAlteredOffsets = false): Message {
  const what = isReset ? "reset" : "altered";
  return {
    message: connectorAlteredOffsets
      ? `The offsets for this connector have been ${what} successfully`
      : `The Connect framework-managed offsets for this connector have been ${what} successfully. ` +
        `However, if this connector manages offsets externally, they will need to be manually ${what} in the system that the connector uses.`,
  };
}

/** Kafka's message when offsets are changed while the connector is not STOPPED (400). */
export function notStoppedMessage(connector: string): string {
  return (
    "Connectors must be in the STOPPED state before their offsets can be modified. This can be done " +
    `for the specified connector by issuing a 'PUT' request to the '/connectors/${connector}/stop' endpoint`
  );
}

function schemaTypeName(v: unknown): string {
  if (Array.isArray(v)) return "ARRAY";
  if (isPlainObject(v)) return "MAP";
  return typeof v;
}

/** Kafka's OffsetUtils.validateFormat: String keys, primitive (or null) values. */
function validateFormat(what: "Partitions" | "Offsets", data: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(data)) {
    if (v === null) continue;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") continue;
    throw new BadRequestError(
      `${what} may only contain primitive types as values, but field ${k} contains ${schemaTypeName(v)}`,
    );
  }
}

/** The entries of a source connector's PATCH body, checked. */
export function parseSourceOffsets(offsets: readonly ConnectorOffset[]): OffsetEntry[] {
  return offsets.map((o) => {
    if (!isPlainObject(o.partition)) {
      throw new BadRequestError("The partition for a source connector offset cannot be null or missing");
    }
    validateFormat("Partitions", o.partition);
    if (o.offset !== null && !isPlainObject(o.offset)) {
      throw new BadRequestError("The offset for a source connector must be an object or null");
    }
    if (o.offset !== null) validateFormat("Offsets", o.offset);
    return { partition: o.partition, offset: o.offset };
  });
}

export interface SinkOffset {
  readonly topic: string;
  readonly partition: number;
  /** null deletes the committed offset */
  readonly offset: number | null;
}

/** Kafka's SinkUtils.parseSinkConnectorOffsets (400 with Kafka's messages on a bad entry). */
export function parseSinkOffsets(offsets: readonly ConnectorOffset[]): SinkOffset[] {
  const out = new Map<string, SinkOffset>();
  for (const o of offsets) {
    const p = o.partition;
    if (!isPlainObject(p))
      throw new BadRequestError("The partition for a sink connector offset cannot be null or missing");
    if (!(KAFKA_TOPIC_KEY in p) || !(KAFKA_PARTITION_KEY in p)) {
      throw new BadRequestError(
        `The partition for a sink connector offset must contain the keys '${KAFKA_TOPIC_KEY}' and '${KAFKA_PARTITION_KEY}'`,
      );
    }
    if (p[KAFKA_TOPIC_KEY] === null)
      throw new BadRequestError("Kafka topic names must be valid strings and may not be null");
    if (p[KAFKA_PARTITION_KEY] === null)
      throw new BadRequestError("Kafka partitions must be valid numbers and may not be null");
    const topic = String(p[KAFKA_TOPIC_KEY]);
    const rawPartition = String(p[KAFKA_PARTITION_KEY]);
    if (!/^[+-]?\d+$/.test(rawPartition) || Math.abs(Number(rawPartition)) > 2 ** 31 - 1) {
      throw new BadRequestError(
        `Failed to parse the following Kafka partition value in the provided offsets: '${rawPartition}'. ` +
          "Partition values for sink connectors need to be integers.",
      );
    }
    const partition = Number(rawPartition);
    let offset: number | null = null;
    if (o.offset !== null) {
      if (!isPlainObject(o.offset) || !(KAFKA_OFFSET_KEY in o.offset)) {
        throw new BadRequestError(
          `The offset for a sink connector should either be null or contain the key '${KAFKA_OFFSET_KEY}'`,
        );
      }
      const raw = String(o.offset[KAFKA_OFFSET_KEY]);
      if (!/^[+-]?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
        throw new BadRequestError(
          `Failed to parse the following Kafka offset value in the provided offsets: '${raw}'. ` +
            "Offset values for sink connectors need to be integers.",
        );
      }
      offset = Number(raw);
      if (offset < 0) {
        throw new BadRequestError(`Kafka offsets must be non-negative; got ${raw} for ${topic}-${partition}`);
      }
    }
    out.set(`${topic}\u0000${partition}`, { topic, partition, offset });
  }
  return [...out.values()];
}

function toConnectorOffset(topic: string, partition: number, offset: number): ConnectorOffset {
  return {
    partition: { [KAFKA_TOPIC_KEY]: topic, [KAFKA_PARTITION_KEY]: partition },
    offset: { [KAFKA_OFFSET_KEY]: offset },
  };
}

/** The source connector's offsets from the store. */
export function sourceConnectorOffsets(store: OffsetStore, connector: string): ConnectorOffsets {
  return {
    offsets: store
      .list(connector)
      .filter((e) => e.offset !== null)
      .map((e) => ({ partition: { ...e.partition }, offset: e.offset ? { ...e.offset } : null })),
  };
}

/** Committed offsets of a consumer group: topic → partition → offset (partitions without one are left out). */
async function committed(admin: KafkaAdmin, group: string): Promise<Map<string, Map<number, number>>> {
  const out = new Map<string, Map<number, number>>();
  for (const t of await admin.fetchOffsets({ groupId: group })) {
    for (const p of t.partitions) {
      const n = Number(p.offset);
      if (!Number.isFinite(n) || n < 0) continue;
      let m = out.get(t.topic);
      if (!m) out.set(t.topic, (m = new Map()));
      m.set(p.partition, n);
    }
  }
  return out;
}

/** The sink connector's offsets: its consumer group's committed offsets, sorted by topic and partition. */
export async function sinkConnectorOffsets(admin: KafkaAdmin, connector: string): Promise<ConnectorOffsets> {
  let offsets: Map<string, Map<number, number>>;
  try {
    offsets = await committed(admin, sinkConsumerGroup(connector));
  } catch (e) {
    throw new ConnectError(
      `Failed to retrieve consumer group offsets for sink connector ${connector}: ${(e as Error).message}`,
      500,
      { cause: e },
    );
  }
  const list: ConnectorOffset[] = [];
  for (const topic of [...offsets.keys()].sort()) {
    const parts = offsets.get(topic) ?? new Map();
    for (const partition of [...parts.keys()].sort((a, b) => a - b))
      list.push(toConnectorOffset(topic, partition, parts.get(partition) as number));
  }
  return { offsets: list };
}

function groupNotFound(e: unknown): boolean {
  const groups = (e as { groups?: { error?: { type?: string } }[] }).groups;
  return (
    (e as { type?: string }).type === "GROUP_ID_NOT_FOUND" ||
    (Array.isArray(groups) &&
      groups.length > 0 &&
      groups.every((g) => g.error?.type === "GROUP_ID_NOT_FOUND"))
  );
}

function groupBusy(e: unknown): boolean {
  const msg = (e as Error).message ?? "";
  const groups = (e as { groups?: { error?: { type?: string } }[] }).groups;
  return (
    /must have no running instances/.test(msg) ||
    (Array.isArray(groups) && groups.some((g) => g.error?.type === "NON_EMPTY_GROUP"))
  );
}

/**
 * How long a change to a stopped sink's group waits for the group's members to leave before it fails as
 * Kafka Connect does at once: the tasks of a connector shown STOPPED may still be finishing their stop in
 * their threads (within task.shutdown.graceful.timeout.ms, 5 s by default), and a consumer that died
 * without leaving is dropped when its session ends (10 s by default).
 */
export const GROUP_EMPTY_WAIT_MS = 20_000;

/** Runs `op` again while it finds the group still has members, up to `waitMs`. */
async function whenGroupEmpty<T>(op: () => Promise<T>, waitMs: number): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 1_000)) {
    try {
      return await op();
    } catch (e) {
      if (!groupBusy(e) || Date.now() + delay > deadline) throw e;
      await sleep(delay);
    }
  }
}

function zombieMessage(connector: string, what: "alter" | "reset"): string {
  return (
    `Failed to ${what} consumer group offsets for connector ${connector} either because its tasks ` +
    `haven't stopped completely yet or the connector was resumed before the request to ${what} its offsets could be successfully ` +
    "completed. If the connector is in a stopped state, this operation can be safely retried. If it doesn't eventually succeed, the " +
    "Connect cluster may need to be restarted to get rid of the zombie sink tasks."
  );
}

async function deleteGroup(admin: KafkaAdmin, group: string): Promise<void> {
  try {
    await admin.deleteGroups([group]);
  } catch (e) {
    if (!groupNotFound(e)) throw e;
  }
}

/**
 * Commits offsets for an empty group as kafkajs's admin.setOffsets does (a consumer that joins the group,
 * seeks and leaves), but for all topics in one join and without setOffsets' 5 s wait for a fetch per topic.
 */
async function commit(
  admin: KafkaAdmin,
  kafka: KafkaClient,
  group: string,
  offsets: Map<string, Map<number, number>>,
): Promise<void> {
  const topics = [...offsets].filter(([, parts]) => parts.size > 0).map(([t]) => t);
  if (topics.length === 0) return;
  const [description] = (await admin.describeGroups([group])).groups;
  if (description && !["Empty", "Dead"].includes(description.state)) {
    throw new Error(`The consumer group must have no running instances, current state: ${description.state}`);
  }
  const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 50, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.FETCH, () => {
        consumer.stop().then(resolve, reject);
      });
      consumer.run({ eachBatchAutoResolve: false, eachBatch: async () => {} }).catch(reject);
      // no records are wanted: the seeks are committed when the group is joined
      consumer.pause(topics.map((topic) => ({ topic })));
      for (const topic of topics)
        for (const [partition, offset] of offsets.get(topic) ?? [])
          consumer.seek({ topic, partition, offset: String(offset) });
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

/**
 * Alters the sink connector's committed offsets: offsets are committed, and a null offset removes the
 * partition's committed offset. kafkajs has no OffsetDelete, so removing offsets rewrites the group: the
 * offsets that stay are read, the group is deleted and they are committed again.
 */
export async function alterSinkConnectorOffsets(
  admin: KafkaAdmin,
  kafka: KafkaClient,
  connector: string,
  offsets: readonly SinkOffset[],
  waitMs = GROUP_EMPTY_WAIT_MS,
): Promise<Message> {
  const group = sinkConsumerGroup(connector);
  const sets = new Map<string, Map<number, number>>();
  for (const o of offsets) {
    if (o.offset === null) continue;
    let m = sets.get(o.topic);
    if (!m) sets.set(o.topic, (m = new Map()));
    m.set(o.partition, o.offset);
  }
  try {
    const deletes = offsets.filter((o) => o.offset === null);
    await whenGroupEmpty(async () => {
      if (deletes.length === 0) {
        await commit(admin, kafka, group, sets);
        return;
      }
      const keep = await committed(admin, group);
      for (const d of deletes) keep.get(d.topic)?.delete(d.partition);
      for (const [topic, parts] of sets) {
        let m = keep.get(topic);
        if (!m) keep.set(topic, (m = new Map()));
        for (const [p, n] of parts) m.set(p, n);
      }
      await deleteGroup(admin, group);
      await commit(admin, kafka, group, keep);
    }, waitMs);
  } catch (e) {
    if (groupBusy(e)) throw new ConnectError(zombieMessage(connector, "alter"), 500, { cause: e });
    throw new ConnectError(
      `Failed to alter consumer group offsets for connector ${connector}: ${(e as Error).message}`,
      500,
      { cause: e },
    );
  }
  return modifiedOffsetsMessage(false);
}

/** Resets the sink connector's offsets by deleting its consumer group, as Kafka does. */
export async function resetSinkConnectorOffsets(
  admin: KafkaAdmin,
  connector: string,
  waitMs = GROUP_EMPTY_WAIT_MS,
): Promise<Message> {
  try {
    await whenGroupEmpty(() => deleteGroup(admin, sinkConsumerGroup(connector)), waitMs);
  } catch (e) {
    if (groupBusy(e)) throw new ConnectError(zombieMessage(connector, "reset"), 500, { cause: e });
    throw new ConnectError(
      `Failed to reset consumer group offsets for connector ${connector}: ${(e as Error).message}`,
      500,
      { cause: e },
    );
  }
  return modifiedOffsetsMessage(true);
}
