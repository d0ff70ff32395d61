/**
 * Config providers (Kafka's ConfigProvider / ConfigTransformer, KIP-297): a connector config value may hold
 * variables `${provider:key}` or `${provider:path:key}`, e.g. `${env:DB_PASSWORD}` or
 * `${file:/etc/secrets/db.properties:password}`. They are resolved only where the connector or task runs; the
 * stores and every REST response keep the raw text.
 *
 * Worker keys, as Kafka's: `config.providers` lists provider names, `config.providers.<name>.class` names each
 * one's class, `config.providers.<name>.param.<key>` configures it. Two classes are built in:
 * `org.apache.kafka.common.config.provider.EnvVarConfigProvider` (param `allowlist.pattern`) and
 * `org.apache.kafka.common.config.provider.FileConfigProvider` (a Java properties file's key; param
 * `allowed.paths`); simple class names work too. When `config.providers` is not set, `env` and `file` are
 * available under those names.
 *
 * Unlike Kafka, which leaves a variable it cannot resolve as it is, an unknown provider or a missing variable
 * or key is an error naming the config key.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, normalize, resolve as resolvePath, sep } from "node:path";
import { parseProperties } from "../config/properties.js";

/** Kafka's ConfigTransformer.DEFAULT_PATTERN: ${provider:[path:]key} */
const VARIABLE = /\$\{([^}]*?):(?:([^}]*?):)?([^}]*?)\}/g;

export const ENV_PROVIDER_CLASS = "org.apache.kafka.common.config.provider.EnvVarConfigProvider";
export const FILE_PROVIDER_CLASS = "org.apache.kafka.common.config.provider.FileConfigProvider";

/** A resolution failure; `key` is the config key whose value could not be resolved. */
export class ConfigProviderError extends Error {
  override name = "ConfigProviderError";
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

/** One provider: the value of `key` (under `path`, for providers that have paths). */
export interface ConfigProvider {
  get(path: string | null, key: string): Promise<string>;
}

export class EnvVarConfigProvider implements ConfigProvider {
  private readonly allow: RegExp;
  constructor(
    params: Readonly<Record<string, string>> = {},
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.allow = new RegExp(`^(?:${params["allowlist.pattern"] ?? ".*"})$`);
  }

  async get(path: string | null, key: string): Promise<string> {
    if (path) throw new Error(`the env provider takes no path, got "${path}"`);
    if (!this.allow.test(key)) throw new Error(`environment variable ${key} is not in allowlist.pattern`);
    const v = this.env[key];
    if (v === undefined) throw new Error(`environment variable ${key} is not set`);
    return v;
  }
}

export class FileConfigProvider implements ConfigProvider {
  private readonly allowed: string[] | null;

  constructor(params: Readonly<Record<string, string>> = {}) {
    const raw = params["allowed.paths"]?.trim();
    this.allowed = raw
      ? raw
          .split(",")
          .map((p) => p.trim())
          .filter((p) => p.length > 0)
          .map((p) => normalize(p))
      : null;
  }

  private checkAllowed(path: string): void {
    if (this.allowed === null) return;
    const p = resolvePath(path);
    const ok = this.allowed.some((a) => p === a || p.startsWith(a.endsWith(sep) ? a : a + sep));
    if (!ok) throw new Error(`the path ${path} is not allowed to be accessed (allowed.paths)`);
  }

  async get(path: string | null, key: string): Promise<string> {
    if (!path)
      throw new Error("the file provider needs a path, as in $" + "{file:/path/to/file.properties:key}");
    if (!isAbsolute(path) && this.allowed !== null)
      throw new Error(`the path ${path} is not absolute (allowed.paths is set)`);
    this.checkAllowed(path);
    // read afresh each time, as Kafka's provider does: a rotated secret is picked up at the next start
    let map: Map<string, string>;
    try {
      map = parseProperties(await readFile(path, "utf8"), path);
    } catch (e) {
      throw new Error(`cannot read ${path}: ${(e as Error).message}`);
    }
    const v = map.get(key);
    if (v === undefined) throw new Error(`key ${key} not found in ${path}`);
    return v;
  }
}

function providerForClass(
  className: string,
  params: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv,
): ConfigProvider | undefined {
  const simple = className.slice(className.lastIndexOf(".") + 1);
  if (className === ENV_PROVIDER_CLASS || (className === simple && simple === "EnvVarConfigProvider"))
    return new EnvVarConfigProvider(params, env);
  if (className === FILE_PROVIDER_CLASS || (className === simple && simple === "FileConfigProvider"))
    return new FileConfigProvider(params);
  return undefined;
}

/** The variables in `value`, in order. */
function variables(value: string): { text: string; provider: string; path: string | null; key: string }[] {
  return [...value.matchAll(VARIABLE)].map((m) => ({
    text: m[0],
    provider: m[1] ?? "",
    path: m[2] ?? null,
    key: m[3] ?? "",
  }));
}

export class ConfigProviders {
  constructor(private readonly providers: ReadonlyMap<string, ConfigProvider>) {}

  /** env and file under those names, as when the worker config has no `config.providers`. */
  static builtin(env: NodeJS.ProcessEnv = process.env): ConfigProviders {
    return new ConfigProviders(
      new Map<string, ConfigProvider>([
        ["env", new EnvVarConfigProvider({}, env)],
        ["file", new FileConfigProvider({})],
      ]),
    );
  }

  /**
   * From the worker config's `config.providers*` keys. Throws ConfigProviderError naming the worker key when a
   * listed provider has no class or an unknown one.
   */
  static fromWorkerConfig(
    raw: Readonly<Record<string, string>>,
    env: NodeJS.ProcessEnv = process.env,
  ): ConfigProviders {
    const list = raw["config.providers"];
    if (list === undefined) return ConfigProviders.builtin(env);
    const names = list
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    const providers = new Map<string, ConfigProvider>();
    for (const name of names) {
      const classKey = `config.providers.${name}.class`;
      const cls = raw[classKey]?.trim();
      if (!cls) {
        throw new ConfigProviderError(
          classKey,
          `Missing required configuration "${classKey}" for config provider ${name} listed in config.providers`,
        );
      }
      const prefix = `config.providers.${name}.param.`;
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(raw)) if (k.startsWith(prefix)) params[k.slice(prefix.length)] = v;
      let provider: ConfigProvider | undefined;
      try {
        provider = providerForClass(cls, params, env);
      } catch (e) {
        throw new ConfigProviderError(classKey, `Invalid config provider ${name}: ${(e as Error).message}`);
      }
      if (!provider) {
        throw new ConfigProviderError(
          classKey,
          `Invalid value ${cls} for configuration ${classKey}: config provider class not found ` +
            `(built in: ${ENV_PROVIDER_CLASS}, ${FILE_PROVIDER_CLASS})`,
        );
      }
      providers.set(name, provider);
    }
    return new ConfigProviders(providers);
  }

  /** Whether a value holds any ${...} variable. */
  static hasVariables(value: string | undefined): boolean {
    return value !== undefined && variables(value).length > 0;
  }

  /** Keys of `config` whose value holds a variable. */
  static keysWithVariables(config: Readonly<Record<string, string>>): string[] {
    return Object.keys(config).filter((k) => ConfigProviders.hasVariables(config[k]));
  }

  private async resolveValue(key: string, value: string): Promise<string> {
    const vars = variables(value);
    if (vars.length === 0) return value;
    const resolved = new Map<string, string>();
    for (const v of vars) {
      if (resolved.has(v.text)) continue;
      const provider = this.providers.get(v.provider);
      if (!provider) {
        const known = [...this.providers.keys()].join(", ") || "none";
        throw new ConfigProviderError(
          key,
          `Cannot resolve ${v.text} in config "${key}": unknown config provider "${v.provider}" (configured: ${known})`,
        );
      }
      try {
        resolved.set(v.text, await provider.get(v.path, v.key));
      } catch (e) {
        throw new ConfigProviderError(
          key,
          `Cannot resolve ${v.text} in config "${key}": ${(e as Error).message}`,
        );
      }
    }
    return value.replace(VARIABLE, (m) => resolved.get(m) ?? m);
  }

  /** A copy of `config` with every variable resolved; throws ConfigProviderError at the first failure. */
  async resolve(config: Readonly<Record<string, string>>): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) out[k] = await this.resolveValue(k, v);
    return out;
  }

  /**
   * Resolves what it can, for validation: failed keys keep their raw value and get an error message.
   */
  async resolveAll(
    config: Readonly<Record<string, string>>,
  ): Promise<{ resolved: Record<string, string>; errors: Record<string, string[]> }> {
    const resolved: Record<string, string> = {};
    const errors: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(config)) {
      try {
        resolved[k] = await this.resolveValue(k, v);
      } catch (e) {
        resolved[k] = v;
        errors[k] = [(e as Error).message];
      }
    }
    return { resolved, errors };
  }
}

/**
 * Kafka's AbstractHerder.reverseTransform: in configs generated from a resolved connector config (task
 * configs), the keys whose raw connector value holds variables get the raw value back, so that stores and REST
 * never hold resolved secrets.
 */
export function reverseTransform(
  rawConnectorConfig: Readonly<Record<string, string>>,
  configs: readonly Record<string, string>[],
): Record<string, string>[] {
  const keys = ConfigProviders.keysWithVariables(rawConnectorConfig);
  return configs.map((c) => {
    const out = { ...c };
    for (const k of keys) if (k in out) out[k] = rawConnectorConfig[k] as string;
    return out;
  });
}
