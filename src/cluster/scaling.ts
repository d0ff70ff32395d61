/**
 * The scaling signal for autoscalers (GET /cluster/scaling): how many workers the cluster's current units
 * (connector and task instances that should run) want, given how many units one worker should carry.
 */

export interface ClusterScaling {
  /** workers the current units want: ceil(units / unitsPerWorker), within [minWorkers, maxWorkers] */
  readonly desiredWorkers: number;
  /** workers whose membership heartbeat is live */
  readonly liveWorkers: number;
  /** connector and task instances that should run (paused count, stopped connectors do not) */
  readonly units: number;
  readonly unitsPerWorker: number;
  /** units waiting in the scheduler's queue for a worker (null when the scheduler cannot tell) */
  readonly queueDepth: number | null;
}

export interface DesiredWorkersInput {
  readonly units: number;
  readonly unitsPerWorker: number;
  /** never fewer (default 1: a cluster keeps one worker to serve REST even with no units) */
  readonly minWorkers?: number;
  /** never more (default unbounded) */
  readonly maxWorkers?: number;
}

/** ceil(units / unitsPerWorker), clamped to [minWorkers, maxWorkers]. */
export function desiredWorkers(input: DesiredWorkersInput): number {
  const { units, unitsPerWorker } = input;
  if (!Number.isInteger(units) || units < 0)
    throw new RangeError(`units must be a whole number ≥ 0, got ${units}`);
  if (!Number.isInteger(unitsPerWorker) || unitsPerWorker < 1)
    throw new RangeError(`unitsPerWorker must be a whole number ≥ 1, got ${unitsPerWorker}`);
  const min = input.minWorkers ?? 1;
  const max = input.maxWorkers ?? Number.POSITIVE_INFINITY;
  if (min < 0 || max < min) throw new RangeError(`worker bounds [${min}, ${max}] are empty`);
  return Math.min(max, Math.max(min, Math.ceil(units / unitsPerWorker)));
}
