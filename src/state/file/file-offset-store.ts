/**
 * Source offsets in a local file (standalone mode). Unlike Kafka's FileOffsetBackingStore, a write goes to a
 * temporary file that is fsynced and renamed over the real one, so a crash leaves either the old or the new
 * file, never a torn one; and a file that cannot be parsed is an error naming it, never silently empty.
 */
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import type { SourceOffset, SourcePartition } from "../../api/records.js";
import { ConnectError } from "../../errors.js";
import { type OffsetEntry, type OffsetStore, offsetKey } from "../types.js";

const FileFormat = z.object({
  format: z.literal("ferry-offsets-v1"),
  offsets: z.array(
    z.object({
      connector: z.string(),
      partition: z.record(z.string(), z.unknown()),
      offset: z.record(z.string(), z.unknown()),
    }),
  ),
});

interface Stored {
  connector: string;
  partition: SourcePartition;
  offset: SourceOffset;
}

export class OffsetFileError extends ConnectError {
  override name = "OffsetFileError";
}

export class FileOffsetStore implements OffsetStore {
  private readonly data = new Map<string, Stored>();
  /** writes are serialised so that a later put never lands before an earlier one */
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Loads the file; a missing file is an empty store, anything unreadable is an error. */
  async start(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw new OffsetFileError(`Cannot read offsets file ${this.path}: ${(e as Error).message}`, 500, {
        cause: e,
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new OffsetFileError(
        `Offsets file ${this.path} is corrupt (not valid JSON: ${(e as Error).message}); ` +
          "move it away to start from the beginning, or restore it from a backup",
      );
    }
    const parsed = FileFormat.safeParse(json);
    if (!parsed.success) {
      throw new OffsetFileError(
        `Offsets file ${this.path} is not a Ferry offsets file: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    for (const o of parsed.data.offsets) this.data.set(offsetKey(o.connector, o.partition), o);
  }

  /** One process owns the file: its view is always complete. */
  async readToEnd(): Promise<void> {}

  get(connector: string, partition: SourcePartition): SourceOffset | null {
    return this.data.get(offsetKey(connector, partition))?.offset ?? null;
  }

  list(connector: string): OffsetEntry[] {
    return [...this.data.values()]
      .filter((s) => s.connector === connector)
      .map((s) => ({ partition: s.partition, offset: s.offset }));
  }

  put(connector: string, entries: readonly OffsetEntry[]): Promise<void> {
    for (const e of entries) {
      const key = offsetKey(connector, e.partition);
      if (e.offset === null) this.data.delete(key);
      else this.data.set(key, { connector, partition: e.partition, offset: e.offset });
    }
    const snapshot = JSON.stringify({ format: "ferry-offsets-v1", offsets: [...this.data.values()] });
    const next = this.writing.then(() => this.writeAtomically(snapshot));
    // keep the chain alive after a failure; the caller of this put still sees the error
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async writeAtomically(text: string): Promise<void> {
    const tmp = `${this.path}.tmp`;
    await mkdir(dirname(this.path), { recursive: true });
    const fh = await open(tmp, "w");
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path);
    // the rename itself is durable only once the directory is synced
    const dir = await open(dirname(this.path), "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  async stop(): Promise<void> {
    await this.writing;
  }
}
