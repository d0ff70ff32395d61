/**
 * What a task thread publishes about its units in shared memory: the lease deadline a task checks before
 * writing, the oldest plugin call still open (calls of one task overlap), and which unit runs synchronously.
 */
import { describe, expect, it } from "vitest";
import { instrumentTask, PluginCalls } from "../../../src/isolation/plugin-calls.js";
import { sharedNow, ThreadBeat, UnitCell } from "../../../src/isolation/unit-cell.js";

describe("UnitCell", () => {
  it("allows writes until the published deadline, always without a lease, never after a revoked one", () => {
    const cell = new UnitCell();
    cell.publishLease(undefined);
    expect(cell.mayWrite()).toBe(true);
    cell.publishLease(sharedNow() + 60_000);
    expect(cell.mayWrite()).toBe(true);
    cell.publishLease(sharedNow() - 1);
    expect(cell.mayWrite()).toBe(false);
    cell.publishLease(0);
    expect(cell.mayWrite()).toBe(false);
  });

  it("is read through its buffer from another view (as the other thread sees it)", () => {
    const cell = new UnitCell();
    const other = new UnitCell(cell.buffer);
    cell.publishCall("poll", sharedNow() - 5_000);
    const seen = other.current();
    expect(seen?.call).toBe("poll");
    expect(seen?.ms).toBeGreaterThanOrEqual(5_000);
    cell.publishCall(null);
    expect(other.current()).toBeNull();
  });
});

describe("PluginCalls", () => {
  it("shows the oldest open call while calls overlap, and nothing once all returned", async () => {
    const cell = new UnitCell();
    const calls = new PluginCalls(cell, new ThreadBeat(), 1);
    let endPoll: (v: string) => void = () => {};
    const poll = calls.run("poll", () => new Promise<string>((r) => (endPoll = r)));
    expect(cell.current()?.call).toBe("poll");
    // a commitRecord while poll() waits: poll is still the oldest open call
    calls.run("commitRecord", () => undefined);
    expect(cell.current()?.call).toBe("poll");
    let endCommit: () => void = () => {};
    const commit = calls.run("commit", () => new Promise<void>((r) => (endCommit = r)));
    endPoll("records");
    expect(await poll).toBe("records");
    expect(cell.current()?.call).toBe("commit");
    endCommit();
    await commit;
    expect(cell.current()).toBeNull();
  });

  it("marks the unit as running synchronously only during the synchronous part, also when it throws", () => {
    const beat = new ThreadBeat();
    const cell = new UnitCell();
    const calls = new PluginCalls(cell, beat, 7);
    let during = -1;
    calls.run("poll", () => {
      during = beat.runningNow();
    });
    expect(during).toBe(7);
    expect(beat.runningNow()).toBe(0);
    expect(() =>
      calls.run("stop", () => {
        throw new Error("stop failed");
      }),
    ).toThrow("stop failed");
    expect(beat.runningNow()).toBe(0);
    expect(cell.current()).toBeNull();
  });

  it("instruments a task's plugin methods and passes other members through", async () => {
    const cell = new UnitCell();
    const calls = new PluginCalls(cell, new ThreadBeat(), 1);
    const seen: (string | undefined)[] = [];
    const task = instrumentTask(
      {
        version: () => "1",
        poll: async () => {
          seen.push(cell.current()?.call);
          return [];
        },
      },
      calls,
    );
    expect(task.version()).toBe("1");
    expect(cell.current()).toBeNull();
    await task.poll();
    expect(seen).toEqual(["poll"]);
    expect(cell.current()).toBeNull();
  });
});
