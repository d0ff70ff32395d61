/**
 * `ferry chaos`'s REST client: connectors created, deleted and their statuses read through any live worker
 * of the local cluster, and the wait until every unit of the run's source and sink is RUNNING.
 */
import { z } from "zod";
import { sleep } from "../sleep.js";
import type { LocalCluster } from "./chaos-cluster.js";

const RUNNING_TIMEOUT_MS = 90_000;

const Status = z.object({
  connector: z.object({ state: z.string(), worker_id: z.string() }),
  tasks: z.array(z.object({ id: z.number(), state: z.string(), worker_id: z.string() })),
});
type Status = z.infer<typeof Status>;

export interface ChaosRest {
  readonly source: string;
  readonly sink: string;
  create(name: string, config: Record<string, string>): Promise<void>;
  del(name: string): Promise<void>;
  status(name: string): Promise<Status | null>;
}

/** REST calls go to any live worker; a worker that is going away is skipped for the next. */
export function chaosRest(cluster: LocalCluster, source: string, sink: string): ChaosRest {
  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; text: string }> {
    let last: unknown;
    for (let attempt = 0; attempt < 40; attempt++) {
      const live = cluster.live();
      const w = live[attempt % Math.max(1, live.length)];
      if (!w) throw new Error("no worker is running");
      try {
        const r = await fetch(w.url + path, {
          method,
          signal: AbortSignal.timeout(10_000),
          ...(body === undefined
            ? {}
            : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
        });
        const text = await r.text();
        // as Kafka's harness: 409 (rebalance) and 5xx from a worker going away are retried
        if (r.status === 409 || r.status >= 500) {
          last = new Error(`${method} ${path}: ${r.status} ${text}`);
        } else return { status: r.status, text };
      } catch (e) {
        last = e;
      }
      await sleep(250);
    }
    throw new Error(`${method} ${path} failed: ${(last as Error)?.message ?? last}`);
  }
  return {
    source,
    sink,
    async create(name, config) {
      const r = await call("POST", "/connectors", { name, config });
      if (r.status !== 201) throw new Error(`creating ${name}: ${r.status} ${r.text}`);
    },
    async del(name) {
      const r = await call("DELETE", `/connectors/${name}`);
      if (r.status !== 204 && r.status !== 404) throw new Error(`deleting ${name}: ${r.status} ${r.text}`);
    },
    async status(name) {
      const r = await call("GET", `/connectors/${name}/status`);
      if (r.status === 404) return null;
      if (r.status !== 200) throw new Error(`status of ${name}: ${r.status} ${r.text}`);
      return Status.parse(JSON.parse(r.text));
    },
  };
}

export type Unit = { name: string; task: number | null; worker: string; state: string };

/** Every unit of the run's source and sink, with its state and the worker running it. */
export async function units(rest: ChaosRest): Promise<Unit[]> {
  const out: Unit[] = [];
  for (const name of [rest.source, rest.sink]) {
    const s = await rest.status(name);
    if (!s) continue;
    out.push({ name, task: null, worker: s.connector.worker_id, state: s.connector.state });
    for (const t of s.tasks) out.push({ name, task: t.id, worker: t.worker_id, state: t.state });
  }
  return out;
}

export const unitKey = (u: { name: string; task: number | null }) => `${u.name}/${u.task ?? "connector"}`;

/** Until the source and the sink, with `tasks` tasks each, all run on live workers. */
export async function waitAllRunning(rest: ChaosRest, cluster: LocalCluster, tasks: number): Promise<void> {
  const deadline = Date.now() + RUNNING_TIMEOUT_MS;
  let last: Unit[] = [];
  for (;;) {
    const live = new Set(cluster.live().map((w) => w.id));
    last = await units(rest);
    const running = last.filter((u) => u.state === "RUNNING" && live.has(u.worker));
    if (running.length === 2 * (tasks + 1)) return;
    if (Date.now() > deadline)
      throw new Error(
        `not every unit RUNNING after ${RUNNING_TIMEOUT_MS} ms: ${last.map((u) => `${unitKey(u)}=${u.state}@${u.worker}`).join(", ")}`,
      );
    await sleep(100);
  }
}
