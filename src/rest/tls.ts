/**
 * TLS settings of https:// listeners from Kafka Connect's keys: the ssl.* store keys, or, when any
 * `listeners.https.`-prefixed key is present, only the prefixed ones (as Kafka Connect's SSLUtils decides).
 */
import type { ServerOptions } from "node:https";
import type { ClientAuthentication } from "../config/rest-config.js";
import { loadTlsMaterial, lookupIn, SslConfigError } from "../config/ssl-stores.js";

export const HTTPS_PREFIX = "listeners.https.";

export class RestTlsError extends Error {}

/** Node https server options; throws RestTlsError naming the key (and file) to fix. */
export function httpsServerOptions(raw: Readonly<Record<string, string>>, where = ""): ServerOptions {
  const prefixed = Object.keys(raw).some((k) => k.startsWith(HTTPS_PREFIX));
  const prefix = prefixed ? HTTPS_PREFIX : "";
  const get = lookupIn(raw, prefix);
  let material: ReturnType<typeof loadTlsMaterial>;
  try {
    material = loadTlsMaterial(get, where, prefix);
  } catch (e) {
    if (e instanceof SslConfigError) throw new RestTlsError(e.message, { cause: e });
    throw e;
  }
  if (!material.pfx && !(material.key && material.cert))
    throw new RestTlsError(
      `${where}an https:// listener needs ${prefix}ssl.keystore.location (a PEM file with the key and certificate chain, or PKCS12), or ${prefix}ssl.keystore.key with ${prefix}ssl.keystore.certificate.chain`,
    );
  const clientAuth = (get("ssl.client.authentication") ?? "none")
    .trim()
    .toLowerCase() as ClientAuthentication;
  if (!["none", "requested", "required"].includes(clientAuth))
    throw new RestTlsError(`${where}${prefix}ssl.client.authentication must be none, requested or required`);
  if (clientAuth !== "none" && !material.ca)
    throw new RestTlsError(
      `${where}${prefix}ssl.client.authentication=${clientAuth} needs ${prefix}ssl.truststore.location (the CAs of client certificates)`,
    );
  return {
    ...material,
    requestCert: clientAuth !== "none",
    rejectUnauthorized: clientAuth === "required",
  };
}
