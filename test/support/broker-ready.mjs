// Waits until the broker really serves topics: a broker that just started answers metadata requests but
// reports UNKNOWN_TOPIC_OR_PARTITION for new topics for a while, which kafkajs's helpers give up on.
// Creates a probe topic, waits for its leader, deletes it. Run by test/run after the services are up and the
// build (it reaches Kafka through Ferry's client port in dist/, as everything outside src/kafka does).
import { createKafka } from "../../dist/kafka/client.js";
import { createLogger } from "../../dist/log/logger.js";

const brokers = [process.env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092"];
const admin = createKafka({
  clientId: "ferry-broker-ready",
  brokers,
  logger: createLogger("broker-ready", "silent"),
  silent: true,
}).admin();
const topic = `ferry-broker-ready-${process.pid}-${Date.now()}`;
const deadline = Date.now() + 60_000;
await admin.connect();
try {
  await admin.createTopics({
    topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
    waitForLeaders: false,
  });
  for (;;) {
    const ok = await admin
      .fetchTopicMetadata({ topics: [topic] })
      .then((m) => (m.topics[0]?.partitions ?? []).some((p) => p.leader >= 0))
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline)
      throw new Error(`broker at ${brokers[0]} did not serve a new topic within 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await admin.deleteTopics({ topics: [topic] });
} finally {
  await admin.disconnect();
}
