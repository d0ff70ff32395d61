import { Schemas } from "../api/schema.js";
import { NumberConverter } from "./number-converter.js";

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;

/**
 * org.apache.kafka.connect.converters.LongConverter: 8-byte big-endian int64 (LongSerializer). Accepts a
 * number or bigint; reads give a number, or a bigint when the value is beyond ±2^53 so none is lost.
 */
export class LongConverter extends NumberConverter {
  constructor() {
    super("long", Schemas.OPTIONAL_INT64, 8, "LongDeserializer");
  }

  protected encode(value: unknown): Buffer | null {
    let v: bigint;
    if (typeof value === "bigint") v = value;
    else if (typeof value === "number" && Number.isInteger(value)) v = BigInt(value);
    else return null;
    if (v < MIN || v > MAX) return null;
    const b = Buffer.allocUnsafe(8);
    b.writeBigInt64BE(v);
    return b;
  }

  protected decode(data: Buffer): number | bigint {
    // Two 32-bit reads avoid a bigint allocation for the usual, safe, values.
    const hi = data.readInt32BE(0);
    const lo = data.readUInt32BE(4);
    if (hi >= -0x200000 && hi < 0x200000) {
      const v = hi * 0x1_0000_0000 + lo;
      if (Number.isSafeInteger(v)) return v;
    }
    return data.readBigInt64BE(0);
  }
}
