/**
 * src/kafka/stale-member-eviction.ts through its user, a state-topic reader (KafkaLog), on a private broker
 * that is stopped and started again. kafkajs's retries are set low, so the reader's consumer crashes around
 * the outage and comes back as a new group member (restarted by kafkajs, or made anew by KafkaLog) while
 * the restarted coordinator still lists the old one. Without the eviction its join waits for the old
 * member's session; with it, the log reads new writes again within a few seconds of the broker. The session
 * is set to 60 s so that the bound (half of it, ten times the few seconds the eviction takes) tells the two
 * apart on a busy machine too.
 */
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, expect, it, vi } from "vitest";
import { createKafka } from "../../../src/kafka/client.js";
import { KafkaLog } from "../../../src/state/kafka/kafka-log.js";
import { uniqueName } from "../../support/env.js";
import { type PrivateKafka, privateKafka } from "../../support/private-kafka.js";

const SESSION_MS = 60_000;

let broker: PrivateKafka | undefined;
let log: KafkaLog | undefined;
afterAll(async () => {
  await log?.stop().catch(() => undefined);
  await broker?.cleanup();
});

it("a state-topic reader whose consumer crashed in a broker outage reads again without waiting out its old member's session", async () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split("\n")) if (l.startsWith("{")) lines.push(JSON.parse(l));
      done();
    },
  });
  const logger = pino({ level: "debug" }, sink);
  broker = await privateKafka("stale-member");
  await broker.start();
  const kafka = createKafka({
    brokers: [broker.bootstrap],
    clientId: uniqueName("stale-member"),
    logger,
    // give up fast, so that the reader's consumer crashes while the broker is away or still loading
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 },
  });
  const topic = uniqueName("stale-member");
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
  // a broker just started may not have its group coordinator yet, and the reader's client gives up fast:
  // wait for the coordinator (with kafkajs's default retries) before the reader starts
  const probe = createKafka({ brokers: [broker.bootstrap], clientId: uniqueName("stale-probe"), logger });
  const probeAdmin = probe.admin();
  await probeAdmin.connect();
  await vi.waitFor(() => probeAdmin.describeGroups([`${topic}-probe`]), { timeout: 60_000, interval: 500 });
  await probeAdmin.disconnect();
  await admin.disconnect();
  const seen: string[] = [];
  log = new KafkaLog({
    kafka,
    topic,
    logger,
    sessionTimeoutMs: SESSION_MS,
    onRecord: (r) => seen.push(String(r.value)),
  });
  await log.start();
  await log.send("k", "before");
  await log.readToEnd();
  // a few heartbeats so the group, with its member, is stored before the outage
  await new Promise((r) => setTimeout(r, 1_500));

  await broker.stop();
  await new Promise((r) => setTimeout(r, 2_000));
  await broker.start();
  const back = Date.now();
  const deadline = back + SESSION_MS;
  while (!seen.includes("after")) {
    if (Date.now() > deadline) throw new Error(`the log did not read a new write within ${SESSION_MS} ms`);
    try {
      await log.send("k", "after");
      await log.readToEnd(1_000);
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const resumedMs = Date.now() - back;
  const crashed = lines.some((l) => /consumer crashed|stopped for good/.test(String(l.msg)));
  const evicted = lines.filter((l) => l.wasMember === true && /evicted/.test(String(l.msg)));
  process.stderr.write(
    `reader back ${resumedMs} ms after the broker; crashed ${crashed}, evictions ${evicted.length}\n`,
  );
  expect(crashed, "the reader's consumer crashed during the outage").toBe(true);
  expect(evicted.length, "the crashed member was evicted").toBeGreaterThan(0);
  // the bound is the behaviour: back without waiting out the old member's session
  expect(resumedMs).toBeLessThan(SESSION_MS / 2);
}, 180_000);
