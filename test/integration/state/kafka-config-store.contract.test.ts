import { KafkaConfigStore } from "../../../src/state/kafka/kafka-config-store.js";
import { uniqueName } from "../../support/env.js";
import { runConfigStoreContract } from "./config-store.case.js";
import { deleteTopics, kafka, silentLogger } from "./support.js";

runConfigStoreContract(
  async () => {
    const topic = uniqueName("ferry-configs");
    const open = async () => {
      const store = new KafkaConfigStore({ kafka: kafka(), topic, logger: silentLogger });
      await store.start();
      return store;
    };
    return { store: await open(), reopen: open, cleanup: () => deleteTopics(topic) };
  },
  { durable: true },
);
