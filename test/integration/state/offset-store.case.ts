/** The OffsetStore contract, run against the file store (unit) and the Kafka store (integration). */
import { describe, expect, it } from "vitest";
import type { OffsetStore } from "../../../src/state/types.js";
import { type ContractOptions, type MakeStore, useStores } from "./contract.js";

const byFile = (a: { partition: Record<string, unknown> }, b: { partition: Record<string, unknown> }) =>
  String(a.partition.file).localeCompare(String(b.partition.file));

export function runOffsetStoreContract(makeStore: MakeStore<OffsetStore>, options: ContractOptions): void {
  const stores = useStores(makeStore);

  describe("OffsetStore contract", () => {
    it("starts empty", async () => {
      const { store } = await stores.make();
      expect(store.get("c", { file: "a" })).toBeNull();
      expect(store.list("c")).toEqual([]);
      await store.readToEnd();
    });

    it("stores offsets per connector and source partition", async () => {
      const { store } = await stores.make();
      await store.put("c", [
        { partition: { file: "a" }, offset: { position: 1 } },
        { partition: { file: "b" }, offset: { position: 2, note: "ü" } },
      ]);
      await store.put("d", [{ partition: { file: "a" }, offset: { position: 99 } }]);
      expect(store.get("c", { file: "a" })).toEqual({ position: 1 });
      expect(store.get("c", { file: "b" })).toEqual({ position: 2, note: "ü" });
      expect(store.get("d", { file: "a" })).toEqual({ position: 99 });
      expect(store.get("c", { file: "z" })).toBeNull();
      expect(store.list("c").sort(byFile)).toEqual([
        { partition: { file: "a" }, offset: { position: 1 } },
        { partition: { file: "b" }, offset: { position: 2, note: "ü" } },
      ]);
      expect(store.list("d")).toEqual([{ partition: { file: "a" }, offset: { position: 99 } }]);
    });

    it("names one source partition whatever the order of its keys", async () => {
      const { store } = await stores.make();
      await store.put("c", [{ partition: { db: "x", table: "t" }, offset: { id: 1 } }]);
      expect(store.get("c", { table: "t", db: "x" })).toEqual({ id: 1 });
      await store.put("c", [{ partition: { table: "t", db: "x" }, offset: { id: 2 } }]);
      expect(store.get("c", { db: "x", table: "t" })).toEqual({ id: 2 });
      expect(store.list("c")).toHaveLength(1);
    });

    it("overwrites, and deletes with a null offset", async () => {
      const { store } = await stores.make();
      await store.put("c", [{ partition: { file: "a" }, offset: { position: 1 } }]);
      await store.put("c", [{ partition: { file: "a" }, offset: { position: 5 } }]);
      expect(store.get("c", { file: "a" })).toEqual({ position: 5 });
      await store.put("c", [
        { partition: { file: "a" }, offset: null },
        { partition: { file: "b" }, offset: { position: 3 } },
      ]);
      expect(store.get("c", { file: "a" })).toBeNull();
      expect(store.list("c")).toEqual([{ partition: { file: "b" }, offset: { position: 3 } }]);
    });

    it("applies the entries of one put in order", async () => {
      const { store } = await stores.make();
      await store.put("c", [
        { partition: { file: "a" }, offset: { position: 1 } },
        { partition: { file: "a" }, offset: { position: 2 } },
        { partition: { file: "a" }, offset: { position: 3 } },
      ]);
      expect(store.get("c", { file: "a" })).toEqual({ position: 3 });
    });

    it("keeps the order of concurrent puts", async () => {
      const { store } = await stores.make();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.put("c", [{ partition: { file: "a" }, offset: { position: i } }]),
        ),
      );
      expect(store.get("c", { file: "a" })).toEqual({ position: 19 });
    });

    it("stores many partitions in one put", async () => {
      const { store } = await stores.make();
      const entries = Array.from({ length: 2000 }, (_, i) => ({
        partition: { file: `f${i}`, pad: "x".repeat(300) },
        offset: { position: i },
      }));
      await store.put("bulk", entries);
      expect(store.list("bulk")).toHaveLength(2000);
      expect(store.get("bulk", { pad: "x".repeat(300), file: "f1234" })).toEqual({ position: 1234 });
    });

    it.runIf(options.durable)("a second instance over the same storage rebuilds the same view", async () => {
      const { store, reopen } = await stores.makeDurable();
      await store.put("c", [
        { partition: { file: "a" }, offset: { position: 10 } },
        { partition: { file: "b", n: 1 }, offset: { position: 20, nested: { deep: [1, 2] } } },
        { partition: { file: "gone" }, offset: { position: 1 } },
      ]);
      await store.put("c", [{ partition: { file: "gone" }, offset: null }]);
      await store.stop();
      const second = await reopen();
      expect(second.get("c", { file: "a" })).toEqual({ position: 10 });
      expect(second.get("c", { n: 1, file: "b" })).toEqual({ position: 20, nested: { deep: [1, 2] } });
      expect(second.get("c", { file: "gone" })).toBeNull();
      expect(second.list("c")).toHaveLength(2);
    });
  });
}
