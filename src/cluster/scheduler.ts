/**
 * Which worker runs which unit. The herder asks `owns(unit)` and reconciles when `onChange` fires.
 * Implementations: every unit here (standalone), rendezvous hashing over live members (distributed, until
 * the BullMQ + lease scheduler replaces it).
 */
import { createHash } from "node:crypto";
import type { Membership } from "./membership.js";

export interface Scheduler {
  owns(unit: string): boolean;
  /** the worker that should run the unit, if known */
  ownerOf(unit: string): string | undefined;
  onChange(fn: () => void): () => void;
}

export class LocalScheduler implements Scheduler {
  constructor(private readonly workerId: string) {}
  owns() {
    return true;
  }
  ownerOf() {
    return this.workerId;
  }
  onChange() {
    return () => {};
  }
}

function score(member: string, unit: string): bigint {
  return createHash("sha1").update(member).update("\0").update(unit).digest().readBigUInt64BE(0);
}

/**
 * Highest-random-weight hashing: each unit goes to the live worker with the highest hash of (worker, unit).
 * A worker joining or leaving moves only the units it gains or loses; no coordination is needed because
 * every worker computes the same answer from the same member list.
 */
export class RendezvousScheduler implements Scheduler {
  constructor(
    private readonly workerId: string,
    private readonly membership: Membership,
  ) {}

  ownerOf(unit: string): string | undefined {
    let best: string | undefined;
    let bestScore = -1n;
    for (const m of this.membership.members()) {
      const s = score(m, unit);
      if (s > bestScore) {
        best = m;
        bestScore = s;
      }
    }
    return best;
  }

  owns(unit: string): boolean {
    return this.ownerOf(unit) === this.workerId;
  }

  onChange(fn: () => void): () => void {
    return this.membership.onChange(() => fn());
  }
}
