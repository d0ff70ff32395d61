/**
 * The transform chain of a connector, from Kafka's connector keys: `transforms` (aliases, applied in order),
 * `transforms.<alias>.type`, `.predicate`, `.negate` and the transform's own keys, and `predicates`,
 * `predicates.<p>.type` and the predicate's keys (Kafka's ConnectorConfig.transformationStages and
 * TransformationStage). Each plugin is configured with its own sub-keys, prefix removed.
 */

import { z } from "zod";
import { ConfigDef, type ConfigKey, parseValue } from "../api/config-def.js";
import type { ConnectRecord } from "../api/records.js";
import type { Predicate, Transformation } from "../api/transform.js";
import { errorMessage } from "../errors.js";
import { pluginLookup, type TransformPluginLookup } from "./registry.js";
import { ConfigError } from "./util.js";

export const TRANSFORMS_CONFIG = "transforms";
export const PREDICATES_CONFIG = "predicates";
const PREDICATE_CONFIG = "predicate";
const NEGATE_CONFIG = "negate";
/** Keys every transform gets from the framework; a plugin's own keys of the same name are masked. */
const IMPLICIT_KEYS = new Set(["type", PREDICATE_CONFIG, NEGATE_CONFIG]);

export interface TransformStage {
  readonly alias: string;
  readonly className: string;
  readonly transformation: Transformation;
  readonly predicate: Predicate | null;
  readonly predicateAlias: string | null;
  readonly negate: boolean;
}

export interface TransformChain {
  /** The record after every stage, or null when a stage dropped it. */
  apply<R extends ConnectRecord>(record: R): R | null;
  /** Close every transform and predicate; throws an AggregateError if any of them threw. */
  close(): void;
  readonly stages: readonly TransformStage[];
}

/** Kafka's LIST parsing of an alias list ("a, b" → ["a", "b"]; unset or "" → []). */
function aliases(config: Readonly<Record<string, string>>, key: string): string[] {
  const raw = config[key];
  if (raw === undefined) return [];
  const parsed = parseValue({ name: key, type: "LIST", importance: "LOW", documentation: "" }, raw);
  return parsed.ok ? (parsed.value as string[]) : [];
}

/** The plugin's keys as `prefix`+key, as Kafka's ConfigDef.embed. */
function embed(
  def: ConfigDef,
  prefix: string,
  group: string,
  keys: readonly ConfigKey[],
  order: number,
): void {
  for (const k of keys) {
    if (def.get(prefix + k.name)) continue;
    def.define({ ...k, name: prefix + k.name, group, orderInGroup: ++order });
  }
}

function subConfig(config: Readonly<Record<string, string>>, prefix: string, drop?: ReadonlySet<string>) {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    if (!k.startsWith(prefix)) continue;
    const sub = k.slice(prefix.length);
    if (!drop?.has(sub)) out[sub] = v;
  }
  return out;
}

/** A plugin's own keys; the instance is only asked for its ConfigDef (never configured), as Kafka does. */
function pluginKeys(create: () => { config(): ConfigDef }): ConfigKey[] {
  return create().config().list();
}

/**
 * The ConfigDef of every transform and predicate key `config` mentions (Kafka's ConnectorConfig.enrich), for
 * validation and for the REST validate endpoint: type, predicate and negate per transform, each plugin's own
 * keys under its prefix, grouped as "Transforms: <alias>" / "Predicates: <alias>".
 */
export function transformConfigDef(
  config: Readonly<Record<string, string>>,
  lookup: TransformPluginLookup = pluginLookup(),
): ConfigDef {
  const def = new ConfigDef();
  const predicateAliases = new Set(aliases(config, PREDICATES_CONFIG));
  for (const alias of new Set(aliases(config, TRANSFORMS_CONFIG))) {
    const prefix = `${TRANSFORMS_CONFIG}.${alias}.`;
    const group = `Transforms: ${alias}`;
    def.define({
      name: `${prefix}type`,
      type: "CLASS",
      importance: "HIGH",
      documentation: `Class for the '${alias}' transformation.`,
      group,
      orderInGroup: 0,
      width: "LONG",
      displayName: `Transformation type for ${alias}`,
      check: z.string().refine((name) => lookup.transformation(name) !== undefined, {
        error: (issue) =>
          lookup.predicate(String(issue.input)) !== undefined
            ? `Class ${String(issue.input)} is not a Transformation`
            : `Class ${String(issue.input)} could not be found.`,
      }),
    });
    def.define({
      name: prefix + PREDICATE_CONFIG,
      type: "STRING",
      default: null,
      importance: "MEDIUM",
      documentation: "The alias of a predicate used to determine whether to apply this transformation.",
      group,
      orderInGroup: 1,
      check: z.string().refine((p) => predicateAliases.has(p), {
        error: (issue) => `Predicate ${String(issue.input)} is not listed in '${PREDICATES_CONFIG}'`,
      }),
    });
    def.define({
      name: prefix + NEGATE_CONFIG,
      type: "BOOLEAN",
      default: false,
      importance: "MEDIUM",
      documentation: "Whether the configured predicate should be negated.",
      group,
      orderInGroup: 2,
    });
    const type = config[`${prefix}type`];
    const plugin = type === undefined ? undefined : lookup.transformation(type);
    if (plugin) {
      const keys = pluginKeys(() => plugin.create()).filter((k) => !IMPLICIT_KEYS.has(k.name));
      embed(def, prefix, group, keys, 2);
    }
  }
  for (const alias of predicateAliases) {
    const prefix = `${PREDICATES_CONFIG}.${alias}.`;
    const group = `Predicates: ${alias}`;
    def.define({
      name: `${prefix}type`,
      type: "CLASS",
      importance: "HIGH",
      documentation: `Class for the '${alias}' predicate.`,
      group,
      orderInGroup: 0,
      width: "LONG",
      displayName: `Predicate type for ${alias}`,
      check: z.string().refine((name) => lookup.predicate(name) !== undefined, {
        error: (issue) =>
          lookup.transformation(String(issue.input)) !== undefined
            ? `Class ${String(issue.input)} is not a Predicate`
            : `Class ${String(issue.input)} could not be found.`,
      }),
    });
    const type = config[`${prefix}type`];
    const plugin = type === undefined ? undefined : lookup.predicate(type);
    if (plugin) {
      const keys = pluginKeys(() => plugin.create()).filter((k) => k.name !== "type");
      embed(def, prefix, group, keys, 0);
    }
  }
  return def;
}

type Errors = Map<string, string[]>;

function addError(errors: Errors, key: string, message: string): void {
  const list = errors.get(key);
  if (list) {
    if (!list.includes(message)) list.push(message);
  } else errors.set(key, [message]);
}

function duplicateCheck(config: Readonly<Record<string, string>>, key: string, errors: Errors): void {
  const list = aliases(config, key);
  if (new Set(list).size !== list.length) {
    addError(errors, key, `Invalid value ${config[key]} for configuration ${key}: Duplicate alias provided.`);
  }
}

/** A plugin's configure() failure, re-reported under the plugin's prefix. */
function reportConfigureError(errors: Errors, prefix: string, e: unknown): void {
  if (e instanceof ConfigError && e.key !== undefined) {
    const key = prefix + e.key;
    const message = e.detail
      ? `Invalid value ${String(e.detail.value)} for configuration ${key}: ${e.detail.reason}`
      : e.message;
    addError(errors, key, message);
    return;
  }
  // a cross-key problem with no single key: reported on the type, naming the alias
  const message = errorMessage(e);
  addError(errors, `${prefix}type`, `Invalid configuration ${prefix.slice(0, -1)}: ${message}`);
}

function hasErrorsUnder(errors: Errors, prefix: string): boolean {
  for (const k of errors.keys()) if (k.startsWith(prefix)) return true;
  return false;
}

interface Built {
  readonly errors: Errors;
  readonly stages: TransformStage[];
  /** everything created, configured or not, so it can be closed */
  readonly created: { close?(): void }[];
}

/** Validate, then create and configure every stage whose keys are valid. */
function build(config: Readonly<Record<string, string>>, lookup: TransformPluginLookup): Built {
  const errors: Errors = new Map();
  const created: { close?(): void }[] = [];
  duplicateCheck(config, TRANSFORMS_CONFIG, errors);
  duplicateCheck(config, PREDICATES_CONFIG, errors);
  const parsed = transformConfigDef(config, lookup).parse(config);
  for (const [k, msgs] of Object.entries(parsed.errors)) for (const m of msgs) addError(errors, k, m);

  const predicateAliases = [...new Set(aliases(config, PREDICATES_CONFIG))];
  // Predicates are configured per transform that uses them, as Kafka does; an unused one is still checked.
  const makePredicate = (alias: string): Predicate | null => {
    const prefix = `${PREDICATES_CONFIG}.${alias}.`;
    if (hasErrorsUnder(errors, prefix)) return null;
    const plugin = lookup.predicate(config[`${prefix}type`] ?? "");
    if (!plugin) return null;
    const p = plugin.create();
    created.push(p);
    try {
      p.configure(subConfig(config, prefix, new Set(["type"])));
      return p;
    } catch (e) {
      reportConfigureError(errors, prefix, e);
      return null;
    }
  };

  const stages: TransformStage[] = [];
  const used = new Set<string>();
  for (const alias of new Set(aliases(config, TRANSFORMS_CONFIG))) {
    const prefix = `${TRANSFORMS_CONFIG}.${alias}.`;
    const negateKey = prefix + NEGATE_CONFIG;
    const predicateKey = prefix + PREDICATE_CONFIG;
    if (config[negateKey] !== undefined && config[predicateKey] === undefined) {
      addError(
        errors,
        negateKey,
        `Config '${negateKey}' was provided but there is no config '${predicateKey}' defining a predicate to be negated.`,
      );
    }
    if (hasErrorsUnder(errors, prefix)) continue;
    const className = config[`${prefix}type`] ?? "";
    const plugin = lookup.transformation(className);
    if (!plugin) continue;
    const t = plugin.create();
    created.push(t);
    try {
      t.configure(subConfig(config, prefix, new Set([PREDICATE_CONFIG, NEGATE_CONFIG])));
    } catch (e) {
      reportConfigureError(errors, prefix, e);
      continue;
    }
    const predicateAlias = (parsed.values[predicateKey] as string | null | undefined) ?? null;
    let predicate: Predicate | null = null;
    if (predicateAlias !== null) {
      used.add(predicateAlias);
      predicate = makePredicate(predicateAlias);
      if (predicate === null) continue;
    }
    stages.push({
      alias,
      className: plugin.className,
      transformation: t,
      predicate,
      predicateAlias,
      negate: parsed.values[negateKey] === true,
    });
  }
  for (const alias of predicateAliases) {
    if (!used.has(alias)) makePredicate(alias);
  }
  return { errors, stages, created };
}

function closeAll(items: readonly { close?(): void }[]): void {
  const failures: unknown[] = [];
  for (const item of items) {
    try {
      item.close?.();
    } catch (e) {
      failures.push(e);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, "Failed to close transforms or predicates");
}

/**
 * Per-key errors of the transform and predicate keys of a connector config (for PUT .../config/validate):
 * duplicate aliases, unknown or missing classes, undefined predicates, `negate` without `predicate`, and
 * each plugin's own key errors under its prefix, including the checks its configure() makes.
 */
export function validateTransformConfig(
  config: Readonly<Record<string, string>>,
  lookup: TransformPluginLookup = pluginLookup(),
): Map<string, string[]> {
  const { errors, created } = build(config, lookup);
  closeAll(created);
  return errors;
}

/**
 * Build the chain of a connector config. Throws a ConfigError naming the first bad key (its message lists
 * every problem) when the config is invalid.
 */
export function buildTransformChain(
  config: Readonly<Record<string, string>>,
  lookup: TransformPluginLookup = pluginLookup(),
): TransformChain {
  const { errors, stages, created } = build(config, lookup);
  const first = errors.keys().next().value;
  if (first !== undefined) {
    closeAll(created);
    const messages = [...errors.values()].flat();
    throw new ConfigError(messages.join("; "), first);
  }
  return new Chain(stages, created);
}

/** A stage of the chain threw; names the stage so error reporting can say which class failed. */
export class TransformStageError extends Error {
  override name = "TransformStageError";
  readonly className: string;
  readonly alias: string;
  constructor(stage: TransformStage, cause: unknown) {
    super(`Transformation ${stage.alias} (${stage.className}) failed: ${errorMessage(cause)}`, {
      cause,
    });
    this.className = stage.className;
    this.alias = stage.alias;
  }
}

class Chain implements TransformChain {
  constructor(
    readonly stages: readonly TransformStage[],
    private readonly created: readonly { close?(): void }[],
  ) {}

  apply<R extends ConnectRecord>(record: R): R | null {
    let r = record;
    for (const s of this.stages) {
      try {
        // a predicate gates its transform: applied when test() differs from negate
        if (s.predicate === null || s.predicate.test(r) !== s.negate) {
          const next = s.transformation.apply(r) as R | null;
          if (next === null) return null;
          r = next;
        }
      } catch (e) {
        throw new TransformStageError(s, e);
      }
    }
    return r;
  }

  close(): void {
    closeAll(this.created);
  }
}
