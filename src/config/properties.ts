/**
 * A faithful port of java.util.Properties.load(Reader) (JDK 9+ LineReader and loadConvert), because Kafka
 * reads worker and connector .properties files with it and users' files rely on its exact quirks.
 *
 * The input is already-decoded text: Java's load(InputStream) would decode bytes as ISO-8859-1, but choosing the
 * encoding is the caller's job (see config-file.ts).
 */

export class PropertiesError extends Error {
  override name = "PropertiesError";
  constructor(
    /** the file (or other label) the text came from */
    readonly source: string,
    /** 1-based natural line number where the problem starts */
    readonly line: number,
    /** the problem, without location; Java's wording where Java has one */
    readonly reason: string,
  ) {
    super(`${source}:${line}: ${reason}`);
  }
}

const MALFORMED_UNICODE = "Malformed \\uxxxx encoding.";

/** A logical line (continuations joined), with the source offset of each character to locate errors. */
interface LogicalLine {
  readonly chars: string;
  readonly offsets: readonly number[];
}

const isBlank = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\f";
const isEol = (c: string | undefined): boolean => c === "\n" || c === "\r";

/** Port of Properties.LineReader: skips blank and comment lines and joins `\`-continued natural lines. */
class LineReader {
  private pos = 0;
  constructor(private readonly text: string) {}

  readLine(): LogicalLine | undefined {
    const text = this.text;
    let chars = "";
    const offsets: number[] = [];
    let skipWhiteSpace = true;
    // true right after a continuation: a line terminator then ends the logical line instead of being skipped
    let appendedLineBegin = false;
    let precedingBackslash = false;

    // At end of input an odd trailing backslash is dropped, not kept (Java returns len - 1).
    const finish = (): LogicalLine =>
      precedingBackslash ? { chars: chars.slice(0, -1), offsets: offsets.slice(0, -1) } : { chars, offsets };

    for (;;) {
      if (this.pos >= text.length) return chars.length === 0 ? undefined : finish();
      const at = this.pos;
      const c = text[this.pos++];

      if (skipWhiteSpace) {
        if (isBlank(c)) continue;
        if (!appendedLineBegin && isEol(c)) continue;
        skipWhiteSpace = false;
        appendedLineBegin = false;
      }

      // Java tests "nothing collected yet", not "start of a natural line": so a comment-looking continuation
      // line is data, but one following a line holding only `\` is a comment.
      if (chars.length === 0 && (c === "#" || c === "!")) {
        while (this.pos < text.length && !isEol(text[this.pos++])) {}
        skipWhiteSpace = true;
        continue;
      }

      if (!isEol(c)) {
        chars += c;
        offsets.push(at);
        precedingBackslash = c === "\\" ? !precedingBackslash : false;
        continue;
      }

      // end of a natural line
      if (chars.length === 0) {
        skipWhiteSpace = true;
        continue;
      }
      if (this.pos >= text.length) return finish();
      if (!precedingBackslash) return { chars, offsets };
      // continuation: drop the backslash, then the next line's leading whitespace
      chars = chars.slice(0, -1);
      offsets.pop();
      skipWhiteSpace = true;
      appendedLineBegin = true;
      precedingBackslash = false;
      if (c === "\r" && text[this.pos] === "\n") this.pos++;
    }
  }
}

/** 1-based line number of a source offset; \n, \r and \r\n each end a line. */
function lineNumberAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if (c === "\r" || (c === "\n" && text[i - 1] !== "\r")) line++;
  }
  return line;
}

const HEX_DIGIT = /^[0-9a-fA-F]$/;

/** Port of Properties.loadConvert: resolves escapes in chars[start, end). */
function loadConvert(line: LogicalLine, start: number, end: number, fail: (offset: number) => never): string {
  const s = line.chars;
  const firstBackslash = s.indexOf("\\", start);
  if (firstBackslash === -1 || firstBackslash >= end) return s.slice(start, end);

  let out = s.slice(start, firstBackslash);
  let i = firstBackslash;
  while (i < end) {
    const c = s[i++];
    if (c !== "\\") {
      out += c;
      continue;
    }
    const escapeAt = line.offsets[i - 1] ?? 0;
    // The reader never leaves an unpaired backslash at the end, so s[i] exists; guard anyway.
    if (i >= end) break;
    const e = s[i++];
    if (e === "u") {
      const hex = s.slice(i, i + 4);
      if (i > end - 4 || ![...hex].every((h) => HEX_DIGIT.test(h))) fail(escapeAt);
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 4;
    } else if (e === "t") out += "\t";
    else if (e === "r") out += "\r";
    else if (e === "n") out += "\n";
    else if (e === "f") out += "\f";
    else out += e; // any other escaped character stands for itself: \= \: \# \! \\ and "\ "
  }
  return out;
}

/**
 * Parses Java properties text into a Map in first-seen key order; a later duplicate key replaces the value.
 * Throws PropertiesError (naming `source` and the line) on a malformed \uXXXX escape, as Java throws
 * IllegalArgumentException("Malformed \\uxxxx encoding.").
 */
export function parseProperties(text: string, source = "<input>"): Map<string, string> {
  const result = new Map<string, string>();
  const reader = new LineReader(text);
  const fail = (offset: number): never => {
    throw new PropertiesError(source, lineNumberAt(text, offset), MALFORMED_UNICODE);
  };

  for (let line = reader.readLine(); line !== undefined; line = reader.readLine()) {
    const s = line.chars;
    const limit = s.length;
    let keyLen = 0;
    let valueStart = limit;
    let hasSep = false;
    let precedingBackslash = false;

    // The key ends at the first unescaped '=', ':' or whitespace.
    while (keyLen < limit) {
      const c = s[keyLen];
      if ((c === "=" || c === ":") && !precedingBackslash) {
        valueStart = keyLen + 1;
        hasSep = true;
        break;
      }
      if (isBlank(c) && !precedingBackslash) {
        valueStart = keyLen + 1;
        break;
      }
      precedingBackslash = c === "\\" ? !precedingBackslash : false;
      keyLen++;
    }
    // Skip whitespace, and at most one '='/':' when the key ended at whitespace ("key = value").
    while (valueStart < limit) {
      const c = s[valueStart];
      if (!isBlank(c)) {
        if (!hasSep && (c === "=" || c === ":")) hasSep = true;
        else break;
      }
      valueStart++;
    }

    result.set(loadConvert(line, 0, keyLen, fail), loadConvert(line, valueStart, limit, fail));
  }
  return result;
}
