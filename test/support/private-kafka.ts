/**
 * A single-node KRaft broker of a test's own, on its own ports and data directory, from the jars
 * deploy/local/services cached (~/.cache/ferry/kafka-<version>/lib) and its broker template, so that a test
 * can stop and restart a broker without touching the shared one. Its log goes under test/.runs/.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createKafka } from "../../src/kafka/client.js";
import { createLogger } from "../../src/log/logger.js";
import { tempDir } from "./files.js";
import { freePort } from "./ports.js";
import { runsDir } from "./worker-process.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const KAFKA_VERSION = "4.3.1";

export interface PrivateKafka {
  readonly bootstrap: string;
  start(): Promise<void>;
  /** SIGTERM (a controlled shutdown) and wait for the exit */
  stop(): Promise<void>;
  /** stops the broker if it runs and removes its data */
  cleanup(): Promise<void>;
}

function kafkaLib(): string {
  const cache = process.env.FERRY_CACHE ?? join(homedir(), ".cache/ferry");
  const lib = join(cache, `kafka-${KAFKA_VERSION}`, "lib");
  if (!existsSync(join(lib, ".complete")))
    throw new Error(`no Kafka jars in ${lib}: run \`bash deploy/local/services up\` once to fetch them`);
  return lib;
}

async function reachable(bootstrap: string): Promise<boolean> {
  const admin = createKafka({
    clientId: "private-kafka-probe",
    brokers: [bootstrap],
    logger: createLogger("private-kafka-probe", "silent"),
    silent: true,
    retry: { retries: 0 },
    connectionTimeoutMs: 1_000,
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export async function privateKafka(name: string): Promise<PrivateKafka> {
  const lib = kafkaLib();
  const dir = await tempDir(`${name}-kafka`);
  const port = await freePort();
  const controllerPort = await freePort();
  const template = await readFile(join(repo, "deploy/local/kafka-server.properties"), "utf8");
  const config = join(dir.path, "server.properties");
  await writeFile(
    config,
    template
      .replaceAll("@KAFKA_PORT@", String(port))
      .replaceAll("@KAFKA_CONTROLLER_PORT@", String(controllerPort))
      .replaceAll("@DATA_DIR@", join(dir.path, "data")),
  );
  const log4j = `-Dlog4j2.configurationFile=file:${join(repo, "deploy/local/log4j2.properties")}`;
  // a cluster id is 16 random bytes, base64url without padding (what StorageTool random-uuid prints)
  const clusterId = randomBytes(16).toString("base64url");
  const format = spawnSync(
    "java",
    ["-cp", `${lib}/*`, log4j, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config],
    {
      encoding: "utf8",
    },
  );
  if (format.status !== 0)
    throw new Error(`formatting the private broker's storage failed: ${format.stderr || format.stdout}`);
  mkdirSync(runsDir, { recursive: true });
  let proc: ChildProcess | null = null;
  let launches = 0;
  const bootstrap = `127.0.0.1:${port}`;
  const k: PrivateKafka = {
    bootstrap,
    async start() {
      if (proc) throw new Error(`private broker ${name} already runs`);
      const log = createWriteStream(join(runsDir, `${name}-kafka-${launches++}.log`));
      const p = spawn(
        "java",
        ["-Xms256m", "-Xmx512m", "-XX:+UseG1GC", log4j, "-cp", `${lib}/*`, "kafka.Kafka", config],
        {
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      p.stdout?.pipe(log);
      p.stderr?.pipe(log);
      proc = p;
      process.once("exit", () => p.kill("SIGKILL"));
      const deadline = Date.now() + 90_000;
      while (!(await reachable(bootstrap))) {
        if (p.exitCode !== null)
          throw new Error(`the private broker exited with ${p.exitCode}; see test/.runs/${name}-kafka-*.log`);
        if (Date.now() > deadline)
          throw new Error(`the private broker on ${bootstrap} did not come up in 90 s`);
        await new Promise((res) => setTimeout(res, 250));
      }
    },
    async stop() {
      const p = proc;
      if (!p) return;
      proc = null;
      if (p.exitCode !== null || p.signalCode !== null) return;
      await new Promise<void>((res) => {
        const timer = setTimeout(() => p.kill("SIGKILL"), 60_000);
        p.once("exit", () => {
          clearTimeout(timer);
          res();
        });
        p.kill("SIGTERM");
      });
    },
    async cleanup() {
      await k.stop();
      await dir.cleanup();
    },
  };
  return k;
}
