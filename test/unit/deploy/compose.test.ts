/**
 * deploy/compose.yaml: Kafka and Redis as before, plus three distributed Ferry workers (profile "workers")
 * built from deploy/Dockerfile, one cluster, each with its own advertised name and host port, whose shared
 * worker file and FERRY_* variables make a valid distributed worker config.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { deployDir, distributedConfig, yamlDocuments } from "./support.js";

const Worker = z.object({
  build: z.object({ context: z.string(), dockerfile: z.string() }),
  image: z.string(),
  profiles: z.array(z.string()),
  command: z.array(z.string()),
  configs: z.array(z.object({ source: z.string(), target: z.string() })),
  environment: z.record(z.string(), z.union([z.string(), z.number()])),
  ports: z.array(z.string()),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })),
  healthcheck: z.object({ test: z.array(z.string()) }),
  stop_signal: z.string(),
});
const Compose = z.object({
  services: z.record(z.string(), z.looseObject({ profiles: z.array(z.string()).optional() })),
  configs: z.record(z.string(), z.object({ content: z.string() })),
});

const [doc] = yamlDocuments("compose.yaml");
const compose = Compose.parse(doc);
const workerNames = Object.keys(compose.services).filter((n) => n.startsWith("ferry-"));
const workers = workerNames.map((n) => [n, Worker.parse(compose.services[n])] as const);

describe("deploy/compose.yaml", () => {
  it("keeps Kafka and Redis in the default profile, and adds three workers in the workers profile", () => {
    expect(compose.services.kafka?.profiles).toBeUndefined();
    expect(compose.services.redis?.profiles).toBeUndefined();
    expect(workerNames.sort()).toEqual(["ferry-1", "ferry-2", "ferry-3"]);
    for (const [, w] of workers) expect(w.profiles).toEqual(["workers"]);
  });

  it("workers build deploy/Dockerfile from the repository root and wait for healthy Kafka and Redis", () => {
    for (const [, w] of workers) {
      const context = resolve(deployDir, w.build.context);
      expect(existsSync(resolve(context, w.build.dockerfile))).toBe(true);
      expect(existsSync(resolve(context, "package.json"))).toBe(true);
      expect(w.depends_on).toEqual({
        kafka: { condition: "service_healthy" },
        redis: { condition: "service_healthy" },
      });
      expect(w.healthcheck.test.join(" ")).toContain("/readyz");
      expect(w.stop_signal).toBe("SIGTERM");
    }
  });

  it("one cluster: same group, distinct advertised names and host ports; each config is valid", () => {
    const ids = new Set<string>();
    const ports = new Set<string>();
    const groups = new Set<string>();
    for (const [name, w] of workers) {
      expect(w.command).toEqual(["distributed", "/etc/ferry/worker.properties"]);
      const mount = w.configs[0];
      expect(mount?.target).toBe("/etc/ferry/worker.properties");
      const content = compose.configs[mount?.source ?? ""]?.content ?? "";
      const env = Object.fromEntries(Object.entries(w.environment).map(([k, v]) => [k, String(v)]));
      for (const k of Object.keys(env)) expect(k).toMatch(/^FERRY_[A-Z0-9_]+$/);
      const config = distributedConfig(content, env);
      expect(config.advertisedHost).toBe(name);
      expect(config.bootstrapServers).toEqual(["kafka:29092"]);
      expect(config.redisUrl).toBe("redis://redis:6379");
      expect(config.configTopic.replicationFactor).toBe(1);
      groups.add(config.groupId);
      ids.add(`${config.advertisedHost}`);
      for (const p of w.ports) {
        expect(p).toMatch(/^127\.0\.0\.1:\d+:8083$/);
        ports.add(p.split(":")[1] ?? "");
      }
    }
    expect(groups).toEqual(new Set(["ferry-compose"]));
    expect(ids.size).toBe(3);
    expect(ports.size).toBe(3);
  });
});
