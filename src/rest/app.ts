/**
 * The Kafka Connect REST API on Hono (OpenAPIHono: every route is described in routes.ts and documented at
 * /openapi.json and /docs). Paths, status codes, bodies and error shapes follow Kafka Connect (reference §1),
 * so existing clients and UIs work unchanged. The handlers only map HTTP to the mode-neutral Herder.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { BadRequestError, ConnectError, NotFoundError } from "../errors.js";
import type { ConnectorStateInfo, Herder, UnitStateInfo } from "../herder/herder.js";
import { parseLog4jLevel } from "../log/levels.js";
import type { Logger } from "../log/logger.js";
import { FERRY_VERSION } from "../version.js";
import { authentication, type RestCredentials } from "./auth.js";
import { corsMiddleware } from "./cors.js";
import { registerDocs } from "./docs.js";
import { errorBody } from "./errors.js";
import { type OperationsOptions, registerOperations } from "./operations.js";
import * as R from "./routes.js";
import { registerScaling } from "./scaling.js";
import { formatZodError } from "./schemas.js";
import { maskConfig, restoreHidden, SecretKeys } from "./secrets.js";

export interface RestOptions {
  readonly herder: Herder;
  readonly logger: Logger;
  readonly commit: string;
  /** the largest request body accepted (413 above it) */
  readonly maxBodyBytes?: number;
  /** Kafka's topic.tracking.enable and topic.tracking.allow.reset (both default true) */
  readonly topicTracking?: { readonly enabled: boolean; readonly allowReset: boolean };
  /** /metrics, /healthz and /readyz (operations.ts); the worker CLIs always pass it */
  readonly operations?: OperationsOptions;
  /** authentication and CORS; both off when absent */
  readonly security?: RestSecurityOptions;
}

export interface RestSecurityOptions {
  /** null: no authentication */
  readonly credentials: RestCredentials | null;
  /** access.control.allow.origin; empty: no CORS headers */
  readonly allowOrigins: readonly string[];
  /** access.control.allow.methods; empty: GET, POST, HEAD */
  readonly allowMethods: readonly string[];
}

/**
 * Ferry's own status fields (`attempts`) are left out unless the request asks with ?ferry=true: a Kafka
 * Connect client sees Kafka Connect's fields only.
 */
function kcUnit<T extends UnitStateInfo>(s: T, ferry: boolean): T {
  if (ferry || s.attempts === undefined) return s;
  const { attempts: _ferryOnly, ...rest } = s;
  return rest as T;
}

function kcStatus(s: ConnectorStateInfo, ferry: boolean): ConnectorStateInfo {
  if (ferry) return s;
  return { ...s, connector: kcUnit(s.connector, false), tasks: s.tasks.map((t) => kcUnit(t, false)) };
}

/** Kafka's ConnectorPluginsResource.normalizedPluginName: the name without a Connector suffix. */
function normalizedPluginName(name: string): string {
  return name.endsWith("Connector") ? name.slice(0, -"Connector".length) : name;
}

const NO_OFFSETS = "Partitions / offsets need to be provided for an alter offsets request";

/** A matcher of the app's routes by path, for 405 on a known path with another method. */
function methodsByPath(routes: readonly { method: string; path: string }[]) {
  const compiled = routes
    .filter((r) => r.method !== "ALL" && !r.path.includes("*"))
    .map((r) => ({
      method: r.method,
      re: new RegExp(
        `^${r.path
          .split("/")
          .map((seg) => (seg.startsWith(":") ? "[^/]+" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
          .join("/")}/?$`,
      ),
    }));
  return (path: string) => new Set(compiled.filter((r) => r.re.test(path)).map((r) => r.method));
}

export function createRestApp(o: RestOptions): OpenAPIHono {
  const { herder } = o;
  const tracking = o.topicTracking ?? { enabled: true, allowReset: true };
  const app = new OpenAPIHono({
    // zod failures: a bad path parameter (a task number that is not one) is a 404 as in JAX-RS, the rest 400
    defaultHook: (result, c) => {
      if (result.success) return;
      if (result.target === "param") return errorBody(c, 404, "HTTP 404 Not Found");
      const what = result.target === "json" ? "body" : result.target;
      return errorBody(c, 400, `Invalid request ${what}: ${formatZodError(result.error)}`);
    },
  });

  // CORS before authentication: browsers send preflights without credentials
  const cors = corsMiddleware(o.security?.allowOrigins ?? [], o.security?.allowMethods ?? []);
  if (cors) app.use("*", cors);
  if (o.security?.credentials) app.use("*", authentication(o.security.credentials));

  // PASSWORD-type values leave as "[hidden]" (secrets.ts)
  const secrets = new SecretKeys(herder);
  const masked = <T extends Record<string, string>>(config: T): T => maskConfig(config, secrets.of(config));
  const maskedInfo = <T extends { config: Record<string, string> }>(info: T): T => ({
    ...info,
    config: masked(info.config),
  });
  const stored = (name: string) => {
    try {
      return herder.connectorConfig(name);
    } catch (e) {
      if (e instanceof ConnectError && e.status === 404) return null;
      throw e;
    }
  };

  app.use(
    "*",
    bodyLimit({
      maxSize: o.maxBodyBytes ?? 1024 * 1024,
      onError: (c) => {
        // the rest of the body is not read: the connection cannot carry another request
        c.header("Connection", "close");
        return errorBody(c, 413, "Request body too large");
      },
    }),
  );

  app.onError((err, c) => {
    if (err instanceof ConnectError) return errorBody(c, err.status, err.message);
    if (err instanceof HTTPException) return errorBody(c, err.status, err.message);
    o.logger.error({ err, path: c.req.path }, "REST request failed");
    return errorBody(c, 500, err.message);
  });

  let allowed: ((path: string) => Set<string>) | undefined;
  app.notFound((c) => {
    allowed ??= methodsByPath(app.routes);
    const methods = allowed(c.req.path);
    if (methods.size > 0 && !methods.has(c.req.method)) {
      c.header("Allow", [...methods].join(", "));
      return errorBody(c, 405, "HTTP 405 Method Not Allowed");
    }
    return errorBody(c, 404, "HTTP 404 Not Found");
  });

  // ---------------------------------------------------------------- worker

  app.openapi(R.rootRoute, (c) =>
    c.json({ version: FERRY_VERSION, commit: o.commit, kafka_cluster_id: herder.kafkaClusterId() }, 200),
  );

  app.openapi(R.healthRoute, (c) =>
    herder.ready()
      ? c.json(
          { status: "healthy", message: "Worker has completed startup and is ready to handle requests." },
          200,
        )
      : c.json({ status: "starting", message: "Worker is still starting up." }, 503),
  );

  // ---------------------------------------------------------------- operations: /metrics, /healthz, /readyz

  if (o.operations) registerOperations(app, () => herder.ready(), o.operations);
  registerScaling(app, herder);

  // ---------------------------------------------------------------- connectors

  app.openapi(R.listConnectorsRoute, (c) => {
    const names = herder.connectors();
    if (c.req.queries("expand") === undefined) return c.json(names, 200);
    const expand = c.req.queries("expand") ?? [];
    const { ferry } = c.req.valid("query");
    const out: Record<
      string,
      { status?: ReturnType<Herder["connectorStatus"]>; info?: ReturnType<Herder["connectorInfo"]> }
    > = {};
    for (const name of names) {
      try {
        const entry: (typeof out)[string] = {};
        // unknown expansions are ignored, as Kafka does
        if (expand.includes("status")) entry.status = kcStatus(herder.connectorStatus(name), ferry);
        if (expand.includes("info")) entry.info = maskedInfo(herder.connectorInfo(name));
        out[name] = entry;
      } catch (e) {
        // a connector without status yet (or deleted meanwhile) is left out, as Kafka Connect does
        if (e instanceof ConnectError && e.status === 404) continue;
        throw e;
      }
    }
    return c.json(out, 200);
  });

  app.openapi(R.createConnectorRoute, async (c) => {
    const body = c.req.valid("json");
    const name = (body.name ?? body.config?.name ?? "").trim();
    if (!name) throw new BadRequestError("Connector name must be specified");
    if (!body.config) throw new BadRequestError("Connector config must be specified");
    const info = await herder.createConnector({
      name,
      config: body.config,
      initialState: body.initial_state ?? undefined,
    });
    c.header("Location", `/connectors/${encodeURIComponent(name)}`);
    return c.json(maskedInfo(info), 201);
  });

  app.openapi(R.getConnectorRoute, (c) =>
    c.json(maskedInfo(herder.connectorInfo(c.req.valid("param").connector)), 200),
  );

  app.openapi(R.getConnectorConfigRoute, (c) =>
    c.json(masked(herder.connectorConfig(c.req.valid("param").connector)), 200),
  );

  app.openapi(R.putConnectorConfigRoute, async (c) => {
    const { connector } = c.req.valid("param");
    const incoming = c.req.valid("json");
    const config = restoreHidden(incoming, stored(connector), secrets.of(incoming));
    const { created, info } = await herder.putConnectorConfig(connector, config);
    if (created) {
      c.header("Location", `/connectors/${encodeURIComponent(connector)}`);
      return c.json(maskedInfo(info), 201);
    }
    return c.json(maskedInfo(info), 200);
  });

  app.openapi(R.patchConnectorConfigRoute, async (c) => {
    const { connector } = c.req.valid("param");
    const before = stored(connector);
    const patch = c.req.valid("json");
    const merged = { ...before, ...patch } as Record<string, string>;
    const config = restoreHidden(patch, before, secrets.of(merged));
    return c.json(maskedInfo(await herder.patchConnectorConfig(connector, config)), 200);
  });

  app.openapi(R.connectorStatusRoute, (c) =>
    c.json(kcStatus(herder.connectorStatus(c.req.valid("param").connector), c.req.valid("query").ferry), 200),
  );

  app.openapi(R.restartConnectorRoute, async (c) => {
    const { connector } = c.req.valid("param");
    const { includeTasks, onlyFailed, ferry } = c.req.valid("query");
    if (!includeTasks && !onlyFailed) {
      await herder.restartConnector(connector);
      return c.body(null, 204);
    }
    return c.json(
      kcStatus(await herder.restartConnectorAndTasks(connector, { includeTasks, onlyFailed }), ferry),
      202,
    );
  });

  app.openapi(R.stopConnectorRoute, async (c) => {
    await herder.setTargetState(c.req.valid("param").connector, "STOPPED");
    return c.body(null, 204);
  });

  app.openapi(R.pauseConnectorRoute, async (c) => {
    await herder.setTargetState(c.req.valid("param").connector, "PAUSED");
    return c.body(null, 202);
  });

  app.openapi(R.resumeConnectorRoute, async (c) => {
    await herder.setTargetState(c.req.valid("param").connector, "STARTED");
    return c.body(null, 202);
  });

  app.openapi(R.deleteConnectorRoute, async (c) => {
    await herder.deleteConnector(c.req.valid("param").connector);
    return c.body(null, 204);
  });

  // ---------------------------------------------------------------- tasks

  // a task config may lack connector.class: its secret keys are the connector's
  const maskedTask = (connector: string, config: Record<string, string>) =>
    maskConfig(config, secrets.of({ ...stored(connector), ...config }));

  app.openapi(R.taskConfigsRoute, (c) => {
    const { connector } = c.req.valid("param");
    return c.json(
      herder.taskConfigs(connector).map((t) => ({ ...t, config: maskedTask(connector, t.config) })),
      200,
    );
  });

  app.openapi(R.tasksConfigRoute, (c) => {
    const { connector } = c.req.valid("param");
    return c.json(
      Object.fromEntries(
        herder
          .taskConfigs(connector)
          .map((t) => [`${connector}-${t.id.task}`, maskedTask(connector, t.config)]),
      ),
      200,
    );
  });

  app.openapi(R.taskStatusRoute, (c) => {
    const { connector, task } = c.req.valid("param");
    return c.json(kcUnit(herder.taskStatus(connector, task), c.req.valid("query").ferry), 200);
  });

  app.openapi(R.restartTaskRoute, async (c) => {
    const { connector, task } = c.req.valid("param");
    await herder.restartTask(connector, task);
    return c.body(null, 204);
  });

  // ---------------------------------------------------------------- active topics

  app.openapi(R.activeTopicsRoute, async (c) => {
    if (!tracking.enabled) throw new ConnectError("Topic tracking is disabled.", 403);
    const info = await herder.connectorActiveTopics(c.req.valid("param").connector);
    return c.json({ [info.connector]: { topics: info.topics } }, 200);
  });

  app.openapi(R.resetActiveTopicsRoute, async (c) => {
    if (!tracking.enabled) throw new ConnectError("Topic tracking is disabled.", 403);
    if (!tracking.allowReset) throw new ConnectError("Topic tracking reset is disabled.", 403);
    await herder.resetConnectorActiveTopics(c.req.valid("param").connector);
    return c.body(null, 202);
  });

  // ---------------------------------------------------------------- offsets

  app.openapi(R.getOffsetsRoute, async (c) =>
    c.json(await herder.connectorOffsets(c.req.valid("param").connector), 200),
  );

  app.openapi(R.alterOffsetsRoute, async (c) => {
    const { connector } = c.req.valid("param");
    const { offsets } = c.req.valid("json");
    if (!offsets || offsets.length === 0) throw new BadRequestError(NO_OFFSETS);
    const entries = offsets.map((e) => ({
      partition: (e.partition ?? null) as Record<string, unknown>,
      offset: e.offset ?? null,
    }));
    return c.json(await herder.alterConnectorOffsets(connector, entries), 200);
  });

  app.openapi(R.resetOffsetsRoute, async (c) =>
    c.json(await herder.resetConnectorOffsets(c.req.valid("param").connector), 200),
  );

  // ---------------------------------------------------------------- plugins

  app.openapi(R.listPluginsRoute, (c) =>
    c.json(herder.connectorPlugins(c.req.valid("query").connectorsOnly), 200),
  );

  app.openapi(R.pluginConfigRoute, (c) =>
    c.json(herder.connectorPluginConfig(c.req.valid("param").plugin), 200),
  );

  app.openapi(R.validateConfigRoute, async (c) => {
    const { plugin } = c.req.valid("param");
    const config = c.req.valid("json");
    const included = config["connector.class"];
    if (included !== undefined && !normalizedPluginName(included).endsWith(normalizedPluginName(plugin))) {
      throw new BadRequestError(`Included connector type ${included} does not match request type ${plugin}`);
    }
    return c.json(await herder.validateConnectorConfig(config), 200);
  });

  // ---------------------------------------------------------------- loggers

  app.openapi(R.listLoggersRoute, (c) => c.json(herder.allLoggerLevels(), 200));

  app.openapi(R.getLoggerRoute, (c) => {
    const { logger } = c.req.valid("param");
    const level = herder.loggerLevel(logger);
    if (!level) throw new NotFoundError(`Logger ${logger} not found.`);
    return c.json(level, 200);
  });

  app.openapi(R.setLoggerRoute, async (c) => {
    const { logger } = c.req.valid("param");
    const level = c.req.valid("json").level;
    if (level === undefined || level === null)
      throw new BadRequestError("Desired 'level' parameter was not specified in request.");
    if (parseLog4jLevel(level) === null) throw new NotFoundError(`invalid log level '${level}'.`);
    const scope = (c.req.valid("query").scope ?? "worker").toLowerCase();
    if (scope === "cluster") {
      await herder.setClusterLoggerLevel(logger, level);
      return c.body(null, 204);
    }
    if (scope !== "worker") o.logger.warn({ scope }, "invalid logging scope; using worker");
    return c.json(herder.setWorkerLoggerLevel(logger, level), 200);
  });

  registerDocs(app);
  return app;
}

export type RestApp = ReturnType<typeof createRestApp>;
export type { Context };
