import { type Logger, pino } from "pino";

export type { Logger };

/**
 * One JSON logger per process; every line carries the worker id, and child loggers add connector/task.
 * FERRY_LOG_LEVEL overrides the level (default info).
 */
export function createLogger(workerId: string, level = process.env.FERRY_LOG_LEVEL ?? "info"): Logger {
  return pino({
    level,
    base: { worker: workerId, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
