/**
 * Every Redis key Ferry uses, in one place (as BullMQ's queue-keys.ts), so operators and tools can rely on
 * them. All keys of a cluster share the hash tag {group.id}: they live in one Redis Cluster slot.
 */
/** BullMQ's keys of the unit queues are `ferry:{group}:connectors:*` and `ferry:{group}:tasks:*` (unit-queues.ts). */
export function clusterKeys(groupId: string) {
  const p = `ferry:{${groupId}}`;
  return {
    /** sorted set: worker id → expiry time (epoch ms) of its last heartbeat */
    members: `${p}:members`,
    /** lease of a unit (connector:<name> or task:<name>:<n>): the worker id that may run it */
    lease: (unit: string) => `${p}:lease:${unit}`,
    /** fencing counter of a unit: incremented at each new lease, carried by the owner's writes */
    fence: (unit: string) => `${p}:fence:${unit}`,
    /** short lock that makes "create only if absent" atomic across workers */
    createLock: (connector: string) => `${p}:create-lock:${connector}`,
    /** lease of the worker that keeps the unit jobs equal to the config (job-reconciler.ts) */
    reconciler: `${p}:reconciler`,
    /** hash: unit → consecutive failed runs, for the restart backoff and the status */
    restarts: `${p}:restarts`,
    /** hash: sink task unit → its consumer's group member id, evicted by the next owner */
    sinkMembers: `${p}:sink-members`,
    /** pub/sub channel: a unit to restart, published by the worker that received the REST call */
    restartChannel: `${p}:restart`,
  } as const;
}

export type ClusterKeys = ReturnType<typeof clusterKeys>;
