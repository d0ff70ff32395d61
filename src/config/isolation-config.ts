/**
 * Worker keys of task isolation (Ferry-specific, except Kafka's task.shutdown.graceful.timeout.ms, which
 * worker-config.ts defines): how many task threads, when a stuck plugin call ends its thread, and an
 * optional heap cap per thread.
 */
import { availableParallelism } from "node:os";
import { z } from "zod";
import type { ConfigDef } from "../api/config-def.js";

export const TASK_THREADS = "task.threads";
export const TASK_STALL_TIMEOUT_MS = "task.stall.timeout.ms";
export const TASK_HEAP_MAX_MB = "task.heap.max.mb";

/** 60 s: far above any poll()/put() that merely waits for data, short enough that a frozen task is noticed */
export const DEFAULT_STALL_TIMEOUT_MS = 60_000;

export function defineIsolationKeys(def: ConfigDef): ConfigDef {
  const group = "Task isolation";
  return def
    .define({
      name: TASK_THREADS,
      type: "INT",
      default: null,
      importance: "MEDIUM",
      group,
      documentation:
        "How many task threads a worker runs its connectors and tasks on (worker_threads); units are placed on the least-loaded one. Default: the number of cores, at least 2 (Ferry-specific).",
      check: z.number().int().min(1, "Value must be at least 1").nullable(),
    })
    .define({
      name: TASK_STALL_TIMEOUT_MS,
      type: "LONG",
      default: DEFAULT_STALL_TIMEOUT_MS,
      importance: "LOW",
      group,
      documentation:
        "A task or connector that stays inside one plugin call (poll, put, flush, stop, taskConfigs…) this long, or whose thread's event loop makes no progress this long, is stuck: its thread is terminated, the unit becomes FAILED and is restarted with the usual backoff; other units of that thread restart on a new one (Ferry-specific).",
      check: z.number().int().min(1, "Value must be at least 1"),
    })
    .define({
      name: TASK_HEAP_MAX_MB,
      type: "INT",
      default: null,
      importance: "LOW",
      group,
      documentation:
        "A heap limit per task thread in MB (resourceLimits.maxOldGenerationSizeMb). A thread that exceeds it ends; its units become FAILED (out of memory) and are restarted, the worker lives on. Unset: no limit but the process's (Ferry-specific).",
      check: z.number().int().min(16, "Value must be at least 16").nullable(),
    });
}

export interface IsolationSettings {
  readonly threads: number;
  readonly stallTimeoutMs: number;
  readonly heapMaxMb: number | null;
  readonly shutdownGracefulTimeoutMs: number;
}

/** The settings from the worker's raw keys (validated by the worker's ConfigDef before). */
export function isolationSettings(
  raw: Readonly<Record<string, string>>,
  shutdownGracefulTimeoutMs: number,
): IsolationSettings {
  const num = (key: string): number | null => {
    const v = raw[key]?.trim();
    if (v === undefined || v === "") return null;
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  };
  return {
    threads: num(TASK_THREADS) ?? Math.max(2, availableParallelism()),
    stallTimeoutMs: num(TASK_STALL_TIMEOUT_MS) ?? DEFAULT_STALL_TIMEOUT_MS,
    heapMaxMb: num(TASK_HEAP_MAX_MB),
    shutdownGracefulTimeoutMs,
  };
}
