/**
 * Datagen templates: each turns (seed, seq) into the same record every time. Fields come from a small
 * integer hash of seed, seq and a field number, so a record never depends on the ones before it and any
 * task can make any sequence number on its own.
 */

/** A 32-bit hash of (seed, seq, field): splitmix-style mixing, stable across runs and platforms. */
export function hash32(seed: number, seq: number, field: number): number {
  const lo = seq >>> 0;
  const hi = Math.floor(seq / 0x1_0000_0000) >>> 0;
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(field + 1, 0x85ebca6b)) >>> 0;
  for (const part of [lo, hi, Math.floor(seed / 0x1_0000_0000) >>> 0]) {
    h = Math.imul(h ^ part, 0xcc9e2d51) >>> 0;
    h = ((h << 13) | (h >>> 19)) >>> 0;
    h = (Math.imul(h, 5) + 0xe6546b64) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

function pick<T>(list: readonly T[], h: number): T {
  return list[h % list.length] as T;
}

/** 2024-01-01T00:00:00Z: generated times count from here, one second per sequence number */
const EPOCH = Date.UTC(2024, 0, 1);

const REGIONS = ["Region_1", "Region_2", "Region_3", "Region_4", "Region_5", "Region_6", "Region_7"];
const GENDERS = ["MALE", "FEMALE", "OTHER"];
const CITIES = [
  ["Lisbon", "LX"],
  ["Oslo", "OS"],
  ["Austin", "TX"],
  ["Kyoto", "KY"],
  ["Nairobi", "NA"],
  ["Recife", "PE"],
] as const;

export interface GeneratedRecord {
  readonly key: string;
  readonly value: Record<string, unknown>;
}

export type Template = (seed: number, seq: number) => GeneratedRecord;

export const TEMPLATES: Readonly<Record<string, Template>> = {
  users: (seed, seq) => {
    const id = `User_${(hash32(seed, seq, 0) % 1000) + 1}`;
    return {
      key: id,
      value: {
        registertime: EPOCH + seq * 1000 + (hash32(seed, seq, 1) % 1000),
        userid: id,
        regionid: pick(REGIONS, hash32(seed, seq, 2)),
        gender: pick(GENDERS, hash32(seed, seq, 3)),
        seq,
      },
    };
  },
  orders: (seed, seq) => {
    const [city, state] = pick(CITIES, hash32(seed, seq, 4));
    return {
      key: String(seq),
      value: {
        ordertime: EPOCH + seq * 1000,
        orderid: seq,
        itemid: `Item_${(hash32(seed, seq, 0) % 500) + 1}`,
        orderunits: Math.round(((hash32(seed, seq, 1) % 10_000) / 1000 + 0.1) * 100) / 100,
        address: { city, state, zipcode: 10_000 + (hash32(seed, seq, 2) % 90_000) },
        seq,
      },
    };
  },
  pageviews: (seed, seq) => {
    const userid = `User_${(hash32(seed, seq, 0) % 1000) + 1}`;
    return {
      key: userid,
      value: {
        viewtime: EPOCH + seq * 1000,
        userid,
        pageid: `Page_${(hash32(seed, seq, 1) % 100) + 1}`,
        seq,
      },
    };
  },
};
