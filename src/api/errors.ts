/**
 * Errors connector, converter and transform authors throw to tell the runtime how to react, as Kafka's
 * RetriableException: a RetriableError is retried for up to errors.retry.timeout; anything else is handled
 * by errors.tolerance at once.
 */
export class RetriableError extends Error {
  override name = "RetriableError";
}

/** A configuration the plugin cannot work with; the message names the key. */
export class ConfigError extends Error {
  override name = "ConfigError";
}
