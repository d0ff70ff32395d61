/**
 * Field paths of KIP-821 (Kafka's SingleFieldPath and FieldSyntaxVersion): with `field.syntax.version=V1`
 * a path is one top-level field name; with V2 it is dotted, and backticks wrap names that contain dots.
 */

import { z } from "zod";
import type { ConfigKey } from "../api/config-def.js";
import type { Field, Schema, Struct } from "../api/schema.js";
import {
  ConfigError,
  fieldValue,
  findField,
  mapGet,
  requireMapOrNull,
  requireStructOrNull,
  type SchemalessMap,
} from "./util.js";

export type FieldSyntaxVersion = "V1" | "V2";

export const FIELD_SYNTAX_VERSION_CONFIG = "field.syntax.version";

export const FIELD_SYNTAX_VERSION_KEY: ConfigKey = {
  name: FIELD_SYNTAX_VERSION_CONFIG,
  type: "STRING",
  default: "V1",
  importance: "HIGH",
  documentation:
    'Defines the version of the syntax to access fields. If set to `V1`, then the field paths are limited to access the elements at the root level of the struct or map. If set to `V2`, the syntax will support accessing nested elements. To access nested elements, dotted notation is used. If dots are already included in the field name, then backtick pairs can be used to wrap field names containing dots. E.g. to access the subfield `baz` from a field named "foo.bar" in a struct/map the following format can be used to access its elements: "`foo.bar`.baz".',
  recommendedValues: ["V1", "V2"],
  // case-insensitive, as Kafka's CaseInsensitiveValidString
  check: z.string().transform((v, ctx) => {
    const up = v.toUpperCase();
    if (up === "V1" || up === "V2") return up as FieldSyntaxVersion;
    ctx.addIssue({ code: "custom", message: "String must be one of (case insensitive): V1, V2" });
    return z.NEVER;
  }),
};

export class SingleFieldPath {
  readonly steps: readonly string[];

  constructor(
    readonly path: string,
    readonly version: FieldSyntaxVersion,
  ) {
    this.steps = version === "V1" ? [path] : parseV2(path);
  }

  /** The field at this path in `schema`, or undefined. */
  fieldFrom(schema: Schema | null): Field | undefined {
    if (schema === null) return undefined;
    let current = schema;
    const last = this.steps.length - 1;
    for (let i = 0; i < last; i++) {
      const f = findField(current, this.steps[i] as string);
      if (!f) return undefined;
      current = f.schema;
    }
    const name = this.steps[last];
    return name === undefined ? undefined : findField(current, name);
  }

  /** The value at this path in a struct, or null when a step is missing or null. */
  valueFromStruct(struct: Struct | null, withDefault = true): unknown {
    if (struct === null) return null;
    let current: Struct | null = struct;
    const last = this.steps.length - 1;
    for (let i = 0; i < last; i++) {
      const f = findField(current.schema, this.steps[i] as string);
      if (!f) return null;
      current = requireStructOrNull(fieldValue(current, f, true), "nested field access");
      if (current === null) return null;
    }
    const name = this.steps[last];
    const f = name === undefined ? undefined : findField(current.schema, name);
    return f ? fieldValue(current, f, withDefault) : null;
  }

  /** The value at this path in a schemaless map, or null. */
  valueFromMap(map: SchemalessMap | null): unknown {
    if (map === null) return null;
    let current: SchemalessMap | null = map;
    const last = this.steps.length - 1;
    for (let i = 0; i < last; i++) {
      current = requireMapOrNull(mapGet(current, this.steps[i] as string), "nested field access");
      if (current === null) return null;
    }
    const name = this.steps[last];
    return name === undefined ? null : mapGet(current, name);
  }
}

function incomplete(path: string, at: number): ConfigError {
  return new ConfigError(
    `Incomplete backtick pair in path: [${path}], consider adding a backslash before backtick at position ${at} to escape it`,
  );
}

/** Split a V2 path on dots; a step wrapped in backticks may contain dots, and \` inside it is a backtick. */
function parseV2(path: string): string[] {
  const steps: string[] = [];
  let idx = 0;
  while (idx < path.length && idx >= 0) {
    if (path[idx] !== "`") {
      const start = idx;
      idx = path.indexOf(".", idx);
      if (idx >= 0) {
        steps.push(path.slice(start, idx));
        idx++;
      } else {
        steps.push(path.slice(start));
      }
      continue;
    }
    const backtickAt = idx;
    idx++;
    let field = "";
    let start = idx;
    for (;;) {
      idx = path.indexOf("`", idx);
      if (idx === -1) throw incomplete(path, backtickAt);
      const escaped = path[idx - 1] === "\\";
      if (idx >= path.length - 1) {
        if (escaped) throw incomplete(path, backtickAt);
        field += path.slice(start, idx);
        steps.push(field);
        idx++;
        break;
      }
      if (path[idx + 1] !== ".") {
        // a backtick not followed by a dot is part of the name
        idx++;
        continue;
      }
      if (escaped) {
        field += `${path.slice(start, idx - 1)}\``;
        idx++;
        start = idx;
        continue;
      }
      field += path.slice(start, idx);
      steps.push(field);
      idx += 2;
      break;
    }
  }
  if (path.endsWith(".")) steps.push("");
  return steps;
}
