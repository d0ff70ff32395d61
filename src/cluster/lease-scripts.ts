/**
 * Compare-and-set on a Redis key holding its owner's token (Lua, as Redis 7.0 has no conditional SET/DEL):
 * the unit leases, the job reconciler's lease and the create locks share them.
 */

/** KEYS[1] owner ARGV[1], TTL ARGV[2] ms: extends the key's TTL only if ARGV[1] still owns it; 1 or 0. */
export const EXTEND_IF_OWNER = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) end return 0`;

/** KEYS[1] owner ARGV[1]: deletes the key only if ARGV[1] still owns it; 1 or 0. */
export const RELEASE_IF_OWNER = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end return 0`;
