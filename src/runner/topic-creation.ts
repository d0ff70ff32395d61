/**
 * Source topic creation (KIP-158, reference §6.3): when topic.creation.default.replication.factor and
 * .partitions are set (and the worker's topic.creation.enable is true), a source task creates each topic it
 * writes to the first time it sees it, with the settings of the first group in topic.creation.groups whose
 * include matches and exclude does not (whole-name regex matches), else the default group.
 */

import type { KafkaAdmin, NewTopic } from "../kafka/types.js";
import type { Logger } from "../log/logger.js";

interface Group {
  readonly name: string;
  readonly include: RegExp[];
  readonly exclude: RegExp[];
  readonly replicationFactor: number;
  readonly partitions: number;
  readonly configs: Record<string, string>;
}

const GROUP_KEYS = new Set(["include", "exclude", "replication.factor", "partitions"]);

function list(v: string | undefined): string[] {
  return (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function wholeMatch(pattern: string, key: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch (e) {
    throw new Error(`Invalid value ${pattern} for configuration ${key}: ${(e as Error).message}`);
  }
}

function intOf(v: string | undefined, key: string, fallback?: number): number {
  if (v === undefined || v.trim() === "") {
    if (fallback === undefined)
      throw new Error(`Missing required configuration "${key}" which has no default value.`);
    return fallback;
  }
  const n = Number(v.trim());
  if (!Number.isInteger(n) || (n < 1 && n !== -1)) {
    throw new Error(
      `Invalid value ${v} for configuration ${key}: must be a positive integer or -1 for the broker default`,
    );
  }
  return n;
}

/** The groups, or null when topic creation is off for this connector. Throws on bad settings. */
export function topicCreationGroups(config: Readonly<Record<string, string>>): Group[] | null {
  const p = "topic.creation.";
  const rf = config[`${p}default.replication.factor`];
  const parts = config[`${p}default.partitions`];
  if (rf === undefined && parts === undefined) return null;
  const defRf = intOf(rf, `${p}default.replication.factor`);
  const defParts = intOf(parts, `${p}default.partitions`);
  const groupConfigs = (name: string) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) {
      if (!k.startsWith(`${p}${name}.`)) continue;
      const sub = k.slice(`${p}${name}.`.length);
      if (!GROUP_KEYS.has(sub)) out[sub] = v;
    }
    return out;
  };
  const groups: Group[] = [];
  for (const name of list(config[`${p}groups`])) {
    if (name === "default") continue;
    groups.push({
      name,
      include: list(config[`${p}${name}.include`]).map((r) => wholeMatch(r, `${p}${name}.include`)),
      exclude: list(config[`${p}${name}.exclude`]).map((r) => wholeMatch(r, `${p}${name}.exclude`)),
      replicationFactor: intOf(
        config[`${p}${name}.replication.factor`],
        `${p}${name}.replication.factor`,
        defRf,
      ),
      partitions: intOf(config[`${p}${name}.partitions`], `${p}${name}.partitions`, defParts),
      configs: groupConfigs(name),
    });
  }
  groups.push({
    name: "default",
    include: [/^.*$/],
    exclude: list(config[`${p}default.exclude`]).map((r) => wholeMatch(r, `${p}default.exclude`)),
    replicationFactor: defRf,
    partitions: defParts,
    configs: groupConfigs("default"),
  });
  return groups;
}

export function groupFor(groups: readonly Group[], topic: string): Group | undefined {
  return groups.find((g) => g.include.some((r) => r.test(topic)) && !g.exclude.some((r) => r.test(topic)));
}

export class TopicCreator {
  private readonly known = new Set<string>();

  constructor(
    private readonly groups: readonly Group[],
    private readonly admin: KafkaAdmin,
    private readonly log: Logger,
  ) {}

  /** Makes sure each topic exists, creating missing ones. Cheap once a topic is known. */
  async ensure(topics: Iterable<string>): Promise<void> {
    const unknown = [...new Set(topics)].filter((t) => !this.known.has(t));
    if (unknown.length === 0) return;
    const existing = new Set(await this.admin.listTopics());
    for (const topic of unknown) {
      if (existing.has(topic)) {
        this.known.add(topic);
        continue;
      }
      const g = groupFor(this.groups, topic);
      if (!g) {
        // excluded from every group: Kafka leaves it to the broker (auto-creation or an error)
        this.known.add(topic);
        continue;
      }
      const configEntries: NewTopic["configEntries"] = Object.entries(g.configs).map(([name, value]) => ({
        name,
        value,
      }));
      try {
        await this.admin.createTopics({
          topics: [
            {
              topic,
              numPartitions: g.partitions,
              replicationFactor: g.replicationFactor,
              ...(configEntries.length > 0 ? { configEntries } : {}),
            },
          ],
          waitForLeaders: true,
        });
        this.log.info(
          { topic, group: g.name, partitions: g.partitions, replicationFactor: g.replicationFactor },
          "created topic",
        );
      } catch (e) {
        if ((e as { type?: string }).type !== "TOPIC_ALREADY_EXISTS") {
          throw new Error(
            `Could not create topic ${topic} for topic creation group ${g.name}: ${(e as Error).message}`,
            { cause: e },
          );
        }
      }
      this.known.add(topic);
    }
  }
}
