/**
 * Validates a connector config the way Kafka's AbstractHerder.validateConnectorConfig does: the
 * framework's keys plus the plugin's own, the sink topics rule, the converters, and the plugin's validate().
 * The result feeds both the 400 on create and PUT /connector-plugins/{p}/config/validate.
 */
import type { ConfigDef, ConfigKey } from "../api/config-def.js";
import type { ConnectorPlugin } from "../api/connector.js";
import type { PluginRegistry } from "../plugins/registry.js";
import { topicCreationGroups } from "../runner/topic-creation.js";
import { validateTransformConfig } from "../transforms/chain.js";
import { sinkConnectorConfigDef, sourceConnectorConfigDef, validateSinkTopics } from "./connector-config.js";

export interface ValidationResult {
  readonly plugin: ConnectorPlugin | undefined;
  readonly def: ConfigDef | undefined;
  readonly values: Record<string, unknown>;
  readonly errors: Record<string, string[]>;
}

export type ExtraValidator = (config: Record<string, string>) => Record<string, string[]>;

function addErrors(into: Record<string, string[]>, more: Record<string, string[]>) {
  for (const [k, msgs] of Object.entries(more)) if (msgs.length > 0) (into[k] ??= []).push(...msgs);
}

export async function validateConnectorConfig(
  config: Record<string, string>,
  plugins: PluginRegistry,
  extra: ExtraValidator[] = [],
): Promise<ValidationResult> {
  const cls = config["connector.class"];
  const errors: Record<string, string[]> = {};
  if (cls === undefined || cls.trim() === "") {
    return {
      plugin: undefined,
      def: undefined,
      values: {},
      errors: {
        "connector.class": ['Missing required configuration "connector.class" which has no default value.'],
      },
    };
  }
  const plugin = plugins.connector(cls);
  if (!plugin) {
    return {
      plugin: undefined,
      def: undefined,
      values: {},
      errors: {
        "connector.class": [
          `Failed to find any class that implements Connector and which name matches ${cls}`,
        ],
      },
    };
  }
  const connector = plugin.createConnector();
  const framework = plugin.type === "source" ? sourceConnectorConfigDef() : sinkConnectorConfigDef();
  // the plugin's definition of a key wins over the framework's, as in Kafka
  const def = connector.config().merge(framework);
  const parsed = def.parse(config);
  addErrors(errors, parsed.errors);
  if (plugin.type === "sink") addErrors(errors, validateSinkTopics(config));
  addErrors(errors, Object.fromEntries(validateTransformConfig(config, plugins)));
  if (plugin.type === "source") {
    try {
      topicCreationGroups(config);
    } catch (e) {
      const key =
        /configuration (\S+):/.exec((e as Error).message)?.[1] ?? /"([^"]+)"/.exec((e as Error).message)?.[1];
      addErrors(errors, { [key ?? "topic.creation.groups"]: [(e as Error).message] });
    }
  }
  for (const [key, kind] of [
    ["key.converter", "converter"],
    ["value.converter", "converter"],
    ["header.converter", "header_converter"],
  ] as const) {
    const v = config[key]?.trim();
    if (!v) continue;
    const p = plugins.converter(v);
    if (!p || (kind === "converter" && p.type !== "converter")) {
      (errors[key] ??= []).push(
        `Invalid value ${v} for configuration ${key}: Class ${v} could not be found.`,
      );
    }
  }
  for (const v of extra) addErrors(errors, v(config));
  if (connector.validate) addErrors(errors, await connector.validate(config));
  return { plugin, def, values: parsed.values, errors };
}

export type { ConfigKey };
