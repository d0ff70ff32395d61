/**
 * ReplaceField$Key / ReplaceField$Value: keep only `include`d fields, drop `exclude`d ones (exclude wins) and
 * rename fields per `renames` (`old:new,...`) (Kafka's ReplaceField). Null keys/values pass through.
 */

import { z } from "zod";
import { ConfigDef } from "../api/config-def.js";
import type { ConnectRecord } from "../api/records.js";
import { type Field, type Schema, SchemaBuilder, Struct } from "../api/schema.js";
import type { Transformation } from "../api/transform.js";
import {
  copySchemaBasics,
  fieldValue,
  keyValuePlugins,
  mapEmptyLike,
  mapEntries,
  mapSet,
  parseConfig,
  REPLACE_NULL_WITH_DEFAULT,
  type RecordPart,
  requireMap,
  requireStruct,
  SchemaCache,
} from "./util.js";

const EXCLUDE = "exclude";
const INCLUDE = "include";
const RENAMES = "renames";

/** `old:new` pairs; throws when a mapping is not exactly two names. */
export function parseRenameMappings(mappings: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const mapping of mappings) {
    // Java's String.split drops trailing empty parts, so "a:" is one part and invalid
    const parts = mapping.split(":");
    while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
    if (parts.length !== 2) throw new Error(`Invalid rename mapping: ${mapping}`);
    m.set(parts[0] as string, parts[1] as string);
  }
  return m;
}

const CONFIG_DEF = new ConfigDef()
  .define({
    name: EXCLUDE,
    type: "LIST",
    default: [],
    importance: "MEDIUM",
    documentation: "Fields to exclude. This takes precedence over the fields to include.",
  })
  .define({
    name: INCLUDE,
    type: "LIST",
    default: [],
    importance: "MEDIUM",
    documentation: "Fields to include. If specified, only these fields will be used.",
  })
  .define({
    name: RENAMES,
    type: "LIST",
    default: [],
    importance: "MEDIUM",
    documentation: "Field rename mappings.",
    check: z.array(z.string()).transform((list, ctx) => {
      try {
        return parseRenameMappings(list);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message });
        return z.NEVER;
      }
    }),
  })
  .define(REPLACE_NULL_WITH_DEFAULT);

const PURPOSE = "field replacement";

interface Plan {
  readonly schema: Schema;
  /** output field name and the input field it comes from */
  readonly fields: readonly { readonly name: string; readonly from: Field }[];
}

export class ReplaceField implements Transformation {
  private exclude: ReadonlySet<string> = new Set();
  private include: ReadonlySet<string> = new Set();
  private renames: ReadonlyMap<string, string> = new Map();
  private replaceNullWithDefault = true;
  private readonly plans = new SchemaCache<Plan>();

  constructor(private readonly part: RecordPart) {}

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const values = parseConfig(CONFIG_DEF, props);
    this.exclude = new Set(values[EXCLUDE] as string[]);
    this.include = new Set(values[INCLUDE] as string[]);
    // the default is a list; a configured value has been parsed to a map by the check
    const renames = values[RENAMES];
    this.renames = renames instanceof Map ? renames : new Map();
    this.replaceNullWithDefault = values[REPLACE_NULL_WITH_DEFAULT.name] as boolean;
  }

  private keep(name: string): boolean {
    return !this.exclude.has(name) && (this.include.size === 0 || this.include.has(name));
  }

  private renamed(name: string): string {
    return this.renames.get(name) ?? name;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = this.part.value(record);
    if (value === null || value === undefined) return record;
    const schema = this.part.schema(record);
    if (schema === null) {
      const map = requireMap(value, PURPOSE);
      const updated = mapEmptyLike(map);
      for (const [name, v] of mapEntries(map)) if (this.keep(name)) mapSet(updated, this.renamed(name), v);
      return this.part.with(record, null, updated);
    }
    const struct = requireStruct(value, PURPOSE);
    const plan = this.plans.get(struct.schema, (s) => this.buildPlan(s));
    const updated = new Struct(plan.schema);
    for (const { name, from } of plan.fields)
      updated.put(name, fieldValue(struct, from, this.replaceNullWithDefault));
    return this.part.with(record, plan.schema, updated);
  }

  private buildPlan(schema: Schema): Plan {
    const b = copySchemaBasics(schema, SchemaBuilder.struct());
    const fields: { name: string; from: Field }[] = [];
    for (const f of schema.fields ?? []) {
      if (!this.keep(f.name)) continue;
      const name = this.renamed(f.name);
      b.field(name, f.schema);
      fields.push({ name, from: f });
    }
    return { schema: b.build(), fields };
  }

  close(): void {}
}

export const replaceFieldPlugins = keyValuePlugins("ReplaceField", (part) => new ReplaceField(part));
