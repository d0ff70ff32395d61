/**
 * A task thread's view of the worker's offset store, which lives on the control thread (a file in
 * standalone mode, the offsets topic in distributed mode). `readToEnd()` asks for the connectors' offsets
 * the thread's tasks use and keeps them, so `get()` stays synchronous as the OffsetStore contract says;
 * commits go to the control thread's store and update the kept view.
 */
import type { SourceOffset, SourcePartition } from "../api/records.js";
import type { LogWrite } from "../state/kafka/kafka-log.js";
import { type OffsetEntry, type OffsetStore, offsetKey } from "../state/types.js";
import type { OffsetsRequest } from "./protocol.js";

export type OffsetsCall = (request: OffsetsRequest) => Promise<unknown>;

export class RemoteOffsetStore implements OffsetStore {
  /** connector → offsetKey → entry */
  private readonly views = new Map<string, Map<string, OffsetEntry>>();

  /**
   * @param topic the offsets topic in distributed mode (exactly-once tasks write offset records to it
   * themselves); undefined in standalone mode
   */
  constructor(
    private readonly call: OffsetsCall,
    readonly topic: string | undefined,
  ) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** Refreshes every connector's view this thread has read so far. */
  async readToEnd(): Promise<void> {
    await Promise.all([...this.views.keys()].map((c) => this.refresh(c)));
  }

  /** A task of the connector runs here: its offsets are read with the next readToEnd() (the runner's). */
  track(connector: string): void {
    if (!this.views.has(connector)) this.views.set(connector, new Map());
  }

  /** The connector's offsets, read to the end of the store first; a task calls it before it starts. */
  async refresh(connector: string): Promise<void> {
    const entries = (await this.call({ op: "snapshot", connector })) as OffsetEntry[];
    this.views.set(connector, new Map(entries.map((e) => [offsetKey(connector, e.partition), e])));
  }

  get(connector: string, partition: SourcePartition): SourceOffset | null {
    return this.views.get(connector)?.get(offsetKey(connector, partition))?.offset ?? null;
  }

  list(connector: string): OffsetEntry[] {
    return [...(this.views.get(connector)?.values() ?? [])];
  }

  async put(connector: string, entries: readonly OffsetEntry[]): Promise<void> {
    await this.call({ op: "put", connector, entries });
    this.remember(connector, entries);
  }

  async write(connector: string, entries: readonly OffsetEntry[]): Promise<void> {
    await this.call({ op: "write", connector, entries });
    this.remember(connector, entries);
  }

  /** exactly-once: the offset records for a transaction, keyed as the store has them */
  async records(connector: string, entries: readonly OffsetEntry[]): Promise<LogWrite[]> {
    return (await this.call({ op: "records", connector, entries })) as LogWrite[];
  }

  private remember(connector: string, entries: readonly OffsetEntry[]): void {
    let view = this.views.get(connector);
    if (!view) {
      view = new Map();
      this.views.set(connector, view);
    }
    for (const e of entries) {
      const k = offsetKey(connector, e.partition);
      if (e.offset === null) view.delete(k);
      else view.set(k, e);
    }
  }
}
