/** RecordIsTombstone: true when the record value is null (Kafka's RecordIsTombstone). */
import { ConfigDef } from "../../api/config-def.js";
import type { ConnectRecord } from "../../api/records.js";
import type { Predicate } from "../../api/transform.js";
import { predicatePlugin } from "../util.js";

const CONFIG_DEF = new ConfigDef();

export class RecordIsTombstone implements Predicate {
  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(): void {}

  test(record: ConnectRecord): boolean {
    return record.value === null || record.value === undefined;
  }

  close(): void {}

  toString(): string {
    return "RecordIsTombstone{}";
  }
}

export const recordIsTombstonePlugin = predicatePlugin("RecordIsTombstone", () => new RecordIsTombstone());
