/**
 * Kafka's RestartRequest / RestartPlan (KIP-745), shared by the herders: what a POST
 * /connectors/{c}/restart?includeTasks&onlyFailed restarts, and the planned status it answers with.
 */
import type { ConnectorStateInfo, RestartRequest, UnitStateInfo } from "./herder.js";

/** Kafka's RestartRequest.shouldRestartConnector. */
export function shouldRestartConnector(request: RestartRequest, status: UnitStateInfo): boolean {
  return !request.onlyFailed || status.state === "FAILED";
}

/** Kafka's RestartRequest.shouldRestartTask. */
export function shouldRestartTask(request: RestartRequest, status: UnitStateInfo): boolean {
  return request.includeTasks && (!request.onlyFailed || status.state === "FAILED");
}

export interface RestartPlan {
  readonly restartConnector: boolean;
  /** task numbers to restart */
  readonly tasks: number[];
  /** the current status with RESTARTING for everything that will be restarted */
  readonly stateInfo: ConnectorStateInfo;
}

function withoutAttempts<T extends { attempts?: number }>(s: T): Omit<T, "attempts"> {
  const { attempts: _reset, ...rest } = s;
  return rest;
}

/** Kafka's AbstractHerder.buildRestartPlan, from the connector's current status. */
export function buildRestartPlan(current: ConnectorStateInfo, request: RestartRequest): RestartPlan {
  const restartConnector = shouldRestartConnector(request, current.connector);
  const tasks: number[] = [];
  const taskStates = current.tasks.map((t) => {
    if (!shouldRestartTask(request, t)) return { ...t };
    tasks.push(t.id);
    // the trace stays, as in Kafka's plan; a restart request resets the attempt count
    return { ...withoutAttempts(t), state: "RESTARTING" as const };
  });
  return {
    restartConnector,
    tasks,
    stateInfo: {
      name: current.name,
      connector: restartConnector
        ? { ...withoutAttempts(current.connector), state: "RESTARTING" }
        : { ...current.connector },
      tasks: taskStates,
      type: current.type,
    },
  };
}
