/**
 * A strict JSON (RFC 8259) parser for config files. JSON.parse is not enough: Jackson coerces a number to a
 * String as the literal was written ("1.50" stays "1.50", big integers keep every digit), so numbers are kept
 * as source text; and errors carry a line and column, which are friendlier than a character offset.
 */

/** A JSON number, as written in the source. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [key: string]: JsonValue };

export class JsonSyntaxError extends Error {
  override name = "JsonSyntaxError";
  constructor(
    readonly reason: string,
    /** 1-based */
    readonly line: number,
    /** 1-based, in UTF-16 code units */
    readonly column: number,
  ) {
    super(`${reason} at line ${line}, column ${column}`);
  }
}

/** Jackson's default StreamReadConstraints maximum nesting depth; also keeps recursion off the stack limit. */
const MAX_DEPTH = 1000;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const NUMBER_TAIL = /[0-9A-Za-z.+-]/;
const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};
const HEX4 = /^[0-9a-fA-F]{4}$/;

function describeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f
    ? `character U+${code.toString(16).toUpperCase().padStart(4, "0")}`
    : `character '${c}'`;
}

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parse(): JsonValue {
    const value = this.value(0);
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail("unexpected content after the JSON value");
    return value;
  }

  private fail(reason: string, at = this.pos): never {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at; i++) {
      const c = this.text[i];
      if (c === "\n" || (c === "\r" && this.text[i + 1] !== "\n")) {
        line++;
        lineStart = i + 1;
      }
    }
    throw new JsonSyntaxError(reason, line, at - lineStart + 1);
  }

  private skipWhitespace(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") return;
      this.pos++;
    }
  }

  private value(depth: number): JsonValue {
    this.skipWhitespace();
    const c = this.text[this.pos];
    if (c === undefined) this.fail("unexpected end of input");
    if (c === "{" || c === "[") {
      if (depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
      return c === "{" ? this.object(depth + 1) : this.array(depth + 1);
    }
    if (c === '"') return this.string();
    if (c === "-" || (c >= "0" && c <= "9")) return this.number();
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.fail(`unexpected ${describeChar(c)}`);
  }

  private object(depth: number): JsonValue {
    const result: { [key: string]: JsonValue } = {};
    this.pos++; // {
    this.skipWhitespace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail("expected a double-quoted property name");
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.pos] !== ":") this.fail("expected ':' after property name");
      this.pos++;
      // defineProperty, so that a "__proto__" key is plain data; a duplicate key keeps the last value (as Jackson)
      Object.defineProperty(result, key, {
        value: this.value(depth),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.skipWhitespace();
      const next = this.text[this.pos++];
      if (next === "}") return result;
      if (next !== ",") this.fail("expected ',' or '}' after property value", this.pos - 1);
    }
  }

  private array(depth: number): JsonValue {
    const result: JsonValue[] = [];
    this.pos++; // [
    this.skipWhitespace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.value(depth));
      this.skipWhitespace();
      const next = this.text[this.pos++];
      if (next === "]") return result;
      if (next !== ",") this.fail("expected ',' or ']' after array element", this.pos - 1);
    }
  }

  private string(): string {
    const start = this.pos;
    this.pos++; // opening quote
    let out = "";
    let chunkStart = this.pos;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail("unterminated string", start);
      if (c === '"') {
        out += this.text.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (c.charCodeAt(0) < 0x20) this.fail(`unescaped ${describeChar(c)} in string`);
      if (c !== "\\") {
        this.pos++;
        continue;
      }
      out += this.text.slice(chunkStart, this.pos);
      const e = this.text[this.pos + 1];
      if (e === "u") {
        const hex = this.text.slice(this.pos + 2, this.pos + 6);
        if (!HEX4.test(hex)) this.fail("invalid \\u escape in string");
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.pos += 6;
      } else {
        const replacement = e === undefined ? undefined : ESCAPES[e];
        if (replacement === undefined) this.fail("invalid escape in string");
        out += replacement;
        this.pos += 2;
      }
      chunkStart = this.pos;
    }
  }

  private number(): JsonNumber {
    const start = this.pos;
    NUMBER.lastIndex = start;
    const match = NUMBER.exec(this.text);
    const end = match ? start + match[0].length : start;
    // "01", "1.", "1e", "-", "1x": Jackson rejects these too
    if (!match || NUMBER_TAIL.test(this.text[end] ?? "")) this.fail("invalid number", start);
    this.pos = end;
    return new JsonNumber(match[0]);
  }
}

/** Parses strict JSON; throws JsonSyntaxError with a 1-based line and column. */
export function parseJson(text: string): JsonValue {
  return new Parser(text).parse();
}
