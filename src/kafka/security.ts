/**
 * Kafka's client security settings (security.protocol, sasl.mechanism, sasl.jaas.config, ssl.*) mapped to
 * kafkajs's `ssl` and `sasl` options. kafkajs speaks PLAIN and SCRAM-SHA-256/512; GSSAPI (Kerberos) and
 * OAUTHBEARER are refused at start-up with a message naming the key, never silently ignored.
 */
import type { KafkaConfig, SASLOptions } from "kafkajs";
import { SECURITY_PROTOCOLS } from "../config/kafka-security-keys.js";
import { type Lookup, loadTlsMaterial, SslConfigError, verifiesHostname } from "../config/ssl-stores.js";

const MECHANISMS = {
  PLAIN: { kafkajs: "plain", module: "org.apache.kafka.common.security.plain.PlainLoginModule" },
  "SCRAM-SHA-256": {
    kafkajs: "scram-sha-256",
    module: "org.apache.kafka.common.security.scram.ScramLoginModule",
  },
  "SCRAM-SHA-512": {
    kafkajs: "scram-sha-512",
    module: "org.apache.kafka.common.security.scram.ScramLoginModule",
  },
} as const;

/** A JAAS configuration entry: `LoginModuleClass flag key="value" ...;`. */
export interface JaasEntry {
  readonly loginModule: string;
  readonly flag: string;
  readonly options: Record<string, string>;
}

/**
 * Parses one JAAS entry as Kafka's JaasConfig does for sasl.jaas.config. Errors never quote the text (it
 * holds a password).
 */
export function parseJaasConfig(text: string): JaasEntry {
  let i = 0;
  const s = text;
  const skipSpace = () => {
    while (i < s.length && /\s/.test(s[i] ?? "")) i++;
  };
  const word = (what: string) => {
    skipSpace();
    const m = /^[^\s=;"]+/.exec(s.slice(i));
    if (!m) throw new Error(`expected ${what} at character ${i + 1}`);
    i += m[0].length;
    return m[0];
  };
  const value = () => {
    skipSpace();
    if (s[i] !== '"') return word("a value");
    i++;
    let out = "";
    while (i < s.length && s[i] !== '"') {
      if (s[i] === "\\" && i + 1 < s.length) i++;
      out += s[i];
      i++;
    }
    if (s[i] !== '"') throw new Error("a quoted value is not closed");
    i++;
    return out;
  };
  const loginModule = word("a login module class");
  const flag = word("a control flag (required, requisite, sufficient or optional)");
  if (!["required", "requisite", "sufficient", "optional"].includes(flag.toLowerCase()))
    throw new Error("the control flag must be required, requisite, sufficient or optional");
  const options: Record<string, string> = {};
  for (;;) {
    skipSpace();
    if (s[i] === ";") {
      i++;
      break;
    }
    if (i >= s.length) throw new Error("the entry must end with ';'");
    const key = word("an option name");
    skipSpace();
    if (s[i] !== "=") throw new Error(`option ${key} needs a value (key="value")`);
    i++;
    options[key] = value();
  }
  skipSpace();
  if (i < s.length) throw new Error("only one login module entry is supported");
  return { loginModule, flag: flag.toLowerCase(), options };
}

export class KafkaSecurityError extends Error {}

/**
 * The client's TLS and SASL settings, as kafkajs takes them. Callers outside src/kafka only pass it from
 * kafkaSecurityOptions to createKafka, so it stays kafkajs's shape (wrapping it would be ceremony).
 */
export type KafkaSecurity = Pick<KafkaConfig, "ssl" | "sasl">;

/**
 * kafkajs `ssl`/`sasl` options from Kafka's keys. `get` looks a Kafka name up (the worker's top-level keys);
 * `where` prefixes messages (the worker file).
 */
export function kafkaSecurityOptions(get: Lookup, where = ""): KafkaSecurity {
  const protocol = (get("security.protocol") ?? "PLAINTEXT").trim().toUpperCase();
  if (!(SECURITY_PROTOCOLS as readonly string[]).includes(protocol))
    throw new KafkaSecurityError(
      `${where}security.protocol=${protocol}: must be one of ${SECURITY_PROTOCOLS.join(", ")}`,
    );
  const out: KafkaSecurity = {};
  if (protocol === "SSL" || protocol === "SASL_SSL") {
    try {
      const material = loadTlsMaterial(get, where);
      out.ssl = {
        ...material,
        rejectUnauthorized: true,
        // an empty identification algorithm turns the host name check off, as in Kafka
        ...(verifiesHostname(get) ? {} : { checkServerIdentity: () => undefined }),
      };
    } catch (e) {
      if (e instanceof SslConfigError) throw new KafkaSecurityError(e.message, { cause: e });
      throw e;
    }
  }
  if (protocol === "SASL_PLAINTEXT" || protocol === "SASL_SSL") out.sasl = saslOptions(get, where);
  return out;
}

function saslOptions(get: Lookup, where: string): SASLOptions {
  const mechanism = (get("sasl.mechanism") ?? "GSSAPI").trim().toUpperCase();
  const known = MECHANISMS[mechanism as keyof typeof MECHANISMS];
  if (!known)
    throw new KafkaSecurityError(
      `${where}sasl.mechanism=${mechanism}: Ferry's Kafka client supports ${Object.keys(MECHANISMS).join(", ")}`,
    );
  const jaas = get("sasl.jaas.config");
  if (jaas === undefined || jaas.trim() === "")
    throw new KafkaSecurityError(`${where}sasl.jaas.config must be set for sasl.mechanism=${mechanism}`);
  let entry: JaasEntry;
  try {
    entry = parseJaasConfig(jaas);
  } catch (e) {
    throw new KafkaSecurityError(`${where}sasl.jaas.config is not a JAAS entry: ${(e as Error).message}`);
  }
  if (entry.loginModule !== known.module)
    throw new KafkaSecurityError(
      `${where}sasl.jaas.config: sasl.mechanism=${mechanism} needs ${known.module}, not ${entry.loginModule}`,
    );
  const { username, password } = entry.options;
  if (username === undefined || password === undefined)
    throw new KafkaSecurityError(`${where}sasl.jaas.config needs username="..." and password="..."`);
  return { mechanism: known.kafkajs, username, password } as SASLOptions;
}

const SECURITY_KEY = /^(security\.protocol$|sasl\.|ssl\.)/;
const CLIENT_PREFIXES = ["producer.", "consumer.", "admin."] as const;

/** The security keys under `prefix`, with the prefix removed. */
function securityKeys(raw: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k.startsWith(prefix) && SECURITY_KEY.test(k.slice(prefix.length))) out[k.slice(prefix.length)] = v;
  }
  return out;
}

const same = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/**
 * The one security setting of all the worker's Kafka clients (Ferry shares one kafkajs client between them).
 * Kafka Connect configures the worker's own clients from the top-level keys and task clients from
 * producer.*, consumer.* and admin.*; Ferry takes the top-level keys, or, when there are none, the prefixed
 * ones if they agree (a standalone file that only sets producer.* and consumer.* security). Settings that
 * would need different security per client are refused, naming the keys, rather than half applied.
 */
export function workerClientSecurity(raw: Readonly<Record<string, string>>, where = ""): Lookup {
  const top = securityKeys(raw, "");
  const prefixed = CLIENT_PREFIXES.map((p) => ({ prefix: p, keys: securityKeys(raw, p) })).filter(
    (x) => Object.keys(x.keys).length > 0,
  );
  let chosen = top;
  let from = "the worker's top-level keys";
  if (Object.keys(top).length === 0 && prefixed[0]) {
    chosen = prefixed[0].keys;
    from = `${prefixed[0].prefix}*`;
  }
  for (const { prefix, keys } of prefixed) {
    // a prefixed key overrides the top-level one for that client
    const effective = { ...top, ...keys };
    if (!same(effective, chosen)) {
      const differing = [...new Set([...Object.keys(effective), ...Object.keys(chosen)])]
        .filter((k) => effective[k] !== chosen[k])
        .map((k) => `${prefix}${k}`);
      throw new KafkaSecurityError(
        `${where}${differing.join(", ")} differ from ${from}: all of a worker's Kafka clients share one security setting in Ferry; set the same values (or only the top-level security.protocol, sasl.* and ssl.* keys)`,
      );
    }
  }
  return (key) => chosen[key];
}
