/**
 * The REST API's bodies and entities as zod schemas: request bodies are validated with them, and the
 * OpenAPI document (GET /openapi.json) is generated from the same schemas. Shapes and field names are Kafka
 * Connect's (reference §1.3-1.4).
 *
 * Config maps accept JSON numbers and booleans and turn them into strings, as Jackson does for Kafka
 * Connect's Map<String,String>; nested values are rejected.
 */
import { z } from "@hono/zod-openapi";

// ---------------------------------------------------------------- request bodies

export const ConfigValue = z
  .union([z.string(), z.number(), z.boolean()])
  .transform((v) => String(v))
  .openapi({ type: "string", description: "a config value; JSON numbers and booleans are taken as strings" });

export const ConfigMap = z
  .record(z.string(), ConfigValue, {
    error: "Config values must be strings, numbers or booleans",
  })
  .openapi("ConfigMap", {
    type: "object",
    additionalProperties: { type: "string" },
    example: { "connector.class": "FileStreamSource", "tasks.max": "1", file: "/tmp/in.txt", topic: "lines" },
  });

/** PATCH bodies: a null removes the key. */
export const ConfigPatch = z
  .record(z.string(), z.union([ConfigValue, z.null()]), {
    error: "Config values must be strings, numbers, booleans or null",
  })
  .openapi("ConfigPatch", {
    type: "object",
    additionalProperties: { type: ["string", "null"] },
    description: "Keys to set; a null value removes the key",
    example: { "tasks.max": "2", "errors.tolerance": null },
  });

export const InitialState = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(
    z.enum(["RUNNING", "PAUSED", "STOPPED"], {
      error: "initial_state must be one of RUNNING, PAUSED, STOPPED",
    }),
  )
  .openapi({ type: "string", enum: ["RUNNING", "PAUSED", "STOPPED"] });

export const CreateConnectorBody = z
  .object({
    name: z.string({ error: "Connector name must be a string" }).optional(),
    config: ConfigMap.optional(),
    initial_state: InitialState.optional().nullable(),
  })
  .openapi("CreateConnectorRequest");

const OffsetMap = z.record(z.string(), z.unknown());

export const ConnectorOffset = z
  .object({
    partition: OffsetMap.nullable().optional().openapi({
      description:
        'Source: the connector-defined partition. Sink: {"kafka_topic": string, "kafka_partition": int}',
    }),
    offset: OffsetMap.nullable().optional().openapi({
      description: 'Source: the connector-defined offset. Sink: {"kafka_offset": long}. null removes it.',
    }),
  })
  .openapi("ConnectorOffset");

export const ConnectorOffsetsBody = z
  .object({ offsets: z.array(ConnectorOffset).nullable().optional() })
  .openapi("ConnectorOffsetsRequest", {
    example: {
      offsets: [{ partition: { kafka_topic: "orders", kafka_partition: 0 }, offset: { kafka_offset: 42 } }],
    },
  });

export const LoggerLevelBody = z
  .record(z.string(), ConfigValue.nullable(), { error: 'Expected an object such as {"level": "DEBUG"}' })
  .openapi("LoggerLevelRequest", {
    type: "object",
    properties: { level: { type: "string", example: "DEBUG" } },
  });

// ---------------------------------------------------------------- entities

export const ErrorMessage = z
  .object({ error_code: z.number().int(), message: z.string() })
  .openapi("ErrorMessage", { example: { error_code: 404, message: "Connector orders-sink not found" } });

export const ServerInfo = z
  .object({ version: z.string(), commit: z.string(), kafka_cluster_id: z.string().nullable() })
  .openapi("ServerInfo");

export const WorkerStatus = z.object({ status: z.string(), message: z.string() }).openapi("WorkerStatus");

const ConnectorType = z.enum(["source", "sink", "unknown"]);

export const ConnectorTaskId = z
  .object({ connector: z.string(), task: z.number().int() })
  .openapi("ConnectorTaskId");

export const ConnectorInfo = z
  .object({
    name: z.string(),
    config: z.record(z.string(), z.string()),
    tasks: z.array(ConnectorTaskId),
    type: ConnectorType,
  })
  .openapi("ConnectorInfo");

const UnitState = z.enum(["UNASSIGNED", "RUNNING", "PAUSED", "FAILED", "RESTARTING", "STOPPED"]);

const PluginVersion = z
  .string()
  .optional()
  .openapi({ description: "the connector plugin's version (Kafka Connect 4.x, KIP-891)" });

const Attempts = z
  .number()
  .int()
  .optional()
  .openapi({ description: "Ferry, only with ?ferry=true: consecutive failed runs" });

export const ConnectorState = z
  .object({
    state: UnitState,
    worker_id: z.string(),
    trace: z.string().optional(),
    version: PluginVersion,
    attempts: Attempts,
  })
  .openapi("ConnectorState");

export const TaskState = z
  .object({
    id: z.number().int(),
    state: UnitState,
    worker_id: z.string(),
    trace: z.string().optional(),
    version: PluginVersion,
    attempts: Attempts,
  })
  .openapi("TaskState");

export const ConnectorStateInfo = z
  .object({ name: z.string(), connector: ConnectorState, tasks: z.array(TaskState), type: ConnectorType })
  .openapi("ConnectorStateInfo");

export const ConnectorsExpanded = z
  .record(z.string(), z.object({ status: ConnectorStateInfo.optional(), info: ConnectorInfo.optional() }))
  .openapi("ConnectorsExpanded");

export const TaskInfo = z
  .object({ id: ConnectorTaskId, config: z.record(z.string(), z.string()) })
  .openapi("TaskInfo");

export const TasksConfig = z.record(z.string(), z.record(z.string(), z.string())).openapi("TasksConfig");

export const ConnectorOffsets = z
  .object({
    offsets: z.array(
      z.object({
        partition: z.record(z.string(), z.unknown()),
        offset: z.record(z.string(), z.unknown()).nullable(),
      }),
    ),
  })
  .openapi("ConnectorOffsets");

export const Message = z.object({ message: z.string() }).openapi("Message");

export const ActiveTopics = z
  .record(z.string(), z.object({ topics: z.array(z.string()) }))
  .openapi("ActiveTopics", { example: { "orders-sink": { topics: ["orders"] } } });

export const PluginInfo = z
  .object({
    class: z.string(),
    type: z.enum(["source", "sink", "converter", "header_converter", "transformation", "predicate"]),
    version: z.string().optional(),
  })
  .openapi("PluginInfo");

const ConfigTypeName = z.enum([
  "STRING",
  "INT",
  "SHORT",
  "LONG",
  "DOUBLE",
  "BOOLEAN",
  "LIST",
  "CLASS",
  "PASSWORD",
]);

export const ConfigKeyInfo = z
  .object({
    name: z.string(),
    type: ConfigTypeName,
    required: z.boolean(),
    default_value: z.string().nullable(),
    importance: z.string(),
    documentation: z.string().nullable(),
    group: z.string().nullable(),
    order_in_group: z.number().int(),
    width: z.string(),
    display_name: z.string(),
    dependents: z.array(z.string()),
  })
  .openapi("ConfigKeyInfo");

export const ConfigValueInfo = z
  .object({
    name: z.string(),
    value: z.string().nullable(),
    recommended_values: z.array(z.string()),
    errors: z.array(z.string()),
    visible: z.boolean(),
  })
  .openapi("ConfigValueInfo");

export const ConfigInfos = z
  .object({
    name: z.string(),
    error_count: z.number().int(),
    groups: z.array(z.string()),
    configs: z.array(z.object({ definition: ConfigKeyInfo.nullable(), value: ConfigValueInfo.nullable() })),
  })
  .openapi("ConfigInfos");

export const LoggerLevel = z
  .object({ level: z.string(), last_modified: z.number().int().nullable() })
  .openapi("LoggerLevel", { example: { level: "DEBUG", last_modified: 1717171717171 } });

export const LoggerLevels = z.record(z.string(), LoggerLevel).openapi("LoggerLevels");

// ---------------------------------------------------------------- parameters

export const ConnectorParam = z.object({
  connector: z.string().openapi({ param: { name: "connector", in: "path" }, description: "connector name" }),
});

export const TaskParam = ConnectorParam.extend({
  task: z
    .string()
    .regex(/^\d+$/)
    .transform(Number)
    .openapi({ param: { name: "task", in: "path" }, type: "integer", description: "task number" }),
});

export const PluginParam = z.object({
  plugin: z.string().openapi({
    param: { name: "plugin", in: "path" },
    description: "class name or alias (simple name, or without the Connector suffix)",
  }),
});

export const LoggerParam = z.object({
  logger: z.string().openapi({ param: { name: "logger", in: "path" }, description: "logger name, or root" }),
});

/**
 * Query parameters as Jersey binds them to a single-valued @QueryParam: a repeated parameter takes its first
 * value (Hono hands a repeated one over as an array).
 */
const firstValue = (v: unknown) => (Array.isArray(v) ? v[0] : v);

/**
 * A boolean query parameter as Jersey binds a Java `boolean`: Boolean.valueOf, so "true" (any case) is true
 * and anything else, empty included, is false; absent takes the default.
 */
const JavaBoolean = (fallback: boolean) =>
  z.preprocess(
    firstValue,
    z
      .string()
      .optional()
      .transform((v) => (v === undefined ? fallback : v.toLowerCase() === "true")),
  );

export const RestartQuery = z.object({
  includeTasks: JavaBoolean(false).openapi({
    type: "boolean",
    description: "also restart the tasks (default false)",
  }),
  onlyFailed: JavaBoolean(false).openapi({
    type: "boolean",
    description: "restart only what is FAILED (default false)",
  }),
  ferry: JavaBoolean(false).openapi({
    type: "boolean",
    description: "Ferry: include Ferry's own status fields (attempts) in the plan",
  }),
});

/** ?ferry=true on the status endpoints: Ferry's own fields (attempts) beside Kafka Connect's. */
export const FerryQuery = z.object({
  ferry: JavaBoolean(false).openapi({
    type: "boolean",
    description: "Ferry: include Ferry's own status fields (attempts); a Kafka Connect client leaves it out",
  }),
});

export const PluginsQuery = z.object({
  connectorsOnly: JavaBoolean(true).openapi({
    type: "boolean",
    description: "list only connectors (default true)",
  }),
});

export const ExpandQuery = FerryQuery.extend({
  expand: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .openapi({ description: "status and/or info (may repeat)", type: "string", enum: ["status", "info"] }),
});

export const ScopeQuery = z.object({
  scope: z
    .preprocess(firstValue, z.string().optional())
    .openapi({ description: "worker (default) or cluster", enum: ["worker", "cluster"] }),
});

export function formatZodError(e: z.ZodError): string {
  return e.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}
