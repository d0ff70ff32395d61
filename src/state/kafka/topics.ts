/**
 * Creating and checking the three internal topics, as Kafka Connect's TopicAdmin and
 * KafkaTopicBasedBackingStore do (reference/kafka-connect.md §3.1):
 * - a missing topic is created with cleanup.policy=compact (the config topic with exactly one partition);
 *   partitions and replication factor -1 mean the broker's default;
 * - an existing topic whose cleanup.policy is not exactly `compact` is refused, and so is a config topic with
 *   more than one partition: compaction and ordering are what make the stored state correct.
 * If the policy cannot be described (ACLs), the check is skipped with an info line, as Kafka does.
 */

import { ConnectError, errorMessage } from "../../errors.js";
import { type KafkaAdmin, type KafkaClient, TOPIC_CONFIG_RESOURCE } from "../../kafka/types.js";
import type { Logger } from "../../log/logger.js";
import { sleep } from "../../sleep.js";

export class StateTopicError extends ConnectError {
  override name = "StateTopicError";
  constructor(message: string, options?: ErrorOptions) {
    super(message, 500, options);
  }
}

export interface StateTopicSpec {
  readonly topic: string;
  /** the worker setting that named the topic, for error messages (e.g. "config.storage.topic") */
  readonly configKey: string;
  /** what the topic holds, for error messages (e.g. "connector configurations") */
  readonly purpose: string;
  /** -1: the broker's num.partitions; ignored (always 1) for a single-partition topic */
  readonly partitions: number;
  /** -1: the broker's default.replication.factor */
  readonly replicationFactor: number;
  /** further topic configs (the worker's `config.storage.*` etc.); a cleanup.policy among them is ignored */
  readonly topicConfigs?: Readonly<Record<string, string>>;
  /** the config topic: created with one partition, refused with more */
  readonly singlePartition?: boolean;
}

export function configTopicSpec(
  topic: string,
  replicationFactor = -1,
  topicConfigs?: Readonly<Record<string, string>>,
): StateTopicSpec {
  return {
    topic,
    configKey: "config.storage.topic",
    purpose: "connector configurations",
    partitions: 1,
    replicationFactor,
    topicConfigs,
    singlePartition: true,
  };
}

export function offsetTopicSpec(
  topic: string,
  partitions = 25,
  replicationFactor = -1,
  topicConfigs?: Readonly<Record<string, string>>,
): StateTopicSpec {
  return {
    topic,
    configKey: "offset.storage.topic",
    purpose: "source connector offsets",
    partitions,
    replicationFactor,
    topicConfigs,
  };
}

export function statusTopicSpec(
  topic: string,
  partitions = 5,
  replicationFactor = -1,
  topicConfigs?: Readonly<Record<string, string>>,
): StateTopicSpec {
  return {
    topic,
    configKey: "status.storage.topic",
    purpose: "connector and task statuses",
    partitions,
    replicationFactor,
    topicConfigs,
  };
}

export interface EnsuredTopic {
  readonly created: boolean;
  readonly partitions: number;
  /** false when the cleanup policy could not be described and was not checked */
  readonly policyChecked: boolean;
}

/** Creates the topic if it is missing, then checks it; throws StateTopicError when it is unfit. */
export async function ensureStateTopic(
  admin: KafkaAdmin,
  spec: StateTopicSpec,
  logger: Logger,
): Promise<EnsuredTopic> {
  const log = logger.child({ component: "state-topics", topic: spec.topic });
  let created = false;
  const existing = await admin.listTopics().catch((e: unknown) => {
    throw new StateTopicError(`Cannot list topics to find ${spec.topic}: ${errorMessage(e)}`, { cause: e });
  });
  if (!existing.includes(spec.topic)) {
    const configEntries = Object.entries(spec.topicConfigs ?? {})
      .filter(([name]) => {
        if (name !== "cleanup.policy") return true;
        log.warn(`Ignoring cleanup.policy given for ${spec.configKey}: the topic is always compacted`);
        return false;
      })
      .map(([name, value]) => ({ name, value }));
    configEntries.push({ name: "cleanup.policy", value: "compact" });
    try {
      created = await admin.createTopics({
        topics: [
          {
            topic: spec.topic,
            numPartitions: spec.singlePartition ? 1 : spec.partitions,
            replicationFactor: spec.replicationFactor,
            configEntries,
          },
        ],
        // kafkajs's own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which KRaft brokers answer until the
        // new topic's metadata reached them; partitionCount() below waits for it instead
        waitForLeaders: false,
      });
    } catch (e) {
      throw new StateTopicError(
        `Cannot create topic ${spec.topic} (${spec.configKey}) for ${spec.purpose}: ${errorMessage(e)}`,
        { cause: e },
      );
    }
    if (created)
      log.info({ partitions: spec.partitions, replicationFactor: spec.replicationFactor }, "created");
  }
  const partitions = await partitionCount(admin, spec.topic);
  if (spec.singlePartition && partitions > 1) {
    throw new StateTopicError(
      `Topic '${spec.topic}' supplied via the '${spec.configKey}' property is required to have a single ` +
        `partition in order to guarantee consistency of ${spec.purpose}, but found ${partitions} partitions.`,
    );
  }
  const policies = await cleanupPolicy(admin, spec.topic, log);
  if (policies === undefined) {
    log.info(
      `Unable to verify that the cleanup policy of topic '${spec.topic}' is 'compact' ` +
        "(the broker or the principal's permissions do not allow describing topic configs)",
    );
    return { created, partitions, policyChecked: false };
  }
  if (policies.length !== 1 || policies[0] !== "compact") {
    const found = policies.join(",");
    throw new StateTopicError(
      `Topic '${spec.topic}' supplied via the '${spec.configKey}' property is required to have ` +
        `'cleanup.policy=compact' to guarantee consistency and durability of ${spec.purpose}, but found the ` +
        `topic currently has 'cleanup.policy=${found}'. Continuing would likely result in eventually losing ` +
        `${spec.purpose} and problems restarting this Ferry cluster in the future. Change the ` +
        `'${spec.configKey}' property in the worker configuration to use a topic with 'cleanup.policy=compact'.`,
    );
  }
  return { created, partitions, policyChecked: true };
}

/** Connects an admin of its own, ensures the topic, disconnects. */
export async function ensureStateTopicWith(
  kafka: KafkaClient,
  spec: StateTopicSpec,
  logger: Logger,
): Promise<EnsuredTopic> {
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (e) {
    throw new StateTopicError(`Cannot connect to Kafka to set up topic ${spec.topic}: ${errorMessage(e)}`, {
      cause: e,
    });
  }
  try {
    return await ensureStateTopic(admin, spec, logger);
  } finally {
    await admin.disconnect().catch((e: unknown) => logger.warn({ err: e }, "admin disconnect failed"));
  }
}

/** Errors a topic that was just created answers with until every broker knows it and its leaders. */
const NOT_YET = new Set(["UNKNOWN_TOPIC_OR_PARTITION", "LEADER_NOT_AVAILABLE"]);

/** The topic's partition count, once every partition has a leader (waits up to `timeoutMs`). */
async function partitionCount(admin: KafkaAdmin, topic: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: unknown;
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = topics.find((t) => t.name === topic)?.partitions ?? [];
      if (partitions.length > 0 && partitions.every((p) => p.leader >= 0)) return partitions.length;
      last = new Error(`topic ${topic} has no leader for some partitions yet`);
    } catch (e) {
      if (!NOT_YET.has((e as { type?: string }).type ?? "")) {
        throw new StateTopicError(`Cannot describe topic ${topic}: ${errorMessage(e)}`, { cause: e });
      }
      last = e;
    }
    if (Date.now() > deadline) {
      throw new StateTopicError(`Topic ${topic} is not ready after ${timeoutMs} ms: ${errorMessage(last)}`, {
        cause: last,
      });
    }
    await sleep(100);
  }
}

/** The topic's cleanup.policy values (lower case), or undefined when they cannot be described. */
async function cleanupPolicy(admin: KafkaAdmin, topic: string, log: Logger): Promise<string[] | undefined> {
  let value: string | undefined;
  try {
    const { resources } = await admin.describeConfigs({
      resources: [{ type: TOPIC_CONFIG_RESOURCE, name: topic, configNames: ["cleanup.policy"] }],
      includeSynonyms: false,
    });
    const entry = resources
      .find((r) => r.resourceName === topic)
      ?.configEntries.find((c) => c.configName === "cleanup.policy");
    value = entry?.configValue ?? undefined;
  } catch (e) {
    const type = (e as { type?: string }).type ?? "";
    if (type.endsWith("AUTHORIZATION_FAILED") || type === "UNSUPPORTED_VERSION") {
      log.debug({ err: e }, "describeConfigs refused");
      return undefined;
    }
    throw new StateTopicError(`Cannot describe the configs of topic ${topic}: ${errorMessage(e)}`, {
      cause: e,
    });
  }
  if (value == null) return undefined;
  const policies = value
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
  return policies.length === 0 ? undefined : [...new Set(policies)].sort();
}
