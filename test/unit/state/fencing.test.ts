import { describe, expect, it } from "vitest";
import { FenceTracker, parseFence } from "../../../src/state/fencing.js";
import { canWriteSafely } from "../../../src/state/status-rules.js";

describe("FenceTracker", () => {
  it("admits equal or higher tokens and refuses lower ones", () => {
    const f = new FenceTracker();
    expect(f.admit("k", 3)).toEqual({ admitted: true });
    expect(f.admit("k", 3)).toEqual({ admitted: true });
    expect(f.admit("k", 2)).toEqual({ admitted: false, highest: 3 });
    expect(f.admit("k", 9)).toEqual({ admitted: true });
    expect(f.highest("k")).toBe(9);
    expect(f.admit("other", 1)).toEqual({ admitted: true });
  });

  it("always admits a record without a token, keeping the highest", () => {
    const f = new FenceTracker();
    f.admit("k", 5);
    expect(f.admit("k", undefined)).toEqual({ admitted: true });
    expect(f.highest("k")).toBe(5);
  });

  it("forgets a key on reset (a tombstone)", () => {
    const f = new FenceTracker();
    f.admit("k", 5);
    f.reset("k");
    expect(f.highest("k")).toBeUndefined();
    expect(f.admit("k", 1)).toEqual({ admitted: true });
  });

  it("parses the header", () => {
    expect(parseFence(undefined)).toBeUndefined();
    expect(parseFence(Buffer.from("42"))).toBe(42);
    expect(parseFence("-1")).toBeInstanceOf(Error);
    expect(parseFence("1e3")).toBeInstanceOf(Error);
  });
});

describe("canWriteSafely (Kafka's putSafe)", () => {
  const s = (workerId: string, generation: number) => ({
    state: "RUNNING" as const,
    trace: null,
    workerId,
    generation,
  });
  it("allows a first write, the same worker, or a generation not lower", () => {
    expect(canWriteSafely(undefined, s("a", 1))).toBe(true);
    expect(canWriteSafely(s("a", 5), s("a", 1))).toBe(true);
    expect(canWriteSafely(s("a", 5), s("b", 5))).toBe(true);
    expect(canWriteSafely(s("a", 5), s("b", 4))).toBe(false);
  });
});
