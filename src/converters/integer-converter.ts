import { Schemas } from "../api/schema.js";
import { integerIn, NumberConverter } from "./number-converter.js";

/** org.apache.kafka.connect.converters.IntegerConverter: 4-byte big-endian int32 (IntegerSerializer). */
export class IntegerConverter extends NumberConverter {
  constructor() {
    super("integer", Schemas.OPTIONAL_INT32, 4, "IntegerDeserializer");
  }

  protected encode(value: unknown): Buffer | null {
    const v = integerIn(value, -2147483648, 2147483647);
    if (v === null) return null;
    const b = Buffer.allocUnsafe(4);
    b.writeInt32BE(v);
    return b;
  }

  protected decode(data: Buffer): number {
    return data.readInt32BE(0);
  }
}
