/**
 * Worker keys of the distributed scheduler (Ferry-specific; Kafka Connect has no equivalent): unit leases,
 * membership heartbeats, the BullMQ job lock and stall check, and automatic restarts with backoff. The
 * defaults are chosen so a killed worker's units run elsewhere within 2 s (design.md, "Ownership and
 * scheduling"); wrangler-free-docs/distributed.md explains each.
 */
import { z } from "zod";
import type { ConfigDef } from "../api/config-def.js";

export interface ClusterSettings {
  readonly leaseTtlMs: number;
  readonly heartbeatTtlMs: number;
  readonly stallCheckIntervalMs: number;
  readonly autoRestart: boolean;
  readonly restartBackoffInitialMs: number;
  readonly restartBackoffMaxMs: number;
}

const atLeast = (n: number) => z.number().int().min(n, `Value must be at least ${n}`);

export function defineClusterKeys(def: ConfigDef): ConfigDef {
  return def
    .define({
      name: "unit.lease.ttl.ms",
      type: "LONG",
      default: 1000,
      importance: "MEDIUM",
      documentation:
        "How long a worker's lease on a connector or task (and the BullMQ job lock) lasts; renewed every quarter of it. A worker that cannot renew stops the unit before the lease can expire; a killed worker's units start elsewhere about this long after it died (Ferry-specific).",
      check: atLeast(300),
    })
    .define({
      name: "worker.heartbeat.ttl.ms",
      type: "LONG",
      default: 1000,
      importance: "MEDIUM",
      documentation:
        "How long a worker's membership heartbeat keeps it a member; refreshed every third of it. Fair shares are computed over the members (Ferry-specific).",
      check: atLeast(300),
    })
    .define({
      name: "unit.stall.check.interval.ms",
      type: "LONG",
      default: 300,
      importance: "LOW",
      documentation:
        "How often the BullMQ stalled-job check returns the jobs of workers whose locks expired to the queue (Ferry-specific).",
      check: atLeast(50),
    })
    .define({
      name: "task.restart.auto.enable",
      type: "BOOLEAN",
      default: true,
      importance: "MEDIUM",
      documentation:
        "Restart a FAILED connector or task by itself, with exponential backoff. POST .../restart restarts at once and resets the backoff (Ferry-specific).",
    })
    .define({
      name: "task.restart.backoff.initial.ms",
      type: "LONG",
      default: 1000,
      importance: "LOW",
      documentation:
        "Wait before the first automatic restart; doubled for each further failure (Ferry-specific).",
      check: atLeast(0),
    })
    .define({
      name: "task.restart.backoff.max.ms",
      type: "LONG",
      default: 60000,
      importance: "LOW",
      documentation:
        "Cap of the automatic restart backoff. A unit that ran this long before failing starts again from the initial backoff (Ferry-specific).",
      check: atLeast(0),
    });
}

export function clusterSettings(values: Readonly<Record<string, unknown>>): ClusterSettings {
  const n = (k: string) => values[k] as number;
  return {
    leaseTtlMs: n("unit.lease.ttl.ms"),
    heartbeatTtlMs: n("worker.heartbeat.ttl.ms"),
    stallCheckIntervalMs: n("unit.stall.check.interval.ms"),
    autoRestart: values["task.restart.auto.enable"] as boolean,
    restartBackoffInitialMs: n("task.restart.backoff.initial.ms"),
    restartBackoffMaxMs: n("task.restart.backoff.max.ms"),
  };
}

/** Backoff before automatic restart number `attempt` (1 = after the first failure), capped. */
export function restartBackoffMs(s: ClusterSettings, attempt: number): number {
  const exp = s.restartBackoffInitialMs * 2 ** Math.max(0, Math.min(attempt - 1, 30));
  return Math.min(exp, s.restartBackoffMaxMs);
}
