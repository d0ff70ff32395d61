/**
 * Kafka's test_bounce (reference §8.2, §8.3) through `ferry chaos`'s library: 3 distributed workers, a
 * VerifiableSource and a VerifiableSink with 3 tasks each, rounds that restart every worker in turn; per
 * source task the acknowledged seqnos, the topic (read_committed) and the sink's flushed seqnos are checked.
 * Required: no gaps and nothing lost ever; no duplicates on clean bounces; with exactly-once, no duplicates
 * in the topic even under SIGKILL; both sides past 1000 records. Then a broker restart and a Redis restart
 * mid-stream, on a private broker and a private Redis (the shared ones are never restarted): tasks wait,
 * resume, and lose nothing.
 */
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type ChaosResult, formatChaosResult } from "../../src/cli/chaos-report.js";
import { type ChaosOptions, runChaos } from "../../src/cli/chaos-run.js";
import { KAFKA_BOOTSTRAP, REDIS_URL } from "../support/env.js";
import { type PrivateKafka, privateKafka } from "../support/private-kafka.js";
import { type PrivateRedis, privateRedis } from "../support/private-redis.js";
import { runsDir } from "../support/worker-process.js";

const FERRY_MAIN = resolve(import.meta.dirname, "../../dist/cli/main.js");
const TIMEOUT = 600_000;

const base: ChaosOptions = {
  workers: 3,
  rounds: 2,
  mode: "clean",
  exactlyOnce: false,
  recordsPerSecond: 150,
  tasks: 3,
  bootstrap: KAFKA_BOOTSTRAP,
  redis: REDIS_URL,
  settleMs: 1_000,
  minRecords: 1_000,
  dir: join(runsDir, "bounce"),
  ferryMain: FERRY_MAIN,
  logLevel: "debug",
};

async function chaos(o: Partial<ChaosOptions>): Promise<ChaosResult> {
  const r = await runChaos({ ...base, ...o }, (line) => process.stderr.write(`[bounce] ${line}\n`));
  process.stderr.write(`${formatChaosResult(r)}\n`);
  return r;
}

function expectNoLossNoGaps(r: ChaosResult): void {
  for (const t of r.tasks) {
    expect(t.topic.gaps, `task ${t.task} topic gaps ${t.topic.firstGaps}`).toBe(0);
    expect(t.flushed.gaps, `task ${t.task} sink gaps ${t.flushed.firstGaps}`).toBe(0);
    expect(t.lostInTopic + t.lostInSink, `task ${t.task} lost`).toBe(0);
  }
}

describe("test_bounce: 3 workers, 3 source and 3 sink tasks", () => {
  it(
    "clean bounces (SIGTERM): no gaps, no duplicates, both sides past 1000 records",
    async () => {
      const r = await chaos({ mode: "clean" });
      expect(r.failovers).toHaveLength(6);
      expectNoLossNoGaps(r);
      for (const t of r.tasks) {
        expect(t.acked.gaps, `task ${t.task}`).toBe(0);
        expect(t.acked.duplicates + t.topic.duplicates, `task ${t.task} source duplicates`).toBe(0);
        expect(t.flushed.duplicates, `task ${t.task} sink duplicates`).toBe(0);
      }
      expect(r.violations).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "hard bounces (SIGKILL): no gaps, nothing lost, both sides past 1000 records",
    async () => {
      const r = await chaos({ mode: "hard" });
      expect(r.failovers).toHaveLength(6);
      expectNoLossNoGaps(r);
      for (const t of r.tasks) expect(t.acked.gaps, `task ${t.task}`).toBe(0);
      expect(r.violations).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "hard bounces with exactly-once: no gaps and no duplicates in the topic (read_committed)",
    async () => {
      const r = await chaos({ mode: "hard", exactlyOnce: true });
      expect(r.failovers).toHaveLength(6);
      expectNoLossNoGaps(r);
      for (const t of r.tasks) expect(t.topic.duplicates, `task ${t.task}`).toBe(0);
      expect(r.violations).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "hard bounces with exactly-once and transaction.boundary=interval: no gaps, no duplicates in the topic",
    async () => {
      const r = await chaos({
        mode: "hard",
        exactlyOnce: true,
        rounds: 1,
        minRecords: 500,
        sourceProperties: { "transaction.boundary": "interval", "transaction.boundary.interval.ms": "500" },
      });
      expect(r.failovers).toHaveLength(3);
      expectNoLossNoGaps(r);
      for (const t of r.tasks) expect(t.topic.duplicates, `task ${t.task}`).toBe(0);
      expect(r.violations).toEqual([]);
    },
    TIMEOUT,
  );
});

describe("infrastructure restarts mid-stream", () => {
  let kafka: PrivateKafka | undefined;
  let redis: PrivateRedis | undefined;
  afterAll(async () => {
    await kafka?.cleanup();
    await redis?.stop(true);
  });

  it(
    "a broker restart: tasks wait and resume, nothing lost",
    async () => {
      kafka = await privateKafka("bounce-broker");
      await kafka.start();
      const broker = kafka;
      const r = await chaos({
        rounds: 0,
        mode: "hard",
        bootstrap: broker.bootstrap,
        minRecords: 500,
        settleMs: 3_000,
        async disrupt() {
          await broker.stop();
          await new Promise((res) => setTimeout(res, 3_000));
          await broker.start();
        },
      });
      expectNoLossNoGaps(r);
      expect(r.violations).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    "a Redis restart (SIGKILL, empty on return): tasks keep running or resume, nothing lost",
    async () => {
      redis = await privateRedis("bounce-redis");
      await redis.start();
      const server = redis;
      const r = await chaos({
        rounds: 0,
        mode: "hard",
        redis: server.url,
        minRecords: 500,
        settleMs: 3_000,
        async disrupt() {
          await server.stop(true);
          await new Promise((res) => setTimeout(res, 3_000));
          await server.start();
        },
      });
      expectNoLossNoGaps(r);
      expect(r.violations).toEqual([]);
    },
    TIMEOUT,
  );
});
