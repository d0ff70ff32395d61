/**
 * The cluster's two unit queues: connector instances and tasks. They are balanced separately, as Kafka
 * Connect balances connectors and tasks: a connector instance is light and a task does the work, so a
 * worker's fair share is a share of each (ceil(count ÷ live workers)), not of their sum.
 */
import { UnitQueue, type UnitQueueOptions } from "./unit-queue.js";

export type UnitKind = "connector" | "task";
export const UNIT_KINDS: readonly UnitKind[] = ["connector", "task"];

export const kindOf = (unit: string): UnitKind => (unit.startsWith("connector:") ? "connector" : "task");

export class UnitQueues {
  private readonly queues: Record<UnitKind, UnitQueue>;

  constructor(o: Omit<UnitQueueOptions, "queueName">) {
    this.queues = {
      connector: new UnitQueue({ ...o, queueName: "connectors" }),
      task: new UnitQueue({ ...o, queueName: "tasks" }),
    };
  }

  private of(unit: string): UnitQueue {
    return this.queues[kindOf(unit)];
  }

  async start(): Promise<void> {
    await Promise.all(UNIT_KINDS.map((k) => this.queues[k].start()));
  }

  setCapacity(kind: UnitKind, n: number): void {
    this.queues[kind].setCapacity(n);
  }

  getCapacity(kind: UnitKind): number {
    return this.queues[kind].getCapacity();
  }

  holds(unit: string): boolean {
    return this.of(unit).holds(unit);
  }

  /** the units whose jobs this worker holds, of one kind or both */
  units(kind?: UnitKind): string[] {
    return kind ? this.queues[kind].units() : UNIT_KINDS.flatMap((k) => this.queues[k].units());
  }

  done(unit: string): Promise<void> {
    return this.of(unit).done(unit);
  }

  handBack(unit: string, cooldownMs = 0): Promise<void> {
    return this.of(unit).handBack(unit, cooldownMs);
  }

  retryLater(unit: string, delayMs: number): Promise<void> {
    return this.of(unit).retryLater(unit, delayMs);
  }

  promote(unit: string): Promise<boolean> {
    return this.of(unit).promote(unit);
  }

  async reconcile(wanted: ReadonlySet<string>): Promise<{ added: number; removed: number }> {
    const results = await Promise.all(
      UNIT_KINDS.map((k) => this.queues[k].reconcile(new Set([...wanted].filter((u) => kindOf(u) === k)))),
    );
    return {
      added: results.reduce((n, r) => n + r.added, 0),
      removed: results.reduce((n, r) => n + r.removed, 0),
    };
  }

  async depth(): Promise<{ waiting: number; delayed: number; active: number }> {
    const [a, b] = await Promise.all(UNIT_KINDS.map((k) => this.queues[k].depth()));
    return {
      waiting: (a?.waiting ?? 0) + (b?.waiting ?? 0),
      delayed: (a?.delayed ?? 0) + (b?.delayed ?? 0),
      active: (a?.active ?? 0) + (b?.active ?? 0),
    };
  }

  stopFetching(): void {
    for (const k of UNIT_KINDS) this.queues[k].stopFetching();
  }

  async close(): Promise<void> {
    await Promise.all(UNIT_KINDS.map((k) => this.queues[k].close()));
  }
}
