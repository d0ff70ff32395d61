/**
 * Number text as Java prints it (Double.toString, Float.toString, Long.toString), so that converters write the
 * same bytes as Kafka does: Jackson and Values use these forms, e.g. 1.0 → "1.0", 1e21 → "1.0E21".
 * Digit selection is "shortest text that reads back as the same value", which is what JDK 19+ does (JDK 17
 * occasionally prints a longer form for doubles).
 */

/** Java's layout of a shortest decimal `digits` × 10^exp (scientific exponent, one digit before the point). */
function javaLayout(negative: boolean, digits: string, exp: number): string {
  let out: string;
  if (exp >= -3 && exp < 7) {
    if (exp >= 0) {
      const intLen = exp + 1;
      out =
        digits.length > intLen
          ? `${digits.slice(0, intLen)}.${digits.slice(intLen)}`
          : `${digits}${"0".repeat(intLen - digits.length)}.0`;
    } else {
      out = `0.${"0".repeat(-exp - 1)}${digits}`;
    }
  } else {
    out = `${digits[0]}.${digits.length > 1 ? digits.slice(1) : "0"}E${exp}`;
  }
  return negative ? `-${out}` : out;
}

/** Splits JS exponential text ("1.25e+21") into Java's layout. */
function fromExponential(negative: boolean, s: string): string {
  const e = s.indexOf("e");
  const digits = e > 1 ? s[0] + s.slice(2, e) : (s[0] ?? "0");
  return javaLayout(negative, digits.replace(/0+$/, "") || "0", Number(s.slice(e + 1)));
}

function special(v: number): string | null {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "Infinity";
  if (v === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
  return null;
}

/** Java's Double.toString. */
export function javaDoubleString(v: number): string {
  const sp = special(v);
  if (sp !== null) return sp;
  const a = Math.abs(v);
  // JS and Java agree on plain notation in this range, so only the ".0" of integral values differs.
  if (a >= 1e-3 && a < 1e7) {
    const s = String(v);
    return Number.isInteger(v) ? `${s}.0` : s;
  }
  let s = a.toExponential();
  // Java considers two-digit candidates when one digit suffices and takes the closer (only matters for subnormals).
  if (s.indexOf(".") < 0) {
    const two = a.toExponential(1);
    if (Number(two) === a) s = two;
  }
  return fromExponential(v < 0, s);
}

/** Java's Float.toString of Math.fround(v). */
export function javaFloatString(v: number): string {
  const f = Math.fround(v);
  const sp = special(f);
  if (sp !== null) return sp;
  const a = Math.abs(f);
  if (Number.isInteger(a) && a < 1e7) return `${f}.0`;
  let s = "";
  for (let p = 1; p <= 9; p++) {
    s = a.toExponential(p - 1);
    if (Math.fround(Number(s)) === a) break;
  }
  if (s.indexOf(".") < 0) {
    const two = a.toExponential(1);
    if (Math.fround(Number(two)) === a) s = two;
  }
  return fromExponential(f < 0, s);
}

/** Digits of an integral number, never in exponent form (String(1e21) would be "1e+21"). */
export function integerString(v: number): string {
  return Math.abs(v) < 1e21 ? String(v) : BigInt(v).toString();
}

/** A double as Jackson writes it into JSON: Java's text, with non-finite values as quoted strings. */
export function jsonDouble(v: number): string {
  if (Number.isFinite(v)) return javaDoubleString(v);
  return `"${javaDoubleString(v)}"`;
}

/** A float as Jackson writes it into JSON. */
export function jsonFloat(v: number): string {
  if (Number.isFinite(v)) return javaFloatString(v);
  return `"${javaDoubleString(v)}"`;
}
