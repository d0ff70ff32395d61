/**
 * Errors with an HTTP status, mapped by the REST layer to Kafka Connect's {error_code, message} body.
 * Anything else that reaches the REST layer is a 500 with its message.
 */
export class ConnectError extends Error {
  override name = "ConnectError";
  constructor(
    message: string,
    readonly status = 500,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class NotFoundError extends ConnectError {
  override name = "NotFoundError";
  constructor(message: string) {
    super(message, 404);
  }
}

export class AlreadyExistsError extends ConnectError {
  override name = "AlreadyExistsError";
  constructor(message: string) {
    super(message, 409);
  }
}

export class BadRequestError extends ConnectError {
  override name = "BadRequestError";
  constructor(message: string) {
    super(message, 400);
  }
}

/** A config that failed validation; `errors` lists messages per key. */
export class ConfigValidationError extends ConnectError {
  override name = "ConfigValidationError";
  constructor(
    readonly subject: string,
    readonly errors: Record<string, string[]>,
  ) {
    const lines = Object.entries(errors).flatMap(([k, msgs]) => msgs.map((m) => `${k}: ${m}`));
    super(
      `${subject} configuration is invalid and contains the following ${lines.length} error(s):\n${lines.join("\n")}\n` +
        "You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`",
      400,
    );
  }
}

/** What went wrong, for a message: an Error's message, anything else as text. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function describeError(e: unknown): string {
  if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`;
  return String(e);
}
