/**
 * Worker keys with Kafka Connect's names and defaults (WorkerConfig, StandaloneConfig). Keys Ferry does not
 * know are kept (client settings such as producer.*, consumer.*) and passed on where they apply.
 */
import { z } from "zod";
import { ConfigDef } from "../api/config-def.js";
import { ConfigValidationError } from "../errors.js";
import { type ClusterSettings, clusterSettings, defineClusterKeys } from "./cluster-config.js";
import { defineIsolationKeys } from "./isolation-config.js";
import { defineKafkaSecurityKeys } from "./kafka-security-keys.js";
import { defineRestKeys, type RestSecurityConfig, restSecurityConfig } from "./rest-config.js";

export function baseWorkerConfigDef(): ConfigDef {
  const def = new ConfigDef()
    .define({
      name: "bootstrap.servers",
      type: "LIST",
      default: ["localhost:9092"],
      importance: "HIGH",
      documentation:
        "A list of host/port pairs used to establish the initial connection to the Kafka cluster.",
    })
    .define({
      name: "key.converter",
      type: "CLASS",
      importance: "HIGH",
      documentation:
        "Converter class used to convert between Kafka Connect format and the serialized form written to Kafka.",
    })
    .define({
      name: "value.converter",
      type: "CLASS",
      importance: "HIGH",
      documentation:
        "Converter class used to convert between Kafka Connect format and the serialized form written to Kafka.",
    })
    .define({
      name: "header.converter",
      type: "CLASS",
      default: "org.apache.kafka.connect.storage.SimpleHeaderConverter",
      importance: "LOW",
      documentation:
        "HeaderConverter class used to convert between Kafka Connect format and the serialized form written to Kafka.",
    })
    .define({
      name: "offset.flush.interval.ms",
      type: "LONG",
      default: 60000,
      importance: "LOW",
      documentation: "Interval at which to try committing offsets for tasks.",
      check: z.number().int().min(1, "Value must be at least 1"),
    })
    .define({
      name: "offset.flush.timeout.ms",
      type: "LONG",
      default: 5000,
      importance: "LOW",
      documentation:
        "Maximum number of milliseconds to wait for records to flush before cancelling the offset commit.",
      check: z.number().int().min(0),
    })
    .define({
      name: "task.shutdown.graceful.timeout.ms",
      type: "LONG",
      default: 5000,
      importance: "LOW",
      documentation: "Amount of time to wait for tasks to shutdown gracefully, in total.",
      check: z.number().int().min(0),
    })
    .define({
      name: "listeners",
      type: "LIST",
      default: ["http://:8083"],
      importance: "LOW",
      documentation:
        "List of comma-separated URIs the REST API will listen on. The supported protocols are HTTP and HTTPS (with the ssl.* keys).",
      check: z
        .array(z.string().regex(/^https?:\/\/[^:/]*(:\d+)?\/?$/i, "listener must look like http://host:port"))
        .min(1),
    })
    .define({
      name: "rest.advertised.host.name",
      type: "STRING",
      default: null,
      importance: "LOW",
      documentation: "The hostname given out to other workers and used in worker_id.",
    })
    .define({
      name: "rest.advertised.port",
      type: "INT",
      default: null,
      importance: "LOW",
      documentation: "The port given out to other workers and used in worker_id.",
    })
    .define({
      name: "plugin.path",
      type: "LIST",
      default: null,
      importance: "LOW",
      documentation:
        "List of paths or npm package names holding plugins (connectors, converters, transformations).",
    })
    .define({
      name: "topic.creation.enable",
      type: "BOOLEAN",
      default: true,
      importance: "LOW",
      documentation:
        "Whether to allow automatic creation of topics used by source connectors, when they use topic.creation.* properties.",
    })
    .define({
      name: "client.id",
      type: "STRING",
      default: "",
      importance: "LOW",
      documentation: "An id string passed to Kafka with each request.",
    });
  // REST authentication, CORS and scaling (rest-config.ts); Kafka client security and ssl.*
  return defineIsolationKeys(defineKafkaSecurityKeys(defineRestKeys(def)));
}

export function standaloneWorkerConfigDef(): ConfigDef {
  return baseWorkerConfigDef().define({
    name: "offset.storage.file.filename",
    type: "STRING",
    importance: "HIGH",
    documentation: "File to store source connector offsets in.",
    check: z.string().trim().min(1, "String must be non-empty"),
  });
}

export interface Listener {
  protocol: "http" | "https";
  host: string;
  port: number;
}

export interface WorkerConfig {
  readonly raw: Readonly<Record<string, string>>;
  readonly bootstrapServers: string[];
  readonly keyConverter: string;
  readonly valueConverter: string;
  readonly headerConverter: string;
  readonly offsetFlushIntervalMs: number;
  readonly offsetFlushTimeoutMs: number;
  readonly taskShutdownGracefulTimeoutMs: number;
  readonly listeners: Listener[];
  readonly advertisedHost: string | null;
  readonly advertisedPort: number | null;
  readonly pluginPath: string[];
  readonly clientId: string;
  readonly topicCreationEnable: boolean;
  /** REST authentication, CORS and client certificates */
  readonly rest: RestSecurityConfig;
  /** scaling.units.per.worker, for GET /cluster/scaling */
  readonly scalingUnitsPerWorker: number;
}

export interface StandaloneWorkerConfig extends WorkerConfig {
  readonly offsetStorageFile: string;
}

export function parseListener(s: string): Listener {
  const m = /^(https?):\/\/([^:/]*)(?::(\d+))?\/?$/i.exec(s.trim());
  if (!m) throw new Error(`Invalid listener ${s}`);
  const protocol = (m[1] ?? "http").toLowerCase() as "http" | "https";
  return { protocol, host: m[2] ?? "", port: m[3] ? Number(m[3]) : protocol === "https" ? 443 : 80 };
}

function toWorkerConfig(raw: Record<string, string>, values: Record<string, unknown>): WorkerConfig {
  return {
    raw,
    bootstrapServers: values["bootstrap.servers"] as string[],
    keyConverter: values["key.converter"] as string,
    valueConverter: values["value.converter"] as string,
    headerConverter: values["header.converter"] as string,
    offsetFlushIntervalMs: values["offset.flush.interval.ms"] as number,
    offsetFlushTimeoutMs: values["offset.flush.timeout.ms"] as number,
    taskShutdownGracefulTimeoutMs: values["task.shutdown.graceful.timeout.ms"] as number,
    listeners: (values.listeners as string[]).map(parseListener),
    advertisedHost: (values["rest.advertised.host.name"] as string | null) ?? null,
    advertisedPort: (values["rest.advertised.port"] as number | null) ?? null,
    pluginPath: (values["plugin.path"] as string[] | null) ?? [],
    clientId: values["client.id"] as string,
    topicCreationEnable: values["topic.creation.enable"] as boolean,
    rest: restSecurityConfig(values),
    scalingUnitsPerWorker: values["scaling.units.per.worker"] as number,
  };
}

/** Parses standalone worker properties; throws ConfigValidationError naming every bad key. */
export function parseStandaloneWorkerConfig(
  raw: Record<string, string>,
  source: string,
): StandaloneWorkerConfig {
  const { values, errors } = standaloneWorkerConfigDef().parse(raw);
  if (Object.keys(errors).length > 0) throw new ConfigValidationError(`Worker config ${source}:`, errors);
  return {
    ...toWorkerConfig(raw, values),
    offsetStorageFile: values["offset.storage.file.filename"] as string,
  };
}

/** Sub-keys under a prefix with the prefix removed, e.g. value.converter.schemas.enable → schemas.enable. */
export function subConfig(raw: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/** worker_id as Kafka Connect forms it: advertised host (or the listener's, or the hostname) and port. */
export function workerId(config: WorkerConfig, hostname: string): string {
  const first = config.listeners[0];
  const host = config.advertisedHost ?? (first?.host || hostname);
  const port = config.advertisedPort ?? first?.port ?? 8083;
  return `${host}:${port}`;
}

export function distributedWorkerConfigDef(): ConfigDef {
  const def = baseWorkerConfigDef()
    .define({
      name: "group.id",
      type: "STRING",
      importance: "HIGH",
      documentation: "A unique string that identifies the Connect cluster group this worker belongs to.",
      check: z.string().trim().min(1, "String must be non-empty"),
    })
    .define({
      name: "redis.url",
      type: "STRING",
      default: "redis://127.0.0.1:6379",
      importance: "HIGH",
      documentation: "Redis that holds cluster membership and locks (Ferry-specific).",
    })
    .define({
      name: "exactly.once.source.support",
      type: "STRING",
      default: "disabled",
      importance: "HIGH",
      documentation:
        "Whether to enable exactly-once support for source connectors in the cluster by using transactions to write source records and their source offsets. Permitted values are disabled, preparing, enabled.",
      check: z.enum(["disabled", "preparing", "enabled"], {
        message: "String must be one of: disabled, preparing, enabled",
      }),
    });
  defineClusterKeys(def);
  const topic = (name: string, doc: string, partitions: number | null) => {
    def.define({
      name: `${name}.topic`,
      type: "STRING",
      importance: "HIGH",
      documentation: doc,
      check: z.string().trim().min(1, "String must be non-empty"),
    });
    def.define({
      name: `${name}.replication.factor`,
      type: "SHORT",
      default: 3,
      importance: "LOW",
      documentation: `Replication factor used when creating the ${name} topic; -1 for the broker default.`,
    });
    if (partitions !== null) {
      def.define({
        name: `${name}.partitions`,
        type: "INT",
        default: partitions,
        importance: "LOW",
        documentation: `The number of partitions used when creating the ${name} topic; -1 for the broker default.`,
      });
    }
  };
  topic("config.storage", "The name of the Kafka topic where connector configurations are stored", null);
  topic("offset.storage", "The name of the Kafka topic where source connector offsets are stored", 25);
  topic("status.storage", "The name of the Kafka topic where connector and task status are stored", 5);
  return def;
}

export interface DistributedWorkerConfig extends WorkerConfig {
  readonly groupId: string;
  readonly redisUrl: string;
  readonly cluster: ClusterSettings;
  readonly configTopic: { name: string; replicationFactor: number };
  readonly offsetTopic: { name: string; replicationFactor: number; partitions: number };
  readonly statusTopic: { name: string; replicationFactor: number; partitions: number };
}

export function parseDistributedWorkerConfig(
  raw: Record<string, string>,
  source: string,
): DistributedWorkerConfig {
  const { values, errors } = distributedWorkerConfigDef().parse(raw);
  if (Object.keys(errors).length > 0) throw new ConfigValidationError(`Worker config ${source}:`, errors);
  const v = (k: string) => values[k] as never;
  return {
    ...toWorkerConfig(raw, values),
    groupId: v("group.id"),
    redisUrl: v("redis.url"),
    cluster: clusterSettings(values),
    configTopic: {
      name: v("config.storage.topic"),
      replicationFactor: v("config.storage.replication.factor"),
    },
    offsetTopic: {
      name: v("offset.storage.topic"),
      replicationFactor: v("offset.storage.replication.factor"),
      partitions: v("offset.storage.partitions"),
    },
    statusTopic: {
      name: v("status.storage.topic"),
      replicationFactor: v("status.storage.replication.factor"),
      partitions: v("status.storage.partitions"),
    },
  };
}
