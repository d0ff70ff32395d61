/**
 * The `ferry` command line, parsed with node:util parseArgs: which subcommand, its files, and the --help and
 * --version that every level takes. Wrong usage is a UsageError (exit 2) that carries the usage text.
 * A file whose name starts with "-" is given after "--" (`ferry standalone -- --odd.properties`).
 */
import { parseArgs } from "node:util";
import { CHAOS_USAGE } from "./chaos-args.js";
import { UsageError } from "./usage-error.js";

export const STANDALONE_USAGE =
  "ferry standalone worker.properties [connector1.properties connector2.json ...]";
export const DISTRIBUTED_USAGE = "ferry distributed worker.properties";

export const USAGE = `Usage:
  ${STANDALONE_USAGE}
  ${DISTRIBUTED_USAGE}
  ${CHAOS_USAGE}
  ferry --help | --version

Each command also takes --help and --version.`;

const SUBCOMMAND_HELP = {
  standalone: `Usage: ${STANDALONE_USAGE}

Runs one standalone worker (Kafka's connect-standalone): the worker config, then the connectors to run,
each a .properties or .json file. State (source offsets) lives in offset.storage.file.filename.`,
  distributed: `Usage: ${DISTRIBUTED_USAGE}

Runs one distributed worker (Kafka's connect-distributed): state in Kafka's config, offset and status
topics, task ownership in Redis (redis.url). Connectors are managed over the REST API.`,
  chaos: `Usage: ${CHAOS_USAGE}

Runs a failover test against your Kafka and Redis: workers are killed and restarted while a source
writes, then the records are checked for gaps (and duplicates with --exactly-once).`,
} as const;

export type Command =
  | { readonly kind: "help"; readonly text: string }
  | { readonly kind: "version" }
  | { readonly kind: "standalone"; readonly worker: string; readonly connectors: string[] }
  | { readonly kind: "distributed"; readonly worker: string }
  | { readonly kind: "chaos"; readonly args: string[] };

const META = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

function usageError(message: string, usage: string): UsageError {
  return new UsageError(`${message}\n${usage.startsWith("Usage") ? usage : `Usage: ${usage}`}`);
}

/** The subcommand's --help/--version and positionals; every other option is a usage error. */
function parseFiles(args: string[], usage: string) {
  try {
    const { values, positionals } = parseArgs({ args, options: META, allowPositionals: true, strict: true });
    return { help: values.help === true, version: values.version === true, files: positionals };
  } catch (e) {
    throw usageError((e as Error).message, usage);
  }
}

/**
 * `ferry chaos` has options of its own (chaos-args.ts checks them); only --help and --version are looked
 * for here, so that they work whatever else is on the line.
 */
function chaosMeta(args: string[]): "help" | "version" | null {
  const { tokens } = parseArgs({ args, options: META, allowPositionals: true, strict: false, tokens: true });
  for (const t of tokens ?? []) {
    if (t.kind === "option-terminator") break;
    if (t.kind === "option" && t.name === "help") return "help";
    if (t.kind === "option" && t.name === "version") return "version";
  }
  return null;
}

export function parseCommandLine(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  switch (first) {
    case "standalone": {
      const p = parseFiles(rest, STANDALONE_USAGE);
      if (p.help) return { kind: "help", text: SUBCOMMAND_HELP.standalone };
      if (p.version) return { kind: "version" };
      const [worker, ...connectors] = p.files;
      if (!worker) throw usageError("ferry standalone needs a worker config file.", STANDALONE_USAGE);
      return { kind: "standalone", worker, connectors };
    }
    case "distributed": {
      const p = parseFiles(rest, DISTRIBUTED_USAGE);
      if (p.help) return { kind: "help", text: SUBCOMMAND_HELP.distributed };
      if (p.version) return { kind: "version" };
      const [worker, ...extra] = p.files;
      if (!worker) throw usageError("ferry distributed needs a worker config file.", DISTRIBUTED_USAGE);
      if (extra.length > 0)
        throw usageError(
          `ferry distributed takes one worker config file, got ${p.files.length}: ${p.files.join(" ")}`,
          DISTRIBUTED_USAGE,
        );
      return { kind: "distributed", worker };
    }
    case "chaos": {
      const meta = chaosMeta(rest);
      if (meta === "help") return { kind: "help", text: SUBCOMMAND_HELP.chaos };
      if (meta === "version") return { kind: "version" };
      return { kind: "chaos", args: rest };
    }
    case undefined:
      throw usageError("No command given.", USAGE);
    default: {
      const p = parseFiles(argv.slice(), USAGE);
      if (p.help) return { kind: "help", text: USAGE };
      if (p.version) return { kind: "version" };
      throw usageError(`Unknown command "${first}".`, USAGE);
    }
  }
}
