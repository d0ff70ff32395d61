/**
 * /healthz, /readyz and /metrics over a stub herder: readiness waits for the herder, then for every
 * dependency check; liveness follows the event-loop delay; /health is unchanged.
 */
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Herder } from "../../../src/herder/herder.js";
import { WorkerMetrics } from "../../../src/metrics/worker-metrics.js";
import { createRestApp } from "../../../src/rest/app.js";
import {
  cachedCheck,
  EventLoopMonitor,
  type ReadinessCheck,
  runReadiness,
} from "../../../src/rest/health.js";

function app(opts: { ready: () => boolean; checks?: ReadinessCheck[]; eventLoop?: EventLoopMonitor }) {
  const herder = {
    ready: opts.ready,
    connectors: () => [],
    connectorStatus: () => ({}),
  } as unknown as Herder;
  const metrics = new WorkerMetrics({ workerId: "w", mode: "standalone", defaultMetrics: false });
  return createRestApp({
    herder,
    logger: pino({ level: "silent" }),
    commit: "c",
    operations: {
      metrics,
      readiness: opts.checks ?? [],
      ...(opts.eventLoop ? { eventLoop: opts.eventLoop } : {}),
    },
  });
}

describe("/readyz", () => {
  it("is 503 until the herder is ready, without probing dependencies; then 200 with the checks", async () => {
    let ready = false;
    let probes = 0;
    const a = app({
      ready: () => ready,
      checks: [{ name: "kafka", check: () => ++probes > 0 }],
    });
    let r = await a.request("/readyz");
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({
      status: "not ready",
      checks: { herder: { ok: false, error: "starting" } },
    });
    expect(probes).toBe(0);
    ready = true;
    r = await a.request("/readyz");
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      status: "ready",
      checks: { herder: { ok: true }, kafka: { ok: true } },
    });
  });

  it("is 503 when a dependency fails, says which, and /health stays Kafka's", async () => {
    const a = app({
      ready: () => true,
      checks: [
        { name: "kafka", check: () => true },
        {
          name: "redis",
          check: () => {
            throw new Error("ECONNREFUSED");
          },
        },
      ],
    });
    const r = await a.request("/readyz");
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({
      status: "not ready",
      checks: { herder: { ok: true }, kafka: { ok: true }, redis: { ok: false, error: "ECONNREFUSED" } },
    });
    const h = await a.request("/health");
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({
      status: "healthy",
      message: "Worker has completed startup and is ready to handle requests.",
    });
  });

  it("bounds a check that does not answer", async () => {
    const res = await runReadiness([{ name: "slow", check: () => new Promise<boolean>(() => {}) }], 50);
    expect(res).toEqual({ ready: false, checks: { slow: { ok: false, error: "no answer within 50 ms" } } });
  });

  it("caches a check's answer, successes longer than failures, and shares concurrent probes", async () => {
    let calls = 0;
    let ok = true;
    const c = cachedCheck(
      "x",
      async () => {
        calls++;
        return ok;
      },
      60_000,
      0,
    );
    await Promise.all([c.check(), c.check(), c.check()]);
    expect(calls).toBe(1);
    expect(await c.check()).toBe(true);
    expect(calls).toBe(1);
    const f = cachedCheck(
      "y",
      async () => {
        calls++;
        return ok;
      },
      60_000,
      0,
    );
    ok = false;
    expect(await f.check()).toBe(false);
    ok = true;
    expect(await f.check()).toBe(true);
    expect(calls).toBe(3);
  });
});

describe("/healthz", () => {
  it("is 200 while the event loop keeps up, 503 after an interval with a long block", async () => {
    // the threshold is far above what an idle loop shows even on a busy machine (tens of ms), and each
    // block is longer than the threshold however slow the machine (a busy wait only gets longer)
    const loop = new EventLoopMonitor({ intervalMs: 60_000, thresholdMs: 500 });
    try {
      const a = app({ ready: () => false, eventLoop: loop });
      await new Promise((r) => setTimeout(r, 50));
      loop.sample();
      let r = await a.request("/healthz");
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ status: "ok", eventLoop: { thresholdMs: 500 } });
      // block the loop for 700 ms, several times, so that the p99 of the interval is over the threshold
      for (let i = 0; i < 3; i++) {
        const until = Date.now() + 700;
        while (Date.now() < until) {}
        await new Promise((r) => setTimeout(r, 1));
      }
      loop.sample();
      r = await a.request("/healthz");
      expect(r.status).toBe(503);
      const body = (await r.json()) as { status: string; eventLoop: { p99Ms: number } };
      expect(body.status).toBe("unhealthy");
      expect(body.eventLoop.p99Ms).toBeGreaterThan(500);
    } finally {
      loop.stop();
    }
  });

  it("without an event-loop monitor only says the process answers", async () => {
    const r = await app({ ready: () => false }).request("/healthz");
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: "ok" });
  });
});

describe("/metrics", () => {
  it("serves the worker's registry in the Prometheus text format, and is in the OpenAPI document", async () => {
    const a = app({ ready: () => true });
    const r = await a.request("/metrics");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await r.text()).toContain("ferry_worker_info");
    const doc = (await (await a.request("/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/metrics", "/healthz", "/readyz"]));
  });
});
