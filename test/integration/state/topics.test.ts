/** Creating and checking the internal topics on the real broker. */
import { afterAll, describe, expect, it } from "vitest";
import { type KafkaAdmin, TOPIC_CONFIG_RESOURCE } from "../../../src/kafka/types.js";
import { KafkaConfigStore } from "../../../src/state/kafka/kafka-config-store.js";
import { KafkaOffsetStore } from "../../../src/state/kafka/kafka-offset-store.js";
import { KafkaStatusStore } from "../../../src/state/kafka/kafka-status-store.js";
import {
  configTopicSpec,
  ensureStateTopic,
  offsetTopicSpec,
  StateTopicError,
  statusTopicSpec,
} from "../../../src/state/kafka/topics.js";
import { uniqueName } from "../../support/env.js";
import { createTopic, deleteTopics, kafka, silentLogger, withAdmin } from "./support.js";

const topics: string[] = [];
function name(prefix: string): string {
  const n = uniqueName(prefix);
  topics.push(n);
  return n;
}

afterAll(async () => {
  await deleteTopics(...topics);
});

async function describeTopic(admin: KafkaAdmin, topic: string) {
  const md = await admin.fetchTopicMetadata({ topics: [topic] });
  const { resources } = await admin.describeConfigs({
    resources: [
      { type: TOPIC_CONFIG_RESOURCE, name: topic, configNames: ["cleanup.policy", "min.compaction.lag.ms"] },
    ],
    includeSynonyms: false,
  });
  const configs = Object.fromEntries(
    (resources[0]?.configEntries ?? []).map((c) => [c.configName, c.configValue] as const),
  );
  return { partitions: md.topics[0]?.partitions.length, configs };
}

describe("state topic set-up", () => {
  it("creates missing topics compacted: config 1 partition, offsets 25 and status 5 by default, broker RF", async () => {
    const [c, o, s] = [name("ferry-cfg"), name("ferry-off"), name("ferry-sts")];
    await withAdmin(async (admin) => {
      const created = await Promise.all([
        ensureStateTopic(admin, configTopicSpec(c, -1), silentLogger),
        ensureStateTopic(admin, offsetTopicSpec(o), silentLogger),
        ensureStateTopic(
          admin,
          statusTopicSpec(s, undefined, 1, { "min.compaction.lag.ms": "1000" }),
          silentLogger,
        ),
      ]);
      expect(created).toEqual([
        { created: true, partitions: 1, policyChecked: true },
        { created: true, partitions: 25, policyChecked: true },
        { created: true, partitions: 5, policyChecked: true },
      ]);
      expect(await describeTopic(admin, c)).toMatchObject({
        partitions: 1,
        configs: { "cleanup.policy": "compact" },
      });
      expect(await describeTopic(admin, o)).toMatchObject({
        partitions: 25,
        configs: { "cleanup.policy": "compact" },
      });
      expect(await describeTopic(admin, s)).toEqual({
        partitions: 5,
        configs: { "cleanup.policy": "compact", "min.compaction.lag.ms": "1000" },
      });
      // a second start finds them and accepts them
      expect(await ensureStateTopic(admin, configTopicSpec(c), silentLogger)).toEqual({
        created: false,
        partitions: 1,
        policyChecked: true,
      });
    });
  });

  it("always creates compacted topics, whatever cleanup.policy the worker settings give", async () => {
    const t = name("ferry-sts");
    await withAdmin(async (admin) => {
      await ensureStateTopic(admin, statusTopicSpec(t, 2, -1, { "cleanup.policy": "delete" }), silentLogger);
      expect((await describeTopic(admin, t)).configs["cleanup.policy"]).toBe("compact");
    });
  });

  it("ignores the partition setting for the config topic", async () => {
    const t = name("ferry-cfg");
    await withAdmin(async (admin) => {
      await ensureStateTopic(admin, { ...configTopicSpec(t), partitions: 3 }, silentLogger);
      expect((await describeTopic(admin, t)).partitions).toBe(1);
    });
  });

  for (const policy of ["delete", "compact,delete"]) {
    it(`refuses an existing topic with cleanup.policy=${policy}, naming the topic and its policy`, async () => {
      const t = name("ferry-off");
      await createTopic(t, 1, { "cleanup.policy": policy });
      const err = await withAdmin((admin) => ensureStateTopic(admin, offsetTopicSpec(t), silentLogger)).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StateTopicError);
      const found = policy.split(",").sort().join(",");
      expect((err as Error).message).toContain(
        `Topic '${t}' supplied via the 'offset.storage.topic' property is required to have 'cleanup.policy=compact'`,
      );
      expect((err as Error).message).toContain(`but found the topic currently has 'cleanup.policy=${found}'`);
    });
  }

  it("refuses a config topic with more than one partition, even compacted", async () => {
    const t = name("ferry-cfg");
    await createTopic(t, 2);
    await expect(
      withAdmin((admin) => ensureStateTopic(admin, configTopicSpec(t), silentLogger)),
    ).rejects.toThrow(
      `Topic '${t}' supplied via the 'config.storage.topic' property is required to have a single partition ` +
        "in order to guarantee consistency of connector configurations, but found 2 partitions.",
    );
  });

  it("makes every store's start() fail on an unfit topic", async () => {
    const [c, o, s] = [name("ferry-cfg"), name("ferry-off"), name("ferry-sts")];
    await createTopic(c, 3);
    await createTopic(o, 1, { "cleanup.policy": "delete" });
    await createTopic(s, 1, { "cleanup.policy": "delete" });
    const k = kafka();
    await expect(new KafkaConfigStore({ kafka: k, topic: c, logger: silentLogger }).start()).rejects.toThrow(
      /single partition.*found 3 partitions/,
    );
    await expect(new KafkaOffsetStore({ kafka: k, topic: o, logger: silentLogger }).start()).rejects.toThrow(
      /'offset.storage.topic'.*cleanup.policy=delete/,
    );
    await expect(new KafkaStatusStore({ kafka: k, topic: s, logger: silentLogger }).start()).rejects.toThrow(
      /'status.storage.topic'.*cleanup.policy=delete/,
    );
  });
});
