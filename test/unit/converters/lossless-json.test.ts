import { describe, expect, it } from "vitest";
import { JsonNumber, parseJson, parseJsonStrict } from "../../../src/converters/lossless-json.js";

describe("lossless JSON parser", () => {
  it.each([
    `{"a":[1,2.5,-3e2,true,false,null,"x\\u00e9\\n\\"\\\\\\/"],"b":{}}`,
    `[]`,
    `"\\ud83d\\ude00"`,
    `  -0.5e-3 `,
  ])("agrees with JSON.parse on %s", (text) => {
    expect(parseJsonStrict(text, { lossless: false })).toEqual(JSON.parse(text));
  });

  it("keeps numbers as their text", () => {
    const v = parseJson(`{"n":1.23456789123456789,"i":9223372036854775807}`, { lossless: true }) as Record<
      string,
      JsonNumber
    >;
    expect(v.n).toBeInstanceOf(JsonNumber);
    expect(v.n?.text).toBe("1.23456789123456789");
    expect(v.i?.text).toBe("9223372036854775807");
    expect(v.i?.isIntegral).toBe(true);
  });

  it("accepts what Kafka's Jackson accepts: leading zeros, a BOM, trailing content", () => {
    expect(parseJson("0012", { lossless: false })).toBe(12);
    expect(parseJson("\ufeff[1]", { lossless: false })).toEqual([1]);
    expect(parseJson(`{"a":1} trailing`, { lossless: false })).toEqual({ a: 1 });
    expect(parseJson("  ", { lossless: false })).toBeUndefined();
  });

  it.each([`{"a":}`, `[1,]`, `"unterminated`, `{'a':1}`, `tru`, `1.`, `"a\u0001"`, `NaN`])(
    "rejects %o",
    (text) => {
      expect(() => parseJson(text, { lossless: false })).toThrow(SyntaxError);
    },
  );

  it("rejects trailing content in strict mode", () => {
    expect(() => parseJsonStrict("1 2", { lossless: false })).toThrow(SyntaxError);
  });

  it("keeps __proto__ as an own key", () => {
    const v = parseJson(`{"__proto__":{"x":1}}`, { lossless: false }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(["__proto__"]);
  });
});
