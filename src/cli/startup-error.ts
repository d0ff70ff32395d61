/** Exit codes: 1 bad worker config or start-up failure, 3 a connector could not be created (as Kafka). */
export class StartupError extends Error {
  override name = "StartupError";
  constructor(
    message: string,
    readonly exitCode: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
