/**
 * A small JSON parser for what JSON.parse cannot do: keep numbers as their exact text (for Decimal and int64
 * beyond 2^53), and accept what Kafka's Jackson setup accepts but JSON.parse rejects (leading zeros in numbers,
 * a byte-order mark, content after the first value). It is slower than JSON.parse, so converters only use it
 * when JSON.parse failed or a schema needs exact numbers.
 */

/** A JSON number kept as its source text. */
export class JsonNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  get isIntegral(): boolean {
    return !/[.eE]/.test(this.text);
  }
  toNumber(): number {
    return Number(this.text);
  }
}

export interface ParseOptions {
  /** numbers become JsonNumber instead of number */
  readonly lossless: boolean;
}

/** Parses the first JSON value in `text`; returns undefined when there is none (Jackson's MissingNode). */
export function parseJson(text: string, options: ParseOptions): unknown {
  const p = new Parser(text, options.lossless);
  if (text.charCodeAt(0) === 0xfeff) p.pos = 1;
  p.skipWs();
  if (p.pos >= text.length) return undefined;
  // Trailing content is ignored, as Jackson's readTree does without FAIL_ON_TRAILING_TOKENS.
  return p.value();
}

/** Parses exactly one JSON value with nothing but whitespace around it. */
export function parseJsonStrict(text: string, options: ParseOptions): unknown {
  const p = new Parser(text, options.lossless);
  p.skipWs();
  const v = p.value();
  p.skipWs();
  if (p.pos !== text.length) p.fail("Unexpected content after JSON value");
  return v;
}

class Parser {
  pos = 0;
  private readonly text: string;
  private readonly lossless: boolean;

  constructor(text: string, lossless: boolean) {
    this.text = text;
    this.lossless = lossless;
  }

  fail(why: string): never {
    throw new SyntaxError(`${why} at position ${this.pos}`);
  }

  skipWs(): void {
    const t = this.text;
    let i = this.pos;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.pos = i;
  }

  value(): unknown {
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case 0x7b: // {
        return this.object();
      case 0x5b: // [
        return this.array();
      case 0x22: // "
        return this.string();
      case 0x74: // t
        return this.literal("true", true);
      case 0x66: // f
        return this.literal("false", false);
      case 0x6e: // n
        return this.literal("null", null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail(Number.isNaN(c) ? "Unexpected end of input" : "Unexpected character");
    }
  }

  private literal(word: string, v: unknown): unknown {
    if (!this.text.startsWith(word, this.pos)) this.fail("Unrecognized token");
    this.pos += word.length;
    return v;
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === 0x7d) {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== 0x22) this.fail("Expected field name");
      const key = this.string();
      this.skipWs();
      if (this.text.charCodeAt(this.pos) !== 0x3a) this.fail("Expected ':'");
      this.pos++;
      this.skipWs();
      const v = this.value();
      // A plain assignment of "__proto__" would replace the prototype instead of adding a field.
      if (key === "__proto__") {
        Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      } else {
        out[key] = v;
      }
      this.skipWs();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x7d) return out;
      if (c !== 0x2c) {
        this.pos--;
        this.fail("Expected ',' or '}'");
      }
      this.skipWs();
    }
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === 0x5d) {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skipWs();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x5d) return out;
      if (c !== 0x2c) {
        this.pos--;
        this.fail("Expected ',' or ']'");
      }
      this.skipWs();
    }
  }

  private string(): string {
    const t = this.text;
    let i = this.pos + 1;
    let start = i;
    let out = "";
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === 0x22) {
        this.pos = i + 1;
        return out + t.slice(start, i);
      }
      if (c === 0x5c) {
        out += t.slice(start, i);
        const e = t.charCodeAt(i + 1);
        switch (e) {
          case 0x22:
            out += '"';
            break;
          case 0x5c:
            out += "\\";
            break;
          case 0x2f:
            out += "/";
            break;
          case 0x62:
            out += "\b";
            break;
          case 0x66:
            out += "\f";
            break;
          case 0x6e:
            out += "\n";
            break;
          case 0x72:
            out += "\r";
            break;
          case 0x74:
            out += "\t";
            break;
          case 0x75: {
            const hex = t.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              this.pos = i;
              this.fail("Invalid unicode escape");
            }
            out += String.fromCharCode(Number.parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            this.pos = i;
            this.fail("Invalid escape");
        }
        i += 2;
        start = i;
        continue;
      }
      if (Number.isNaN(c)) {
        this.pos = i;
        this.fail("Unterminated string");
      }
      if (c < 0x20) {
        this.pos = i;
        this.fail("Illegal control character in string");
      }
      i++;
    }
  }

  private number(): number | JsonNumber {
    const t = this.text;
    const start = this.pos;
    let i = start;
    if (t.charCodeAt(i) === 0x2d) i++;
    const digitsStart = i;
    while (isDigit(t.charCodeAt(i))) i++;
    if (i === digitsStart) {
      this.pos = i;
      this.fail("Expected digit");
    }
    if (t.charCodeAt(i) === 0x2e) {
      i++;
      const fracStart = i;
      while (isDigit(t.charCodeAt(i))) i++;
      if (i === fracStart) {
        this.pos = i;
        this.fail("Expected digit after decimal point");
      }
    }
    const e = t.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const s = t.charCodeAt(i);
      if (s === 0x2b || s === 0x2d) i++;
      const expStart = i;
      while (isDigit(t.charCodeAt(i))) i++;
      if (i === expStart) {
        this.pos = i;
        this.fail("Expected digit in exponent");
      }
    }
    this.pos = i;
    const text = t.slice(start, i);
    return this.lossless ? new JsonNumber(text) : Number(text);
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
