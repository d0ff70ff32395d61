/**
 * The scrape-time state of a worker, read from its herder: connectors known, and the tasks this worker
 * runs by connector and state (from the status the herder reports, filtered on this worker's id).
 */
import { ConnectError } from "../errors.js";
import type { Herder } from "../herder/herder.js";
import type { WorkerStateSource } from "./worker-metrics.js";

export function herderStateSource(
  herder: Pick<Herder, "connectors" | "connectorStatus">,
  workerId: string,
  extra: Pick<WorkerStateSource, "members" | "unitsOwned" | "queueDepth"> = {},
): WorkerStateSource {
  return {
    ...extra,
    connectors: () => herder.connectors().length,
    tasksByState: () => {
      const out: { connector: string; state: string; count: number }[] = [];
      for (const name of herder.connectors()) {
        let tasks: { state: string; worker_id: string }[];
        try {
          tasks = herder.connectorStatus(name).tasks;
        } catch (e) {
          // no status yet, or deleted meanwhile
          if (e instanceof ConnectError) continue;
          throw e;
        }
        const byState = new Map<string, number>();
        for (const t of tasks)
          if (t.worker_id === workerId) byState.set(t.state, (byState.get(t.state) ?? 0) + 1);
        for (const [state, count] of byState) out.push({ connector: name, state, count });
      }
      return out;
    },
  };
}
