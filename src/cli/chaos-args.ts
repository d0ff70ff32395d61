/** `ferry chaos`'s command line: its usage and its arguments, checked. */
import { parseArgs } from "node:util";
import { z } from "zod";
import type { ChaosOptions } from "./chaos-run.js";
import { UsageError } from "./usage-error.js";

export const CHAOS_USAGE = `ferry chaos [--workers 3] [--rounds 3] [--mode hard|clean] [--exactly-once]
            [--records-per-second 100] [--tasks 3] [--settle-ms 2000] [--min-records 1000]
            [--bootstrap host:port] [--redis redis://host:port] [--dir DIR]
            [--worker-property key=value ...] [--source-property key=value ...] [--json]`;

const Args = z.object({
  workers: z.coerce.number().int().min(2, "--workers must be at least 2"),
  rounds: z.coerce.number().int().min(0, "--rounds must be 0 or more"),
  mode: z.enum(["hard", "clean"], { message: "--mode must be hard or clean" }),
  recordsPerSecond: z.coerce.number().int().min(1, "--records-per-second must be at least 1"),
  tasks: z.coerce.number().int().min(1, "--tasks must be at least 1"),
  settleMs: z.coerce.number().int().min(0, "--settle-ms must be 0 or more"),
  minRecords: z.coerce.number().int().min(0, "--min-records must be 0 or more"),
  bootstrap: z.string().min(1, "--bootstrap (or KAFKA_BOOTSTRAP) is required"),
  redis: z.string().min(1, "--redis (or REDIS_URL) is required"),
});

export function parseChaosArgs(argv: string[]): ChaosOptions & { json: boolean } {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        workers: { type: "string", default: "3" },
        rounds: { type: "string", default: "3" },
        mode: { type: "string", default: "hard" },
        "exactly-once": { type: "boolean", default: false },
        "records-per-second": { type: "string", default: "100" },
        tasks: { type: "string", default: "3" },
        "settle-ms": { type: "string", default: "2000" },
        "min-records": { type: "string", default: "1000" },
        bootstrap: { type: "string", default: process.env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092" },
        redis: { type: "string", default: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" },
        dir: { type: "string" },
        "worker-property": { type: "string", multiple: true, default: [] },
        "source-property": { type: "string", multiple: true, default: [] },
        json: { type: "boolean", default: false },
      },
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nUsage: ${CHAOS_USAGE}`);
  }
  const r = Args.safeParse({
    workers: values.workers,
    rounds: values.rounds,
    mode: values.mode,
    recordsPerSecond: values["records-per-second"],
    tasks: values.tasks,
    settleMs: values["settle-ms"],
    minRecords: values["min-records"],
    bootstrap: values.bootstrap,
    redis: values.redis,
  });
  if (!r.success)
    throw new UsageError(`${r.error.issues.map((i) => i.message).join("; ")}\nUsage: ${CHAOS_USAGE}`);
  const pairs = (flag: string): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const kv of (values[flag] as string[]) ?? []) {
      const i = kv.indexOf("=");
      if (i <= 0) throw new UsageError(`--${flag} wants key=value, got "${kv}"`);
      out[kv.slice(0, i).trim()] = kv.slice(i + 1).trim();
    }
    return out;
  };
  const workerProperties = pairs("worker-property");
  const sourceProperties = pairs("source-property");
  return {
    ...r.data,
    exactlyOnce: values["exactly-once"] === true,
    workerProperties,
    sourceProperties,
    ...(typeof values.dir === "string" ? { dir: values.dir } : {}),
    json: values.json === true,
  };
}
