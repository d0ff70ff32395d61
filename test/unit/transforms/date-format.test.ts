import { describe, expect, it } from "vitest";
import { compileDateFormat, formatConnectDate } from "../../../src/transforms/date-format.js";

const T = Date.UTC(2017, 0, 3, 6, 30, 1, 864); // a Tuesday

describe("SimpleDateFormat patterns (UTC)", () => {
  it.each([
    ["yyyyMMdd", "20170103"],
    ["yy-M-d", "17-1-3"],
    ["yyyyy", "02017"],
    ["MMM MMMM", "Jan January"],
    ["EEE EEEE u", "Tue Tuesday 2"],
    ["D DDD w W F", "3 003 1 1 1"],
    ["HH:mm:ss.SSS", "06:30:01.864"],
    ["h a K k", "6 AM 6 6"],
    ["S SSSSS", "864 00864"],
    ["z zzzz Z X XXX", "UTC Coordinated Universal Time +0000 Z Z"],
    ["'T''s' G", "T's AD"],
    ["''", "'"],
  ])("formats %j", (pattern, expected) => {
    expect(compileDateFormat(pattern).format(T)).toBe(expected);
  });

  it("formats week-based fields", () => {
    expect(compileDateFormat("YYYY ww W").format(T)).toBe("2017 01 1");
  });

  it("uses the week-year at year end", () => {
    expect(compileDateFormat("YYYY-ww").format(Date.UTC(2017, 11, 31))).toBe("2018-01");
    expect(compileDateFormat("YYYY-ww").format(Date.UTC(2016, 11, 31))).toBe("2016-53");
    expect(compileDateFormat("yyyy-ww").format(Date.UTC(2016, 11, 24))).toBe("2016-52");
  });

  it("formats midnight and noon in 12-hour forms", () => {
    const f = compileDateFormat("h K a k");
    expect(f.format(Date.UTC(2020, 0, 1, 0))).toBe("12 0 AM 24");
    expect(f.format(Date.UTC(2020, 0, 1, 12))).toBe("12 0 PM 12");
  });

  it.each(["yyyyMMddq", "bad-format", "yyyy'", "XXXX"])("rejects %j", (pattern) => {
    expect(() => compileDateFormat(pattern)).toThrow();
  });

  it.each([
    ["yyyy MM dd HH mm ss SSS z", "1970 01 02 00 00 01 234 UTC", 86_401_234],
    ["yyyyMMdd", "20170103", Date.UTC(2017, 0, 3)],
    ["yyyy-MM-dd", "2017-1-3", Date.UTC(2017, 0, 3)],
    ["yyyy-MM-dd", "2017-01-03 trailing text", Date.UTC(2017, 0, 3)],
    ["yyyy-MM-dd", "2017-13-01", Date.UTC(2018, 0, 1)],
    ["yyyy-MM-dd HH:mm", "2017-01-03 06:30", Date.UTC(2017, 0, 3, 6, 30)],
    ["yyyy-MM-dd'T'HH:mm:ssXXX", "2017-01-03T06:30:00+02:00", Date.UTC(2017, 0, 3, 4, 30)],
    ["yyyy-MM-dd'T'HH:mm:ssZ", "2017-01-03T06:30:00-0130", Date.UTC(2017, 0, 3, 8, 0)],
    ["yyyy-MM-dd'T'HH:mm:ssX", "2017-01-03T06:30:00Z", Date.UTC(2017, 0, 3, 6, 30)],
    ["dd MMM yyyy hh:mm a", "03 jan 2017 06:30 PM", Date.UTC(2017, 0, 3, 18, 30)],
    ["EEE, d MMMM yyyy", "Tuesday, 3 January 2017", Date.UTC(2017, 0, 3)],
    ["yyyy D", "2017 34", Date.UTC(2017, 1, 3)],
    ["G yyyy", "AD 0001", new Date("0001-01-01T00:00:00Z").getTime()],
  ])("parses %j", (pattern, text, expected) => {
    expect(compileDateFormat(pattern).parse(text)).toBe(expected);
  });

  it("resolves two-digit years within 80 years before and 20 after now", () => {
    const now = new Date().getUTCFullYear();
    const parse = (yy: number) =>
      new Date(compileDateFormat("yy").parse(String(yy).padStart(2, "0"))).getUTCFullYear();
    for (let yy = 0; yy < 100; yy++) {
      const y = parse(yy);
      expect(y % 100).toBe(yy);
      expect(y).toBeGreaterThanOrEqual(now - 80);
      expect(y).toBeLessThan(now + 20);
    }
  });

  it.each([
    ["yyyy-MM-dd", "2017/01/03"],
    ["yyyy-MM-dd", ""],
    ["MMM", "Foo"],
    ["yyyy z", "2017 ???"],
  ])("fails to parse %j with %j", (pattern, text) => {
    expect(() => compileDateFormat(pattern).parse(text)).toThrow();
  });

  it("formats Connect dates as Kafka's Values does", () => {
    expect(formatConnectDate(new Date(3_600_000))).toBe("01:00:00.000Z");
    expect(formatConnectDate(new Date(86_400_000))).toBe("1970-01-02");
    expect(formatConnectDate(new Date(86_400_001))).toBe("1970-01-02T00:00:00.001Z");
  });
});
