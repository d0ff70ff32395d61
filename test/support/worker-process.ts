/**
 * Starts `ferry` as a real child process (the built dist/), keeps its output in a log file under
 * test/.runs/ so a failure can be read, and reaps it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const runsDir = join(repo, "test/.runs");
const live = new Set<ChildProcess>();

process.on("exit", () => {
  for (const p of live) p.kill("SIGKILL");
});

export interface FerryProcess {
  readonly proc: ChildProcess;
  readonly logFile: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startFerry(
  args: string[],
  logName: string,
  env: Record<string, string> = {},
  cwd?: string,
): FerryProcess {
  mkdirSync(runsDir, { recursive: true });
  const logFile = join(runsDir, `${logName}.log`);
  const log = createWriteStream(logFile, { flags: "a" });
  const proc = spawn(process.execPath, [join(repo, "dist/cli/main.js"), ...args], {
    env: { ...process.env, FERRY_LOG_LEVEL: process.env.FERRY_LOG_LEVEL ?? "debug", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    ...(cwd ? { cwd } : {}),
  });
  live.add(proc);
  proc.stdout?.pipe(log, { end: false });
  proc.stderr?.pipe(log, { end: false });
  proc.on("exit", () => live.delete(proc));
  // "close" comes after the exit and after the child's stdout and stderr ended; the promise settles only
  // once the log file holds all of it, so a test may read the log as soon as it awaits the exit
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
    proc.on("close", (code, signal) => {
      log.end(() => res({ code, signal }));
    });
  });
  return {
    proc,
    logFile,
    exited,
    kill(signal: NodeJS.Signals = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** Polls until fn returns a truthy value. */
export async function waitFor<T>(
  fn: () => Promise<T> | T,
  what: string,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function waitHealthy(port: number, proc?: FerryProcess, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => {
      if (proc && proc.proc.exitCode !== null)
        throw new Error(`ferry exited with ${proc.proc.exitCode}; see ${proc.logFile}`);
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      return r.status === 200;
    },
    `worker on port ${port} to be healthy`,
    timeoutMs,
  );
}
