import { describe, expect, it } from "vitest";
import { Schemas } from "../../../src/api/schema.js";
import { DropHeaders } from "../../../src/transforms/drop-headers.js";
import { Filter } from "../../../src/transforms/filter.js";
import { InsertHeader } from "../../../src/transforms/insert-header.js";
import { header, sourceRec } from "./helpers.js";

const existing = header("existing", "existing-value", Schemas.STRING);

function same(a: ReturnType<typeof sourceRec>, b: ReturnType<typeof sourceRec>) {
  const { headers: _a, ...restA } = a;
  const { headers: _b, ...restB } = b;
  expect(restB).toEqual(restA);
}

describe("DropHeaders", () => {
  const drop = (headers: string) => {
    const t = new DropHeaders();
    t.configure({ headers });
    return t;
  };
  it.each([
    ["an existing header", [existing, header("to-drop", "x", Schemas.STRING)]],
    ["a header with several values", [existing, header("to-drop", "x"), header("to-drop", "y")]],
    ["no matching header", [existing]],
  ])("drops %s", (_, headers) => {
    const original = sourceRec({ key: "key", value: "value", timestamp: 0, headers });
    const out = drop("to-drop").apply(original);
    same(original, out);
    expect(out.headers).toEqual([existing]);
  });
  it("drops several names", () => {
    const out = drop("a, b").apply(sourceRec({ headers: [header("a", 1), existing, header("b", 2)] }));
    expect(out.headers).toEqual([existing]);
  });
  it("rejects an empty list", () => {
    expect(() => drop("")).toThrow("Invalid value  for configuration headers: Empty list");
    expect(() => new DropHeaders().configure({})).toThrow('Missing required configuration "headers"');
  });
});

describe("InsertHeader", () => {
  const insert = (h: string, literal: string) => {
    const t = new InsertHeader();
    t.configure({ header: h, "value.literal": literal });
    return t;
  };
  it.each([
    ["another header", "inserted", "inserted-value", header("inserted", "inserted-value", Schemas.STRING)],
    [
      "the same header name",
      "existing",
      "inserted-value",
      header("existing", "inserted-value", Schemas.STRING),
    ],
    ["a byte", "inserted", "1", header("inserted", 1, Schemas.INT8)],
    ["a boolean", "inserted", "true", header("inserted", true, Schemas.BOOLEAN)],
    ["null", "inserted", "null", header("inserted", null, null)],
    ["an empty string", "inserted", "", header("inserted", "", Schemas.STRING)],
  ])("adds %s after the existing headers", (_, name, literal, expected) => {
    const original = sourceRec({ key: "key", value: "value", timestamp: 0, headers: [existing] });
    const out = insert(name, literal).apply(original);
    same(original, out);
    expect(out.headers).toEqual([existing, expected]);
    expect(original.headers).toEqual([existing]);
  });
  it("requires header and value.literal", () => {
    expect(() => new InsertHeader().configure({ "value.literal": "1" })).toThrow('"header"');
    expect(() => new InsertHeader().configure({ header: "h" })).toThrow('"value.literal"');
  });
});

describe("Filter", () => {
  it("drops every record", () => {
    const f = new Filter();
    f.configure();
    expect(f.apply()).toBeNull();
    expect(f.config().list()).toEqual([]);
  });
});
