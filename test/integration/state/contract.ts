/**
 * What every store contract is given: a way to make a fresh, started store, and (for durable stores) a way to
 * start a second instance over the same storage. The contract stops every store it made.
 */
import { afterEach } from "vitest";
import type { StoreLifecycle } from "../../../src/state/types.js";

export interface StoreFixture<S extends StoreLifecycle> {
  /** started, over storage no other test uses */
  readonly store: S;
  /** a second, started instance over the same storage; absent for stores that keep nothing */
  readonly reopen?: () => Promise<S>;
  /** removes what the fixture made (temp files); never shared resources */
  readonly cleanup?: () => Promise<void>;
}

export type MakeStore<S extends StoreLifecycle> = () => Promise<StoreFixture<S>>;

export interface ContractOptions {
  /**
   * The store keeps what it was given, so that a second instance over the same storage sees it (files,
   * Kafka): its fixture gives `reopen`, and the cases about a second instance run. A store that keeps
   * nothing (memory) skips them, and the run reports them as skipped.
   */
  readonly durable: boolean;
}

/** Tracks the stores a test made and stops them after it. */
export function useStores<S extends StoreLifecycle>(make: MakeStore<S>) {
  const stores: S[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    const errors: unknown[] = [];
    for (const s of stores.splice(0)) await s.stop().catch((e: unknown) => errors.push(e));
    for (const c of cleanups.splice(0)) await c().catch((e: unknown) => errors.push(e));
    if (errors.length > 0) throw errors[0];
  });
  return {
    async make(): Promise<{ store: S; reopen?: () => Promise<S> }> {
      const f = await make();
      stores.push(f.store);
      if (f.cleanup) cleanups.push(f.cleanup);
      const reopen = f.reopen;
      return {
        store: f.store,
        reopen: reopen
          ? async () => {
              const s = await reopen();
              stores.push(s);
              return s;
            }
          : undefined,
      };
    },
    /** make() for the cases only durable stores run: a fixture without `reopen` is a mistake */
    async makeDurable(): Promise<{ store: S; reopen: () => Promise<S> }> {
      const { store, reopen } = await this.make();
      if (!reopen) throw new Error("the store is declared durable, but its fixture gives no reopen()");
      return { store, reopen };
    },
  };
}
