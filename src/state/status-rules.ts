/** Rules shared by the status stores. */
import type { StatusUnit, UnitStatus } from "./types.js";

/**
 * KafkaStatusBackingStore's putSafe: safe when there is no previous status, or it came from the same worker,
 * or the new generation is not lower.
 */
export function canWriteSafely(previous: UnitStatus | undefined, next: UnitStatus): boolean {
  return !previous || previous.workerId === next.workerId || previous.generation <= next.generation;
}

export function statusUnitKey(unit: StatusUnit): string {
  return unit.task === undefined ? `c:${unit.connector}` : `t:${unit.task}:${unit.connector}`;
}
