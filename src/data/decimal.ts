import { DataError } from "../api/schema.js";

const DECIMAL_SYNTAX = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * The value of a Connect Decimal (org.apache.kafka.connect.data.Decimal): `unscaled × 10^-scale`, exactly as
 * Java's BigDecimal, so scale is part of the value ("1.50" has scale 2) and survives a round trip.
 * JS numbers cannot hold decimals exactly, hence a value type rather than `number`.
 */
export class Decimal {
  readonly unscaled: bigint;
  readonly scale: number;

  constructor(unscaled: bigint, scale: number) {
    if (!Number.isInteger(scale)) throw new DataError(`Decimal scale must be an integer, got ${scale}`);
    this.unscaled = unscaled;
    this.scale = scale;
  }

  /** Parses text with the grammar of `new BigDecimal(String)`; returns null when the text is not a number. */
  static tryParse(text: string): Decimal | null {
    const m = DECIMAL_SYNTAX.exec(text);
    if (!m) return null;
    const intDigits = m[2] ?? "";
    const fracDigits = m[3] ?? "";
    if (intDigits === "" && fracDigits === "") return null;
    const digits = intDigits + fracDigits;
    const unscaled = BigInt(digits);
    const exponent = m[4] === undefined ? 0 : Number(m[4]);
    return new Decimal(m[1] === "-" ? -unscaled : unscaled, fracDigits.length - exponent);
  }

  static parse(text: string): Decimal {
    const d = Decimal.tryParse(text);
    if (!d) throw new DataError(`Invalid decimal value: ${text}`);
    return d;
  }

  /** Accepts the forms a JS caller naturally has: a Decimal, decimal text, a finite number or a bigint. */
  static from(value: unknown): Decimal {
    if (value instanceof Decimal) return value;
    if (typeof value === "string") return Decimal.parse(value.trim());
    if (typeof value === "bigint") return new Decimal(value, 0);
    if (typeof value === "number" && Number.isFinite(value)) return Decimal.parse(String(value));
    throw new DataError(`Cannot convert ${describeForError(value)} to a Decimal`);
  }

  /** Decodes the big-endian two's complement bytes Kafka stores (BigInteger.toByteArray). */
  static fromBytes(bytes: Uint8Array, scale: number): Decimal {
    if (bytes.length === 0) throw new DataError("Zero length BigInteger");
    let v = BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex")}`);
    if ((bytes[0] ?? 0) & 0x80) v -= 1n << BigInt(bytes.length * 8);
    return new Decimal(v, scale);
  }

  /** Minimal big-endian two's complement encoding of the unscaled value, as BigInteger.toByteArray. */
  toBytes(): Buffer {
    const n = this.unscaled;
    const magnitude = n < 0n ? -n - 1n : n;
    const bitLength = magnitude === 0n ? 0 : magnitude.toString(2).length;
    const byteLength = Math.floor(bitLength / 8) + 1;
    const v = n < 0n ? (1n << BigInt(byteLength * 8)) + n : n;
    return Buffer.from(v.toString(16).padStart(byteLength * 2, "0"), "hex");
  }

  /** The same value with another scale; throws when that would need rounding. */
  setScale(scale: number): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.unscaled * 10n ** BigInt(scale - this.scale), scale);
    const divisor = 10n ** BigInt(this.scale - scale);
    if (this.unscaled % divisor !== 0n) {
      throw new DataError(
        `Decimal ${this.toString()} cannot be represented with scale ${scale} without rounding`,
      );
    }
    return new Decimal(this.unscaled / divisor, scale);
  }

  /** The integer value when there is no fractional part, else null. */
  toBigIntExact(): bigint | null {
    if (this.scale <= 0) return this.unscaled * 10n ** BigInt(-this.scale);
    const divisor = 10n ** BigInt(this.scale);
    return this.unscaled % divisor === 0n ? this.unscaled / divisor : null;
  }

  /** The integer part, truncated toward zero (BigDecimal.toBigInteger). */
  toBigInt(): bigint {
    if (this.scale <= 0) return this.unscaled * 10n ** BigInt(-this.scale);
    return this.unscaled / 10n ** BigInt(this.scale);
  }

  /** Nearest JS number; loses precision beyond ~17 significant digits. */
  toNumber(): number {
    return Number(this.toString());
  }

  /** Same value and same scale, as BigDecimal.equals. */
  equals(other: unknown): boolean {
    return other instanceof Decimal && other.unscaled === this.unscaled && other.scale === this.scale;
  }

  /** Numeric comparison ignoring scale, as BigDecimal.compareTo. */
  compareTo(other: Decimal): number {
    const s = Math.max(this.scale, other.scale);
    const a = this.setScale(s).unscaled;
    const b = other.setScale(s).unscaled;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** BigDecimal.toString: plain notation unless the scale is negative or the number is very small. */
  toString(): string {
    const negative = this.unscaled < 0n;
    const coeff = (negative ? -this.unscaled : this.unscaled).toString();
    const sign = negative ? "-" : "";
    if (this.scale === 0) return sign + coeff;
    const adjusted = coeff.length - 1 - this.scale;
    if (this.scale > 0 && adjusted >= -6) {
      const pointAt = coeff.length - this.scale;
      if (pointAt > 0) return `${sign}${coeff.slice(0, pointAt)}.${coeff.slice(pointAt)}`;
      return `${sign}0.${"0".repeat(-pointAt)}${coeff}`;
    }
    const mantissa = coeff.length > 1 ? `${coeff[0]}.${coeff.slice(1)}` : coeff;
    return `${sign}${mantissa}E${adjusted >= 0 ? "+" : ""}${adjusted}`;
  }

  /** BigDecimal.toPlainString: never an exponent. */
  toPlainString(): string {
    const negative = this.unscaled < 0n;
    const coeff = (negative ? -this.unscaled : this.unscaled).toString();
    const sign = negative ? "-" : "";
    if (this.scale <= 0) return this.unscaled === 0n ? "0" : sign + coeff + "0".repeat(-this.scale);
    const pointAt = coeff.length - this.scale;
    if (pointAt > 0) return `${sign}${coeff.slice(0, pointAt)}.${coeff.slice(pointAt)}`;
    return `${sign}0.${"0".repeat(-pointAt)}${coeff}`;
  }

  /** Decimal text, so that JSON.stringify of connect values does not lose precision. */
  toJSON(): string {
    return this.toString();
  }
}

function describeForError(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return `${typeof value} ${String(value)}`;
}
