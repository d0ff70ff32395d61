/**
 * Config definitions in the shape of Kafka's ConfigDef: each key has a type, a default, documentation and
 * metadata, and an optional zod schema that checks the parsed value. One definition answers validation,
 * GET /connector-plugins/{p}/config and PUT .../config/validate.
 */
import type { z } from "zod";
import { ConfigError } from "./errors.js";

export type ConfigType =
  | "STRING"
  | "INT"
  | "SHORT"
  | "LONG"
  | "DOUBLE"
  | "BOOLEAN"
  | "LIST"
  | "CLASS"
  | "PASSWORD";
export type Importance = "HIGH" | "MEDIUM" | "LOW";
export type Width = "NONE" | "SHORT" | "MEDIUM" | "LONG";

export interface ConfigKey {
  readonly name: string;
  readonly type: ConfigType;
  /** `undefined` means required (Kafka's NO_DEFAULT_VALUE); `null` is an explicit null default. */
  readonly default?: unknown;
  readonly importance: Importance;
  readonly documentation: string;
  readonly group?: string;
  readonly orderInGroup?: number;
  readonly width?: Width;
  readonly displayName?: string;
  readonly dependents?: readonly string[];
  /** checks the parsed value; its issues become the key's error messages */
  readonly check?: z.ZodType;
  readonly recommendedValues?: readonly string[];
}

export interface ParsedConfig {
  readonly values: Record<string, unknown>;
  /** error messages per key; empty when valid */
  readonly errors: Record<string, string[]>;
}

export class ConfigDef {
  private readonly keys = new Map<string, ConfigKey>();

  define(key: ConfigKey): this {
    if (this.keys.has(key.name)) throw new Error(`Configuration ${key.name} is defined twice.`);
    this.keys.set(key.name, key);
    return this;
  }

  /** Keys of `other` not defined here are added; keys defined here win, as Kafka merges plugin and framework defs. */
  merge(other: ConfigDef): ConfigDef {
    const out = new ConfigDef();
    for (const k of this.keys.values()) out.define(k);
    for (const k of other.keys.values()) if (!out.keys.has(k.name)) out.define(k);
    return out;
  }

  get(name: string): ConfigKey | undefined {
    return this.keys.get(name);
  }

  list(): ConfigKey[] {
    return [...this.keys.values()];
  }

  groups(): string[] {
    const g: string[] = [];
    for (const k of this.keys.values()) if (k.group && !g.includes(k.group)) g.push(k.group);
    return g;
  }

  /** `parse`, for code that cannot go on with a bad config: throws a ConfigError listing every bad key. */
  parseOrThrow(props: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
    const { values, errors } = this.parse(props);
    const problems = Object.entries(errors);
    if (problems.length > 0) {
      throw new ConfigError(problems.map(([k, m]) => `${k}: ${m.join(", ")}`).join("; "));
    }
    return values;
  }

  /** Parse string properties into typed values; never throws for bad input, reports per key. */
  parse(props: Readonly<Record<string, string | undefined>>): ParsedConfig {
    const values: Record<string, unknown> = {};
    const errors: Record<string, string[]> = {};
    for (const key of this.keys.values()) {
      const raw = props[key.name];
      let value: unknown;
      if (raw === undefined) {
        if (key.default === undefined) {
          (errors[key.name] ??= []).push(
            `Missing required configuration "${key.name}" which has no default value.`,
          );
          continue;
        }
        value = key.default;
      } else {
        const parsed = parseValue(key, raw);
        if (!parsed.ok) {
          (errors[key.name] ??= []).push(parsed.error);
          continue;
        }
        value = parsed.value;
      }
      if (key.check && value !== null) {
        const r = key.check.safeParse(value);
        if (!r.success) {
          for (const issue of r.error.issues) {
            (errors[key.name] ??= []).push(
              // a password is never echoed, as Kafka's Password.toString()
              `Invalid value ${key.type === "PASSWORD" ? "[hidden]" : String(raw ?? value)} for configuration ${key.name}: ${issue.message}`,
            );
          }
          continue;
        }
        value = r.data;
      }
      values[key.name] = value;
    }
    return { values, errors };
  }
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

function bad(key: ConfigKey, raw: string, why: string): Parsed {
  return { ok: false, error: `Invalid value ${raw} for configuration ${key.name}: ${why}` };
}

/** Kafka's ConfigDef.parseType, for values given as strings. */
export function parseValue(key: ConfigKey, raw: string): Parsed {
  const s = raw.trim();
  switch (key.type) {
    case "STRING":
    case "CLASS":
    case "PASSWORD":
      return { ok: true, value: key.type === "STRING" ? raw : s };
    case "BOOLEAN":
      if (s.toLowerCase() === "true") return { ok: true, value: true };
      if (s.toLowerCase() === "false") return { ok: true, value: false };
      return bad(key, raw, "Expected value to be either true or false");
    case "INT":
    case "SHORT":
    case "LONG": {
      if (!/^[+-]?\d+$/.test(s)) return bad(key, raw, `Not a number of type ${key.type}`);
      const n = Number(s);
      const [lo, hi] =
        key.type === "INT"
          ? [-(2 ** 31), 2 ** 31 - 1]
          : key.type === "SHORT"
            ? [-32768, 32767]
            : [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
      if (n < lo || n > hi) return bad(key, raw, `Not a number of type ${key.type}`);
      return { ok: true, value: n };
    }
    case "DOUBLE": {
      const n = Number(s);
      if (s === "" || Number.isNaN(n)) return bad(key, raw, "Not a number of type DOUBLE");
      return { ok: true, value: n };
    }
    case "LIST":
      return { ok: true, value: s === "" ? [] : s.split(/\s*,\s*/) };
  }
}
