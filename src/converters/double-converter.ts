import { Schemas } from "../api/schema.js";
import { NumberConverter } from "./number-converter.js";

/** org.apache.kafka.connect.converters.DoubleConverter: 8-byte big-endian IEEE float64 (DoubleSerializer). */
export class DoubleConverter extends NumberConverter {
  constructor() {
    super("double", Schemas.OPTIONAL_FLOAT64, 8, "Deserializer");
  }

  protected encode(value: unknown): Buffer | null {
    if (typeof value !== "number") return null;
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleBE(value);
    return b;
  }

  protected decode(data: Buffer): number {
    return data.readDoubleBE(0);
  }
}
