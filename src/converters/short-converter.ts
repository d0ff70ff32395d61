import { Schemas } from "../api/schema.js";
import { integerIn, NumberConverter } from "./number-converter.js";

/** org.apache.kafka.connect.converters.ShortConverter: 2-byte big-endian int16 (ShortSerializer). */
export class ShortConverter extends NumberConverter {
  constructor() {
    super("short", Schemas.OPTIONAL_INT16, 2, "ShortDeserializer");
  }

  protected encode(value: unknown): Buffer | null {
    const v = integerIn(value, -32768, 32767);
    if (v === null) return null;
    const b = Buffer.allocUnsafe(2);
    b.writeInt16BE(v);
    return b;
  }

  protected decode(data: Buffer): number {
    return data.readInt16BE(0);
  }
}
