import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sleep } from "../../src/sleep.js";

// Fake timers: the test decides when time passes, so it asserts order, not how long anything took.
describe("sleep", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const settled = async (p: Promise<void>) => {
    let done = false;
    void p.then(() => {
      done = true;
    });
    await Promise.resolve();
    await Promise.resolve();
    return done;
  };

  it("waits the whole time when nothing aborts it", async () => {
    const p = sleep(1000);
    await vi.advanceTimersByTimeAsync(999);
    expect(await settled(p)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(p)).toBe(true);
  });

  it("ends when the signal aborts, resolving rather than rejecting, and leaves no timer behind", async () => {
    const ac = new AbortController();
    const p = sleep(60_000, ac.signal);
    expect(await settled(p)).toBe(false);
    ac.abort();
    await expect(p).resolves.toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("returns at once for a signal that is already aborted", async () => {
    const p = sleep(60_000, AbortSignal.abort());
    expect(await settled(p)).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
