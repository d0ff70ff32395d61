/**
 * The framework's connector keys (Kafka's ConnectorConfig, SourceConnectorConfig, SinkConnectorConfig),
 * merged with a plugin's own ConfigDef to validate a connector config.
 */
import { z } from "zod";
import { ConfigDef } from "../api/config-def.js";

const common = "Common";
const transformsGroup = "Transforms";
const predicatesGroup = "Predicates";
const errorsGroup = "Error Handling";

function commonKeys(def: ConfigDef): ConfigDef {
  let order = 0;
  return def
    .define({
      name: "name",
      type: "STRING",
      importance: "HIGH",
      documentation: "Globally unique name to use for this connector.",
      group: common,
      orderInGroup: ++order,
      width: "MEDIUM",
      displayName: "Connector name",
      check: z
        .string()
        .trim()
        .min(1, "String must be non-empty")
        // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
        .refine((s) => !/[\u0000-\u001f\u007f-\u009f]/.test(s), "String may not contain control sequences"),
    })
    .define({
      name: "connector.class",
      type: "STRING",
      importance: "HIGH",
      documentation:
        "Name or alias of the class for this connector. Must be a subclass of org.apache.kafka.connect.connector.Connector.",
      group: common,
      orderInGroup: ++order,
      width: "LONG",
      displayName: "Connector class",
    })
    .define({
      name: "tasks.max",
      type: "INT",
      default: 1,
      importance: "HIGH",
      documentation: "Maximum number of tasks to use for this connector.",
      group: common,
      orderInGroup: ++order,
      width: "SHORT",
      displayName: "Tasks max",
      check: z.number().int().min(1, "Value must be at least 1"),
    })
    .define({
      name: "tasks.max.enforce",
      type: "BOOLEAN",
      default: true,
      importance: "LOW",
      documentation:
        "(Deprecated) Whether to enforce that the tasks.max property is respected by the connector.",
      group: common,
      orderInGroup: ++order,
      width: "SHORT",
      displayName: "Enforce tasks max",
    })
    .define({
      name: "key.converter",
      type: "CLASS",
      default: null,
      importance: "LOW",
      documentation:
        "Converter class used to convert between Kafka Connect format and the serialized form written to Kafka.",
      group: common,
      orderInGroup: ++order,
      width: "SHORT",
      displayName: "Key converter class",
    })
    .define({
      name: "value.converter",
      type: "CLASS",
      default: null,
      importance: "LOW",
      documentation:
        "Converter class used to convert between Kafka Connect format and the serialized form written to Kafka.",
      group: common,
      orderInGroup: ++order,
      width: "SHORT",
      displayName: "Value converter class",
    })
    .define({
      name: "header.converter",
      type: "CLASS",
      default: null,
      importance: "LOW",
      documentation:
        "HeaderConverter class used to convert between Kafka Connect format and the serialized form written to Kafka.",
      group: common,
      orderInGroup: ++order,
      width: "SHORT",
      displayName: "Header converter class",
    })
    .define({
      name: "config.action.reload",
      type: "STRING",
      default: "restart",
      importance: "LOW",
      documentation:
        "The action to take when a change in external configuration providers results in a change in the connector configuration.",
      group: common,
      orderInGroup: ++order,
      width: "MEDIUM",
      displayName: "Reload Action",
      check: z.enum(["none", "restart"], { message: "String must be one of: none, restart" }),
      recommendedValues: ["none", "restart"],
    })
    .define({
      name: "transforms",
      type: "LIST",
      default: [],
      importance: "LOW",
      documentation: "Aliases for the transformations to be applied to records.",
      group: transformsGroup,
      orderInGroup: 1,
      width: "LONG",
      displayName: "Transforms",
    })
    .define({
      name: "predicates",
      type: "LIST",
      default: [],
      importance: "LOW",
      documentation: "Aliases for the predicates used by transformations.",
      group: predicatesGroup,
      orderInGroup: 1,
      width: "LONG",
      displayName: "Predicates",
    })
    .define({
      name: "errors.retry.timeout",
      type: "LONG",
      default: 0,
      importance: "MEDIUM",
      documentation:
        "The maximum duration in milliseconds that a failed operation will be reattempted. 0 disables retries; -1 retries forever.",
      group: errorsGroup,
      orderInGroup: 1,
      width: "MEDIUM",
      displayName: "Retry Timeout for Errors",
    })
    .define({
      name: "errors.retry.delay.max.ms",
      type: "LONG",
      default: 60000,
      importance: "MEDIUM",
      documentation: "The maximum duration in milliseconds between consecutive retry attempts.",
      group: errorsGroup,
      orderInGroup: 2,
      width: "MEDIUM",
      displayName: "Maximum Delay Between Retries for Errors",
    })
    .define({
      name: "errors.tolerance",
      type: "STRING",
      default: "none",
      importance: "MEDIUM",
      documentation:
        "Behavior for tolerating errors during connector operation. 'none' fails the task at the first error; 'all' skips problematic records.",
      group: errorsGroup,
      orderInGroup: 3,
      width: "SHORT",
      displayName: "Error Tolerance",
      check: z.enum(["none", "all"], { message: "String must be one of: none, all" }),
      recommendedValues: ["none", "all"],
    })
    .define({
      name: "errors.log.enable",
      type: "BOOLEAN",
      default: false,
      importance: "MEDIUM",
      documentation:
        "If true, write each error and the details of the failed operation and problematic record to the log.",
      group: errorsGroup,
      orderInGroup: 4,
      width: "SHORT",
      displayName: "Log Errors",
    })
    .define({
      name: "errors.log.include.messages",
      type: "BOOLEAN",
      default: false,
      importance: "MEDIUM",
      documentation: "Whether to include in the log the Connect record that resulted in a failure.",
      group: errorsGroup,
      orderInGroup: 5,
      width: "SHORT",
      displayName: "Log Error Details",
    });
}

export function sourceConnectorConfigDef(): ConfigDef {
  const topicCreation = "Topic Creation";
  const eos = "Exactly Once Support";
  return commonKeys(new ConfigDef())
    .define({
      name: "topic.creation.groups",
      type: "LIST",
      default: [],
      importance: "LOW",
      documentation: "Groups of configurations for topics created by source connectors.",
      group: topicCreation,
      orderInGroup: 1,
      width: "LONG",
      displayName: "Topic Creation Groups",
    })
    .define({
      name: "exactly.once.support",
      type: "STRING",
      default: "requested",
      importance: "MEDIUM",
      documentation: "Permitted values are requested, required.",
      group: eos,
      orderInGroup: 1,
      width: "SHORT",
      displayName: "Exactly once support",
      check: z.enum(["requested", "required"], { message: "String must be one of: requested, required" }),
    })
    .define({
      name: "transaction.boundary",
      type: "STRING",
      default: "poll",
      importance: "MEDIUM",
      documentation: "Permitted values are: poll, interval, connector.",
      group: eos,
      orderInGroup: 2,
      width: "SHORT",
      displayName: "Transaction Boundary",
      check: z.enum(["poll", "interval", "connector"], {
        message: "String must be one of: poll, interval, connector",
      }),
    })
    .define({
      name: "transaction.boundary.interval.ms",
      type: "LONG",
      default: null,
      importance: "LOW",
      documentation:
        "If 'transaction.boundary' is set to 'interval', the interval between transaction commits.",
      group: eos,
      orderInGroup: 3,
      width: "SHORT",
      displayName: "Transaction boundary interval",
    })
    .define({
      name: "offsets.storage.topic",
      type: "STRING",
      default: null,
      importance: "LOW",
      documentation: "The name of a separate offsets topic to use for this connector.",
      group: "offsets.storage",
      orderInGroup: 1,
      width: "LONG",
      displayName: "Offsets topic",
    });
}

export function sinkConnectorConfigDef(): ConfigDef {
  return commonKeys(new ConfigDef())
    .define({
      name: "topics",
      type: "LIST",
      default: "",
      importance: "HIGH",
      documentation: "List of topics to consume, separated by commas",
      group: "Common",
      orderInGroup: 4,
      width: "LONG",
      displayName: "Topics",
    })
    .define({
      name: "topics.regex",
      type: "STRING",
      default: "",
      importance: "HIGH",
      documentation: "Regular expression giving topics to consume.",
      group: "Common",
      orderInGroup: 4,
      width: "LONG",
      displayName: "Topics regex",
    })
    .define({
      name: "errors.deadletterqueue.topic.name",
      type: "STRING",
      default: "",
      importance: "MEDIUM",
      documentation:
        "The name of the topic to be used as the dead letter queue (DLQ) for messages that result in an error.",
      group: "Error Handling",
      orderInGroup: 6,
      width: "MEDIUM",
      displayName: "Dead Letter Queue Topic Name",
    })
    .define({
      name: "errors.deadletterqueue.topic.replication.factor",
      type: "SHORT",
      default: 3,
      importance: "MEDIUM",
      documentation:
        "Replication factor used to create the dead letter queue topic when it doesn't already exist.",
      group: "Error Handling",
      orderInGroup: 7,
      width: "MEDIUM",
      displayName: "Dead Letter Queue Topic Replication Factor",
    })
    .define({
      name: "errors.deadletterqueue.context.headers.enable",
      type: "BOOLEAN",
      default: false,
      importance: "MEDIUM",
      documentation:
        "If true, add headers containing error context to the messages written to the dead letter queue.",
      group: "Error Handling",
      orderInGroup: 8,
      width: "MEDIUM",
      displayName: "Enable Error Context Headers",
    });
}

/** Kafka's SinkConnectorConfig.validate: exactly one of topics / topics.regex, and a regex that compiles. */
export function validateSinkTopics(config: Record<string, string>): Record<string, string[]> {
  const topics = (config.topics ?? "").trim();
  const regex = (config["topics.regex"] ?? "").trim();
  const errors: Record<string, string[]> = {};
  if (topics && regex) {
    const msg = "topics and topics.regex are mutually exclusive options, but both are set.";
    errors.topics = [msg];
    errors["topics.regex"] = [msg];
  } else if (!topics && !regex) {
    const msg = "Must configure one of topics or topics.regex";
    errors.topics = [msg];
    errors["topics.regex"] = [msg];
  } else if (regex) {
    try {
      new RegExp(regex);
    } catch (e) {
      errors["topics.regex"] = [
        `Invalid value ${regex} for configuration topics.regex: ${(e as Error).message}`,
      ];
    }
  }
  const dlq = (config["errors.deadletterqueue.topic.name"] ?? "").trim();
  if (dlq && topics.split(/\s*,\s*/).includes(dlq)) {
    errors["errors.deadletterqueue.topic.name"] = [
      `The DLQ topic '${dlq}' may not be included in the list of topics ('topics=${topics}') consumed by the connector`,
    ];
  }
  return errors;
}
