/**
 * Statuses in memory, as Kafka's standalone MemoryStatusBackingStore. Fencing tokens are checked when the
 * write is made (there is no log to replay), with the same rule the Kafka store applies when reading.
 */
import { FenceTracker } from "./fencing.js";
import { Listeners, rethrowFirst } from "./listeners.js";
import { canWriteSafely, statusUnitKey } from "./status-rules.js";
import type { StatusStore, StatusUnit, StatusWriteOptions, UnitStatus } from "./types.js";

export class MemoryStatusStore implements StatusStore {
  private readonly connectorStatus = new Map<string, UnitStatus>();
  private readonly taskStatus = new Map<string, Map<number, UnitStatus>>();
  private readonly fences = new FenceTracker();
  private readonly stale = new Listeners<[StatusUnit, number, number]>();

  async start(): Promise<void> {}
  async readToEnd(): Promise<void> {}
  async stop(): Promise<void> {}

  async putConnector(name: string, status: UnitStatus, options?: StatusWriteOptions) {
    if (options?.safe && !canWriteSafely(this.connectorStatus.get(name), status)) return;
    if (!this.admit({ connector: name }, options?.fence)) return;
    this.connectorStatus.set(name, status);
  }
  async putTask(connector: string, task: number, status: UnitStatus, options?: StatusWriteOptions) {
    if (options?.safe && !canWriteSafely(this.task(connector, task), status)) return;
    if (!this.admit({ connector, task }, options?.fence)) return;
    let m = this.taskStatus.get(connector);
    if (!m) {
      m = new Map();
      this.taskStatus.set(connector, m);
    }
    m.set(task, status);
  }
  connector(name: string) {
    return this.connectorStatus.get(name);
  }
  task(connector: string, task: number) {
    return this.taskStatus.get(connector)?.get(task);
  }
  tasks(connector: string): ReadonlyMap<number, UnitStatus> {
    return new Map(this.taskStatus.get(connector) ?? []);
  }
  connectors(): string[] {
    return [...this.connectorStatus.keys()].sort();
  }
  async deleteConnector(name: string) {
    this.connectorStatus.delete(name);
    this.fences.reset(statusUnitKey({ connector: name }));
    for (const task of this.taskStatus.get(name)?.keys() ?? []) {
      this.fences.reset(statusUnitKey({ connector: name, task }));
    }
    this.taskStatus.delete(name);
  }
  highestFence(unit: StatusUnit): number | undefined {
    return this.fences.highest(statusUnitKey(unit));
  }
  onStaleWrite(listener: (unit: StatusUnit, token: number, highest: number) => void): () => void {
    return this.stale.add(listener);
  }

  private admit(unit: StatusUnit, fence: number | undefined): boolean {
    const verdict = this.fences.admit(statusUnitKey(unit), fence);
    if (verdict.admitted) return true;
    const errors = rethrowFirst();
    this.stale.emit(errors.onError, unit, fence ?? 0, verdict.highest);
    errors.check();
    return false;
  }
}
