/**
 * What the cluster tests look at: who runs which unit (GET /connectors?expand=status), and the ownership
 * journal every worker writes to its log ("unit started" / "unit stopped" with the unit and the time),
 * checked for instants with two running owners.
 */
import { readFile } from "node:fs/promises";
import type { ClusterWorker } from "./support.js";

export interface UnitView {
  readonly state: string;
  readonly worker: string;
  readonly attempts?: number;
}

interface StatusBody {
  status: {
    connector: { state: string; worker_id: string; attempts?: number };
    tasks: { id: number; state: string; worker_id: string; attempts?: number }[];
  };
}

/** unit (connector:<c> / task:<c>:<n>) → state and worker, as one worker sees it */
export async function unitsSeenBy(url: string): Promise<Map<string, UnitView>> {
  const r = await fetch(`${url}/connectors?expand=status&ferry=true`);
  if (r.status !== 200) throw new Error(`GET /connectors?expand=status&ferry=true → ${r.status}`);
  const body = (await r.json()) as Record<string, StatusBody>;
  const out = new Map<string, UnitView>();
  for (const [name, { status }] of Object.entries(body)) {
    out.set(`connector:${name}`, {
      state: status.connector.state,
      worker: status.connector.worker_id,
      ...(status.connector.attempts ? { attempts: status.connector.attempts } : {}),
    });
    for (const t of status.tasks)
      out.set(`task:${name}:${t.id}`, {
        state: t.state,
        worker: t.worker_id,
        ...(t.attempts ? { attempts: t.attempts } : {}),
      });
  }
  return out;
}

/** true when `expected` units are all RUNNING and none on a worker in `not` */
export function allRunning(units: Map<string, UnitView>, expected: number, not: string[] = []): boolean {
  if (units.size !== expected) return false;
  for (const u of units.values()) if (u.state !== "RUNNING" || not.includes(u.worker)) return false;
  return true;
}

/** units per worker id */
export function shares(units: Map<string, UnitView>): Map<string, number> {
  const out = new Map<string, number>();
  for (const u of units.values()) out.set(u.worker, (out.get(u.worker) ?? 0) + 1);
  return out;
}

export interface JournalEvent {
  readonly unit: string;
  readonly kind: "start" | "stop";
  readonly worker: string;
  readonly at: number;
}

/** The ownership journal from the workers' log files. */
export async function readJournal(workers: readonly ClusterWorker[]): Promise<JournalEvent[]> {
  const out: JournalEvent[] = [];
  for (const w of workers) {
    for (const file of w.logs) {
      const text = await readFile(file, "utf8").catch(() => "");
      for (const line of text.split("\n")) {
        if (!line.includes('"journal"')) continue;
        let e: { journal?: string; unit?: string; time?: string | number };
        try {
          e = JSON.parse(line);
        } catch {
          continue;
        }
        if ((e.journal !== "start" && e.journal !== "stop") || !e.unit || e.time === undefined) continue;
        out.push({ unit: e.unit, kind: e.journal, worker: w.id, at: new Date(e.time).getTime() });
      }
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * Instants when a unit had two running owners. A worker killed with SIGKILL writes no "stop": pass when
 * each was killed (`deaths`: worker id → kill times), which closes whatever it ran at that instant.
 */
export function doubleOwnership(
  events: readonly JournalEvent[],
  deaths: ReadonlyMap<string, readonly number[]> = new Map(),
): string[] {
  const all: JournalEvent[] = [...events];
  for (const [worker, times] of deaths) {
    for (const at of times) {
      // close every unit this worker had open at its death
      const open = new Map<string, boolean>();
      for (const e of events) {
        if (e.worker !== worker || e.at > at) continue;
        open.set(e.unit, e.kind === "start");
      }
      for (const [unit, isOpen] of open) if (isOpen) all.push({ unit, kind: "stop", worker, at });
    }
  }
  all.sort((a, b) => a.at - b.at || (a.kind === "stop" ? -1 : 1));
  const owners = new Map<string, Set<string>>();
  const violations: string[] = [];
  for (const e of all) {
    const set = owners.get(e.unit) ?? new Set<string>();
    owners.set(e.unit, set);
    if (e.kind === "stop") {
      set.delete(e.worker);
      continue;
    }
    const others = [...set].filter((w) => w !== e.worker);
    if (others.length > 0)
      violations.push(`${e.unit} started on ${e.worker} at ${e.at} while ${others.join(",")} ran it`);
    set.add(e.worker);
  }
  return violations;
}

/**
 * Every worker in `workerIds` runs its fair share of connector instances and of tasks (each kind is
 * balanced on its own): between floor and ceil of count ÷ workers.
 */
export function balancedByKind(units: Map<string, UnitView>, workerIds: readonly string[]): boolean {
  for (const kind of ["connector:", "task:"]) {
    const of = [...units].filter(([k]) => k.startsWith(kind));
    const lo = Math.floor(of.length / workerIds.length);
    const hi = Math.ceil(of.length / workerIds.length);
    for (const w of workerIds) {
      const n = of.filter(([, v]) => v.worker === w).length;
      if (n < lo || n > hi) return false;
    }
  }
  return true;
}
