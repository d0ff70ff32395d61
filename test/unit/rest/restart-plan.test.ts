/** Kafka's RestartRequest semantics (KIP-745) and the planned status POST .../restart answers with. */
import { describe, expect, it } from "vitest";
import type { ConnectorStateInfo } from "../../../src/herder/herder.js";
import { buildRestartPlan } from "../../../src/herder/restart-plan.js";

const current: ConnectorStateInfo = {
  name: "c",
  connector: { state: "RUNNING", worker_id: "w:1" },
  tasks: [
    { id: 0, state: "RUNNING", worker_id: "w:1" },
    { id: 1, state: "FAILED", worker_id: "w:1", trace: "boom" },
  ],
  type: "sink",
};

describe("buildRestartPlan", () => {
  it("includeTasks: everything restarts", () => {
    const p = buildRestartPlan(current, { includeTasks: true, onlyFailed: false });
    expect(p.restartConnector).toBe(true);
    expect(p.tasks).toEqual([0, 1]);
    expect(p.stateInfo).toEqual({
      name: "c",
      connector: { state: "RESTARTING", worker_id: "w:1" },
      tasks: [
        { id: 0, state: "RESTARTING", worker_id: "w:1" },
        { id: 1, state: "RESTARTING", worker_id: "w:1", trace: "boom" },
      ],
      type: "sink",
    });
  });

  it("includeTasks and onlyFailed: only the FAILED units", () => {
    const p = buildRestartPlan(current, { includeTasks: true, onlyFailed: true });
    expect(p.restartConnector).toBe(false);
    expect(p.tasks).toEqual([1]);
    expect(p.stateInfo.connector.state).toBe("RUNNING");
    expect(p.stateInfo.tasks.map((t) => t.state)).toEqual(["RUNNING", "RESTARTING"]);
  });

  it("onlyFailed without includeTasks: the connector only if it FAILED; never the tasks", () => {
    expect(buildRestartPlan(current, { includeTasks: false, onlyFailed: true })).toMatchObject({
      restartConnector: false,
      tasks: [],
    });
    const failed = { ...current, connector: { state: "FAILED" as const, worker_id: "w:1", trace: "t" } };
    const p = buildRestartPlan(failed, { includeTasks: false, onlyFailed: true });
    expect(p.restartConnector).toBe(true);
    expect(p.stateInfo.connector).toEqual({ state: "RESTARTING", worker_id: "w:1", trace: "t" });
    expect(p.tasks).toEqual([]);
  });

  it("does not change the status it was given", () => {
    const copy = structuredClone(current);
    buildRestartPlan(current, { includeTasks: true, onlyFailed: false });
    expect(current).toEqual(copy);
  });
});
