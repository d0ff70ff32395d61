/**
 * The Kafka Connect REST API on Hono. Paths, status codes, bodies and error shapes follow Kafka Connect
 * (reference §1), so existing clients and UIs work unchanged.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { z } from "zod";
import { ConnectError } from "../errors.js";
import type { Herder } from "../herder/herder.js";
import type { Logger } from "../log/logger.js";
import { FERRY_VERSION } from "../version.js";
import { errorBody } from "./errors.js";
import { ConfigMap, CreateConnectorBody, formatZodError } from "./schemas.js";

export interface RestOptions {
  readonly herder: Herder;
  readonly logger: Logger;
  readonly commit: string;
  /** the largest request body accepted */
  readonly maxBodyBytes?: number;
}

async function jsonBody<T extends z.ZodType>(req: Request, schema: T): Promise<z.output<T>> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) {
    throw new ConnectError(
      `HTTP 415 Unsupported Media Type: expected application/json, got ${type || "no Content-Type"}`,
      415,
    );
  }
  const text = await req.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConnectError(`Request body is not valid JSON: ${(e as Error).message}`, 400);
  }
  const r = schema.safeParse(json);
  if (!r.success) throw new ConnectError(`Invalid request body: ${formatZodError(r.error)}`, 400);
  return r.data;
}

function taskNumber(s: string): number {
  if (!/^\d+$/.test(s)) throw new ConnectError(`HTTP 404 Not Found`, 404);
  return Number(s);
}

export function createRestApp(o: RestOptions): Hono {
  const { herder } = o;
  const app = new Hono();

  app.use(
    "*",
    bodyLimit({
      maxSize: o.maxBodyBytes ?? 1024 * 1024,
      onError: (c) => errorBody(c, 413, "Request body too large"),
    }),
  );

  app.onError((err, c) => {
    if (err instanceof ConnectError) return errorBody(c, err.status, err.message);
    if (err instanceof HTTPException) return errorBody(c, err.status, err.message);
    o.logger.error({ err, path: c.req.path }, "REST request failed");
    return errorBody(c, 500, err.message);
  });
  app.notFound((c) => errorBody(c, 404, "HTTP 404 Not Found"));

  app.get("/", (c) =>
    c.json({ version: FERRY_VERSION, commit: o.commit, kafka_cluster_id: herder.kafkaClusterId() }),
  );

  app.get("/health", (c) =>
    herder.ready()
      ? c.json({
          status: "healthy",
          message: "Worker has completed startup and is ready to handle requests.",
        })
      : c.json({ status: "starting", message: "Worker is still starting up." }, 503),
  );

  app.get("/connectors", (c) => {
    const expand = c.req.queries("expand") ?? [];
    const names = herder.connectors();
    if (expand.length === 0) return c.json(names);
    const out: Record<string, Record<string, unknown>> = {};
    for (const name of names) {
      const entry: Record<string, unknown> = {};
      try {
        if (expand.includes("status")) entry.status = herder.connectorStatus(name);
        if (expand.includes("info")) entry.info = herder.connectorInfo(name);
      } catch (e) {
        // a connector without status yet is left out, as Kafka Connect does
        if (e instanceof ConnectError && e.status === 404) continue;
        throw e;
      }
      out[name] = entry;
    }
    return c.json(out);
  });

  app.post("/connectors", async (c) => {
    const body = await jsonBody(c.req.raw, CreateConnectorBody);
    const name = (body.name ?? body.config?.name ?? "").trim();
    if (!name) throw new ConnectError("Connector name must be specified", 400);
    if (!body.config) throw new ConnectError("Connector config must be specified", 400);
    const info = await herder.createConnector({
      name,
      config: body.config,
      initialState: body.initial_state ?? undefined,
    });
    c.header("Location", `/connectors/${encodeURIComponent(name)}`);
    return c.json(info, 201);
  });

  app.get("/connectors/:name", (c) => c.json(herder.connectorInfo(c.req.param("name"))));
  app.get("/connectors/:name/config", (c) => c.json(herder.connectorConfig(c.req.param("name"))));
  app.put("/connectors/:name/config", async (c) => {
    const name = c.req.param("name");
    const config = await jsonBody(c.req.raw, ConfigMap);
    const { created, info } = await herder.putConnectorConfig(name, config);
    if (created) {
      c.header("Location", `/connectors/${encodeURIComponent(name)}`);
      return c.json(info, 201);
    }
    return c.json(info, 200);
  });
  app.get("/connectors/:name/status", (c) => c.json(herder.connectorStatus(c.req.param("name"))));
  app.get("/connectors/:name/tasks", (c) => c.json(herder.taskConfigs(c.req.param("name"))));
  app.get("/connectors/:name/tasks-config", (c) => {
    const name = c.req.param("name");
    return c.json(
      Object.fromEntries(herder.taskConfigs(name).map((t) => [`${name}-${t.id.task}`, t.config])),
    );
  });
  app.get("/connectors/:name/tasks/:task/status", (c) =>
    c.json(herder.taskStatus(c.req.param("name"), taskNumber(c.req.param("task")))),
  );
  app.post("/connectors/:name/restart", async (c) => {
    await herder.restartConnector(c.req.param("name"));
    return c.body(null, 204);
  });
  app.post("/connectors/:name/tasks/:task/restart", async (c) => {
    await herder.restartTask(c.req.param("name"), taskNumber(c.req.param("task")));
    return c.body(null, 204);
  });
  app.put("/connectors/:name/pause", async (c) => {
    await herder.setTargetState(c.req.param("name"), "PAUSED");
    return c.body(null, 202);
  });
  app.put("/connectors/:name/resume", async (c) => {
    await herder.setTargetState(c.req.param("name"), "STARTED");
    return c.body(null, 202);
  });
  app.put("/connectors/:name/stop", async (c) => {
    await herder.setTargetState(c.req.param("name"), "STOPPED");
    return c.body(null, 204);
  });
  app.delete("/connectors/:name", async (c) => {
    await herder.deleteConnector(c.req.param("name"));
    return c.body(null, 204);
  });

  return app;
}
