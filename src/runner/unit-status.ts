/** How a running unit reports its state changes to the herder (which writes the status store). */
export interface StatusListener {
  onRunning(): void;
  onPaused(): void;
  onFailure(error: unknown): void;
  /** the unit stopped (shutdown or stop request) */
  onShutdown(): void;
}
