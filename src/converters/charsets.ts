/**
 * The Java charsets StringConverter supports, by their Java names and aliases (case-insensitive), mapped to
 * encoders with Java's behaviour for characters a charset cannot hold (written as '?') and bytes it cannot
 * read (read as U+FFFD).
 */

export interface Charset {
  readonly name: string;
  encode(s: string): Buffer;
  decode(b: Buffer): string;
}

// Per code point (u flag), so a surrogate pair becomes one '?', as in Java.
const NOT_LATIN1 = /[^\p{ASCII}\u0080-\u00ff]/gu;
const NOT_ASCII = /\P{ASCII}/gu;

const utf8: Charset = {
  name: "UTF-8",
  encode: (s) => Buffer.from(s, "utf8"),
  decode: (b) => b.toString("utf8"),
};

const latin1: Charset = {
  name: "ISO-8859-1",
  encode: (s) => Buffer.from(s.replace(NOT_LATIN1, "?"), "latin1"),
  decode: (b) => b.toString("latin1"),
};

const ascii: Charset = {
  name: "US-ASCII",
  encode: (s) => Buffer.from(s.replace(NOT_ASCII, "?"), "latin1"),
  decode: (b) => b.toString("latin1").replace(/[\u0080-\u00ff]/g, "\ufffd"),
};

function utf16le(b: Buffer): string {
  // Node drops a trailing odd byte; Java reads it as a malformed (replacement) character.
  const s = b.toString("utf16le");
  return b.length % 2 === 1 ? `${s}\ufffd` : s;
}

function swapped(b: Buffer): Buffer {
  const even = b.length - (b.length % 2);
  const out = Buffer.from(b);
  out.subarray(0, even).swap16();
  return out;
}

const utf16leCharset: Charset = {
  name: "UTF-16LE",
  encode: (s) => Buffer.from(s, "utf16le"),
  decode: utf16le,
};

const utf16beCharset: Charset = {
  name: "UTF-16BE",
  encode: (s) => Buffer.from(s, "utf16le").swap16(),
  decode: (b) => utf16le(swapped(b)),
};

/** Java's "UTF-16": writes a big-endian byte-order mark; reads either byte order by its mark, big-endian without. */
const utf16Charset: Charset = {
  name: "UTF-16",
  encode: (s) =>
    s.length === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0xfe, 0xff]), utf16beCharset.encode(s)]),
  decode: (b) => {
    if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return utf16le(b.subarray(2));
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return utf16beCharset.decode(b.subarray(2));
    return utf16beCharset.decode(b);
  },
};

const BY_NAME = new Map<string, Charset>();
function alias(charset: Charset, names: readonly string[]): void {
  for (const n of [charset.name, ...names]) BY_NAME.set(n.toUpperCase(), charset);
}
alias(utf8, ["UTF8", "unicode-1-1-utf-8"]);
alias(latin1, [
  "ISO8859_1",
  "ISO8859-1",
  "ISO_8859_1",
  "ISO_8859-1",
  "ISO-8859-1:1987",
  "ISO_8859-1:1987",
  "8859_1",
  "latin1",
  "l1",
  "cp819",
  "IBM819",
  "IBM-819",
  "819",
  "csISOLatin1",
  "iso-ir-100",
]);
alias(ascii, [
  "ASCII",
  "US_ASCII",
  "ISO646-US",
  "iso_646.irv:1983",
  "ANSI_X3.4-1968",
  "ANSI_X3.4-1986",
  "ascii7",
  "646",
  "cp367",
  "IBM367",
  "csASCII",
  "iso-ir-6",
  "us",
  "default",
]);
alias(utf16leCharset, ["UTF_16LE", "X-UTF-16LE", "UnicodeLittleUnmarked"]);
alias(utf16beCharset, ["UTF_16BE", "X-UTF-16BE", "UnicodeBigUnmarked", "ISO-10646-UCS-2"]);
alias(utf16Charset, ["UTF_16", "utf16", "unicode", "UnicodeBig"]);

/** The charset for a Java charset name, or undefined when unsupported. */
export function charsetForName(name: string): Charset | undefined {
  return BY_NAME.get(name.toUpperCase());
}
