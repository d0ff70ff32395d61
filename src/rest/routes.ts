/**
 * Every public endpoint of Kafka Connect's REST API (reference §1.2) as an OpenAPI route: path, parameters,
 * body and responses. The app (app.ts) binds handlers to them; the OpenAPI document is generated from them.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { jsonBody } from "./body.js";
import * as S from "./schemas.js";

const ERROR_TEXT: Record<number, string> = {
  400: "Bad request: invalid body, parameter or configuration",
  403: "Forbidden by the worker's configuration",
  404: "Not found",
  409: "Conflict: already exists",
  413: "Request body too large",
  415: "Unsupported media type: send application/json",
  500: "Request failed",
};

function errors(...codes: number[]) {
  return Object.fromEntries(
    codes.map((code) => [
      code,
      {
        description: ERROR_TEXT[code] ?? "Error",
        content: { "application/json": { schema: S.ErrorMessage } },
      },
    ]),
  );
}

function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

function body<T extends z.ZodType>(schema: T, description: string) {
  return { required: true, description, content: { "application/json": { schema } } };
}

const noContent = (description: string) => ({ description });

const WRITE_ERRORS = [413, 415] as const;

// ---------------------------------------------------------------- root

export const rootRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["Worker"],
  summary: "Worker version, commit and Kafka cluster id",
  responses: { 200: json(S.ServerInfo, "Server information") },
});

export const healthRoute = createRoute({
  method: "get",
  path: "/health",
  tags: ["Worker"],
  summary: "Whether the worker has started and is ready (KIP-1017)",
  responses: {
    200: json(S.WorkerStatus, "Healthy"),
    503: json(S.WorkerStatus, "Still starting"),
  },
});

// ---------------------------------------------------------------- connectors

export const listConnectorsRoute = createRoute({
  method: "get",
  path: "/connectors",
  tags: ["Connectors"],
  summary: "List connectors; with expand=status and/or expand=info, their details by name",
  request: { query: S.ExpandQuery },
  responses: {
    200: {
      description: "Names, or details by name when expand is given",
      content: { "application/json": { schema: z.union([z.array(z.string()), S.ConnectorsExpanded]) } },
    },
  },
});

export const createConnectorRoute = createRoute({
  method: "post",
  path: "/connectors",
  tags: ["Connectors"],
  summary: "Create a connector",
  middleware: [jsonBody] as const,
  request: { body: body(S.CreateConnectorBody, "Name, config and optional initial_state") },
  responses: {
    201: json(S.ConnectorInfo, "Created; Location names the connector"),
    ...errors(400, 409, ...WRITE_ERRORS, 500),
  },
});

export const getConnectorRoute = createRoute({
  method: "get",
  path: "/connectors/{connector}",
  tags: ["Connectors"],
  summary: "A connector's config and tasks",
  request: { params: S.ConnectorParam },
  responses: { 200: json(S.ConnectorInfo, "The connector"), ...errors(404) },
});

export const getConnectorConfigRoute = createRoute({
  method: "get",
  path: "/connectors/{connector}/config",
  tags: ["Connectors"],
  summary: "A connector's config, as written (variables unresolved)",
  request: { params: S.ConnectorParam },
  responses: { 200: json(S.ConfigMap, "The config"), ...errors(404) },
});

export const putConnectorConfigRoute = createRoute({
  method: "put",
  path: "/connectors/{connector}/config",
  tags: ["Connectors"],
  summary: "Create or replace a connector's config",
  middleware: [jsonBody] as const,
  request: { params: S.ConnectorParam, body: body(S.ConfigMap, "The whole config") },
  responses: {
    200: json(S.ConnectorInfo, "Updated"),
    201: json(S.ConnectorInfo, "Created"),
    ...errors(400, ...WRITE_ERRORS, 500),
  },
});

export const patchConnectorConfigRoute = createRoute({
  method: "patch",
  path: "/connectors/{connector}/config",
  tags: ["Connectors"],
  summary: "Patch a connector's config (KIP-477): null removes a key",
  middleware: [jsonBody] as const,
  request: { params: S.ConnectorParam, body: body(S.ConfigPatch, "Keys to set or remove") },
  responses: { 200: json(S.ConnectorInfo, "Patched"), ...errors(400, 404, ...WRITE_ERRORS, 500) },
});

export const connectorStatusRoute = createRoute({
  method: "get",
  path: "/connectors/{connector}/status",
  tags: ["Connectors"],
  summary: "A connector's and its tasks' states",
  request: { params: S.ConnectorParam, query: S.FerryQuery },
  responses: { 200: json(S.ConnectorStateInfo, "The status"), ...errors(404) },
});

export const restartConnectorRoute = createRoute({
  method: "post",
  path: "/connectors/{connector}/restart",
  tags: ["Connectors"],
  summary: "Restart a connector, and with includeTasks its tasks; onlyFailed restarts only FAILED ones",
  request: { params: S.ConnectorParam, query: S.RestartQuery },
  responses: {
    202: json(S.ConnectorStateInfo, "The plan: RESTARTING for what is restarted (when a flag is true)"),
    204: noContent("The connector was restarted (both flags false)"),
    ...errors(404, 500),
  },
});

export const stopConnectorRoute = createRoute({
  method: "put",
  path: "/connectors/{connector}/stop",
  tags: ["Connectors"],
  summary: "Stop a connector (KIP-875): its tasks are removed",
  request: { params: S.ConnectorParam },
  responses: { 204: noContent("Stopped"), ...errors(404) },
});

export const pauseConnectorRoute = createRoute({
  method: "put",
  path: "/connectors/{connector}/pause",
  tags: ["Connectors"],
  summary: "Pause a connector and its tasks",
  request: { params: S.ConnectorParam },
  responses: { 202: noContent("Accepted"), ...errors(404) },
});

export const resumeConnectorRoute = createRoute({
  method: "put",
  path: "/connectors/{connector}/resume",
  tags: ["Connectors"],
  summary: "Resume a paused or stopped connector",
  request: { params: S.ConnectorParam },
  responses: { 202: noContent("Accepted"), ...errors(404) },
});

export const deleteConnectorRoute = createRoute({
  method: "delete",
  path: "/connectors/{connector}",
  tags: ["Connectors"],
  summary: "Delete a connector (its offsets stay)",
  request: { params: S.ConnectorParam },
  responses: { 204: noContent("Deleted"), ...errors(404) },
});

export const taskConfigsRoute = createRoute({
  method: "get",
  path: "/connectors/{connector}/tasks",
  tags: ["Tasks"],
  summary: "A connector's tasks and their configs",
  request: { params: S.ConnectorParam },
  responses: { 200: json(S.TaskInfo.array(), "The tasks"), ...errors(404) },
});

export const tasksConfigRoute = createRoute({
  method: "get",
  path: "/connectors/{connector}/tasks-config",
  tags: ["Tasks"],
  summary: "Task configs by task id (deprecated, KIP-970)",
  deprecated: true,
  request: { params: S.ConnectorParam },
  responses: { 200: json(S.TasksConfig, "Configs by <connector>-<task>"), ...errors(404) },
});

export const taskStatusRoute = createRoute({
  method: "get",
  path: "/connectors/{connector}/tasks/{task}/status",
  tags: ["Tasks"],
  summary: "A task's state",
  request: { params: S.TaskParam, query: S.FerryQuery },
  responses: { 200: json(S.TaskState, "The task's state"), ...errors(404) },
});

export const restartTaskRoute = createRoute({
  method: "post",
  path: "/connectors/{connector}/tasks/{task}/restart",
  tags: ["Tasks"],
  summary: "Restart one task",
  request: { params: S.TaskParam },
  responses: { 204: noContent("Restarted"), ...errors(404, 500) },
});

export const activeTopicsRoute = createRoute({
  method: "get",
  path: "/connectors/{connector}/topics",
  tags: ["Topics"],
  summary: "Topics the connector is known to use (KIP-558); an unknown connector has none",
  request: { params: S.ConnectorParam },
  responses: { 200: json(S.ActiveTopics, "Topics by connector"), ...errors(403) },
});

export const resetActiveTopicsRoute = createRoute({
  method: "put",
  path: "/connectors/{connector}/topics/reset",
  tags: ["Topics"],
  summary: "Forget the connector's active topics",
  request: { params: S.ConnectorParam },
  responses: { 202: noContent("Accepted"), ...errors(403) },
});

export const getOffsetsRoute = createRoute({
  method: "get",
  path: "/connectors/{connector}/offsets",
  tags: ["Offsets"],
  summary: "A connector's offsets (KIP-875)",
  request: { params: S.ConnectorParam },
  responses: { 200: json(S.ConnectorOffsets, "The offsets"), ...errors(404, 500) },
});

export const alterOffsetsRoute = createRoute({
  method: "patch",
  path: "/connectors/{connector}/offsets",
  tags: ["Offsets"],
  summary: "Alter a STOPPED connector's offsets; a null offset removes it",
  middleware: [jsonBody] as const,
  request: { params: S.ConnectorParam, body: body(S.ConnectorOffsetsBody, "Partitions and offsets") },
  responses: { 200: json(S.Message, "Altered"), ...errors(400, 404, ...WRITE_ERRORS, 500) },
});

export const resetOffsetsRoute = createRoute({
  method: "delete",
  path: "/connectors/{connector}/offsets",
  tags: ["Offsets"],
  summary: "Reset a STOPPED connector's offsets",
  request: { params: S.ConnectorParam },
  responses: { 200: json(S.Message, "Reset"), ...errors(400, 404, 500) },
});

// ---------------------------------------------------------------- plugins

export const listPluginsRoute = createRoute({
  method: "get",
  path: "/connector-plugins",
  tags: ["Plugins"],
  summary:
    "Installed connector plugins; with connectorsOnly=false also converters, transforms and predicates",
  request: { query: S.PluginsQuery },
  responses: { 200: json(S.PluginInfo.array(), "The plugins") },
});

export const pluginConfigRoute = createRoute({
  method: "get",
  path: "/connector-plugins/{plugin}/config",
  tags: ["Plugins"],
  summary: "A plugin's config definitions (connectors: with the framework's keys)",
  request: { params: S.PluginParam },
  responses: { 200: json(S.ConfigKeyInfo.array(), "Config definitions"), ...errors(404) },
});

export const validateConfigRoute = createRoute({
  method: "put",
  path: "/connector-plugins/{plugin}/config/validate",
  tags: ["Plugins"],
  summary: "Validate a connector config",
  middleware: [jsonBody] as const,
  request: { params: S.PluginParam, body: body(S.ConfigMap, "The connector config") },
  responses: {
    200: json(S.ConfigInfos, "Definitions, values and errors"),
    ...errors(400, ...WRITE_ERRORS, 500),
  },
});

// ---------------------------------------------------------------- loggers

export const listLoggersRoute = createRoute({
  method: "get",
  path: "/admin/loggers",
  tags: ["Loggers"],
  summary: "Every known logger and its level",
  responses: { 200: json(S.LoggerLevels, "Levels by logger") },
});

export const getLoggerRoute = createRoute({
  method: "get",
  path: "/admin/loggers/{logger}",
  tags: ["Loggers"],
  summary: "A logger's level",
  request: { params: S.LoggerParam },
  responses: { 200: json(S.LoggerLevel, "The level"), ...errors(404) },
});

export const setLoggerRoute = createRoute({
  method: "put",
  path: "/admin/loggers/{logger}",
  tags: ["Loggers"],
  summary: "Set the level of a logger and its children (KIP-495); scope=cluster for every worker (KIP-976)",
  middleware: [jsonBody] as const,
  request: {
    params: S.LoggerParam,
    query: S.ScopeQuery,
    body: body(S.LoggerLevelBody, '{"level": "DEBUG"}: ERROR, WARN, INFO, DEBUG, TRACE, FATAL, OFF or ALL'),
  },
  responses: {
    200: json(z.array(z.string()), "Worker scope: the affected loggers"),
    204: noContent("Cluster scope"),
    ...errors(400, 404, ...WRITE_ERRORS),
  },
});
