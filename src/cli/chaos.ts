/**
 * `ferry chaos`: a failover test users run against their own Kafka and Redis, after Kafka's test_bounce
 * (the scenario: chaos-run.ts). Prints its progress on stderr and the result on stdout; exit code 1 on any
 * violation of the guarantees, 130 when interrupted (its workers are killed first).
 */
import { parseChaosArgs } from "./chaos-args.js";
import { formatChaosResult } from "./chaos-report.js";
import { runChaos } from "./chaos-run.js";

/** `ferry chaos ...`: resolves with the exit code (0 ok, 1 violations). */
export async function chaosCommand(argv: string[]): Promise<number> {
  const { json, ...options } = parseChaosArgs(argv);
  const interrupted = new AbortController();
  const onSignal = () => {
    // the run kills its workers when aborted (synchronously), then the process goes
    interrupted.abort();
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const result = await runChaos({ ...options, signal: interrupted.signal }, (line) =>
      process.stderr.write(`${line}\n`),
    );
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else process.stdout.write(`${formatChaosResult(result)}\n${JSON.stringify(result)}\n`);
    return result.violations.length > 0 ? 1 : 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
