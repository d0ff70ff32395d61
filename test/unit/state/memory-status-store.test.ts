import { MemoryStatusStore } from "../../../src/state/memory-status-store.js";
import { runStatusStoreContract } from "../../integration/state/status-store.case.js";

runStatusStoreContract(
  async () => {
    const store = new MemoryStatusStore();
    await store.start();
    return { store };
  },
  { durable: false },
);
