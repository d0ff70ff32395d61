/**
 * java.text.SimpleDateFormat patterns, always in UTC (TimestampConverter and TimestampRouter set UTC on
 * theirs), compiled once into a list of field printers/parsers. Formatting covers every pattern letter;
 * parsing is lenient like Java's default (greedy numbers, out-of-range values roll over, trailing text is
 * ignored) and resolves dates from era/year/month/day-of-month or day-of-year, hours, minutes, seconds,
 * milliseconds and a zone offset. Week-based fields (Y, w, W, F, E, u) are accepted but do not move the date.
 */

import { MILLIS_PER_DAY } from "../data/logical.js";

const PATTERN_LETTERS = "GyYMLwWDdFEuaHkKhmsSzZX";
const NUMERIC = new Set([..."yYwWDdFuHkKhmsS"]);

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

type Token = { readonly lit: string } | { readonly letter: string; readonly count: number };

export interface DateFormat {
  readonly pattern: string;
  /** Epoch milliseconds → text, in UTC. */
  format(epochMs: number): string;
  /** Text → epoch milliseconds; throws an Error when the text does not match. */
  parse(text: string): number;
}

/** Compile a SimpleDateFormat pattern; throws an Error (as Java's IllegalArgumentException) when it is invalid. */
export function compileDateFormat(pattern: string): DateFormat {
  const tokens = tokenize(pattern);
  // Formatting is per day unless the pattern prints a time of day, which lets a router reuse one string.
  const dayOnly = tokens.every((t) => "lit" in t || !"aHkKhmsS".includes(t.letter));
  let lastDay = Number.NaN;
  let lastText = "";
  return {
    pattern,
    format(ms: number): string {
      if (dayOnly) {
        const day = Math.floor(ms / MILLIS_PER_DAY);
        if (day === lastDay) return lastText;
        lastText = formatTokens(tokens, ms);
        lastDay = day;
        return lastText;
      }
      return formatTokens(tokens, ms);
    },
    parse(text: string): number {
      return parseTokens(tokens, text);
    },
  };
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let lit = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        lit += "'";
        i++;
        continue;
      }
      let j = i + 1;
      for (;;) {
        if (j >= pattern.length) throw new Error("Unterminated quote");
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            lit += "'";
            j += 2;
            continue;
          }
          break;
        }
        lit += pattern[j];
        j++;
      }
      i = j;
    } else if ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z")) {
      if (!PATTERN_LETTERS.includes(c)) throw new Error(`Illegal pattern character '${c}'`);
      let n = 1;
      while (pattern[i + n] === c) n++;
      if (c === "X" && n > 3) throw new Error(`invalid ISO 8601 format: length=${n}`);
      if (lit) tokens.push({ lit });
      lit = "";
      tokens.push({ letter: c, count: n });
      i += n - 1;
    } else {
      lit += c;
    }
  }
  if (lit) tokens.push({ lit });
  return tokens;
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  const padded = s.length >= width ? s : "0".repeat(width - s.length) + s;
  return n < 0 ? `-${padded}` : padded;
}

/** Week numbering of java.util.GregorianCalendar in the US locale: weeks start Sunday, week 1 holds Jan 1. */
function weekOfYear(d: Date): { week: number; weekYear: number } {
  const year = d.getUTCFullYear();
  const midnight = Date.UTC(year, d.getUTCMonth(), d.getUTCDate());
  const dow = d.getUTCDay();
  const nextJan1 = Date.UTC(year + 1, 0, 1);
  if ((nextJan1 - midnight) / MILLIS_PER_DAY <= 6 - dow) return { week: 1, weekYear: year + 1 };
  const jan1 = Date.UTC(year, 0, 1);
  const jan1Dow = new Date(jan1).getUTCDay();
  const dayOfYear = (midnight - jan1) / MILLIS_PER_DAY;
  return { week: Math.floor((dayOfYear + jan1Dow) / 7) + 1, weekYear: year };
}

function formatTokens(tokens: readonly Token[], ms: number): string {
  const d = new Date(ms);
  let out = "";
  for (const t of tokens) {
    if ("lit" in t) {
      out += t.lit;
      continue;
    }
    const n = t.count;
    switch (t.letter) {
      case "G":
        out += d.getUTCFullYear() > 0 ? "AD" : "BC";
        break;
      case "y":
      case "Y": {
        let y = t.letter === "y" ? d.getUTCFullYear() : weekOfYear(d).weekYear;
        if (y <= 0) y = 1 - y; // year of era
        out += n === 2 ? pad(y % 100, 2) : pad(y, n);
        break;
      }
      case "M":
      case "L": {
        const m = d.getUTCMonth();
        const name = MONTHS[m] ?? "";
        out += n >= 4 ? name : n === 3 ? name.slice(0, 3) : pad(m + 1, n);
        break;
      }
      case "w":
        out += pad(weekOfYear(d).week, n);
        break;
      case "W": {
        const firstDow = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).getUTCDay();
        out += pad(Math.floor((d.getUTCDate() - 1 + firstDow) / 7) + 1, n);
        break;
      }
      case "D":
        out += pad(
          (Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - yearStart(d)) / MILLIS_PER_DAY + 1,
          n,
        );
        break;
      case "d":
        out += pad(d.getUTCDate(), n);
        break;
      case "F":
        out += pad(Math.floor((d.getUTCDate() - 1) / 7) + 1, n);
        break;
      case "E": {
        const name = DAYS[d.getUTCDay()] ?? "";
        out += n >= 4 ? name : name.slice(0, 3);
        break;
      }
      case "u":
        out += pad(d.getUTCDay() === 0 ? 7 : d.getUTCDay(), n);
        break;
      case "a":
        out += d.getUTCHours() < 12 ? "AM" : "PM";
        break;
      case "H":
        out += pad(d.getUTCHours(), n);
        break;
      case "k":
        out += pad(d.getUTCHours() === 0 ? 24 : d.getUTCHours(), n);
        break;
      case "K":
        out += pad(d.getUTCHours() % 12, n);
        break;
      case "h":
        out += pad(d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12, n);
        break;
      case "m":
        out += pad(d.getUTCMinutes(), n);
        break;
      case "s":
        out += pad(d.getUTCSeconds(), n);
        break;
      case "S":
        out += pad(d.getUTCMilliseconds(), n);
        break;
      case "z":
        out += n >= 4 ? "Coordinated Universal Time" : "UTC";
        break;
      case "Z":
        out += "+0000";
        break;
      case "X":
        out += "Z";
        break;
    }
  }
  return out;
}

function yearStart(d: Date): number {
  const s = new Date(0);
  s.setUTCFullYear(d.getUTCFullYear(), 0, 1);
  return s.getTime();
}

interface Fields {
  bc: boolean;
  year?: number;
  month?: number;
  day?: number;
  dayOfYear?: number;
  hourOfDay?: number;
  hour12?: number;
  pm?: boolean;
  minute: number;
  second: number;
  ms: number;
  offsetMs: number;
}

class ParseFailure extends Error {}

function parseTokens(tokens: readonly Token[], text: string): number {
  const f: Fields = { bc: false, minute: 0, second: 0, ms: 0, offsetMs: 0 };
  let pos = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if ("lit" in t) {
      if (!text.startsWith(t.lit, pos)) throw new ParseFailure();
      pos += t.lit.length;
      continue;
    }
    // Java skips spaces and tabs before a field
    while (text[pos] === " " || text[pos] === "\t") pos++;
    if (pos >= text.length) throw new ParseFailure();
    const next = tokens[i + 1];
    // a numeric field directly followed by another reads exactly its width ("yyyyMMdd")
    const abutting =
      next !== undefined &&
      !("lit" in next) &&
      (NUMERIC.has(next.letter) || ((next.letter === "M" || next.letter === "L") && next.count <= 2));
    const L = t.letter;
    if ((L === "M" || L === "L") && t.count >= 3) {
      const [idx, len] = matchName(text, pos, MONTHS);
      f.month = idx;
      pos += len;
    } else if (L === "E") {
      pos += matchName(text, pos, DAYS)[1];
    } else if (L === "a") {
      const [idx, len] = matchName(text, pos, ["AM", "PM"]);
      f.pm = idx === 1;
      pos += len;
    } else if (L === "G") {
      const [idx, len] = matchName(text, pos, ["BC", "AD"]);
      f.bc = idx === 0;
      pos += len;
    } else if (L === "z" || L === "Z" || L === "X") {
      const [offset, len] = matchZone(text, pos);
      f.offsetMs = offset;
      pos += len;
    } else {
      const start = pos;
      let end = pos;
      if (text[end] === "-") end++;
      const limit = abutting ? Math.min(text.length, end + t.count) : text.length;
      while (end < limit && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
      const digits = text.slice(start, end);
      if (digits === "" || digits === "-") throw new ParseFailure();
      let v = Number(digits);
      pos = end;
      switch (L) {
        case "y":
          if (t.count <= 2 && digits.length === 2 && digits[0] !== "-") v = resolveTwoDigitYear(v);
          f.year = v;
          break;
        case "M":
        case "L":
          f.month = v - 1;
          break;
        case "d":
          f.day = v;
          break;
        case "D":
          f.dayOfYear = v;
          break;
        case "H":
          f.hourOfDay = v;
          break;
        case "k":
          f.hourOfDay = v === 24 ? 0 : v;
          break;
        case "K":
          f.hour12 = v;
          break;
        case "h":
          f.hour12 = v === 12 ? 0 : v;
          break;
        case "m":
          f.minute = v;
          break;
        case "s":
          f.second = v;
          break;
        case "S":
          f.ms = v;
          break;
        // Y, w, W, F, u: read but not used to resolve the date
      }
    }
  }
  return resolve(f);
}

/** Two-digit years land within 80 years before and 20 years after now, as SimpleDateFormat's default century. */
function resolveTwoDigitYear(v: number): number {
  const startYear = new Date().getUTCFullYear() - 80;
  return v + Math.floor(startYear / 100) * 100 + (v < startYear % 100 ? 100 : 0);
}

function matchName(text: string, pos: number, names: readonly string[]): [number, number] {
  const rest = text.slice(pos).toLowerCase();
  // Longest full name first, then the three-letter short forms, as Java tries long then short names.
  let best: [number, number] | undefined;
  names.forEach((name, idx) => {
    const l = name.toLowerCase();
    if (rest.startsWith(l) && (!best || l.length > best[1])) best = [idx, l.length];
  });
  if (!best) {
    names.forEach((name, idx) => {
      const s = name.slice(0, 3).toLowerCase();
      if (!best && name.length > 3 && rest.startsWith(s)) best = [idx, 3];
    });
  }
  if (!best) throw new ParseFailure();
  return best;
}

const ZONE = /^(?:Z|(?:UTC|GMT|UT)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?|([+-])(\d{2})(?::?(\d{2}))?)/i;

function matchZone(text: string, pos: number): [number, number] {
  const m = ZONE.exec(text.slice(pos));
  if (!m) throw new ParseFailure();
  const sign = m[1] ?? m[4];
  const hh = Number(m[2] ?? m[5] ?? 0);
  const mm = Number(m[3] ?? m[6] ?? 0);
  const offset = (hh * 60 + mm) * 60_000;
  return [sign === "-" ? -offset : offset, m[0].length];
}

function resolve(f: Fields): number {
  let year = f.year ?? 1970;
  if (f.bc) year = 1 - year;
  const d = new Date(0);
  if (f.dayOfYear !== undefined && f.month === undefined && f.day === undefined) {
    d.setUTCFullYear(year, 0, f.dayOfYear);
  } else {
    d.setUTCFullYear(year, f.month ?? 0, f.day ?? 1);
  }
  let hour = f.hourOfDay ?? 0;
  if (f.hourOfDay === undefined && f.hour12 !== undefined) hour = f.hour12 + (f.pm ? 12 : 0);
  else if (f.hourOfDay === undefined && f.pm) hour = 12;
  d.setUTCHours(hour, f.minute, f.second, f.ms);
  const t = d.getTime() - f.offsetMs;
  if (Number.isNaN(t)) throw new ParseFailure();
  return t;
}

// ---- Fixed formats of Kafka's Values (Cast to string, InsertHeader literals) ---------------------------

export const ISO_DATE = compileDateFormat("yyyy-MM-dd");
export const ISO_TIME = compileDateFormat("HH:mm:ss.SSS'Z'");
export const ISO_TIMESTAMP = compileDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");

/** Kafka's Values.dateFormatFor: a time below one day, a date on a day boundary, else a timestamp. */
export function formatConnectDate(d: Date): string {
  const ms = d.getTime();
  if (ms < MILLIS_PER_DAY) return ISO_TIME.format(ms);
  if (ms % MILLIS_PER_DAY === 0) return ISO_DATE.format(ms);
  return ISO_TIMESTAMP.format(ms);
}
