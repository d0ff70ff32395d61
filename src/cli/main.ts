#!/usr/bin/env node
/** The `ferry` command. */
import { chaosCommand } from "./chaos.js";
import { CHAOS_USAGE } from "./chaos-args.js";
import { runDistributed } from "./distributed.js";
import { runStandalone } from "./standalone.js";
import { StartupError } from "./startup-error.js";
import { UsageError } from "./usage-error.js";

const USAGE = `Usage:
  ferry standalone worker.properties [connector1.properties connector2.json ...]
  ferry distributed worker.properties
  ${CHAOS_USAGE}`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case "standalone":
    case "distributed": {
      const handle = command === "standalone" ? await runStandalone(rest) : await runDistributed(rest);
      let signals = 0;
      const onSignal = (sig: NodeJS.Signals) => {
        if (++signals > 1) {
          process.stderr.write(`ferry: second ${sig}, exiting without a clean stop\n`);
          process.exit(130);
        }
        handle.shutdown().then(
          () => process.exit(0),
          (e) => {
            process.stderr.write(`ferry: error while stopping: ${(e as Error).stack ?? e}\n`);
            process.exit(1);
          },
        );
      };
      process.on("SIGTERM", onSignal);
      process.on("SIGINT", onSignal);
      return;
    }
    case "chaos":
      process.exitCode = await chaosCommand(rest);
      return;
    case undefined:
    case "-h":
    case "--help":
      process.stdout.write(`${USAGE}\n`);
      if (command === undefined) process.exitCode = 2;
      return;
    default:
      throw new UsageError(`Unknown command "${command}".\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof UsageError) {
    process.stderr.write(`ferry: ${e.message}\n`);
    process.exit(2);
  }
  if (e instanceof StartupError) {
    process.stderr.write(`ferry: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  process.stderr.write(`ferry: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
