/** DropHeaders: removes every header whose key is one of `headers` (Kafka's DropHeaders). */
import { ConfigDef } from "../api/config-def.js";
import type { ConnectRecord } from "../api/records.js";
import type { Transformation } from "../api/transform.js";
import { NON_EMPTY_LIST, parseConfig, transformationPlugin } from "./util.js";

const HEADERS_FIELD = "headers";

const CONFIG_DEF = new ConfigDef().define({
  name: HEADERS_FIELD,
  type: "LIST",
  importance: "HIGH",
  documentation: "The name of the headers to be removed.",
  check: NON_EMPTY_LIST,
});

export class DropHeaders implements Transformation {
  private headers: ReadonlySet<string> = new Set();

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    this.headers = new Set(parseConfig(CONFIG_DEF, props)[HEADERS_FIELD] as string[]);
  }

  apply<R extends ConnectRecord>(record: R): R {
    // Kafka always builds a new header list; keep the record as is when nothing would be dropped
    if (!record.headers.some((h) => this.headers.has(h.key))) return record;
    return { ...record, headers: record.headers.filter((h) => !this.headers.has(h.key)) };
  }

  close(): void {}
}

export const dropHeadersPlugin = transformationPlugin("DropHeaders", () => new DropHeaders());
