import { describe, expect, it } from "vitest";
import { JsonNumber, JsonSyntaxError, type JsonValue, parseJson } from "../../../src/config/json.js";

/** parseJson's result with numbers as JS numbers, to compare with JSON.parse. */
function plain(value: JsonValue): unknown {
  if (value instanceof JsonNumber) return Number(value.text);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

describe("parseJson", () => {
  it.each([
    "{}",
    "[]",
    ' { "a" : [ 1 , -2.5e+3 , true , false , null , "s" ] , "b" : { } } ',
    '"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00"',
    "0",
    "-0.0e-0",
    '{"a":1,"a":2}',
    '{"__proto__":{"x":1}}',
    '\t\r\n{"k":"v"}\n',
  ])("agrees with JSON.parse on %s", (text) => {
    expect(plain(parseJson(text))).toEqual(JSON.parse(text));
  });

  it("keeps numbers as written", () => {
    expect(parseJson("[1.50, 12345678901234567890, 1E3, -0]")).toEqual([
      new JsonNumber("1.50"),
      new JsonNumber("12345678901234567890"),
      new JsonNumber("1E3"),
      new JsonNumber("-0"),
    ]);
  });

  it("keeps __proto__ as data", () => {
    const value = parseJson('{"__proto__":"x"}') as Record<string, JsonValue>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__"]);
  });

  // [input, error message]; Jackson's defaults reject all of these too
  it.each([
    ["", "unexpected end of input at line 1, column 1"],
    ["{", "expected a double-quoted property name at line 1, column 2"],
    ["{'a':1}", "expected a double-quoted property name at line 1, column 2"],
    ["{a:1}", "expected a double-quoted property name at line 1, column 2"],
    ['{"a":1,}', "expected a double-quoted property name at line 1, column 8"],
    ["[1,]", "unexpected character ']' at line 1, column 4"],
    ['{"a" 1}', "expected ':' after property name at line 1, column 6"],
    ['{"a":1 "b":2}', "expected ',' or '}' after property value at line 1, column 8"],
    ["[1 2]", "expected ',' or ']' after array element at line 1, column 4"],
    ["01", "invalid number at line 1, column 1"],
    ["1.", "invalid number at line 1, column 1"],
    [".5", "unexpected character '.' at line 1, column 1"],
    ["+1", "unexpected character '+' at line 1, column 1"],
    ["-", "invalid number at line 1, column 1"],
    ["NaN", "unexpected character 'N' at line 1, column 1"],
    ["tru", "unexpected character 't' at line 1, column 1"],
    ['"a\tb"', "unescaped character U+0009 in string at line 1, column 3"],
    ['"\\x"', "invalid escape in string at line 1, column 2"],
    ['"\\u12"', "invalid \\u escape in string at line 1, column 2"],
    ['"abc', "unterminated string at line 1, column 1"],
    ["{} x", "unexpected content after the JSON value at line 1, column 4"],
    ["// c\n{}", "unexpected character '/' at line 1, column 1"],
    ['{\r\n  "a": 1,\r\n  x\r\n}', "expected a double-quoted property name at line 3, column 3"],
    ['{\r  "a": ?}', "unexpected character '?' at line 2, column 8"],
    [`${"[".repeat(1001)}${"]".repeat(1001)}`, "nesting deeper than 1000 levels at line 1, column 1001"],
  ])("rejects %j", (text, message) => {
    expect(() => parseJson(text)).toThrow(JsonSyntaxError);
    expect(() => parseJson(text)).toThrow(message);
  });

  it("accepts nesting 1000 deep", () => {
    expect(() => parseJson(`${"[".repeat(1000)}${"]".repeat(1000)}`)).not.toThrow();
  });

  it("accepts and rejects exactly what JSON.parse does (seeded random inputs)", () => {
    const pieces = [
      "{",
      "}",
      "[",
      "]",
      ",",
      ":",
      '"',
      "a",
      "\\",
      "u",
      "0",
      "1",
      "-",
      ".",
      "e",
      " ",
      "\n",
      "true",
      "null",
    ];
    let seed = 42;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 20000; i++) {
      let text = "";
      for (let j = next(14); j > 0; j--) text += pieces[next(pieces.length)];
      let expected: unknown;
      let expectedOk = true;
      try {
        expected = JSON.parse(text);
      } catch {
        expectedOk = false;
      }
      let actual: unknown;
      let actualOk = true;
      try {
        actual = plain(parseJson(text));
      } catch (e) {
        expect(e).toBeInstanceOf(JsonSyntaxError);
        actualOk = false;
      }
      expect({ text, ok: actualOk }).toEqual({ text, ok: expectedOk });
      if (expectedOk) expect(actual).toEqual(expected);
    }
  });
});
