/**
 * Kafka Connect's ConfigInfos, ConfigKeyInfo and ConfigValueInfo (PUT /connector-plugins/{p}/config/validate,
 * GET /connector-plugins/{p}/config), built as AbstractHerder.validateConnectorConfig, generateResult,
 * convertConfigKey and convertConfigValue do:
 *
 * - definitions in Kafka's order: the framework keys (source or sink), the transforms.<alias>.* and
 *   predicates.<alias>.* keys, the topic.creation.<group>.* keys when the config uses topic creation, then the
 *   plugin's own keys (a plugin key replaces a framework key of the same name in place);
 * - a value for every defined key (the parsed value, else the default), PASSWORD values as "[hidden]", values
 *   holding ${provider:...} variables as written (never resolved);
 * - errors whose key nobody defines first, with a null definition;
 * - then the client overrides (producer.override.* ...) and the converters' own keys under their prefix
 *   (value.converter.schemas.enable ...); `error_count` counts messages, and one per converter key in error,
 *   as Kafka does.
 */
import { z } from "zod";
import { ConfigDef, type ConfigKey, type ConfigType, parseValue } from "../api/config-def.js";
import type { Converter, HeaderConverter } from "../api/converter.js";
import { javaDoubleString } from "../data/java-format.js";
import { BadRequestError, NotFoundError } from "../errors.js";
import type { PluginRegistry } from "../plugins/registry.js";
import { transformConfigDef, validateTransformConfig } from "../transforms/chain.js";
import { ConfigProviders } from "./config-providers.js";
import { sinkConnectorConfigDef, sourceConnectorConfigDef } from "./connector-config.js";
import { validateConnectorConfig } from "./connector-validation.js";

export interface ConfigKeyInfo {
  name: string;
  type: ConfigType;
  required: boolean;
  default_value: string | null;
  importance: string;
  documentation: string | null;
  group: string | null;
  order_in_group: number;
  width: string;
  display_name: string;
  dependents: string[];
}

export interface ConfigValueInfo {
  name: string;
  value: string | null;
  recommended_values: string[];
  errors: string[];
  visible: boolean;
}

export interface ConfigInfo {
  definition: ConfigKeyInfo | null;
  value: ConfigValueInfo | null;
}

export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: ConfigInfo[];
}

export const HIDDEN = "[hidden]";

/** Kafka's ConfigDef.convertToString (Password.toString() is "[hidden]"). */
export function convertToString(value: unknown, type: ConfigType | null): string | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "PASSWORD":
      return HIDDEN;
    case "LIST":
      return Array.isArray(value) ? value.map((v) => String(v)).join(",") : String(value);
    case "DOUBLE":
      return typeof value === "number" ? javaDoubleString(value) : String(value);
    default:
      return Array.isArray(value) ? value.map((v) => String(v)).join(",") : String(value);
  }
}

/** Kafka's AbstractHerder.convertConfigKey. */
export function configKeyInfo(key: ConfigKey, prefix = ""): ConfigKeyInfo {
  const required = key.default === undefined;
  return {
    name: prefix + key.name,
    type: key.type,
    required,
    default_value: required ? null : convertToString(key.default, key.type),
    importance: key.importance,
    documentation: key.documentation ?? null,
    group: key.group ?? null,
    order_in_group: key.orderInGroup ?? -1,
    width: key.width ?? "NONE",
    display_name: key.displayName ?? key.name,
    dependents: [...(key.dependents ?? [])],
  };
}

/** The parsed value of a key as ConfigDef.parseForValidate keeps it: null when missing or unparseable. */
function parsedValue(key: ConfigKey, raw: string | undefined): unknown {
  if (raw === undefined) return key.default === undefined ? null : key.default;
  const p = parseValue(key, raw);
  return p.ok ? p.value : null;
}

function recommended(key: ConfigKey): string[] {
  return (key.recommendedValues ?? []).map((v) => String(v));
}

type Errors = Map<string, string[]>;

function addErrors(
  into: Errors,
  more: Record<string, readonly string[]> | ReadonlyMap<string, readonly string[]>,
) {
  const entries = more instanceof Map ? [...more.entries()] : Object.entries(more);
  for (const [k, msgs] of entries as [string, readonly string[]][]) {
    if (msgs.length === 0) continue;
    const list = into.get(k) ?? [];
    for (const m of msgs) if (!list.includes(m)) list.push(m);
    into.set(k, list);
  }
}

/** Kafka's SourceConnectorConfig.usesTopicCreation. */
function usesTopicCreation(config: Readonly<Record<string, string>>): boolean {
  return Object.keys(config).some((k) => k.startsWith("topic.creation."));
}

const replicationFactor = z
  .number()
  .int()
  .refine((n) => n === -1 || n >= 1, "Replication factor must be -1 or at least 1");
const partitionCount = z
  .number()
  .int()
  .refine((n) => n === -1 || n >= 1, "Number of partitions must be -1 or at least 1");

function intOr(s: string | undefined, fallback: number): number {
  const t = s?.trim();
  return t && /^[+-]?\d+$/.test(t) ? Number(t) : fallback;
}

/** The topic.creation.<group>.* keys (Kafka's TopicCreationConfig, embedded by SourceConnectorConfig.enrich). */
export function topicCreationConfigDef(config: Readonly<Record<string, string>>): ConfigDef {
  const def = new ConfigDef();
  const groupsRaw = config["topic.creation.groups"] ?? "";
  const aliases = groupsRaw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && s !== "default");
  for (const alias of ["default", ...new Set(aliases)]) {
    const prefix = `topic.creation.${alias}.`;
    const group = `Topic Creation: ${alias}`;
    const isDefault = alias === "default";
    let order = 0;
    def
      .define({
        name: `${prefix}include`,
        type: "LIST",
        default: isDefault ? [".*"] : [],
        importance: "LOW",
        documentation:
          "A list of regular expression literals used to match the topic names used by the source connector. " +
          "This list is used to include topics that should be created using the topic settings defined by this group.",
        group,
        orderInGroup: ++order,
        width: "LONG",
        displayName: `Inclusion Topic Pattern for ${alias}`,
      })
      .define({
        name: `${prefix}exclude`,
        type: "LIST",
        default: [],
        importance: "LOW",
        documentation:
          "A list of regular expression literals used to match the topic names used by the source connector. " +
          "This list is used to exclude topics from being created with the topic settings defined by this group. " +
          "Note that exclusion rules have precedent and override any inclusion rules for the topics.",
        group,
        orderInGroup: ++order,
        width: "LONG",
        displayName: `Exclusion Topic Pattern for ${alias}`,
      })
      .define({
        name: `${prefix}replication.factor`,
        type: "SHORT",
        // other groups default to the default group's value
        ...(isDefault ? {} : { default: intOr(config["topic.creation.default.replication.factor"], -1) }),
        importance: "LOW",
        documentation:
          "The replication factor for new topics created for this connector using this group. This value may be " +
          "-1 to use the broker's default replication factor, or may be a positive number not larger than the " +
          "number of brokers in the Kafka cluster.",
        group,
        orderInGroup: ++order,
        width: "LONG",
        displayName: `Replication Factor for Topics in ${alias}`,
        check: replicationFactor,
      })
      .define({
        name: `${prefix}partitions`,
        type: "INT",
        ...(isDefault ? {} : { default: intOr(config["topic.creation.default.partitions"], -1) }),
        importance: "LOW",
        documentation:
          "The number of partitions new topics created for this connector. This value may be -1 to use the " +
          "broker's default number of partitions, or a positive number representing the desired number of partitions.",
        group,
        orderInGroup: ++order,
        width: "LONG",
        displayName: `Partition Count for Topics in ${alias}`,
        check: partitionCount,
      });
  }
  return def;
}

/** Per-key values and errors of `def` over `config` (the keys' names are as in `def`). */
function validateDef(def: ConfigDef, config: Readonly<Record<string, string>>) {
  const parsed = def.parse(config);
  return { errors: parsed.errors };
}

export interface ConfigInfosOptions {
  readonly plugins: PluginRegistry;
  /** resolves ${provider:...} variables for validation; values are still shown as written */
  readonly providers?: ConfigProviders;
}

export interface ConfigInfosResult {
  readonly infos: ConfigInfos;
  /** every error message by (prefixed) key, for the 400 on create or update */
  readonly errors: Record<string, string[]>;
}

/** Java's Map.toString, for Kafka's "contains no connector type" message. */
function javaMap(config: Readonly<Record<string, string>>): string {
  return `{${Object.entries(config)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ")}}`;
}

const CONVERTERS = [
  ["header.converter", "header"],
  ["key.converter", "key"],
  ["value.converter", "value"],
] as const;

/**
 * Validates a connector config as PUT /connector-plugins/{p}/config/validate does. Throws a 400 when
 * connector.class is missing or names no connector plugin.
 */
export async function buildConfigInfos(
  rawConfig: Readonly<Record<string, string>>,
  o: ConfigInfosOptions,
): Promise<ConfigInfosResult> {
  const connType = rawConfig["connector.class"];
  if (connType === undefined) {
    throw new BadRequestError(`Connector config ${javaMap(rawConfig)} contains no connector type`);
  }
  const providers = o.providers ?? ConfigProviders.builtin();
  const { resolved: config, errors: resolveErrors } = await providers.resolveAll(rawConfig);
  const plugin = o.plugins.connector(config["connector.class"] ?? "");
  if (!plugin) {
    const available = o.plugins
      .list(true)
      .map((p) => p.class)
      .join(", ");
    throw new BadRequestError(
      `Failed to find any class that implements Connector and which name matches ${connType}, available connectors are: ${available}`,
    );
  }

  const errors: Errors = new Map();
  addErrors(errors, resolveErrors);
  const base = await validateConnectorConfig(config, o.plugins);
  addErrors(errors, base.errors);
  addErrors(errors, validateTransformConfig(config, o.plugins));

  // definitions, in Kafka's order
  const framework = plugin.type === "source" ? sourceConnectorConfigDef() : sinkConnectorConfigDef();
  const own = plugin.createConnector().config();
  const ownKeys = new Map(own.list().map((k) => [k.name, k]));
  const keys = new Map<string, ConfigKey>();
  for (const k of framework.list()) keys.set(k.name, ownKeys.get(k.name) ?? k);
  for (const k of transformConfigDef(config, o.plugins).list()) if (!keys.has(k.name)) keys.set(k.name, k);
  if (plugin.type === "source" && usesTopicCreation(config)) {
    const tc = topicCreationConfigDef(config);
    const tcErrors = validateDef(tc, config).errors;
    for (const k of tc.list()) {
      if (keys.has(k.name)) continue;
      keys.set(k.name, k);
      // a key already reported (by the connector validation) keeps its own message
      if (!errors.has(k.name) && tcErrors[k.name]) addErrors(errors, { [k.name]: tcErrors[k.name] ?? [] });
    }
  }
  for (const k of own.list()) if (!keys.has(k.name)) keys.set(k.name, k);

  const groups: string[] = [];
  const addGroup = (g: string | undefined | null) => {
    if (g && !groups.includes(g)) groups.push(g);
  };
  for (const k of keys.values()) addGroup(k.group);

  // a resolved secret must not show up in a message
  const secrets: [string, string][] = [];
  for (const k of ConfigProviders.keysWithVariables(rawConfig)) {
    const r = config[k];
    const w = rawConfig[k];
    if (r !== undefined && w !== undefined && r !== w && r.length >= 4) secrets.push([r, w]);
  }
  const scrub = (m: string) => secrets.reduce((s, [r, w]) => s.split(r).join(w), m);
  const render = (name: string, type: ConfigType | null, value: unknown): string | null => {
    if (type === "PASSWORD") return value === null || value === undefined ? null : HIDDEN;
    const raw = rawConfig[name];
    if (raw !== undefined && ConfigProviders.hasVariables(raw)) return raw;
    return convertToString(value, type);
  };

  const configs: ConfigInfo[] = [];
  let errorCount = 0;
  const allErrors: Record<string, string[]> = {};
  const errorsOf = (name: string): string[] => {
    const list = (errors.get(name) ?? []).map(scrub);
    if (list.length > 0) allErrors[name] = list;
    return list;
  };

  // errors on keys nobody defines come first, as in generateResult
  for (const name of errors.keys()) {
    if (keys.has(name)) continue;
    const errs = errorsOf(name);
    errorCount += errs.length;
    configs.push({
      definition: null,
      value: {
        name,
        value: render(name, null, rawConfig[name] ?? null),
        recommended_values: [],
        errors: errs,
        visible: true,
      },
    });
  }
  for (const key of keys.values()) {
    const errs = errorsOf(key.name);
    errorCount += errs.length;
    configs.push({
      definition: configKeyInfo(key),
      value: {
        name: key.name,
        value: render(key.name, key.type, parsedValue(key, config[key.name])),
        recommended_values: recommended(key),
        errors: errs,
        visible: true,
      },
    });
  }

  // client overrides, as the default "All" override policy reports them: allowed, no definition here
  const clientPrefixes =
    plugin.type === "source"
      ? ["producer.override.", ...(usesTopicCreation(config) ? ["admin.override."] : [])]
      : [
          ...((config["errors.deadletterqueue.topic.name"] ?? "").trim()
            ? ["producer.override.", "admin.override."]
            : []),
          "consumer.override.",
        ];
  for (const prefix of clientPrefixes) {
    for (const name of Object.keys(rawConfig).filter((k) => k.startsWith(prefix))) {
      configs.push({
        definition: null,
        value: {
          name,
          value: render(name, null, rawConfig[name]),
          recommended_values: [],
          errors: [],
          visible: true,
        },
      });
    }
  }

  // each converter set on the connector, with its own keys under its prefix
  for (const [classKey, type] of CONVERTERS) {
    const cls = config[classKey]?.trim();
    if (!cls || (errors.get(classKey)?.length ?? 0) > 0) continue;
    const p = o.plugins.converter(cls);
    if (!p) continue;
    let def: ConfigDef | undefined;
    try {
      def = (p.create() as Converter | HeaderConverter).config?.();
    } catch {
      def = undefined;
    }
    if (!def) continue;
    const prefix = `${classKey}.`;
    const sub: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) if (k.startsWith(prefix)) sub[k.slice(prefix.length)] = v;
    sub["converter.type"] ??= type;
    const subErrors = validateDef(def, sub).errors;
    for (const key of def.list()) {
      addGroup(key.group);
      const name = prefix + key.name;
      const errs = (subErrors[key.name] ?? []).map(scrub);
      if (errs.length > 0) {
        errorCount += 1;
        allErrors[name] = errs;
      }
      configs.push({
        definition: configKeyInfo(key, prefix),
        value: {
          name,
          value: render(name, key.type, parsedValue(key, sub[key.name])),
          recommended_values: recommended(key),
          errors: errs,
          visible: true,
        },
      });
    }
  }

  return {
    infos: { name: connType, error_count: errorCount, groups, configs },
    errors: allErrors,
  };
}

/**
 * GET /connector-plugins/{plugin}/config: the plugin's own keys, then (for connectors) the framework's keys
 * it does not define itself, as Kafka's AbstractHerder.connectorPluginConfig.
 */
export function pluginConfigKeyInfos(plugins: PluginRegistry, name: string): ConfigKeyInfo[] {
  const p = plugins.any(name);
  if (!p) throw new NotFoundError(`Unknown plugin ${name}.`);
  let own: ConfigDef | undefined;
  let base: ConfigDef | undefined;
  switch (p.type) {
    case "source":
      own = p.createConnector().config();
      base = sourceConnectorConfigDef();
      break;
    case "sink":
      own = p.createConnector().config();
      base = sinkConnectorConfigDef();
      break;
    case "converter":
    case "header_converter":
      own = (p.create() as Converter | HeaderConverter).config?.();
      break;
    case "transformation":
    case "predicate":
      own = p.create().config();
      break;
  }
  const keys = new Map<string, ConfigKey>();
  for (const k of own?.list() ?? []) keys.set(k.name, k);
  for (const k of base?.list() ?? []) if (!keys.has(k.name)) keys.set(k.name, k);
  return [...keys.values()].map((k) => configKeyInfo(k));
}
