/**
 * The REST listener's security from the worker config, checked at start-up: credentials files read,
 * TLS stores loaded when a listener is https://. Errors name the key and the file.
 */
import type { ServerOptions } from "node:https";
import type { WorkerConfig } from "../config/worker-config.js";
import type { RestSecurityOptions } from "./app.js";
import { loadRestCredentials } from "./auth.js";
import { httpsServerOptions } from "./tls.js";

export interface RestSecuritySetup {
  readonly security: RestSecurityOptions;
  /** Node https options, when a listener is https:// */
  readonly tls?: ServerOptions;
}

export function restSecuritySetup(config: WorkerConfig): RestSecuritySetup {
  const { rest } = config;
  const security: RestSecurityOptions = {
    credentials: loadRestCredentials(rest),
    allowOrigins: rest.allowOrigins,
    allowMethods: rest.allowMethods,
  };
  if (!config.listeners.some((l) => l.protocol === "https")) return { security };
  return { security, tls: httpsServerOptions(config.raw) };
}
