/**
 * Local `ferry distributed` worker processes for `ferry chaos`: one properties file per worker, each launch's
 * output in its own log file, and every process reaped when the chaos run ends (or is interrupted).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** the built `ferry` entry point next to this module (dist/cli/main.js) */
export const FERRY_MAIN = join(dirname(fileURLToPath(import.meta.url)), "main.js");

export interface ChaosWorker {
  readonly index: number;
  readonly port: number;
  /** worker_id as the worker reports it in statuses */
  readonly id: string;
  readonly url: string;
  readonly file: string;
  proc: ChildProcess | null;
  exited: Promise<void> | null;
  launches: number;
}

export interface LocalClusterOptions {
  readonly dir: string;
  readonly size: number;
  /** worker properties every worker shares; listeners are added per worker */
  readonly properties: Readonly<Record<string, string>>;
  readonly logLevel: string;
  /** the `ferry` entry point to run; FERRY_MAIN by default */
  readonly main?: string;
}

/** A TCP port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export class LocalCluster {
  readonly workers: ChaosWorker[] = [];

  private constructor(private readonly o: LocalClusterOptions) {}

  static async create(o: LocalClusterOptions): Promise<LocalCluster> {
    const c = new LocalCluster(o);
    for (let i = 0; i < o.size; i++) {
      const port = await freePort();
      const file = join(o.dir, `worker-${i}.properties`);
      const props = { ...o.properties, listeners: `http://127.0.0.1:${port}` };
      await writeFile(
        file,
        `${Object.entries(props)
          .map(([k, v]) => `${k}=${v}`)
          .join("\n")}\n`,
      );
      c.workers.push({
        index: i,
        port,
        id: `127.0.0.1:${port}`,
        url: `http://127.0.0.1:${port}`,
        file,
        proc: null,
        exited: null,
        launches: 0,
      });
    }
    return c;
  }

  live(): ChaosWorker[] {
    return this.workers.filter((w) => w.proc !== null);
  }

  /** Launches the worker and waits until its REST API answers /health. */
  async start(w: ChaosWorker, timeoutMs = 60_000): Promise<void> {
    if (w.proc) throw new Error(`worker ${w.index} is already running`);
    const logFile = join(this.o.dir, `worker-${w.index}-${w.launches++}.log`);
    const log = createWriteStream(logFile, { flags: "a" });
    const proc = spawn(process.execPath, [this.o.main ?? FERRY_MAIN, "distributed", w.file], {
      env: { ...process.env, FERRY_LOG_LEVEL: this.o.logLevel },
      stdio: ["ignore", "pipe", "pipe"],
    });
    proc.stdout?.pipe(log, { end: false });
    proc.stderr?.pipe(log, { end: false });
    w.proc = proc;
    w.exited = new Promise<void>((resolve) =>
      proc.on("exit", () => {
        setTimeout(() => log.end(), 50);
        resolve();
      }),
    );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null)
        throw new Error(`worker ${w.index} exited with ${proc.exitCode ?? proc.signalCode}; see ${logFile}`);
      const ok = await fetch(`${w.url}/health`, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return;
      if (Date.now() > deadline)
        throw new Error(`worker ${w.index} not healthy after ${timeoutMs} ms; see ${logFile}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /**
   * Sends the signal and waits for the process to exit; a worker that does not stop within `timeoutMs`
   * after SIGTERM is killed, and that is reported (a clean stop that is not clean).
   */
  async stop(w: ChaosWorker, signal: NodeJS.Signals, timeoutMs = 30_000): Promise<{ forced: boolean }> {
    const proc = w.proc;
    if (!proc) return { forced: false };
    proc.kill(signal);
    let forced = false;
    const timer = setTimeout(() => {
      forced = true;
      proc.kill("SIGKILL");
    }, timeoutMs);
    await w.exited;
    clearTimeout(timer);
    w.proc = null;
    w.exited = null;
    return { forced };
  }

  /** Kills every worker still running (used on exit and ctrl-c). */
  killAll(): void {
    for (const w of this.workers) w.proc?.kill("SIGKILL");
  }

  async stopAll(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    await Promise.all(this.workers.map((w) => this.stop(w, signal)));
  }
}
