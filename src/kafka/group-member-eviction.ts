/**
 * Removes a dead member from a consumer group at once, so a sink task's new owner does not wait for the
 * dead member's session to time out (10 s here, 45 s by the client default). The unit's lease, not group
 * membership, decides who reads: the new owner holds the lease, joins the group, and then sends LeaveGroup
 * on behalf of the member its predecessor recorded. A zombie predecessor that is still alive is fenced by
 * Kafka's group generation: its offset commits are refused.
 *
 * Order matters: evicting before our own JoinGroup reached the coordinator can leave the group Empty, and a
 * join to an empty group waits group.initial.rebalance.delay.ms (3 s by Kafka's default). So the eviction
 * waits until the group is rebalancing (our join is pending) or the old member is gone.
 *
 * kafkajs has no admin call for this; its Broker.leaveGroup is reached through the client's private
 * cluster factory (kafkajs 2.2.4 is frozen upstream, dependencies.md).
 */
import type { Logger } from "../log/logger.js";
import { kafkajsOf } from "./client.js";
import type { KafkaAdmin, KafkaClient } from "./types.js";

interface Coordinator {
  leaveGroup(args: { groupId: string; memberId: string }): Promise<unknown>;
}
interface Cluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(args: { groupId: string }): Promise<Coordinator>;
}

function createCluster(client: KafkaClient): Cluster {
  const kafka = kafkajsOf(client);
  const sym = Object.getOwnPropertySymbols(kafka).find(
    (s) => s.description === "private:Kafka:createCluster",
  );
  const factory = sym ? (kafka as unknown as Record<symbol, unknown>)[sym] : undefined;
  if (typeof factory !== "function") throw new Error("kafkajs cluster factory not found (kafkajs changed?)");
  return (factory as (o: object) => Cluster)({ allowAutoTopicCreation: false });
}

/** Sends LeaveGroup for `memberId`; true if it was a member. */
export async function leaveGroupFor(kafka: KafkaClient, groupId: string, memberId: string): Promise<boolean> {
  const cluster = createCluster(kafka);
  await cluster.connect();
  try {
    const coordinator = await cluster.findGroupCoordinator({ groupId });
    await coordinator.leaveGroup({ groupId, memberId });
    return true;
  } catch (e) {
    const type = (e as { type?: string }).type;
    if (type === "UNKNOWN_MEMBER_ID") return false;
    throw e;
  } finally {
    await cluster.disconnect().catch(() => undefined);
  }
}

/**
 * Evicts `memberId` from `groupId` once the group is rebalancing (a join is pending) or returns when the
 * member is gone; gives up after `timeoutMs` (the session timeout removes it then).
 */
export async function evictWhenRejoining(
  kafka: KafkaClient,
  admin: KafkaAdmin,
  groupId: string,
  memberId: string,
  logger: Logger,
  timeoutMs = 15_000,
  signal?: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal?.aborted) {
    const [g] = (await admin.describeGroups([groupId])).groups;
    const present = g?.members.some((m) => m.memberId === memberId) ?? false;
    if (!present) return false;
    if (g?.state === "PreparingRebalance" || g?.state === "CompletingRebalance") {
      const was = await leaveGroupFor(kafka, groupId, memberId);
      logger.info(
        { groupId, memberId, wasMember: was },
        "evicted the previous owner's consumer from the group",
      );
      return was;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}
