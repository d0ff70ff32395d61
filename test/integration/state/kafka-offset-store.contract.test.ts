import { KafkaOffsetStore } from "../../../src/state/kafka/kafka-offset-store.js";
import { uniqueName } from "../../support/env.js";
import { runOffsetStoreContract } from "./offset-store.case.js";
import { deleteTopics, kafka, silentLogger } from "./support.js";

runOffsetStoreContract(
  async () => {
    const topic = uniqueName("ferry-offsets");
    const open = async () => {
      const store = new KafkaOffsetStore({ kafka: kafka(), topic, logger: silentLogger });
      await store.start();
      return store;
    };
    return { store: await open(), reopen: open, cleanup: () => deleteTopics(topic) };
  },
  { durable: true },
);
