/** Start-up steps both worker modes share; each failure is a StartupError naming what to fix. */
import type { WorkerConfig } from "../config/worker-config.js";
import { ConfigProviderError, ConfigProviders } from "../herder/config-providers.js";
import { createKafka } from "../kafka/client.js";
import { KafkaSecurityError, kafkaSecurityOptions, workerClientSecurity } from "../kafka/security.js";
import type { KafkaClient } from "../kafka/types.js";
import type { Logger } from "../log/logger.js";
import { RestAuthError } from "../rest/auth.js";
import { type RestSecuritySetup, restSecuritySetup } from "../rest/security.js";
import { RestTlsError } from "../rest/tls.js";
import { StartupError } from "./startup-error.js";

/** The worker's config providers (config.providers); a bad one stops start-up naming the worker file. */
export function workerProviders(config: WorkerConfig, workerPath: string): ConfigProviders {
  try {
    return ConfigProviders.fromWorkerConfig(config.raw);
  } catch (e) {
    if (e instanceof ConfigProviderError)
      throw new StartupError(`${workerPath}: ${e.message}`, 1, { cause: e });
    throw e;
  }
}

/** REST authentication, CORS and TLS; a bad credentials file or key store stops start-up naming it. */
export function restSecurity(config: WorkerConfig, workerPath: string): RestSecuritySetup {
  try {
    return restSecuritySetup(config);
  } catch (e) {
    if (e instanceof RestAuthError || e instanceof RestTlsError)
      throw new StartupError(`${workerPath}: ${e.message}`, 1, { cause: e });
    throw e;
  }
}

/** The Kafka client, and the cluster id (which also proves the brokers answer). */
export async function connectKafka(
  config: WorkerConfig,
  workerId: string,
  logger: Logger,
): Promise<{ kafka: KafkaClient; clusterId: string }> {
  let security: ReturnType<typeof kafkaSecurityOptions>;
  try {
    // one security setting for all the worker's Kafka clients (see workerClientSecurity)
    security = kafkaSecurityOptions(workerClientSecurity(config.raw, "worker config: "), "worker config: ");
  } catch (e) {
    if (e instanceof KafkaSecurityError) throw new StartupError(e.message, 1, { cause: e });
    throw e;
  }
  const kafka = createKafka({
    brokers: config.bootstrapServers,
    clientId: config.clientId || `ferry-${workerId}`,
    logger,
    security,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return { kafka, clusterId: (await admin.describeCluster()).clusterId };
  } catch (e) {
    throw new StartupError(
      `Cannot reach Kafka at bootstrap.servers=${config.bootstrapServers.join(",")}: ${(e as Error).message}`,
      1,
      { cause: e },
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
