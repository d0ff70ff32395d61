/** The scaling signal: the pure desired-worker count and GET /cluster/scaling. */
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { desiredWorkers } from "../../../src/cluster/scaling.js";
import { createRestApp } from "../../../src/rest/app.js";
import { herderWith } from "./support.js";

describe("desiredWorkers", () => {
  it("is ceil(units / unitsPerWorker), at least one", () => {
    expect(desiredWorkers({ units: 0, unitsPerWorker: 10 })).toBe(1);
    expect(desiredWorkers({ units: 1, unitsPerWorker: 10 })).toBe(1);
    expect(desiredWorkers({ units: 10, unitsPerWorker: 10 })).toBe(1);
    expect(desiredWorkers({ units: 11, unitsPerWorker: 10 })).toBe(2);
    expect(desiredWorkers({ units: 25, unitsPerWorker: 1 })).toBe(25);
  });
  it("stays within the bounds given", () => {
    expect(desiredWorkers({ units: 0, unitsPerWorker: 10, minWorkers: 0 })).toBe(0);
    expect(desiredWorkers({ units: 5, unitsPerWorker: 10, minWorkers: 3 })).toBe(3);
    expect(desiredWorkers({ units: 500, unitsPerWorker: 10, maxWorkers: 20 })).toBe(20);
  });
  it("refuses impossible input", () => {
    expect(() => desiredWorkers({ units: -1, unitsPerWorker: 10 })).toThrow(/units must be/);
    expect(() => desiredWorkers({ units: 1.5, unitsPerWorker: 10 })).toThrow(/units must be/);
    expect(() => desiredWorkers({ units: 1, unitsPerWorker: 0 })).toThrow(/unitsPerWorker must be/);
    expect(() => desiredWorkers({ units: 1, unitsPerWorker: 1, minWorkers: 5, maxWorkers: 2 })).toThrow(
      /empty/,
    );
  });
});

describe("GET /cluster/scaling", () => {
  const logger = pino({ level: "silent" });
  it("answers 404 with Kafka's error body when the herder has no scaling signal (standalone)", async () => {
    const app = createRestApp({ herder: herderWith({}), logger, commit: "t" });
    const r = await app.request("/cluster/scaling");
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({
      error_code: 404,
      message: "Cluster scaling is only served in distributed mode",
    });
  });
  it("answers the herder's signal", async () => {
    const signal = { desiredWorkers: 3, liveWorkers: 2, units: 25, unitsPerWorker: 10, queueDepth: 4 };
    const app = createRestApp({
      herder: herderWith({ clusterScaling: async () => signal }),
      logger,
      commit: "t",
    });
    const r = await app.request("/cluster/scaling");
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual(signal);
  });
  it("a malformed signal is a 500, not a wrong number for the autoscaler", async () => {
    const bad = { desiredWorkers: -1, liveWorkers: 2, units: 25, unitsPerWorker: 10, queueDepth: null };
    const app = createRestApp({
      herder: herderWith({ clusterScaling: async () => bad }),
      logger,
      commit: "t",
    });
    expect((await app.request("/cluster/scaling")).status).toBe(500);
  });
});
