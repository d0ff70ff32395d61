/**
 * Replacement for kafkajs 2.2.4's consumer/filterAbortedMessages.js: drops the records of aborted
 * transactions from a read_committed fetch, as the Java consumer does.
 *
 * Why: kafkajs walks the broker's aborted-transaction list in the order given and starts at most one
 * aborted transaction per record. The broker lists them in the order they were *aborted* (the log's
 * transaction index), not by their first offset; when transactions of several producers overlap on one
 * partition — several exactly-once source tasks whose worker was killed, all writing offset records — a
 * record of an aborted transaction that started earlier than the one listed first is let through. A reader
 * then sees offsets and records that were never committed (found by `ferry chaos --exactly-once`: gaps and
 * duplicates). Here the list is ordered by first offset and every transaction that has started by a record
 * is active for it; an abort marker ends its producer's transaction.
 */
const ABORT_MARKER_KEY = Buffer.from([0, 0, 0, 0]);

interface FetchedMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly batchContext: { readonly producerId: string; readonly inTransaction: boolean };
}

interface AbortedTransaction {
  readonly producerId: string;
  readonly firstOffset: string;
}

function isAbortMarker(key: Buffer | null): boolean {
  return key !== null && key !== undefined && Buffer.from(key).equals(ABORT_MARKER_KEY);
}

export function filterAbortedMessages<M extends FetchedMessage>({
  messages,
  abortedTransactions,
}: {
  messages: M[];
  abortedTransactions?: readonly AbortedTransaction[];
}): M[] {
  if (!abortedTransactions || abortedTransactions.length === 0) return messages;
  const pending = [...abortedTransactions].sort((a, b) =>
    BigInt(a.firstOffset) < BigInt(b.firstOffset)
      ? -1
      : BigInt(a.firstOffset) > BigInt(b.firstOffset)
        ? 1
        : 0,
  );
  const active = new Set<string>();
  let next = 0;
  return messages.filter((m) => {
    const offset = BigInt(m.offset);
    while (next < pending.length && offset >= BigInt(pending[next]?.firstOffset ?? 0)) {
      active.add(String(pending[next]?.producerId));
      next++;
    }
    const { producerId, inTransaction } = m.batchContext;
    if (isAbortMarker(m.key)) {
      active.delete(String(producerId));
      return true;
    }
    return !(inTransaction && active.has(String(producerId)));
  });
}
