/**
 * `ferry distributed worker.properties`: a stateless worker of the cluster named by group.id. State comes
 * from the Kafka topics; membership and create locks from Redis. Any number of these run side by side.
 */
import { hostname } from "node:os";
import { clusterKeys } from "../cluster/keys.js";
import { Membership } from "../cluster/membership.js";
import { createRedis, redactRedisUrl } from "../cluster/redis.js";
import { UnitLeases } from "../cluster/unit-leases.js";
import { UnitQueues } from "../cluster/unit-queues.js";
import { isolationSettings } from "../config/isolation-config.js";
import {
  type DistributedWorkerConfig,
  parseDistributedWorkerConfig,
  workerId,
} from "../config/worker-config.js";
import { loadWorkerProperties } from "../config/worker-file.js";
import { DistributedHerder } from "../herder/distributed-herder.js";
import { IsolatedWorker } from "../isolation/isolated-worker.js";
import { LoggerLevels } from "../log/levels.js";
import { createLogger, type Logger } from "../log/logger.js";
import { herderStateSource } from "../metrics/herder-state.js";
import { installProcessMetrics } from "../metrics/task-metrics.js";
import { WorkerMetrics } from "../metrics/worker-metrics.js";
import { builtinPlugins } from "../plugins/builtin.js";
import { loadPlugins } from "../plugins/loader.js";
import { createRestApp } from "../rest/app.js";
import { EventLoopMonitor, kafkaCheck, redisCheck } from "../rest/health.js";
import { startRestServer } from "../rest/server.js";
import { KafkaConfigStore } from "../state/kafka/kafka-config-store.js";
import { KafkaOffsetStore } from "../state/kafka/kafka-offset-store.js";
import { KafkaStatusStore } from "../state/kafka/kafka-status-store.js";
import { DISTRIBUTED_USAGE } from "./args.js";
import { buildCommit } from "./build-info.js";
import { connectKafka, restSecurity, workerProviders } from "./startup.js";
import { StartupError } from "./startup-error.js";
import { UsageError } from "./usage-error.js";

export interface DistributedHandle {
  readonly port: number;
  shutdown(): Promise<void>;
}

export async function runDistributed(args: string[], log?: Logger): Promise<DistributedHandle> {
  const [workerPath, ...extra] = args;
  if (!workerPath || extra.length > 0) throw new UsageError(`Usage: ${DISTRIBUTED_USAGE}`);
  let config: DistributedWorkerConfig;
  try {
    config = parseDistributedWorkerConfig(await loadWorkerProperties(workerPath), workerPath);
  } catch (e) {
    throw new StartupError((e as Error).message, 1, { cause: e });
  }
  const id = workerId(config, hostname());
  const logger = log ?? createLogger(id).child({ group: config.groupId });
  // before any child logger exists, so that /admin/loggers sees them all
  const loggers = new LoggerLevels(logger);
  const providers = workerProviders(config, workerPath);
  const rest = restSecurity(config, workerPath);
  const plugins = builtinPlugins();
  await loadPlugins(config.pluginPath, plugins, logger);
  const { kafka, clusterId } = await connectKafka(config, id, logger);

  const configs = new KafkaConfigStore({
    kafka,
    topic: config.configTopic.name,
    replicationFactor: config.configTopic.replicationFactor,
    logger,
  });
  const statuses = new KafkaStatusStore({
    kafka,
    topic: config.statusTopic.name,
    replicationFactor: config.statusTopic.replicationFactor,
    partitions: config.statusTopic.partitions,
    logger,
  });
  const offsets = new KafkaOffsetStore({
    kafka,
    topic: config.offsetTopic.name,
    replicationFactor: config.offsetTopic.replicationFactor,
    partitions: config.offsetTopic.partitions,
    logger,
  });
  // connectors and tasks run on task threads; this thread keeps leases, REST and status (isolation/). The
  // threads load while the stores do, and the worker joins its cluster only once they are ready: units
  // handed to it before would wait for them
  const worker = new IsolatedWorker({
    config,
    workerId: id,
    offsets,
    logger,
    settings: isolationSettings(config.raw, config.taskShutdownGracefulTimeoutMs),
  });
  try {
    await Promise.all([configs.start(), statuses.start(), offsets.start()]);
  } catch (e) {
    await Promise.allSettled([configs.stop(), statuses.stop(), offsets.stop()]);
    throw new StartupError((e as Error).message, 1, { cause: e });
  }

  const keys = clusterKeys(config.groupId);
  const redis = createRedis(config.redisUrl, logger, "cluster");
  try {
    await redis.connect();
  } catch (e) {
    throw new StartupError(
      `Cannot reach Redis at redis.url=${redactRedisUrl(config.redisUrl)}: ${(e as Error).message}`,
      1,
      {
        cause: e,
      },
    );
  }
  const membership = new Membership({
    redis,
    key: keys.members,
    workerId: id,
    ttlMs: config.cluster.heartbeatTtlMs,
    logger,
  });
  await worker.ready();
  await membership.start();

  // before the Worker: its task runners pick up the process's metrics
  const metrics = new WorkerMetrics({ workerId: id, mode: "distributed" });
  installProcessMetrics(metrics);
  // set below: the herder stops a unit whose lease or job was lost, and starts units whose jobs it took
  let onLeaseLost: (unit: string) => void = () => {};
  let onJobLost: (unit: string) => void = () => {};
  let onJobTaken: () => void = () => {};
  const leases = new UnitLeases({
    redis,
    keyOf: keys.lease,
    fenceKeyOf: keys.fence,
    owner: id,
    ttlMs: config.cluster.leaseTtlMs,
    logger,
    onLost: (unit) => {
      metrics.leaseLost.inc();
      onLeaseLost(unit);
    },
    onRenewed: (n) => {
      metrics.leaseRenewals.inc(n);
      // the task threads see the new deadlines at once, not at the next periodic publication
      worker.publishLeases();
    },
  });
  const units = new UnitQueues({
    redisUrl: config.redisUrl,
    groupId: config.groupId,
    workerId: id,
    lockMs: config.cluster.leaseTtlMs,
    stallCheckIntervalMs: config.cluster.stallCheckIntervalMs,
    logger,
    onTaken: () => onJobTaken(),
    onLost: (unit) => onJobLost(unit),
  });
  const subscriber = createRedis(config.redisUrl, logger, "restart-channel");
  await subscriber.connect();
  const herder = new DistributedHerder({
    workerId: id,
    worker,
    plugins,
    configs,
    statuses,
    units,
    membership,
    leases,
    redis,
    subscriber,
    keys,
    cluster: config.cluster,
    scalingUnitsPerWorker: config.scalingUnitsPerWorker,
    events: {
      failover: () => metrics.failovers.inc(),
      autoRestart: (kind) => metrics.unitRestarts.inc({ kind }),
    },
    logger,
    clusterId,
    offsets,
    kafka,
    providers,
    loggers,
  });
  onLeaseLost = (unit) => herder.onLeaseLost(unit);
  onJobLost = (unit) => herder.onJobLost(unit);
  onJobTaken = () => herder.onUnitsChanged();
  leases.start();
  metrics.observe(
    herderStateSource(herder, id, {
      members: () => membership.members().length,
      unitsOwned: () => units.units().length,
      queueDepth: () => units.depth(),
    }),
  );
  const eventLoop = new EventLoopMonitor();
  const kafkaReachable = kafkaCheck(kafka);
  const app = createRestApp({
    herder,
    logger,
    commit: buildCommit(),
    operations: { metrics, eventLoop, readiness: [kafkaReachable, redisCheck(redis)] },
    security: rest.security,
  });
  const server = await startRestServer(app, config.listeners, rest.tls);
  await herder.start();
  await units.start();
  logger.info({ ports: server.ports, clusterId, group: config.groupId }, "distributed worker started");

  let stopping: Promise<void> | null = null;
  return {
    port: server.ports[0] ?? 0,
    shutdown() {
      stopping ??= (async () => {
        logger.info("stopping");
        // leave first, so the others take over while this worker drains; and give them one membership beat
        // to see it: a unit handed back before they know their share grew would be taken and handed back
        // again "to rebalance", then wait out a rebalancing cooldown (units stop within milliseconds now
        // that they run on task threads)
        await membership.stop();
        await new Promise((r) => setTimeout(r, Math.max(100, Math.floor(config.cluster.heartbeatTtlMs / 3))));
        await herder.stop();
        await worker.close();
        await leases.stop();
        await Promise.allSettled([configs.stop(), statuses.stop(), offsets.stop()]);
        redis.disconnect();
        subscriber.disconnect();
        await server.close();
        eventLoop.stop();
        await kafkaReachable.close();
        logger.info("stopped");
      })();
      return stopping;
    },
  };
}
