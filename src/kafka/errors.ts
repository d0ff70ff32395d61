/**
 * What a Kafka client error means for the caller, read from the client's errors: Kafka's error name
 * (`type`) on a protocol error, found on the error itself or on one it wraps (kafkajs wraps the protocol
 * error once its retries are spent: KafkaJSNonRetriableError.originalError).
 */

/** `e` and the errors it wraps, outermost first (at most 5). */
export function errorChain(e: unknown): Error[] {
  const out: Error[] = [];
  for (let cur = e; cur instanceof Error && out.length < 5; ) {
    out.push(cur);
    const err = cur as Error & { originalError?: unknown };
    cur = err.originalError ?? err.cause;
  }
  return out;
}

function hasType(e: unknown, types: ReadonlySet<string>): boolean {
  return errorChain(e).some((err) => {
    const type = (err as { type?: unknown }).type;
    return typeof type === "string" && types.has(type);
  });
}

const FENCED_TYPES = new Set(["INVALID_PRODUCER_EPOCH", "PRODUCER_FENCED", "TRANSACTIONAL_ID_FENCED"]);

/** Whether the broker says that a newer producer with our transactional id exists. */
export function isProducerFenced(e: unknown): boolean {
  return hasType(e, FENCED_TYPES);
}

const REBALANCE_TYPES = new Set([
  "REBALANCE_IN_PROGRESS",
  "NOT_COORDINATOR_FOR_GROUP",
  "ILLEGAL_GENERATION",
  "UNKNOWN_MEMBER_ID",
]);

/** kafkajs's isRebalancing, plus a member the coordinator no longer knows: the group will be rejoined. */
export function isRebalance(e: unknown): boolean {
  return hasType(e, REBALANCE_TYPES);
}
