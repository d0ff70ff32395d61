/**
 * Task thread: marks in the unit's shared cell which plugin call it is in and since when, so the control
 * thread can tell a stuck call from a slow one. Calls of one task can overlap (a source task's commitRecord
 * while its poll() waits); the cell shows the oldest call still open.
 */
import { type PluginCall, sharedNow, type ThreadBeat, type UnitCell } from "./unit-cell.js";

const TRACKED: ReadonlySet<string> = new Set<PluginCall>([
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
]);

export class PluginCalls {
  private readonly open = new Map<number, { call: PluginCall; since: number }>();
  private next = 0;

  /** `no`: the unit's number, marked in the thread's beat while its call runs synchronously */
  constructor(
    private readonly cell: UnitCell,
    private readonly beat: ThreadBeat,
    private readonly no: number,
  ) {}

  /** Runs `fn` as the plugin call `call`; its result (or promise) is passed through. */
  run<T>(call: PluginCall, fn: () => T): T {
    const id = this.next++;
    this.open.set(id, { call, since: sharedNow() });
    if (this.open.size === 1) this.cell.publishCall(call, this.open.get(id)?.since);
    let result: T;
    const before = this.beat.running(this.no);
    try {
      result = fn();
    } catch (e) {
      this.close(id);
      throw e;
    } finally {
      this.beat.running(before);
    }
    if (isThenable(result))
      return Promise.resolve(result).then(
        (v) => {
          this.close(id);
          return v;
        },
        (e: unknown) => {
          this.close(id);
          throw e;
        },
      ) as T;
    this.close(id);
    return result;
  }

  private close(id: number): void {
    this.open.delete(id);
    // Map keeps insertion order: the first entry is the oldest call still open
    const oldest = this.open.values().next();
    if (oldest.done) this.cell.publishCall(null);
    else this.cell.publishCall(oldest.value.call, oldest.value.since);
  }
}

/** The task with its plugin calls (poll, put, flush, stop…) marked; other members pass through. */
export function instrumentTask<T extends object>(task: T, calls: PluginCalls): T {
  return new Proxy(task, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== "function" || typeof prop !== "string" || !TRACKED.has(prop)) return v;
      return (...args: unknown[]) => calls.run(prop as PluginCall, () => v.apply(target, args));
    },
  });
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    (typeof v === "object" || typeof v === "function") &&
    v !== null &&
    typeof (v as { then?: unknown }).then === "function"
  );
}
