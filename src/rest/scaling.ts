/**
 * GET /cluster/scaling: the scaling signal for autoscalers (KEDA's metrics-api scaler reads desiredWorkers).
 * Any worker answers for the whole cluster; a herder without the signal (standalone) answers 404.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Herder } from "../herder/herder.js";
import { errorBody } from "./errors.js";
import { ErrorMessage } from "./schemas.js";

export const ClusterScalingSchema = z
  .object({
    desiredWorkers: z
      .number()
      .int()
      .min(0)
      .describe("Workers the current units want: ceil(units / unitsPerWorker), at least 1"),
    liveWorkers: z.number().int().min(0).describe("Workers with a live membership heartbeat"),
    units: z.number().int().min(0).describe("Connector and task instances that should run"),
    unitsPerWorker: z.number().int().min(1).describe("scaling.units.per.worker"),
    queueDepth: z
      .number()
      .int()
      .min(0)
      .nullable()
      .describe("Units waiting in the scheduler's queue for a worker; null when unknown"),
  })
  .openapi("ClusterScaling", {
    example: { desiredWorkers: 3, liveWorkers: 2, units: 25, unitsPerWorker: 10, queueDepth: 4 },
  });

export const clusterScalingRoute = createRoute({
  method: "get",
  path: "/cluster/scaling",
  tags: ["Operations"],
  summary: "Desired worker count for autoscalers (distributed mode)",
  responses: {
    200: {
      description: "The scaling signal",
      content: { "application/json": { schema: ClusterScalingSchema } },
    },
    404: {
      description: "Not served by this worker (standalone mode)",
      content: { "application/json": { schema: ErrorMessage } },
    },
  },
});

// biome-ignore lint/suspicious/noExplicitAny: any app's env and schema
export function registerScaling(app: OpenAPIHono<any, any, any>, herder: Herder): void {
  app.openapi(clusterScalingRoute, async (c) => {
    if (!herder.clusterScaling)
      return errorBody(c, 404, "Cluster scaling is only served in distributed mode") as never;
    // parse: a herder bug shows as a 500 here rather than as a wrong number in an autoscaler
    return c.json(ClusterScalingSchema.parse(await herder.clusterScaling()), 200);
  });
}
