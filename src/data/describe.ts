/** A short name for a JS value's type, standing in for Java's `value.getClass()` in messages. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v !== "object") return typeof v;
  const name = (v as object).constructor?.name;
  return name ?? "Object";
}
