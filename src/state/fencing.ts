/**
 * Fencing tokens on state records (design.md, "State in Kafka"): writes that only a unit's owner may make
 * carry the owner's lease token in a record header, and readers drop a record whose token is lower than
 * the highest seen for its key.
 */

export type FenceVerdict = { admitted: true } | { admitted: false; highest: number };

/**
 * Highest fencing token seen per key. A record without a token is always admitted (Kafka Connect's own
 * writes, and writes no lease guards, such as deletes) and leaves the highest token as it is; a record
 * whose token is lower than the highest is refused. A tombstone resets the key, because compaction
 * eventually removes the older records and a fresh reader must reach the same view.
 */
export class FenceTracker {
  private readonly tokens = new Map<string, number>();

  admit(key: string, token: number | undefined): FenceVerdict {
    if (token === undefined) return { admitted: true };
    const highest = this.tokens.get(key);
    if (highest !== undefined && token < highest) return { admitted: false, highest };
    this.tokens.set(key, token);
    return { admitted: true };
  }

  highest(key: string): number | undefined {
    return this.tokens.get(key);
  }

  reset(key: string): void {
    this.tokens.delete(key);
  }
}

/** Header carrying the fencing token, as a decimal string. */
export const FENCE_HEADER = "ferry.fence";

/** The token in a record's headers; undefined when absent, an Error when present but not a number. */
export function parseFence(raw: Buffer | string | undefined): number | undefined | Error {
  if (raw === undefined) return undefined;
  const text = raw.toString();
  if (!/^\d{1,16}$/.test(text)) return new Error(`invalid ${FENCE_HEADER} header "${text}"`);
  return Number(text);
}
