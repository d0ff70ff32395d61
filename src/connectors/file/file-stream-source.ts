/**
 * FileStreamSource: each line of a file becomes a record with a STRING value, as Kafka's
 * FileStreamSourceConnector. The offset {position} counts bytes, also for non-ASCII text (Kafka counts
 * chars there and resumes at the wrong place), so a restart resumes exactly after the last committed line.
 */
import { type FileHandle, open } from "node:fs/promises";
import { z } from "zod";
import { ConfigDef } from "../../api/config-def.js";
import type {
  Connector,
  SourceConnectorPlugin,
  SourceTask,
  SourceTaskContext,
  TaskConfig,
} from "../../api/connector.js";
import type { SourceRecord } from "../../api/records.js";
import { Schemas } from "../../api/schema.js";
import { FERRY_VERSION } from "../../version.js";

export const FILE_CONFIG = "file";
export const TOPIC_CONFIG = "topic";
export const BATCH_SIZE_CONFIG = "batch.size";

export function fileStreamSourceConfigDef(): ConfigDef {
  return new ConfigDef()
    .define({
      name: FILE_CONFIG,
      type: "STRING",
      default: null,
      importance: "HIGH",
      documentation: "Source filename. If not specified, the standard input will be used",
    })
    .define({
      name: TOPIC_CONFIG,
      type: "STRING",
      importance: "HIGH",
      documentation: "The topic to publish data to",
      check: z.string().trim().min(1, "String must be non-empty"),
    })
    .define({
      name: BATCH_SIZE_CONFIG,
      type: "INT",
      default: 2000,
      importance: "LOW",
      documentation:
        "The maximum number of records the source task can read from the file each time it is polled",
      check: z.number().int().min(1, "Value must be at least 1"),
    });
}

class FileStreamSourceConnector implements Connector {
  private props: Record<string, string> = {};
  version() {
    return FERRY_VERSION;
  }
  start(config: Record<string, string>) {
    this.props = { ...config };
  }
  taskConfigs(): TaskConfig[] {
    // Only one input stream makes sense, whatever tasks.max says.
    return [{ ...this.props }];
  }
  stop() {}
  config() {
    return fileStreamSourceConfigDef();
  }
}

const LF = 0x0a;
const CR = 0x0d;
const READ_CHUNK = 64 * 1024;
/** how long poll() waits for new data before returning nothing */
const IDLE_WAIT_MS = 200;

export class FileStreamSourceTask implements SourceTask {
  private filename: string | null = null;
  private topic = "";
  private batchSize = 2000;
  private fh: FileHandle | null = null;
  /** byte position of buf[0] in the file */
  private position = 0;
  private buf: Buffer = Buffer.alloc(0);
  private ctx!: SourceTaskContext;
  private partition: { filename: string } | null = null;
  private stdin: AsyncIterator<Buffer> | null = null;

  version() {
    return FERRY_VERSION;
  }

  start(config: TaskConfig, ctx: SourceTaskContext) {
    const values = fileStreamSourceConfigDef().parseOrThrow(config);
    const file = values[FILE_CONFIG] as string | null;
    this.filename = file && file.length > 0 ? file : null;
    this.topic = values[TOPIC_CONFIG] as string;
    this.batchSize = values[BATCH_SIZE_CONFIG] as number;
    this.partition = this.filename ? { filename: this.filename } : null;
    this.ctx = ctx;
  }

  async poll(): Promise<SourceRecord[] | null> {
    if (!(await this.ensureOpen())) {
      await this.idle();
      return null;
    }
    const records: SourceRecord[] = [];
    for (;;) {
      this.extractLines(records);
      if (records.length >= this.batchSize) break;
      const got = await this.readMore();
      if (got === 0) break;
    }
    if (records.length === 0) {
      await this.idle();
      return null;
    }
    return records;
  }

  private async ensureOpen(): Promise<boolean> {
    if (this.fh || this.stdin) return true;
    if (!this.filename) {
      this.stdin = process.stdin[Symbol.asyncIterator]();
      return true;
    }
    try {
      this.fh = await open(this.filename, "r");
    } catch (e) {
      // Kafka's task waits for a missing file to appear; other errors (permissions) fail the task
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw new Error(`Couldn't open file ${this.filename}: ${(e as Error).message}`, { cause: e });
    }
    const stored = this.partition ? await this.ctx.offsetStorageReader.offset(this.partition) : null;
    if (stored) {
      const pos = stored.position;
      if (typeof pos !== "number" || !Number.isSafeInteger(pos) || pos < 0) {
        throw new Error(
          `Offset position is the incorrect type: ${JSON.stringify(pos)} for file ${this.filename}`,
        );
      }
      this.position = pos;
    }
    return true;
  }

  /** Reads the next chunk after the buffered bytes; returns how many bytes arrived. */
  private async readMore(): Promise<number> {
    if (this.stdin) {
      const next = await this.stdin.next();
      if (next.done) return 0;
      this.buf = Buffer.concat([this.buf, next.value]);
      return next.value.length;
    }
    const fh = this.fh;
    if (!fh) return 0;
    // a line longer than the buffer makes the read grow, as Kafka's doubling buffer does
    const chunk = Buffer.allocUnsafe(Math.max(READ_CHUNK, this.buf.length));
    const { bytesRead } = await fh.read(chunk, 0, chunk.length, this.position + this.buf.length);
    if (bytesRead === 0) return 0;
    this.buf =
      this.buf.length === 0
        ? chunk.subarray(0, bytesRead)
        : Buffer.concat([this.buf, chunk.subarray(0, bytesRead)]);
    return bytesRead;
  }

  /** Moves whole lines from the buffer into records, up to batch.size. */
  private extractLines(out: SourceRecord[]): void {
    const buf = this.buf;
    let start = 0;
    let i = 0;
    while (out.length < this.batchSize) {
      let nl = -1;
      for (; i < buf.length; i++) {
        const c = buf[i];
        if (c === LF || c === CR) {
          nl = i;
          break;
        }
      }
      if (nl < 0) break;
      let next = nl + 1;
      if (buf[nl] === CR) {
        // "\r" at the end of what we have: wait for the next byte to know whether "\r\n" ends the line
        if (nl + 1 >= buf.length) break;
        if (buf[nl + 1] === LF) next = nl + 2;
      }
      const line = buf.toString("utf8", start, nl);
      const offsetPos = this.position + start;
      out.push({
        topic: this.topic,
        kafkaPartition: null,
        keySchema: null,
        key: null,
        valueSchema: Schemas.STRING,
        value: line,
        timestamp: Date.now(),
        headers: [],
        sourcePartition: this.partition,
        // Kafka stores the position *after* the line, so a restart resumes at the next one
        sourceOffset: this.partition ? { position: offsetPos + (next - start) } : null,
      });
      start = next;
      i = next;
    }
    if (start > 0) {
      this.position += start;
      this.buf = buf.subarray(start);
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.ctx.signal;
      if (signal.aborted) return resolve();
      const t = setTimeout(done, IDLE_WAIT_MS);
      function done() {
        clearTimeout(t);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done, { once: true });
    });
  }

  async stop() {
    await this.fh?.close();
    this.fh = null;
  }
}

export const fileStreamSourcePlugin: SourceConnectorPlugin = {
  type: "source",
  className: "org.apache.kafka.connect.file.FileStreamSourceConnector",
  version: FERRY_VERSION,
  createConnector: () => new FileStreamSourceConnector(),
  createTask: () => new FileStreamSourceTask(),
};
