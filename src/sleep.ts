/**
 * The one abortable sleep: waits `ms`, or less when `signal` aborts. It resolves in both cases and never
 * rejects, so a loop that sleeps between attempts checks `signal.aborted` after it rather than catching.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
