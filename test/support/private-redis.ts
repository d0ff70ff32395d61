/**
 * A Redis server of a test's own (`redis-server --port X --save ''`), so a test can restart Redis without
 * touching the shared one other tests use. Its log goes under test/.runs/.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { freePort } from "./ports.js";
import { runsDir } from "./worker-process.js";

export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  start(): Promise<void>;
  /** SIGTERM (hard: SIGKILL) and wait for the exit */
  stop(hard?: boolean): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.setTimeout(1_000);
    s.on("connect", () => s.write("PING\r\n"));
    s.on("data", (d) => {
      s.destroy();
      resolve(d.toString().startsWith("+PONG"));
    });
    s.on("error", () => resolve(false));
    s.on("timeout", () => {
      s.destroy();
      resolve(false);
    });
  });
}

export async function privateRedis(name: string): Promise<PrivateRedis> {
  const port = await freePort();
  mkdirSync(runsDir, { recursive: true });
  let proc: ChildProcess | null = null;
  let launches = 0;
  const r: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      if (proc) throw new Error(`private redis ${name} already runs`);
      const log = createWriteStream(join(runsDir, `${name}-redis-${launches++}.log`));
      const p = spawn(
        "redis-server",
        [
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--appendonly",
          "no",
          "--maxmemory-policy",
          "noeviction",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      p.stdout?.pipe(log);
      p.stderr?.pipe(log);
      proc = p;
      process.once("exit", () => p.kill("SIGKILL"));
      const deadline = Date.now() + 15_000;
      while (!(await ping(port))) {
        if (p.exitCode !== null) throw new Error(`redis-server on ${port} exited with ${p.exitCode}`);
        if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not answer PING`);
        await new Promise((res) => setTimeout(res, 50));
      }
    },
    async stop(hard = false) {
      const p = proc;
      if (!p) return;
      proc = null;
      if (p.exitCode !== null || p.signalCode !== null) return;
      await new Promise<void>((res) => {
        p.once("exit", () => res());
        p.kill(hard ? "SIGKILL" : "SIGTERM");
      });
    },
  };
  return r;
}
