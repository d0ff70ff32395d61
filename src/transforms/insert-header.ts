/**
 * InsertHeader: adds a header with a literal value to every record (Kafka's InsertHeader). The literal is
 * parsed once, as Kafka's Values.parseString does, so "1" becomes an int8 and "true" a boolean.
 */
import { ConfigDef } from "../api/config-def.js";
import type { ConnectRecord, Header } from "../api/records.js";
import type { Transformation } from "../api/transform.js";
import { parseString } from "../data/values.js";
import { parseConfig, transformationPlugin } from "./util.js";

const HEADER_FIELD = "header";
const VALUE_LITERAL_FIELD = "value.literal";

const CONFIG_DEF = new ConfigDef()
  .define({
    name: HEADER_FIELD,
    type: "STRING",
    importance: "HIGH",
    documentation: "The name of the header.",
  })
  .define({
    name: VALUE_LITERAL_FIELD,
    type: "STRING",
    importance: "HIGH",
    documentation: "The literal value that is to be set as the header value on all records.",
  });

export class InsertHeader implements Transformation {
  private header: Header = { key: "", schema: null, value: null };

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const values = parseConfig(CONFIG_DEF, props);
    // "null" parses to null; Kafka's ConnectHeaders.add then adds a header with no schema and no value
    const literal = parseString(values[VALUE_LITERAL_FIELD] as string) ?? { schema: null, value: null };
    this.header = Object.freeze({
      key: values[HEADER_FIELD] as string,
      schema: literal.schema,
      value: literal.value,
    });
  }

  apply<R extends ConnectRecord>(record: R): R {
    return { ...record, headers: [...record.headers, this.header] };
  }

  close(): void {}
}

export const insertHeaderPlugin = transformationPlugin("InsertHeader", () => new InsertHeader());
