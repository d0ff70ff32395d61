import { Schemas } from "../api/schema.js";
import { NumberConverter } from "./number-converter.js";

/** org.apache.kafka.connect.converters.FloatConverter: 4-byte big-endian IEEE float32 (FloatSerializer). */
export class FloatConverter extends NumberConverter {
  constructor() {
    super("float", Schemas.OPTIONAL_FLOAT32, 4, "Deserializer");
  }

  protected encode(value: unknown): Buffer | null {
    if (typeof value !== "number") return null;
    const b = Buffer.allocUnsafe(4);
    b.writeFloatBE(value);
    return b;
  }

  protected decode(data: Buffer): number {
    return data.readFloatBE(0);
  }
}
