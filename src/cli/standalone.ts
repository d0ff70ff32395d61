/**
 * `ferry standalone worker.properties [connector files...]`: Kafka Connect's ConnectStandalone.
 * Everything a user gave is checked before anything starts or is written: worker config, every connector
 * file, the offsets file. A bad input exits non-zero with a message naming the file and the key.
 */
import { hostname } from "node:os";
import { type ConnectorFile, loadConnectorFile } from "../config/connector-file.js";
import { isolationSettings } from "../config/isolation-config.js";
import {
  parseStandaloneWorkerConfig,
  type StandaloneWorkerConfig,
  workerId,
} from "../config/worker-config.js";
import { loadWorkerProperties } from "../config/worker-file.js";
import { buildConfigInfos } from "../herder/config-infos.js";
import type { ConfigProviders } from "../herder/config-providers.js";
import { validateConnectorConfig } from "../herder/connector-validation.js";
import { StandaloneHerder } from "../herder/standalone-herder.js";
import { IsolatedWorker } from "../isolation/isolated-worker.js";
import { LoggerLevels } from "../log/levels.js";
import { createLogger, type Logger } from "../log/logger.js";
import { herderStateSource } from "../metrics/herder-state.js";
import { installProcessMetrics } from "../metrics/task-metrics.js";
import { WorkerMetrics } from "../metrics/worker-metrics.js";
import { builtinPlugins } from "../plugins/builtin.js";
import { loadPlugins } from "../plugins/loader.js";
import type { PluginRegistry } from "../plugins/registry.js";
import { createRestApp } from "../rest/app.js";
import { EventLoopMonitor, kafkaCheck } from "../rest/health.js";
import { startRestServer } from "../rest/server.js";
import { FileOffsetStore } from "../state/file/file-offset-store.js";
import { MemoryConfigStore } from "../state/memory-config-store.js";
import { MemoryStatusStore } from "../state/memory-status-store.js";
import { STANDALONE_USAGE } from "./args.js";
import { buildCommit } from "./build-info.js";
import { connectKafka, restSecurity, workerProviders } from "./startup.js";
import { StartupError } from "./startup-error.js";
import { UsageError } from "./usage-error.js";

/**
 * Problems of a connector config, as the REST API would report them (variables resolved, their values never
 * shown); a missing or unknown connector class is reported on connector.class.
 */
async function connectorProblems(
  config: Record<string, string>,
  plugins: PluginRegistry,
  providers: ConfigProviders,
): Promise<Record<string, string[]>> {
  const base = await validateConnectorConfig(config, plugins);
  if (!base.plugin) return base.errors;
  return (await buildConfigInfos(config, { plugins, providers })).errors;
}

async function checkConnectorFiles(
  paths: string[],
  plugins: PluginRegistry,
  providers: ConfigProviders,
): Promise<ConnectorFile[]> {
  const out: ConnectorFile[] = [];
  const seen = new Map<string, string>();
  for (const path of paths) {
    let file: ConnectorFile;
    try {
      file = await loadConnectorFile(path);
    } catch (e) {
      throw new StartupError((e as Error).message, 3, { cause: e });
    }
    const errors = await connectorProblems(file.config, plugins, providers);
    const problems = Object.entries(errors).flatMap(([k, msgs]) => msgs.map((m) => `  ${k}: ${m}`));
    if (problems.length > 0) {
      throw new StartupError(
        `connector config file ${path} (connector "${file.name}") is invalid:\n${problems.join("\n")}`,
        3,
      );
    }
    const prev = seen.get(file.name);
    if (prev)
      throw new StartupError(
        `connector config file ${path}: connector "${file.name}" is already defined in ${prev}`,
        3,
      );
    seen.set(file.name, path);
    out.push(file);
  }
  return out;
}

export interface StandaloneHandle {
  readonly port: number;
  readonly herder: StandaloneHerder;
  shutdown(): Promise<void>;
}

export async function runStandalone(args: string[], log?: Logger): Promise<StandaloneHandle> {
  const [workerPath, ...connectorPaths] = args;
  if (!workerPath) throw new UsageError(`Usage: ${STANDALONE_USAGE}`);

  let config: StandaloneWorkerConfig;
  try {
    config = parseStandaloneWorkerConfig(await loadWorkerProperties(workerPath), workerPath);
  } catch (e) {
    throw new StartupError((e as Error).message, 1, { cause: e });
  }
  const id = workerId(config, hostname());
  const logger = log ?? createLogger(id);
  // before any child logger exists, so that /admin/loggers sees them all
  const loggers = new LoggerLevels(logger);
  const providers = workerProviders(config, workerPath);
  const rest = restSecurity(config, workerPath);
  const plugins = builtinPlugins();
  await loadPlugins(config.pluginPath, plugins, logger);
  const files = await checkConnectorFiles(connectorPaths, plugins, providers);

  const offsets = new FileOffsetStore(config.offsetStorageFile);
  try {
    await offsets.start();
  } catch (e) {
    throw new StartupError(`offset.storage.file.filename: ${(e as Error).message}`, 1, { cause: e });
  }

  const { kafka, clusterId } = await connectKafka(config, id, logger);

  // before the Worker: its task runners pick up the process's metrics
  const metrics = new WorkerMetrics({ workerId: id, mode: "standalone" });
  installProcessMetrics(metrics);
  // connectors and tasks run on task threads; this thread keeps leases, REST and status (isolation/)
  const worker = new IsolatedWorker({
    config,
    workerId: id,
    offsets,
    logger,
    settings: isolationSettings(config.raw, config.taskShutdownGracefulTimeoutMs),
  });
  const herder = new StandaloneHerder({
    workerId: id,
    worker,
    plugins,
    configs: new MemoryConfigStore(),
    statuses: new MemoryStatusStore(),
    logger,
    clusterId,
    offsets,
    kafka,
    providers,
    loggers,
  });
  metrics.observe(herderStateSource(herder, id));
  const eventLoop = new EventLoopMonitor();
  const kafkaReachable = kafkaCheck(kafka);
  const flag = (key: string) => (config.raw[key] ?? "true").trim().toLowerCase() !== "false";
  const app = createRestApp({
    herder,
    logger,
    commit: buildCommit(),
    topicTracking: { enabled: flag("topic.tracking.enable"), allowReset: flag("topic.tracking.allow.reset") },
    operations: { metrics, eventLoop, readiness: [kafkaReachable] },
    security: rest.security,
  });
  const server = await startRestServer(app, config.listeners, rest.tls);
  logger.info({ ports: server.ports, clusterId }, "REST server listening");

  await worker.ready();
  for (const f of files) {
    try {
      await herder.createConnector({ name: f.name, config: f.config, initialState: f.initialState });
      logger.info({ connector: f.name }, "created connector");
    } catch (e) {
      await herder.stop();
      await worker.close();
      await server.close();
      throw new StartupError(
        `Failed to create connector for ${connectorPaths[files.indexOf(f)]}: ${(e as Error).message}`,
        3,
        { cause: e },
      );
    }
  }
  herder.markReady();
  logger.info({ connectors: files.length }, "Kafka Connect started");

  let stopping: Promise<void> | null = null;
  return {
    port: server.ports[0] ?? 0,
    herder,
    shutdown() {
      stopping ??= (async () => {
        logger.info("stopping");
        await herder.stop();
        await worker.close();
        await offsets.stop();
        await server.close();
        eventLoop.stop();
        await kafkaReachable.close();
        logger.info("stopped");
      })();
      return stopping;
    },
  };
}
