/** Serves the Hono app on each configured listener: http://, or https:// with the TLS options given. */
import { createServer as createHttpsServer, type ServerOptions as HttpsOptions } from "node:https";
import { type ServerType, serve } from "@hono/node-server";
import type { Listener } from "../config/worker-config.js";

export interface RunningServer {
  /** the port actually bound (useful with port 0) */
  readonly ports: number[];
  close(): Promise<void>;
}

/** What serve() needs of an app: Hono and OpenAPIHono apps fit. */
export interface FetchApp {
  fetch(request: Request): Response | Promise<Response>;
}

export async function startRestServer(
  app: FetchApp,
  listeners: readonly Listener[],
  /** key and certificate for https:// listeners (see tls.ts) */
  tls?: HttpsOptions,
): Promise<RunningServer> {
  const servers: ServerType[] = [];
  const ports: number[] = [];
  for (const l of listeners) {
    if (l.protocol === "https" && !tls)
      throw new Error(`Listener https://${l.host}:${l.port} needs TLS settings (ssl.keystore.*)`);
    const https = l.protocol === "https" ? { createServer: createHttpsServer, serverOptions: tls } : {};
    const server = await new Promise<ServerType>((resolve, reject) => {
      const s = serve(
        { fetch: (req) => app.fetch(req), port: l.port, hostname: l.host || undefined, ...https },
        () => resolve(s),
      );
      s.once("error", reject);
    });
    const addr = server.address();
    ports.push(typeof addr === "object" && addr ? addr.port : l.port);
    servers.push(server);
  }
  return {
    ports,
    close: () =>
      Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              // idle keep-alive sockets would hold close() open
              (s as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
              s.close(() => resolve());
            }),
        ),
      ).then(() => undefined),
  };
}
