import { KafkaStatusStore } from "../../../src/state/kafka/kafka-status-store.js";
import { uniqueName } from "../../support/env.js";
import { runStatusStoreContract } from "./status-store.case.js";
import { deleteTopics, kafka, silentLogger } from "./support.js";

runStatusStoreContract(
  async () => {
    const topic = uniqueName("ferry-status");
    const open = async () => {
      const store = new KafkaStatusStore({ kafka: kafka(), topic, logger: silentLogger });
      await store.start();
      return store;
    };
    return { store: await open(), reopen: open, cleanup: () => deleteTopics(topic) };
  },
  { durable: true },
);
