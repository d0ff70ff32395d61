/**
 * Operator endpoints beside the Kafka Connect API: GET /metrics (Prometheus text format), GET /healthz
 * (liveness) and GET /readyz (readiness). See health.ts for what each one checks.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { WorkerMetrics } from "../metrics/worker-metrics.js";
import { type EventLoopMonitor, type ReadinessCheck, runReadiness } from "./health.js";

export interface OperationsOptions {
  /** the worker's metrics; without them /metrics is not served */
  readonly metrics?: WorkerMetrics;
  /** event-loop monitor for /healthz; without one /healthz only says the process answers */
  readonly eventLoop?: EventLoopMonitor;
  /** dependency checks for /readyz, run after the herder is ready (Kafka, Redis) */
  readonly readiness?: readonly ReadinessCheck[];
}

const Liveness = z
  .object({
    status: z.enum(["ok", "unhealthy"]),
    eventLoop: z
      .object({
        p99Ms: z.number(),
        maxMs: z.number(),
        thresholdMs: z.number(),
      })
      .optional(),
  })
  .openapi("Liveness");

const Readiness = z
  .object({
    status: z.enum(["ready", "not ready"]),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })),
  })
  .openapi("Readiness");

export const metricsRoute = createRoute({
  method: "get",
  path: "/metrics",
  tags: ["Operations"],
  summary: "Prometheus metrics of this worker (text exposition format)",
  responses: {
    200: { description: "Metrics", content: { "text/plain": { schema: z.string() } } },
  },
});

export const healthzRoute = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["Operations"],
  summary: "Liveness: the process answers and its event loop is responsive",
  responses: {
    200: { description: "Live", content: { "application/json": { schema: Liveness } } },
    503: {
      description: "Event loop delay (p99) over the threshold",
      content: { "application/json": { schema: Liveness } },
    },
  },
});

export const readyzRoute = createRoute({
  method: "get",
  path: "/readyz",
  tags: ["Operations"],
  summary: "Readiness: started (state loaded, REST up) and Kafka (and Redis) reachable",
  responses: {
    200: { description: "Ready", content: { "application/json": { schema: Readiness } } },
    503: { description: "Not ready yet", content: { "application/json": { schema: Readiness } } },
  },
});

/** Binds /metrics, /healthz and /readyz; `ready` is the herder's readiness. */
export function registerOperations(
  // biome-ignore lint/suspicious/noExplicitAny: any app's env and schema
  app: OpenAPIHono<any, any, any>,
  ready: () => boolean,
  o: OperationsOptions,
): void {
  const { metrics, eventLoop } = o;
  if (metrics) {
    app.openapi(metricsRoute, async (c) => {
      const { body, contentType } = await metrics.scrape();
      return c.text(body, 200, { "Content-Type": contentType });
    });
  }

  app.openapi(healthzRoute, (c) => {
    if (!eventLoop) return c.json({ status: "ok" as const }, 200);
    const { healthy, ...loop } = eventLoop.status();
    return healthy
      ? c.json({ status: "ok" as const, eventLoop: loop }, 200)
      : c.json({ status: "unhealthy" as const, eventLoop: loop }, 503);
  });

  const checks = o.readiness ?? [];
  app.openapi(readyzRoute, async (c) => {
    const started = ready();
    // dependencies are only probed once started: before that the answer is 503 anyway
    const deps = started ? await runReadiness(checks) : { ready: false, checks: {} };
    const body = {
      status: started && deps.ready ? ("ready" as const) : ("not ready" as const),
      checks: { herder: started ? { ok: true } : { ok: false, error: "starting" }, ...deps.checks },
    };
    return body.status === "ready" ? c.json(body, 200) : c.json(body, 503);
  });
}
