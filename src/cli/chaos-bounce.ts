/**
 * One bounce of `ferry chaos`: a worker stopped with a signal, and the time until every unit it ran is
 * RUNNING on another worker (the failover time).
 */

import { sleep } from "../sleep.js";
import type { ChaosWorker, LocalCluster } from "./chaos-cluster.js";
import { type ChaosRest, type Unit, unitKey, units } from "./chaos-rest.js";

export const FAILOVER_TIMEOUT_MS = 60_000;

export interface Failover {
  readonly round: number;
  readonly worker: number;
  readonly signal: NodeJS.Signals;
  /** connector and task units the worker ran when it was stopped */
  readonly units: number;
  /** signal → every one of those units RUNNING on another worker; null when they never were (timeout) */
  readonly ms: number | null;
  /** a SIGTERM that had to be followed by SIGKILL */
  readonly forced: boolean;
}

export async function bounce(
  rest: ChaosRest,
  cluster: LocalCluster,
  w: ChaosWorker,
  signal: NodeJS.Signals,
  round: number,
): Promise<Failover> {
  const mine = (await units(rest)).filter((u) => u.worker === w.id);
  const t0 = Date.now();
  const stopping = cluster.stop(w, signal);
  let ms: number | null = null;
  const deadline = t0 + FAILOVER_TIMEOUT_MS;
  const pending = new Set(mine.map(unitKey));
  while (pending.size > 0 && Date.now() < deadline) {
    for (const u of await units(rest).catch(() => [] as Unit[]))
      if (pending.has(unitKey(u)) && u.state === "RUNNING" && u.worker !== w.id) pending.delete(unitKey(u));
    if (pending.size > 0) await sleep(50);
  }
  if (pending.size === 0) ms = Date.now() - t0;
  const { forced } = await stopping;
  return { round, worker: w.index, signal, units: mine.length, ms, forced };
}
