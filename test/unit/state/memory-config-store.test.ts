import { MemoryConfigStore } from "../../../src/state/memory-config-store.js";
import { runConfigStoreContract } from "../../integration/state/config-store.case.js";

runConfigStoreContract(
  async () => {
    const store = new MemoryConfigStore();
    await store.start();
    return { store };
  },
  { durable: false },
);
