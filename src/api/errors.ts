/**
 * Errors connector, converter and transform authors throw to tell the runtime how to react, as Kafka's
 * RetriableException: a RetriableError is retried for up to errors.retry.timeout; anything else is handled
 * by errors.tolerance at once.
 */
export class RetriableError extends Error {
  override name = "RetriableError";
}

/**
 * A configuration a plugin cannot work with (Kafka's ConfigException). `key` names the offending key when
 * there is one, so a transform chain can re-report it under `transforms.<alias>.<key>`.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    message: string,
    readonly key?: string,
    /** The raw value and the reason, when the message is Kafka's "Invalid value X for configuration K: why". */
    readonly detail?: { readonly value: unknown; readonly reason: string },
  ) {
    super(message);
  }

  static invalid(key: string, value: unknown, reason: string): ConfigError {
    return new ConfigError(`Invalid value ${String(value)} for configuration ${key}: ${reason}`, key, {
      value,
      reason,
    });
  }
}
