/**
 * PASSWORD-type values never leave the worker in plain text: connector and task configs in REST answers show
 * them as "[hidden]" (Kafka's Password.toString()). A `${provider:...}` reference is shown as written, as
 * Kafka does: the reference is not the secret, and its resolved value only exists inside the runner.
 * Which keys are PASSWORD comes from the config definitions of the connector and of the converters,
 * transforms and predicates the config names, plus Kafka's secret client keys under *.override.
 * A "[hidden]" sent back in PUT/PATCH keeps the stored value, so a GET-edit-PUT round trip loses nothing.
 */
import { ConnectError } from "../errors.js";
import type { Herder } from "../herder/herder.js";

export const HIDDEN = "[hidden]";

/** Kafka client keys of type PASSWORD, as they appear under producer.override. and friends. */
const CLIENT_SECRET_KEYS = [
  "sasl.jaas.config",
  "ssl.key.password",
  "ssl.keystore.password",
  "ssl.truststore.password",
  "ssl.keystore.key",
  "ssl.keystore.certificate.chain",
  "ssl.truststore.certificates",
  "sasl.oauthbearer.client.credentials.client.secret",
];
const CLIENT_PREFIXES = ["producer.override.", "consumer.override.", "admin.override."];

const REFERENCE = /^\$\{[^}]+\}$/;

const list = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");

/** Finds the PASSWORD keys of a connector config; plugin definitions are looked up once per class. */
export class SecretKeys {
  private readonly byClass = new Map<string, string[]>();

  constructor(private readonly herder: Herder) {}

  private passwordKeysOf(pluginClass: string | undefined): string[] {
    const cls = pluginClass?.trim();
    if (!cls) return [];
    let keys = this.byClass.get(cls);
    if (!keys) {
      try {
        keys = this.herder
          .connectorPluginConfig(cls)
          .filter((k) => k.type === "PASSWORD")
          .map((k) => k.name);
      } catch (e) {
        // an unknown plugin defines no keys; its connector cannot run either
        if (!(e instanceof ConnectError && e.status === 404)) throw e;
        keys = [];
      }
      this.byClass.set(cls, keys);
    }
    return keys;
  }

  /** Every key of `config` (or that it may hold) whose value is a secret. */
  of(config: Readonly<Record<string, string>>): Set<string> {
    const out = new Set<string>(this.passwordKeysOf(config["connector.class"]));
    const nested = (prefix: string, cls: string | undefined) => {
      for (const k of this.passwordKeysOf(cls)) out.add(`${prefix}${k}`);
    };
    for (const c of ["key.converter", "value.converter", "header.converter"]) nested(`${c}.`, config[c]);
    for (const alias of list(config.transforms))
      nested(`transforms.${alias}.`, config[`transforms.${alias}.type`]);
    for (const alias of list(config.predicates))
      nested(`predicates.${alias}.`, config[`predicates.${alias}.type`]);
    for (const p of CLIENT_PREFIXES) for (const k of CLIENT_SECRET_KEYS) out.add(`${p}${k}`);
    return out;
  }
}

/** The config with secret values replaced by "[hidden]" (references kept as written). */
export function maskConfig<T extends Record<string, string>>(config: T, secret: ReadonlySet<string>): T {
  let out: Record<string, string> | null = null;
  for (const [k, v] of Object.entries(config)) {
    if (!secret.has(k) || REFERENCE.test(v.trim()) || v === HIDDEN) continue;
    out ??= { ...config };
    out[k] = HIDDEN;
  }
  return (out ?? config) as T;
}

/** A new config where each "[hidden]" secret is replaced by the value stored before (when there is one). */
export function restoreHidden<T extends Record<string, string | null>>(
  incoming: T,
  stored: Readonly<Record<string, string>> | null,
  secret: ReadonlySet<string>,
): T {
  if (!stored) return incoming;
  let out: Record<string, string | null> | null = null;
  for (const [k, v] of Object.entries(incoming)) {
    if (v !== HIDDEN || !secret.has(k) || stored[k] === undefined) continue;
    out ??= { ...incoming };
    out[k] = stored[k];
  }
  return (out ?? incoming) as T;
}
