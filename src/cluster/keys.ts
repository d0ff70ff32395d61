/**
 * Every Redis key Ferry uses, in one place (as BullMQ's queue-keys.ts), so operators and tools can rely on
 * them. All keys of a cluster share the hash tag {group.id}: they live in one Redis Cluster slot.
 */
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
  } as const;
}

export type ClusterKeys = ReturnType<typeof clusterKeys>;
