// Waits until the broker really serves topics: a broker that just started answers metadata requests but
// reports UNKNOWN_TOPIC_OR_PARTITION for new topics for a while, which kafkajs's helpers give up on.
// Creates a probe topic, waits for its leader, deletes it. Run by test/run after the services are up.
import { Kafka, logLevel } from "kafkajs";

const brokers = [process.env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092"];
const admin = new Kafka({ clientId: "ferry-broker-ready", brokers, logLevel: logLevel.NOTHING }).admin();
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
