/**
 * Where the verifiable connectors report: JSON lines appended to `verifiable.log.file`, or standard output
 * as Kafka's test plugins print them. Every task of every connector may share one file: each line carries
 * the connector name and the task id. Writes are synchronous and one write() per batch of lines, so a line
 * is in the file (the kernel's page cache) before the runtime goes on — a report of an acknowledged or
 * flushed record is never behind the offset commit that follows it, even if the process is killed.
 */
import { closeSync, openSync, writeSync } from "node:fs";

export const LOG_FILE_CONFIG = "verifiable.log.file";
/** the task id each connector sets in its task configs, as Kafka's `id` */
export const ID_CONFIG = "id";
export const NAME_CONFIG = "name";

export class VerifiableLog {
  private fd: number | null = null;
  private closed = false;

  constructor(file: string | null | undefined) {
    if (file && file.length > 0) {
      try {
        this.fd = openSync(file, "a");
      } catch (e) {
        throw new Error(`Couldn't open ${LOG_FILE_CONFIG} '${file}': ${(e as Error).message}`, { cause: e });
      }
    }
  }

  /** Appends the objects as JSON lines, in one write. */
  write(lines: readonly Record<string, unknown>[]): void {
    if (lines.length === 0 || this.closed) return;
    let text = "";
    for (const l of lines) text += `${JSON.stringify(l)}\n`;
    if (this.fd === null) {
      process.stdout.write(text);
      return;
    }
    const buf = Buffer.from(text, "utf8");
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
  }

  /** Closes the file; later writes are dropped (a report after stop() would be of nothing committed). */
  close(): void {
    this.closed = true;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** The task id from a task config, checked. */
export function taskIdOf(config: Readonly<Record<string, string>>): number {
  const id = Number(config[ID_CONFIG] ?? "0");
  if (!Number.isSafeInteger(id) || id < 0) throw new Error(`Invalid task id '${config[ID_CONFIG]}'`);
  return id;
}
