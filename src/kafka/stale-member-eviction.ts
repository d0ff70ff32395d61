/**
 * kafkajs restarts a crashed consumer as a new group member. When the crash came from a broker that went
 * away, the old member's LeaveGroup failed with it, so the restarted coordinator still lists that member,
 * and the new member's join waits for it until its session times out: after a broker restart every sink
 * task and every state-topic reader stood still for a whole session timeout (10 s here). Kafka's Java
 * consumer keeps its member id across such outages and never pays this.
 *
 * A crash kafkajs does not restart has the same end when the owner makes a new consumer in the group (the
 * state-topic reader does; a failed sink task's restart does).
 *
 * This watches a consumer: on a crash, it removes the member the consumer had been (LeaveGroup on its
 * behalf) once the group is rebalancing for the next join, whoever's — the same order as the failover
 * eviction, so the group never goes Empty and pays group.initial.rebalance.delay.ms. A member that did
 * leave (the broker was up) is not in the group, and nothing is done.
 */
import type { Logger } from "../log/logger.js";
import { evictWhenRejoining } from "./group-member-eviction.js";
import type { KafkaClient, KafkaConsumer } from "./types.js";

export interface StaleMemberEvictionOptions {
  readonly kafka: KafkaClient;
  readonly consumer: KafkaConsumer;
  readonly groupId: string;
  readonly logger: Logger;
  /** how long to keep trying after a crash (the session timeout removes the member by then anyway) */
  readonly timeoutMs: number;
}

/** Watches `consumer` for as long as it lives (its listeners go with it). */
export function evictStaleMemberOnRestart(o: StaleMemberEvictionOptions): void {
  const { consumer } = o;
  let memberId: string | null = null;
  // the eviction in progress; a join of this consumer ends it (the old member is gone by then)
  let running: AbortController | null = null;
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    memberId = e.payload.memberId;
    running?.abort();
    running = null;
  });
  consumer.on(consumer.events.CRASH, () => {
    if (!memberId) return;
    const stale = memberId;
    memberId = null;
    running?.abort();
    const abort = new AbortController();
    running = abort;
    void evictUntilDone(o, stale, abort.signal).finally(() => {
      if (running === abort) running = null;
    });
  });
}

async function evictUntilDone(
  o: StaleMemberEvictionOptions,
  stale: string,
  signal: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  while (!signal.aborted && Date.now() < deadline) {
    const admin = o.kafka.admin();
    try {
      await admin.connect();
      await evictWhenRejoining(o.kafka, admin, o.groupId, stale, o.logger, deadline - Date.now(), signal);
      return;
    } catch (e) {
      // the broker is still away: try again until it is back or the deadline passed
      o.logger.debug(
        { err: e, groupId: o.groupId, memberId: stale },
        "evicting the crashed member: retrying",
      );
      await new Promise((r) => setTimeout(r, 250));
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}
