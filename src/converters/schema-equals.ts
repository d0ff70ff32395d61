import { type Schema, Struct } from "../api/schema.js";
import { Decimal } from "../data/decimal.js";

/** Structural schema equality, as ConnectSchema.equals (JsonConverter requires a Struct's schema to equal the given one). */
export function schemaEquals(a: Schema | null | undefined, b: Schema | null | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return (a ?? null) === (b ?? null);
  if (
    a.type !== b.type ||
    a.optional !== b.optional ||
    (a.name ?? null) !== (b.name ?? null) ||
    (a.version ?? null) !== (b.version ?? null) ||
    (a.doc ?? null) !== (b.doc ?? null)
  ) {
    return false;
  }
  if (!paramsEqual(a.parameters, b.parameters)) return false;
  if (!schemaEquals(a.keySchema, b.keySchema) || !schemaEquals(a.valueSchema, b.valueSchema)) return false;
  const fa = a.fields ?? [];
  const fb = b.fields ?? [];
  if (fa.length !== fb.length) return false;
  for (let i = 0; i < fa.length; i++) {
    const x = fa[i];
    const y = fb[i];
    if (!x || !y || x.name !== y.name || x.index !== y.index || !schemaEquals(x.schema, y.schema))
      return false;
  }
  return valueEquals(a.defaultValue ?? null, b.defaultValue ?? null);
}

function paramsEqual(
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>> | undefined,
): boolean {
  if (a === b) return true;
  const ka = a ? Object.keys(a) : [];
  const kb = b ? Object.keys(b) : [];
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (a?.[k] !== b?.[k]) return false;
  return true;
}

/** Equality of Connect values (Objects.equals semantics, but comparing bytes and dates by content). */
export function valueEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b);
  }
  if (a instanceof Decimal) return a.equals(b);
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  if (a instanceof Struct) {
    if (!(b instanceof Struct) || !schemaEquals(a.schema, b.schema)) return false;
    for (const f of a.schema.fields ?? []) {
      if (!valueEquals(a.getWithoutDefault(f.name), b.getWithoutDefault(f.name))) return false;
    }
    return true;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valueEquals(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !valueEquals(v, b.get(k))) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!valueEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}
