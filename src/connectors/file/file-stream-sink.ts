/**
 * FileStreamSink: appends each record's value as a line to a file (or stdout), as Kafka's
 * FileStreamSinkConnector. put() appends the lines; flush() fsyncs them, and runs before the consumer
 * offsets are committed: what is committed is on disk.
 */
import { type FileHandle, open } from "node:fs/promises";
import { ConfigDef } from "../../api/config-def.js";
import type { Connector, SinkConnectorPlugin, SinkTask, TaskConfig } from "../../api/connector.js";
import type { SinkRecord } from "../../api/records.js";
import { Struct } from "../../api/schema.js";
import { FERRY_VERSION } from "../../version.js";

export function fileStreamSinkConfigDef(): ConfigDef {
  return new ConfigDef().define({
    name: "file",
    type: "STRING",
    default: null,
    importance: "HIGH",
    documentation: "Destination filename. If not specified, the standard output will be used",
  });
}

class FileStreamSinkConnector implements Connector {
  private props: Record<string, string> = {};
  version() {
    return FERRY_VERSION;
  }
  start(config: Record<string, string>) {
    this.props = { ...config };
  }
  taskConfigs(maxTasks: number): TaskConfig[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }
  stop() {}
  config() {
    return fileStreamSinkConfigDef();
  }
}

/** The text Kafka's task prints with println(record.value()). */
export function valueAsLine(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return value;
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  if (value instanceof Struct) return JSON.stringify(value.toJSON());
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export class FileStreamSinkTask implements SinkTask {
  private fh: FileHandle | null = null;
  private filename: string | null = null;

  version() {
    return FERRY_VERSION;
  }

  async start(config: TaskConfig) {
    const file = config.file;
    this.filename = file && file.length > 0 ? file : null;
    if (this.filename) {
      try {
        this.fh = await open(this.filename, "a");
      } catch (e) {
        throw new Error(
          `Couldn't find or create file '${this.filename}' for FileStreamSinkTask: ${(e as Error).message}`,
          {
            cause: e,
          },
        );
      }
    }
  }

  /** One write per batch: lines reach the file as Kafka's buffered PrintStream would, durable at flush(). */
  async put(records: readonly SinkRecord[]) {
    if (records.length === 0) return;
    let text = "";
    for (const r of records) text += `${valueAsLine(r.value)}\n`;
    if (this.fh) await this.fh.write(text);
    else
      await new Promise<void>((resolve, reject) =>
        process.stdout.write(text, (e) => (e ? reject(e) : resolve())),
      );
  }

  async flush() {
    await this.fh?.sync();
  }

  async stop() {
    await this.fh?.close();
    this.fh = null;
  }
}

export const fileStreamSinkPlugin: SinkConnectorPlugin = {
  type: "sink",
  className: "org.apache.kafka.connect.file.FileStreamSinkConnector",
  version: FERRY_VERSION,
  createConnector: () => new FileStreamSinkConnector(),
  createTask: () => new FileStreamSinkTask(),
};
