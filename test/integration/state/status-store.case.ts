/** The StatusStore contract, run against the memory store (unit) and the Kafka store (integration). */
import { describe, expect, it } from "vitest";
import type { StatusStore, StatusUnit, UnitStatus } from "../../../src/state/types.js";
import { type ContractOptions, type MakeStore, useStores } from "./contract.js";

const running = (workerId = "w1:8083", generation = 1): UnitStatus => ({
  state: "RUNNING",
  trace: null,
  workerId,
  generation,
});

export function runStatusStoreContract(makeStore: MakeStore<StatusStore>, options: ContractOptions): void {
  const stores = useStores(makeStore);

  describe("StatusStore contract", () => {
    it("starts empty", async () => {
      const { store } = await stores.make();
      expect(store.connector("c")).toBeUndefined();
      expect(store.task("c", 0)).toBeUndefined();
      expect(store.tasks("c").size).toBe(0);
      expect(store.connectors()).toEqual([]);
      expect(store.highestFence({ connector: "c" })).toBeUndefined();
    });

    it("stores connector and task statuses, the last write winning", async () => {
      const { store } = await stores.make();
      await store.putConnector("c", running());
      await store.putTask("c", 0, running());
      await store.putTask("c", 1, {
        state: "FAILED",
        trace: "java.lang.Oops\n\tat x(Y.java:1) ✗",
        workerId: "w2",
        generation: 7,
      });
      await store.putConnector("c", { state: "PAUSED", trace: null, workerId: "w1:8083", generation: 2 });
      expect(store.connector("c")).toEqual({
        state: "PAUSED",
        trace: null,
        workerId: "w1:8083",
        generation: 2,
      });
      expect(store.task("c", 0)).toEqual(running());
      expect(store.task("c", 1)).toEqual({
        state: "FAILED",
        trace: "java.lang.Oops\n\tat x(Y.java:1) ✗",
        workerId: "w2",
        generation: 7,
      });
      expect([...store.tasks("c").keys()].sort()).toEqual([0, 1]);
      expect(store.connectors()).toEqual(["c"]);
    });

    it("keeps connectors whose names contain dashes apart", async () => {
      const { store } = await stores.make();
      await store.putTask("a-b", 1, running("x"));
      await store.putTask("a", 1, running("y"));
      await store.putTask("a-b-1", 0, running("z"));
      expect(store.task("a-b", 1)?.workerId).toBe("x");
      expect(store.task("a", 1)?.workerId).toBe("y");
      expect(store.task("a-b-1", 0)?.workerId).toBe("z");
      expect(store.tasks("a-b").size).toBe(1);
    });

    it("deletes a connector's status and its tasks' statuses only", async () => {
      const { store } = await stores.make();
      await store.putConnector("c", running());
      await store.putTask("c", 0, running());
      await store.putTask("c", 1, running());
      await store.putConnector("d", running());
      await store.putTask("d", 0, running());
      await store.deleteConnector("c");
      expect(store.connector("c")).toBeUndefined();
      expect(store.task("c", 0)).toBeUndefined();
      expect(store.tasks("c").size).toBe(0);
      expect(store.connector("d")).toEqual(running());
      expect(store.task("d", 0)).toEqual(running());
      expect(store.connectors()).toEqual(["d"]);
    });

    it("writes safely as Kafka's putSafe: same worker, or a generation not lower", async () => {
      const { store } = await stores.make();
      await store.putTask("c", 0, running("w1", 5), { safe: true });
      expect(store.task("c", 0)).toEqual(running("w1", 5));
      // another worker, older generation: skipped
      await store.putTask(
        "c",
        0,
        { state: "UNASSIGNED", trace: null, workerId: "w2", generation: 4 },
        { safe: true },
      );
      expect(store.task("c", 0)).toEqual(running("w1", 5));
      // same worker: written
      await store.putTask(
        "c",
        0,
        { state: "FAILED", trace: "t", workerId: "w1", generation: 3 },
        { safe: true },
      );
      expect(store.task("c", 0)?.state).toBe("FAILED");
      // another worker, same generation: written
      await store.putTask("c", 0, running("w2", 5), { safe: true });
      expect(store.task("c", 0)).toEqual(running("w2", 5));
      await store.putConnector("c", running("w1", 9));
      await store.putConnector("c", running("w2", 8), { safe: true });
      expect(store.connector("c")).toEqual(running("w1", 9));
    });

    it("drops a status whose fencing token is lower than the highest seen, and says so", async () => {
      const { store } = await stores.make();
      const stale: [StatusUnit, number, number][] = [];
      store.onStaleWrite((unit, token, highest) => stale.push([unit, token, highest]));
      await store.putTask("c", 0, running("owner-1", 1), { fence: 3 });
      await store.putTask("c", 0, running("owner-2", 1), { fence: 5 });
      await store.putTask("c", 0, running("owner-1", 1), { fence: 3 });
      expect(store.task("c", 0)?.workerId).toBe("owner-2");
      expect(store.highestFence({ connector: "c", task: 0 })).toBe(5);
      expect(stale).toEqual([[{ connector: "c", task: 0 }, 3, 5]]);
      // a write without a token (a delete, Kafka Connect) always applies and keeps the highest token
      await store.putTask("c", 0, running("herder", 1));
      expect(store.task("c", 0)?.workerId).toBe("herder");
      expect(store.highestFence({ connector: "c", task: 0 })).toBe(5);
      // the connector's token is separate from its tasks'
      await store.putConnector("c", running("conn-owner"), { fence: 1 });
      expect(store.connector("c")?.workerId).toBe("conn-owner");
      expect(store.highestFence({ connector: "c" })).toBe(1);
      // deleting forgets the tokens, as a reader after compaction would
      await store.deleteConnector("c");
      expect(store.highestFence({ connector: "c", task: 0 })).toBeUndefined();
      await store.putTask("c", 0, running("new"), { fence: 1 });
      expect(store.task("c", 0)?.workerId).toBe("new");
    });

    it.runIf(options.durable)("a second instance over the same storage rebuilds the same view", async () => {
      const { store, reopen } = await stores.makeDurable();
      await store.putConnector("c", running());
      await store.putTask(
        "c",
        0,
        { state: "FAILED", trace: "boom", workerId: "w9", generation: 2 },
        { fence: 4 },
      );
      await store.putTask("c", 1, running());
      await store.putConnector("gone", running());
      await store.putTask("gone", 0, running());
      await store.deleteConnector("gone");
      const second = await reopen();
      expect(second.connector("c")).toEqual(running());
      expect(second.task("c", 0)).toEqual({ state: "FAILED", trace: "boom", workerId: "w9", generation: 2 });
      expect(second.task("c", 1)).toEqual(running());
      expect(second.highestFence({ connector: "c", task: 0 })).toBe(4);
      expect(second.connector("gone")).toBeUndefined();
      expect(second.tasks("gone").size).toBe(0);
      expect(second.connectors()).toEqual(["c"]);
    });
  });
}
