/**
 * A TCP proxy a test controls, to cut one process off from a server (Redis) while everything else still
 * reaches it. `cut()` black-holes the link: bytes are dropped in both directions and new connections hang,
 * as in a network partition (no error reaches the client). `heal()` resets the connections that lived
 * through the cut (as a long partition does) and forwards again.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export interface TcpProxy {
  readonly port: number;
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function tcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let blocked = false;
  const pairs = new Set<[Socket, Socket | null]>();
  const server: Server = createServer((client) => {
    const pair: [Socket, Socket | null] = [client, null];
    pairs.add(pair);
    const link = () => {
      const upstream = connect({ host: targetHost, port: targetPort });
      pair[1] = upstream;
      upstream.on("data", (d) => {
        if (!blocked) client.write(d);
      });
      upstream.on("error", () => client.destroy());
      upstream.on("close", () => client.destroy());
      client.on("data", (d) => {
        if (!blocked) upstream.write(d);
      });
    };
    client.on("error", () => pair[1]?.destroy());
    client.on("close", () => {
      pair[1]?.destroy();
      pairs.delete(pair);
    });
    // a connection made during the cut hangs until heal() resets it
    if (!blocked) link();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("proxy has no port");
  return {
    port: address.port,
    cut() {
      blocked = true;
    },
    heal() {
      blocked = false;
      for (const [client, upstream] of [...pairs]) {
        client.destroy();
        upstream?.destroy();
      }
      pairs.clear();
    },
    async close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream?.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
