/**
 * The ConfigStore contract, run against every implementation (memory in test/unit/state, Kafka in
 * test/integration/state), in the manner of Hono's shared router tests.
 */
import { describe, expect, it } from "vitest";
import type { ConfigChange, ConfigStore } from "../../../src/state/types.js";
import { type ContractOptions, type MakeStore, useStores } from "./contract.js";

export function runConfigStoreContract(makeStore: MakeStore<ConfigStore>, options: ContractOptions): void {
  const stores = useStores(makeStore);

  describe("ConfigStore contract", () => {
    it("starts empty", async () => {
      const { store } = await stores.make();
      expect(store.connectors()).toEqual([]);
      expect(store.connectorConfig("a")).toBeUndefined();
      expect(store.taskConfigs("a")).toBeUndefined();
      expect(store.targetState("a")).toBe("STARTED");
      await store.readToEnd();
    });

    it("stores a connector config; tasks are undefined until generated; target state defaults to STARTED", async () => {
      const { store } = await stores.make();
      const config = { name: "src", "connector.class": "FileStreamSource", file: "/tmp/ä €.txt" };
      await store.putConnectorConfig("src", config);
      config.file = "changed after the write";
      expect(store.connectors()).toEqual(["src"]);
      expect(store.connectorConfig("src")).toEqual({
        name: "src",
        "connector.class": "FileStreamSource",
        file: "/tmp/ä €.txt",
      });
      expect(store.taskConfigs("src")).toBeUndefined();
      expect(store.targetState("src")).toBe("STARTED");
    });

    it("lists connectors sorted", async () => {
      const { store } = await stores.make();
      for (const n of ["b", "a", "c-1"]) await store.putConnectorConfig(n, { name: n });
      expect(store.connectors()).toEqual(["a", "b", "c-1"]);
    });

    it("creates a connector in the initial target state given", async () => {
      const { store } = await stores.make();
      await store.putConnectorConfig("p", { name: "p" }, "PAUSED");
      await store.putConnectorConfig("s", { name: "s" }, "STOPPED");
      expect(store.targetState("p")).toBe("PAUSED");
      expect(store.targetState("s")).toBe("STOPPED");
    });

    it("keeps the target state and task configs when the connector config is updated", async () => {
      const { store } = await stores.make();
      await store.putConnectorConfig("c", { name: "c", v: "1" }, "PAUSED");
      await store.putTaskConfigs("c", [{ t: "0" }]);
      await store.putConnectorConfig("c", { name: "c", v: "2" });
      expect(store.connectorConfig("c")).toEqual({ name: "c", v: "2" });
      expect(store.targetState("c")).toBe("PAUSED");
      expect(store.taskConfigs("c")).toEqual([{ t: "0" }]);
    });

    it("stores task configs, replaces them as a whole, and stores zero tasks", async () => {
      const { store } = await stores.make();
      await store.putConnectorConfig("c", { name: "c" });
      const tasks: Record<string, string>[] = [{ task: "0", file: "a" }, { task: "1" }, { task: "2" }];
      await store.putTaskConfigs("c", tasks);
      tasks[0] = { task: "mutated" };
      expect(store.taskConfigs("c")).toEqual([{ task: "0", file: "a" }, { task: "1" }, { task: "2" }]);
      await store.putTaskConfigs("c", [{ task: "new-0" }]);
      expect(store.taskConfigs("c")).toEqual([{ task: "new-0" }]);
      await store.putTaskConfigs("c", []);
      expect(store.taskConfigs("c")).toEqual([]);
    });

    it("ignores task configs for a connector that does not exist", async () => {
      const { store } = await stores.make();
      await store.putTaskConfigs("ghost", [{ a: "b" }]);
      expect(store.taskConfigs("ghost")).toBeUndefined();
      expect(store.connectors()).toEqual([]);
    });

    it("changes the target state", async () => {
      const { store } = await stores.make();
      await store.putConnectorConfig("c", { name: "c" });
      for (const s of ["PAUSED", "STOPPED", "STARTED"] as const) {
        await store.putTargetState("c", s);
        expect(store.targetState("c")).toBe(s);
      }
    });

    it("deletes a connector with its tasks and target state; re-creating starts afresh", async () => {
      const { store } = await stores.make();
      await store.putConnectorConfig("c", { name: "c" }, "PAUSED");
      await store.putTaskConfigs("c", [{ t: "0" }, { t: "1" }]);
      await store.putConnectorConfig("other", { name: "other" });
      await store.deleteConnector("c");
      expect(store.connectors()).toEqual(["other"]);
      expect(store.connectorConfig("c")).toBeUndefined();
      expect(store.taskConfigs("c")).toBeUndefined();
      expect(store.targetState("c")).toBe("STARTED");
      await store.putConnectorConfig("c", { name: "c", again: "yes" });
      expect(store.connectorConfig("c")).toEqual({ name: "c", again: "yes" });
      expect(store.taskConfigs("c")).toBeUndefined();
      expect(store.targetState("c")).toBe("STARTED");
    });

    it("keeps connectors whose names contain dashes and digits apart", async () => {
      const { store } = await stores.make();
      await store.putConnectorConfig("my-conn", { name: "my-conn" });
      await store.putConnectorConfig("my-conn-1", { name: "my-conn-1" });
      await store.putTaskConfigs("my-conn", [{ owner: "my-conn/0" }, { owner: "my-conn/1" }]);
      await store.putTaskConfigs("my-conn-1", [{ owner: "my-conn-1/0" }]);
      expect(store.taskConfigs("my-conn")).toEqual([{ owner: "my-conn/0" }, { owner: "my-conn/1" }]);
      expect(store.taskConfigs("my-conn-1")).toEqual([{ owner: "my-conn-1/0" }]);
      await store.deleteConnector("my-conn");
      expect(store.taskConfigs("my-conn-1")).toEqual([{ owner: "my-conn-1/0" }]);
    });

    it("tells listeners about every change, before the write resolves", async () => {
      const { store } = await stores.make();
      const seen: ConfigChange[] = [];
      const off = store.onChange((c) => seen.push(c));
      await store.putConnectorConfig("c", { name: "c" });
      expect(seen).toEqual([{ kind: "connector-config", connector: "c" }]);
      await store.putTargetState("c", "PAUSED");
      await store.putTaskConfigs("c", [{ t: "0" }]);
      await store.putRestartRequest("c", { includeTasks: true, onlyFailed: false });
      await store.deleteConnector("c");
      expect(seen).toEqual([
        { kind: "connector-config", connector: "c" },
        { kind: "target-state", connector: "c", state: "PAUSED" },
        { kind: "task-configs", connector: "c" },
        { kind: "restart", connector: "c", request: { includeTasks: true, onlyFailed: false } },
        { kind: "connector-removed", connector: "c" },
      ]);
      off();
      await store.putConnectorConfig("d", { name: "d" });
      expect(seen).toHaveLength(5);
    });

    it("reports no target-state change for a connector created with an initial state", async () => {
      const { store } = await stores.make();
      const seen: ConfigChange[] = [];
      store.onChange((c) => seen.push(c));
      await store.putConnectorConfig("c", { name: "c" }, "PAUSED");
      expect(seen).toEqual([{ kind: "connector-config", connector: "c" }]);
      await store.putTargetState("c", "PAUSED");
      expect(seen).toHaveLength(1);
    });

    it("keeps calling the other listeners when one throws", async () => {
      const { store } = await stores.make();
      const seen: string[] = [];
      store.onChange(() => {
        throw new Error("listener bug");
      });
      store.onChange((c) => seen.push(c.kind));
      await store.putConnectorConfig("c", { name: "c" }).catch(() => undefined);
      expect(seen).toEqual(["connector-config"]);
      expect(store.connectorConfig("c")).toEqual({ name: "c" });
    });

    it.runIf(options.durable)("a second instance over the same storage rebuilds the same view", async () => {
      const { store, reopen } = await stores.makeDurable();
      await store.putConnectorConfig("a", { name: "a", k: "v" }, "STOPPED");
      await store.putTaskConfigs("a", []);
      await store.putConnectorConfig("b-2", { name: "b-2" });
      await store.putTaskConfigs("b-2", [{ t: "0" }, { t: "1" }]);
      await store.putTaskConfigs("b-2", [{ t: "only" }]);
      await store.putTargetState("b-2", "PAUSED");
      await store.putConnectorConfig("gone", { name: "gone" });
      await store.putTaskConfigs("gone", [{ t: "0" }]);
      await store.deleteConnector("gone");
      const second = await reopen();
      for (const s of [store, second]) {
        expect(s.connectors()).toEqual(["a", "b-2"]);
        expect(s.connectorConfig("a")).toEqual({ name: "a", k: "v" });
        expect(s.targetState("a")).toBe("STOPPED");
        expect(s.taskConfigs("a")).toEqual([]);
        expect(s.taskConfigs("b-2")).toEqual([{ t: "only" }]);
        expect(s.targetState("b-2")).toBe("PAUSED");
        expect(s.taskConfigs("gone")).toBeUndefined();
      }
      // and it follows the first one's later writes
      await store.putConnectorConfig("late", { name: "late" });
      await second.readToEnd();
      expect(second.connectorConfig("late")).toEqual({ name: "late" });
    });
  });
}
