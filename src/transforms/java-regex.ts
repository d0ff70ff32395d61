/**
 * Java regular expressions and Matcher replacement strings, as RegexRouter and TopicNameMatches take them,
 * compiled once at configure time to JS RegExps. JS and Java regex syntax agree on everything topic
 * patterns normally use; the Java-only pieces that are cheap to map are mapped (\Q..\E quoting, leading
 * inline flags, \A and \z), and anything JS cannot compile is reported as an invalid regex.
 */
import { errorMessage } from "../errors.js";

export interface JavaPattern {
  readonly source: string;
  /** Java's Matcher.matches(): the whole input must match. */
  readonly whole: RegExp;
  /** Java's Matcher.find() from the start, for replaceFirst. */
  readonly first: RegExp;
  readonly groupCount: number;
  readonly groupNames: ReadonlySet<string>;
}

const INLINE_FLAGS = /^\(\?([a-zA-Z]+)\)/;

/** Compile a Java regex; throws an Error whose message says why it is invalid. */
export function compileJavaRegex(pattern: string): JavaPattern {
  let flags = "";
  let body = pattern;
  // Node 20 has no inline modifiers, so a leading (?i) etc. becomes a RegExp flag.
  const m = INLINE_FLAGS.exec(body);
  if (m?.[1]) {
    for (const f of m[1]) {
      if (f === "i" || f === "s" || f === "m") {
        if (!flags.includes(f)) flags += f;
      } else if (f !== "u" && f !== "U") {
        throw new Error(`Unsupported inline flag '${f}' near index 0`);
      }
    }
    body = body.slice(m[0].length);
  }
  const source = translate(body);
  // Prefer unicode mode (for \p{..}); fall back to legacy mode, which accepts Java's lone ']' and '{'.
  let chosen: string | undefined;
  let error: unknown;
  for (const f of [`${flags}u`, flags]) {
    try {
      new RegExp(source, f);
      chosen = f;
      break;
    } catch (e) {
      error ??= e;
    }
  }
  if (chosen === undefined) throw new Error(errorMessage(error));
  const probe = new RegExp(`${source}|`, chosen).exec("");
  return {
    source: pattern,
    // lookarounds rather than ^/$ so a translated (?m) cannot loosen the whole-input anchoring
    whole: new RegExp(`(?<![\\s\\S])(?:${source})(?![\\s\\S])`, chosen),
    first: new RegExp(source, chosen),
    groupCount: probe ? probe.length - 1 : 0,
    groupNames: new Set(Object.keys(probe?.groups ?? {})),
  };
}

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}

function translate(p: string): string {
  let out = "";
  let inClass = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === "\\" && i + 1 < p.length) {
      const n = p[i + 1];
      if (n === "Q") {
        const end = p.indexOf("\\E", i + 2);
        const lit = end < 0 ? p.slice(i + 2) : p.slice(i + 2, end);
        out += escapeLiteral(lit);
        i = end < 0 ? p.length : end + 1;
        continue;
      }
      if (inClass === 0 && n === "A") out += "(?<![\\s\\S])";
      else if (inClass === 0 && n === "z") out += "(?![\\s\\S])";
      else if (inClass === 0 && n === "Z") out += "(?=\\n?(?![\\s\\S]))";
      else out += c + n;
      i++;
      continue;
    }
    if (c === "[") inClass++;
    else if (c === "]" && inClass > 0) inClass--;
    out += c;
  }
  return out;
}

/** One piece of a compiled replacement: literal text, or a group by number or name. */
type ReplacementPart = string | number | { readonly name: string };

export interface JavaReplacement {
  /** Java's Matcher.replaceFirst on an input that `pattern.first` is tried against. */
  replaceFirst(input: string): string;
}

/**
 * Compile a Java replacement string ($n, ${name}, backslash escapes) against `pattern`. Kafka only finds a bad
 * group reference when a record's topic matches; it is reported here, at configure time, instead.
 */
export function compileJavaReplacement(pattern: JavaPattern, replacement: string): JavaReplacement {
  const parts: ReplacementPart[] = [];
  let lit = "";
  const r = replacement;
  for (let i = 0; i < r.length; i++) {
    const c = r[i];
    if (c === "\\") {
      i++;
      if (i >= r.length) throw new Error("character to be escaped is missing");
      lit += r[i];
    } else if (c === "$") {
      i++;
      if (i >= r.length) throw new Error("Illegal group reference: group index is missing");
      if (lit) parts.push(lit);
      lit = "";
      if (r[i] === "{") {
        const end = r.indexOf("}", i);
        if (end < 0) throw new Error("named capturing group is missing trailing '}'");
        const name = r.slice(i + 1, end);
        if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(name)) {
          throw new Error(
            name === "" ? "named capturing group has 0 length name" : `Illegal group name ${name}`,
          );
        }
        if (!pattern.groupNames.has(name)) throw new Error(`No group with name {${name}}`);
        parts.push({ name });
        i = end;
      } else {
        const d = r.charCodeAt(i) - 48;
        if (d < 0 || d > 9) throw new Error("Illegal group reference");
        // Java reads further digits only while they still name an existing group
        let ref = d;
        while (i + 1 < r.length) {
          const nd = r.charCodeAt(i + 1) - 48;
          if (nd < 0 || nd > 9 || ref * 10 + nd > pattern.groupCount) break;
          ref = ref * 10 + nd;
          i++;
        }
        if (ref > pattern.groupCount) throw new Error(`No group ${ref}`);
        parts.push(ref);
      }
    } else {
      lit += c;
    }
  }
  if (lit) parts.push(lit);
  const re = pattern.first;
  return {
    replaceFirst(input: string): string {
      const m = re.exec(input);
      if (!m) return input;
      let out = input.slice(0, m.index);
      for (const p of parts) {
        if (typeof p === "string") out += p;
        else if (typeof p === "number") out += m[p] ?? "";
        else out += m.groups?.[p.name] ?? "";
      }
      return out + input.slice(m.index + m[0].length);
    },
  };
}
