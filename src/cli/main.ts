#!/usr/bin/env node
/** The `ferry` command. */
import { FERRY_VERSION } from "../version.js";
import { parseCommandLine } from "./args.js";
import { StartupError } from "./startup-error.js";
import { UsageError } from "./usage-error.js";

async function main(argv: string[]): Promise<void> {
  const command = parseCommandLine(argv);
  switch (command.kind) {
    case "help":
      process.stdout.write(`${command.text}\n`);
      return;
    case "version":
      process.stdout.write(`ferry ${FERRY_VERSION}\n`);
      return;
    // the commands are loaded only when run: --help and --version answer without loading the runtime
    case "chaos": {
      const { chaosCommand } = await import("./chaos.js");
      process.exitCode = await chaosCommand(command.args);
      return;
    }
    case "standalone":
    case "distributed": {
      const handle =
        command.kind === "standalone"
          ? await (await import("./standalone.js")).runStandalone([command.worker, ...command.connectors])
          : await (await import("./distributed.js")).runDistributed([command.worker]);
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
