/** HasHeaderKey: true when the record has at least one header named `name` (Kafka's HasHeaderKey). */
import { ConfigDef } from "../../api/config-def.js";
import type { ConnectRecord } from "../../api/records.js";
import type { Predicate } from "../../api/transform.js";
import { NON_EMPTY_STRING, parseConfig, predicatePlugin } from "../util.js";

const NAME_CONFIG = "name";

const CONFIG_DEF = new ConfigDef().define({
  name: NAME_CONFIG,
  type: "STRING",
  importance: "MEDIUM",
  documentation: "The header name.",
  check: NON_EMPTY_STRING,
});

export class HasHeaderKey implements Predicate {
  private name = "";

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    this.name = parseConfig(CONFIG_DEF, props)[NAME_CONFIG] as string;
  }

  test(record: ConnectRecord): boolean {
    for (const h of record.headers ?? []) if (h.key === this.name) return true;
    return false;
  }

  close(): void {}

  toString(): string {
    return `HasHeaderKey{name='${this.name}'}`;
  }
}

export const hasHeaderKeyPlugin = predicatePlugin("HasHeaderKey", () => new HasHeaderKey());
