/**
 * Connector and task configs in memory, as Kafka's standalone MemoryConfigBackingStore: the connectors given
 * on the command line are re-created at every start. Same semantics as KafkaConfigStore's view: target states
 * live beside the connector configs (a target state may be written before its connector), task configs are
 * kept across connector config updates, deleting a connector removes its tasks and target state.
 */
import type { TaskConfig } from "../api/connector.js";
import { Listeners, rethrowFirst } from "./listeners.js";
import type { ConfigChange, ConfigStore, RestartRequest, TargetState } from "./types.js";

interface Entry {
  config: Readonly<Record<string, string>>;
  tasks?: readonly TaskConfig[];
}

export class MemoryConfigStore implements ConfigStore {
  private readonly entries = new Map<string, Entry>();
  private readonly targets = new Map<string, TargetState>();
  private readonly listeners = new Listeners<[ConfigChange]>();

  async start(): Promise<void> {}
  async readToEnd(): Promise<void> {}
  async stop(): Promise<void> {}

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
    return this.targets.get(name) ?? "STARTED";
  }
  async putConnectorConfig(name: string, config: Record<string, string>, targetState?: TargetState) {
    if (targetState) this.setTarget(name, targetState);
    const prev = this.entries.get(name);
    this.entries.set(name, { config: { ...config }, tasks: prev?.tasks });
    this.emit({ kind: "connector-config", connector: name });
  }
  async putTaskConfigs(name: string, configs: TaskConfig[], _fence?: number) {
    const e = this.entries.get(name);
    if (!e) return;
    e.tasks = configs.map((c) => ({ ...c }));
    this.emit({ kind: "task-configs", connector: name });
  }
  async putTargetState(name: string, state: TargetState) {
    this.setTarget(name, state);
  }
  async putRestartRequest(name: string, request: RestartRequest) {
    this.emit({
      kind: "restart",
      connector: name,
      request: { includeTasks: request.includeTasks, onlyFailed: request.onlyFailed },
    });
  }
  async deleteConnector(name: string) {
    const existed = this.entries.delete(name);
    this.targets.delete(name);
    if (existed) this.emit({ kind: "connector-removed", connector: name });
  }
  onChange(listener: (change: ConfigChange) => void): () => void {
    return this.listeners.add(listener);
  }

  private setTarget(name: string, state: TargetState) {
    const prev = this.targetState(name);
    this.targets.set(name, state);
    // as Kafka: no event for a connector that does not exist (yet), nor for an unchanged state
    if (this.entries.has(name) && prev !== state) this.emit({ kind: "target-state", connector: name, state });
  }

  private emit(change: ConfigChange) {
    const errors = rethrowFirst();
    this.listeners.emit(errors.onError, change);
    errors.check();
  }
}
