/**
 * Kafka's ssl.* key and trust store settings, read into what Node's tls module takes. The same names serve
 * the Kafka clients (security.protocol=SSL) and the REST listener (listeners=https://...), as in Kafka
 * Connect. Ferry reads PEM files and PKCS12 key stores; Java's JKS format is refused with a clear message.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigDef } from "../api/config-def.js";

export const STORE_TYPES = ["PEM", "PKCS12"] as const;

/** The ssl.* keys Ferry reads, with Kafka's names; types as Kafka's (secrets are PASSWORD). */
export function defineSslKeys(def: ConfigDef, group = "SSL"): ConfigDef {
  const storeType = z
    .string()
    .transform((s) => s.trim().toUpperCase())
    .pipe(z.enum(STORE_TYPES, { error: "Ferry reads PEM and PKCS12 stores (convert JKS with keytool)" }));
  return def
    .define({
      name: "ssl.keystore.type",
      type: "STRING",
      default: "PEM",
      importance: "MEDIUM",
      group,
      documentation:
        "File format of ssl.keystore.location: PEM (private key and certificate chain in one file) or PKCS12. Kafka's default is JKS, which Ferry cannot read.",
      check: storeType,
    })
    .define({
      name: "ssl.keystore.location",
      type: "STRING",
      default: null,
      importance: "HIGH",
      group,
      documentation: "The key store file: this side's private key and certificate chain.",
    })
    .define({
      name: "ssl.keystore.password",
      type: "PASSWORD",
      default: null,
      importance: "HIGH",
      group,
      documentation: "Password of a PKCS12 key store.",
    })
    .define({
      name: "ssl.key.password",
      type: "PASSWORD",
      default: null,
      importance: "HIGH",
      group,
      documentation: "Passphrase of an encrypted private key in a PEM key store.",
    })
    .define({
      name: "ssl.keystore.key",
      type: "PASSWORD",
      default: null,
      importance: "HIGH",
      group,
      documentation: "The private key in PEM, given inline instead of ssl.keystore.location.",
    })
    .define({
      name: "ssl.keystore.certificate.chain",
      type: "PASSWORD",
      default: null,
      importance: "HIGH",
      group,
      documentation: "The certificate chain in PEM, given inline with ssl.keystore.key.",
    })
    .define({
      name: "ssl.truststore.type",
      type: "STRING",
      default: "PEM",
      importance: "MEDIUM",
      group,
      documentation: "File format of ssl.truststore.location: PEM certificates (Kafka's default is JKS).",
      check: storeType.pipe(z.literal("PEM", { error: "Ferry reads PEM trust stores" })),
    })
    .define({
      name: "ssl.truststore.location",
      type: "STRING",
      default: null,
      importance: "HIGH",
      group,
      documentation:
        "PEM file of the certificate authorities to trust (Kafka brokers; REST clients with ssl.client.authentication). Without it Node's bundled CAs are used.",
    })
    .define({
      name: "ssl.truststore.certificates",
      type: "PASSWORD",
      default: null,
      importance: "HIGH",
      group,
      documentation: "Trusted certificates in PEM, given inline instead of ssl.truststore.location.",
    })
    .define({
      name: "ssl.endpoint.identification.algorithm",
      type: "STRING",
      default: "https",
      importance: "LOW",
      group,
      documentation:
        "https checks that the server's certificate names the host connected to; an empty value turns the check off.",
    });
}

/** The Kafka names looked up in `props` (a key → value lookup that may add a prefix). */
export type Lookup = (key: string) => string | undefined;

export interface TlsMaterial {
  key?: string;
  cert?: string;
  passphrase?: string;
  pfx?: Buffer;
  ca?: string;
}

/** A configuration problem naming the key (and the file) to fix. */
export class SslConfigError extends Error {}

const nonEmpty = (v: string | undefined) => (v === undefined || v.trim() === "" ? undefined : v);

function readText(key: string, path: string, where: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new SslConfigError(`${where}${key}=${path}: cannot read the file: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

/** The PEM blocks of a text, split into private keys and certificates. */
export function splitPem(text: string): { keys: string[]; certs: string[] } {
  const keys: string[] = [];
  const certs: string[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const label = m[1] ?? "";
    if (label.endsWith("PRIVATE KEY")) keys.push(m[0]);
    else if (label === "CERTIFICATE") certs.push(m[0]);
  }
  return { keys, certs };
}

/**
 * The key store (this side's key and certificate) and trust store named by the ssl.* keys. `where` prefixes
 * error messages (e.g. the worker file); `keyPrefix` is the prefix the user wrote (listeners.https., or "").
 */
export function loadTlsMaterial(get: Lookup, where = "", keyPrefix = ""): TlsMaterial {
  const out: TlsMaterial = {};
  const k = (name: string) => `${keyPrefix}${name}`;
  const type = (nonEmpty(get("ssl.keystore.type")) ?? "PEM").trim().toUpperCase();
  const location = nonEmpty(get("ssl.keystore.location"));
  const inlineKey = nonEmpty(get("ssl.keystore.key"));
  const inlineChain = nonEmpty(get("ssl.keystore.certificate.chain"));
  const keyPassword = nonEmpty(get("ssl.key.password"));

  if (location && (inlineKey || inlineChain))
    throw new SslConfigError(
      `${where}${k("ssl.keystore.location")} and ${k("ssl.keystore.key")}/${k("ssl.keystore.certificate.chain")} are both set; use one`,
    );
  if (location) {
    if (type === "PKCS12") {
      try {
        out.pfx = readFileSync(location);
      } catch (e) {
        throw new SslConfigError(
          `${where}${k("ssl.keystore.location")}=${location}: cannot read the file: ${(e as Error).message}`,
          { cause: e },
        );
      }
      const pw = nonEmpty(get("ssl.keystore.password"));
      if (pw) out.passphrase = pw;
    } else if (type === "PEM") {
      const { keys, certs } = splitPem(readText(k("ssl.keystore.location"), location, where));
      if (keys.length !== 1 || certs.length === 0)
        throw new SslConfigError(
          `${where}${k("ssl.keystore.location")}=${location}: a PEM key store holds one private key and its certificate chain; found ${keys.length} key(s) and ${certs.length} certificate(s)`,
        );
      out.key = keys[0];
      out.cert = certs.join("\n");
      if (keyPassword) out.passphrase = keyPassword;
    } else {
      throw new SslConfigError(
        `${where}${k("ssl.keystore.type")}=${type}: Ferry reads PEM and PKCS12 key stores (convert JKS with keytool)`,
      );
    }
  } else if (inlineKey || inlineChain) {
    if (!inlineKey || !inlineChain)
      throw new SslConfigError(
        `${where}${k("ssl.keystore.key")} and ${k("ssl.keystore.certificate.chain")} must be set together`,
      );
    out.key = inlineKey;
    out.cert = inlineChain;
    if (keyPassword) out.passphrase = keyPassword;
  }

  const trustType = (nonEmpty(get("ssl.truststore.type")) ?? "PEM").trim().toUpperCase();
  const trustLocation = nonEmpty(get("ssl.truststore.location"));
  const trustInline = nonEmpty(get("ssl.truststore.certificates"));
  if (trustLocation || trustInline) {
    if (trustType !== "PEM")
      throw new SslConfigError(
        `${where}${k("ssl.truststore.type")}=${trustType}: Ferry reads PEM trust stores (export the certificates with keytool -exportcert -rfc)`,
      );
    const text = trustLocation ? readText(k("ssl.truststore.location"), trustLocation, where) : trustInline;
    const { certs } = splitPem(text ?? "");
    if (certs.length === 0)
      throw new SslConfigError(
        `${where}${trustLocation ? `${k("ssl.truststore.location")}=${trustLocation}` : k("ssl.truststore.certificates")}: no PEM certificate found`,
      );
    out.ca = certs.join("\n");
  }
  return out;
}

/** Whether the server's host name is checked against its certificate (ssl.endpoint.identification.algorithm). */
export function verifiesHostname(get: Lookup): boolean {
  const v = get("ssl.endpoint.identification.algorithm");
  return v === undefined || v.trim() !== "";
}

/** A lookup over plain properties. */
export function lookupIn(props: Readonly<Record<string, string>>, prefix = ""): Lookup {
  return (key) => props[`${prefix}${key}`];
}

/** The ssl.* keys alone (reference docs, tests). */
export function sslConfigDef(): ConfigDef {
  return defineSslKeys(new ConfigDef());
}
