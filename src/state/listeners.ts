/**
 * A list of change listeners. A listener that throws does not stop the others; the errors go to `onError`
 * (memory stores rethrow them to the writer, Kafka stores log them: there the write came from the log).
 */
export class Listeners<A extends unknown[]> {
  private readonly fns = new Set<(...args: A) => void>();

  add(fn: (...args: A) => void): () => void {
    // wrap so that adding the same function twice gives two independent subscriptions
    const entry = (...args: A) => fn(...args);
    this.fns.add(entry);
    return () => {
      this.fns.delete(entry);
    };
  }

  emit(onError: (e: unknown) => void, ...args: A): void {
    for (const fn of [...this.fns]) {
      try {
        fn(...args);
      } catch (e) {
        onError(e);
      }
    }
  }
}

/** For stores whose writer is the caller: the first listener error fails the write. */
export function rethrowFirst(): { onError: (e: unknown) => void; check: () => void } {
  let first: { e: unknown } | undefined;
  return {
    onError: (e) => {
      first ??= { e };
    },
    check: () => {
      if (first) throw first.e;
    },
  };
}
