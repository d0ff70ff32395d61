/**
 * int64 values are JS numbers while they are safe integers and bigints beyond that, so ordinary values stay
 * cheap numbers and large ones (e.g. nanosecond timestamps) keep every digit. Wider values wrap to 64 bits,
 * as Java's longValue() does.
 */
export function toInt64(v: bigint): number | bigint {
  const n = BigInt.asIntN(64, v);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}
