import { describe, expect, it } from "vitest";
import {
  integerString,
  javaDoubleString,
  javaFloatString,
  jsonDouble,
  jsonFloat,
} from "../../../src/data/java-format.js";

describe("Java number text", () => {
  it.each<[number, string]>([
    [1, "1.0"],
    [-1, "-1.0"],
    [0, "0.0"],
    [-0, "-0.0"],
    [0.1, "0.1"],
    [100, "100.0"],
    [12.34, "12.34"],
    [1234567, "1234567.0"],
    [9999999.5, "9999999.5"],
    [1e7, "1.0E7"],
    [12345678.9, "1.23456789E7"],
    [0.001, "0.001"],
    [0.0001, "1.0E-4"],
    [1.5e-7, "1.5E-7"],
    [1e21, "1.0E21"],
    [123456789012345680000, "1.2345678901234568E20"],
    [Number.MAX_VALUE, "1.7976931348623157E308"],
    [Number.MIN_VALUE, "4.9E-324"],
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "Infinity"],
    [Number.NEGATIVE_INFINITY, "-Infinity"],
  ])("Double.toString(%d) = %s", (v, text) => {
    expect(javaDoubleString(v)).toBe(text);
  });

  it.each<[number, string]>([
    [0.1, "0.1"],
    [3.14, "3.14"],
    [1.1, "1.1"],
    [100, "100.0"],
    [0.001, "0.001"],
    [1e-4, "1.0E-4"],
    [1e10, "1.0E10"],
    [16777216, "1.6777216E7"],
    [3.4028234663852886e38, "3.4028235E38"],
    [1.401298464324817e-45, "1.4E-45"],
    [-2.5, "-2.5"],
    [-0, "-0.0"],
  ])("Float.toString(%d) = %s", (v, text) => {
    expect(javaFloatString(v)).toBe(text);
  });

  it("quotes non-finite values in JSON, as Jackson does", () => {
    expect(jsonDouble(Number.NaN)).toBe('"NaN"');
    expect(jsonFloat(Number.NEGATIVE_INFINITY)).toBe('"-Infinity"');
    expect(jsonDouble(2.5)).toBe("2.5");
  });

  it("prints integers without an exponent", () => {
    expect(integerString(1e21)).toBe("1000000000000000000000");
    expect(integerString(-42)).toBe("-42");
  });
});
