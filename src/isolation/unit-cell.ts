/**
 * What the control thread and a task thread share about one unit, read without a message round trip: the
 * lease's "valid until" and the plugin call the unit is in (which, since when). One SharedArrayBuffer per
 * unit, sent with its start message.
 *
 * Times are on a clock both threads read alike, `performance.timeOrigin + performance.now()` (each thread has
 * its own `performance.now()` origin; the sum is the same instant). A deadline rather than a "valid" flag: a
 * control thread that stalls cannot leave a stale "valid" behind, the deadline simply passes.
 */

/** Milliseconds on the clock every thread shares. */
export function sharedNow(): number {
  return performance.timeOrigin + performance.now();
}

/** The plugin call a unit is in; IDLE outside plugin code. */
export const CALLS = [
  "idle",
  "start",
  "poll",
  "put",
  "flush",
  "stop",
  "commit",
  "commitRecord",
  "open",
  "close",
  "taskConfigs",
] as const;
export type PluginCall = (typeof CALLS)[number];

const LEASE = 0;
const CALL = 1;
const SINCE = 2;
/** no lease to check (standalone): writes are always allowed */
const NO_LEASE = -1n;

export class UnitCell {
  private readonly cells: BigInt64Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(3 * 8)) {
    this.cells = new BigInt64Array(buffer);
  }

  /** control thread: the lease is valid until `until` (shared clock), or has no lease (undefined: standalone) */
  publishLease(until: number | undefined | null): void {
    Atomics.store(this.cells, LEASE, until === undefined ? NO_LEASE : BigInt(Math.floor(until ?? 0)));
  }

  /** task thread: whether the unit may write now (its lease is surely held, or it has none) */
  mayWrite(): boolean {
    const until = Atomics.load(this.cells, LEASE);
    return until === NO_LEASE || sharedNow() < Number(until);
  }

  /** task thread: the unit is in `call` since `since` (shared clock), or outside plugin code (null) */
  publishCall(call: PluginCall | null, since = 0): void {
    Atomics.store(this.cells, SINCE, BigInt(Math.floor(since)));
    Atomics.store(this.cells, CALL, BigInt(call === null ? 0 : CALLS.indexOf(call)));
  }

  /** control thread: the call the unit is in and for how long, or null when it is outside plugin code */
  current(now = sharedNow()): { call: PluginCall; ms: number } | null {
    const i = Number(Atomics.load(this.cells, CALL));
    if (i === 0) return null;
    const since = Number(Atomics.load(this.cells, SINCE));
    return { call: CALLS[i] ?? "idle", ms: Math.max(0, Math.round(now - since)) };
  }
}

/**
 * A thread's own state: the last time its event loop ran (written by a timer in the thread), and which unit
 * is running synchronously inside a plugin call right now (0: none). A thread whose loop stopped is blocked
 * by that unit; the others merely wait for it.
 */
export class ThreadBeat {
  private readonly cells: BigInt64Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(2 * 8)) {
    this.cells = new BigInt64Array(buffer);
  }

  beat(): void {
    Atomics.store(this.cells, 0, BigInt(Math.floor(sharedNow())));
  }

  /** ms since the thread's event loop last ran; 0 before the first beat */
  silentFor(now = sharedNow()): number {
    const last = Number(Atomics.load(this.cells, 0));
    return last === 0 ? 0 : Math.max(0, Math.round(now - last));
  }

  /** task thread: unit `no` runs synchronously from now (0: none); returns the one it replaces */
  running(no: number): number {
    return Number(Atomics.exchange(this.cells, 1, BigInt(no)));
  }

  /** control thread: the unit running synchronously now, 0 if none */
  runningNow(): number {
    return Number(Atomics.load(this.cells, 1));
  }
}
