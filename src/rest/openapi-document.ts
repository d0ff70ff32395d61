/**
 * The OpenAPI document without a running worker, for the generated REST reference
 * (wrangler-free-docs/reference/rest.md): the same routes and schemas /openapi.json serves.
 */
import { pino } from "pino";
import type { Herder } from "../herder/herder.js";
import { createRestApp } from "./app.js";
import { OPENAPI_INFO } from "./docs.js";
import { metricsRoute } from "./operations.js";

/** Routes are only described here, never called: any herder call is a bug. */
const describeOnly = new Proxy({} as Herder, {
  get(_target, key) {
    if (key === "clusterScaling" || key === "then") return undefined;
    return () => {
      throw new Error(`Herder.${String(key)} called while only describing the REST API`);
    };
  },
});

export function openApiDocument() {
  const app = createRestApp({
    herder: describeOnly,
    logger: pino({ level: "silent" }),
    commit: "unknown",
    operations: {},
  });
  // /metrics is bound only when a worker has metrics; it is part of every worker's API
  app.openAPIRegistry.registerPath(metricsRoute);
  return app.getOpenAPI31Document(OPENAPI_INFO);
}
