import { describe, expect, it } from "vitest";
import { DataError } from "../../../src/api/schema.js";
import { Decimal } from "../../../src/data/decimal.js";

describe("Decimal", () => {
  it.each<[string, bigint, number, string]>([
    ["1.50", 150n, 2, "1.50"],
    ["-1.50", -150n, 2, "-1.50"],
    ["+7", 7n, 0, "7"],
    ["1E+3", 1n, -3, "1E+3"],
    ["1.5e2", 15n, -1, "1.5E+2"],
    ["123.456e2", 123456n, 1, "12345.6"],
    ["0.0000001", 1n, 7, "1E-7"],
    ["-0.000001", -1n, 6, "-0.000001"],
    [".5", 5n, 1, "0.5"],
    ["5.", 5n, 0, "5"],
    ["0.00", 0n, 2, "0.00"],
    ["00012.30", 1230n, 2, "12.30"],
  ])("parses %s as BigDecimal does", (text, unscaled, scale, printed) => {
    const d = Decimal.parse(text);
    expect(d.unscaled).toBe(unscaled);
    expect(d.scale).toBe(scale);
    expect(d.toString()).toBe(printed);
  });

  it.each(["", ".", "e5", "1e", "1.2.3", "0x10", "NaN", "Infinity", "1 "])("rejects %o", (text) => {
    expect(Decimal.tryParse(text)).toBeNull();
    expect(() => Decimal.parse(text)).toThrow(DataError);
  });

  it("prints negative scales and zero like BigDecimal", () => {
    expect(new Decimal(0n, -2).toString()).toBe("0E+2");
    expect(new Decimal(123n, -2).toString()).toBe("1.23E+4");
    expect(new Decimal(123n, -2).toPlainString()).toBe("12300");
    expect(new Decimal(1n, 10).toPlainString()).toBe("0.0000000001");
  });

  it.each<[bigint, number[]]>([
    [0n, [0]],
    [1n, [1]],
    [-1n, [0xff]],
    [127n, [0x7f]],
    [128n, [0, 0x80]],
    [-128n, [0x80]],
    [-129n, [0xff, 0x7f]],
    [156n, [0, 0x9c]],
    [255n, [0, 0xff]],
    [256n, [1, 0]],
    [-32768n, [0x80, 0]],
  ])("encodes %d as BigInteger.toByteArray", (unscaled, bytes) => {
    const d = new Decimal(unscaled, 2);
    expect([...d.toBytes()]).toEqual(bytes);
    expect(Decimal.fromBytes(Buffer.from(bytes), 2)).toEqual(d);
  });

  it("round-trips large values through bytes", () => {
    const d = Decimal.parse("-123456789012345678901234567890.123456789");
    expect(Decimal.fromBytes(d.toBytes(), d.scale).equals(d)).toBe(true);
  });

  it("rejects empty bytes", () => {
    expect(() => Decimal.fromBytes(Buffer.alloc(0), 0)).toThrow("Zero length BigInteger");
  });

  it("rescales only without rounding", () => {
    expect(Decimal.parse("1.5").setScale(3).toString()).toBe("1.500");
    expect(Decimal.parse("1.500").setScale(1).toString()).toBe("1.5");
    expect(() => Decimal.parse("1.55").setScale(1)).toThrow(DataError);
  });

  it("compares and converts", () => {
    expect(Decimal.parse("1.50").equals(Decimal.parse("1.5"))).toBe(false);
    expect(Decimal.parse("1.50").compareTo(Decimal.parse("1.5"))).toBe(0);
    expect(Decimal.parse("-2").compareTo(Decimal.parse("1.5"))).toBe(-1);
    expect(Decimal.from(12.25).toString()).toBe("12.25");
    expect(Decimal.from(10n).toString()).toBe("10");
    expect(Decimal.parse("2.75").toNumber()).toBe(2.75);
    expect(Decimal.parse("-2.75").toBigInt()).toBe(-2n);
    expect(Decimal.parse("2.50").toBigIntExact()).toBeNull();
    expect(Decimal.parse("2.00").toBigIntExact()).toBe(2n);
    expect(JSON.stringify({ d: Decimal.parse("0.10") })).toBe(`{"d":"0.10"}`);
    expect(() => Decimal.from(Number.NaN)).toThrow(DataError);
  });
});
