/**
 * Connector and task configs in memory, as Kafka's standalone MemoryConfigBackingStore: the connectors given
 * on the command line are re-created at every start.
 */
import type { TaskConfig } from "../api/connector.js";
import type { ConfigStore, TargetState } from "./types.js";

interface Entry {
  config: Readonly<Record<string, string>>;
  tasks?: readonly TaskConfig[];
  target: TargetState;
}

export class MemoryConfigStore implements ConfigStore {
  private readonly entries = new Map<string, Entry>();

  connectors(): string[] {
    return [...this.entries.keys()].sort();
  }
  connectorConfig(name: string) {
    return this.entries.get(name)?.config;
  }
  taskConfigs(name: string) {
    return this.entries.get(name)?.tasks;
  }
  targetState(name: string): TargetState {
    return this.entries.get(name)?.target ?? "STARTED";
  }
  async putConnectorConfig(name: string, config: Record<string, string>, targetState?: TargetState) {
    const prev = this.entries.get(name);
    this.entries.set(name, {
      config: { ...config },
      tasks: prev?.tasks,
      target: targetState ?? prev?.target ?? "STARTED",
    });
  }
  async putTaskConfigs(name: string, configs: TaskConfig[]) {
    const e = this.entries.get(name);
    if (e) e.tasks = configs.map((c) => ({ ...c }));
  }
  async putTargetState(name: string, state: TargetState) {
    const e = this.entries.get(name);
    if (e) e.target = state;
  }
  async deleteConnector(name: string) {
    this.entries.delete(name);
  }
}
