/**
 * The worker config file (Kafka's connect-standalone.properties / connect-distributed.properties), as a
 * properties file or a flat JSON object of strings, plus environment overrides.
 *
 * Environment overrides, so that one file can serve several deployments (containers, CI): the variable
 * FERRY_<KEY> sets worker key <key>, where KEY is the key upper-cased with "." written "_" and "-" written "__".
 *   FERRY_BOOTSTRAP_SERVERS        → bootstrap.servers
 *   FERRY_OFFSET_FLUSH_INTERVAL_MS → offset.flush.interval.ms
 *   FERRY_FOO__BAR_BAZ             → foo-bar.baz
 * Environment variables override the file. The details:
 *   - only names made of FERRY_ and then A-Z, 0-9 and "_" are considered; any other variable is ignored;
 *   - a name that is the encoding of a key in the file overrides that key; this also covers file keys that
 *     decoding could not recover (upper case, "_", or "-" next to "."), and decoding is not attempted;
 *   - any other name is decoded ("__" → "-", then "_" → ".", lower-cased) and adds that key; a name with a
 *     leading, trailing or triple "_" has no single decoding and is ignored;
 *   - an empty value is applied (an empty string is a legitimate value, e.g. plugin.path=);
 *   - FERRY_LOG_LEVEL and FERRY_STATE_DIR configure Ferry itself, not the worker, and are skipped.
 */
import { ConfigFileError, type Fail, parseConfigMap, readConfigText } from "./config-file.js";

export class WorkerFileError extends ConfigFileError {
  override name = "WorkerFileError";
  constructor(path: string, problem: string, options?: ErrorOptions) {
    super("worker config file", path, problem, options);
  }
}

export const ENV_PREFIX = "FERRY_";

/** Ferry's own settings that share the prefix but are not worker keys. */
export const NON_WORKER_ENV_VARS: ReadonlySet<string> = new Set([
  "FERRY_LOG_LEVEL",
  "FERRY_STATE_DIR",
  "FERRY_CACHE",
  "FERRY_KEEP_SERVICES",
  "FERRY_DEMO_PORT",
]);

const ENV_NAME = /^FERRY_[A-Z0-9_]+$/;
const DECODABLE = /^[A-Z0-9]+(?:_{1,2}[A-Z0-9]+)*$/;

/** The environment variable that overrides `key`. */
export function envVarForKey(key: string): string {
  return ENV_PREFIX + key.toUpperCase().replaceAll("-", "__").replaceAll(".", "_");
}

/** The key an environment variable names, or undefined when it has no single decoding. */
function keyForEnvVar(name: string): string | undefined {
  const encoded = name.slice(ENV_PREFIX.length);
  if (!DECODABLE.test(encoded)) return undefined;
  return encoded.toLowerCase().replaceAll("__", "-").replaceAll("_", ".");
}

/** Returns `props` with FERRY_* environment variables applied over it (see the module comment). */
export function applyEnvOverrides(
  props: Record<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const keysByEnvVar = new Map<string, string[]>();
  for (const key of Object.keys(props)) {
    const name = envVarForKey(key);
    keysByEnvVar.set(name, [...(keysByEnvVar.get(name) ?? []), key]);
  }
  // a Map, so that a "__proto__" key stays data
  const merged = new Map(Object.entries(props));
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !ENV_NAME.test(name) || NON_WORKER_ENV_VARS.has(name)) continue;
    const decoded = keyForEnvVar(name);
    const keys = keysByEnvVar.get(name) ?? (decoded === undefined ? [] : [decoded]);
    for (const key of keys) merged.set(key, value);
  }
  return Object.fromEntries(merged);
}

/** Reads the worker config file and applies environment overrides; problems are WorkerFileErrors. */
export async function loadWorkerProperties(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, string>> {
  const fail: Fail = (problem, cause) => {
    throw new WorkerFileError(path, problem, cause === undefined ? undefined : { cause });
  };
  const text = await readConfigText(path, fail);
  return applyEnvOverrides(parseConfigMap(path, text, fail), env);
}
