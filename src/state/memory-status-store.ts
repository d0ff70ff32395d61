import type { StatusStore, UnitStatus } from "./types.js";

/** Statuses in memory, as Kafka's standalone MemoryStatusBackingStore. */
export class MemoryStatusStore implements StatusStore {
  private readonly connectorStatus = new Map<string, UnitStatus>();
  private readonly taskStatus = new Map<string, Map<number, UnitStatus>>();

  async putConnector(name: string, status: UnitStatus) {
    this.connectorStatus.set(name, status);
  }
  async putTask(connector: string, task: number, status: UnitStatus) {
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
    return this.taskStatus.get(connector) ?? new Map();
  }
  async deleteConnector(name: string) {
    this.connectorStatus.delete(name);
    this.taskStatus.delete(name);
  }
}
