import { describe, expect, it } from "vitest";
import { SchemaBuilder, Schemas } from "../../../src/api/schema.js";
import { DropHeaders } from "../../../src/transforms/drop-headers.js";
import { Filter } from "../../../src/transforms/filter.js";
import { InsertHeader } from "../../../src/transforms/insert-header.js";
import { DATE_SCHEMA, TIME_SCHEMA, TIMESTAMP_SCHEMA } from "../../../src/transforms/util.js";
import { parseString } from "../../../src/transforms/values.js";
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

describe("Values.parseString", () => {
  it.each([
    ["", Schemas.STRING, ""],
    ["  ", Schemas.STRING, "  "],
    ["simple string", Schemas.STRING, "simple string"],
    ["true", Schemas.BOOLEAN, true],
    ["  false  ", Schemas.BOOLEAN, false],
    ["null", null, null],
    ["true}", Schemas.STRING, "true}"],
    ["null=", Schemas.STRING, "null="],
    ["{foo: 3}", Schemas.STRING, "{foo: 3}"],
    ["[foo]", Schemas.STRING, "[foo]"],
    ["[0 1 2]", Schemas.STRING, "[0 1 2]"],
    ["{6:9 4:20}", Schemas.STRING, "{6:9 4:20}"],
    ["{null: 3}", Schemas.STRING, "{null: 3}"],
    ["[1, 2, 3,,,]", Schemas.STRING, "[1, 2, 3,,,]"],
    ["1", Schemas.INT8, 1],
    ["-129", Schemas.INT16, -129],
    ["66000", Schemas.INT32, 66000],
    ["9223372036854775807", Schemas.INT64, 2n ** 63n - 1n],
    ["1.0", Schemas.INT8, 1],
    ["300.0", Schemas.INT16, 300],
    ["66000.0", Schemas.INT32, 66000],
    ["1.1", Schemas.FLOAT32, Math.fround(1.1)],
    ["3.4028235E38", Schemas.FLOAT32, Math.fround(3.4028235e38)],
    ["1.7976931348623157E308", Schemas.FLOAT64, 1.7976931348623157e308],
    ["2019-01-02", DATE_SCHEMA, new Date(Date.UTC(2019, 0, 2))],
    ["10:15:30.123Z", TIME_SCHEMA, new Date(Date.UTC(1970, 0, 1, 10, 15, 30, 123))],
    ["2019-01-02T10:15:30.123Z", TIMESTAMP_SCHEMA, new Date(Date.UTC(2019, 0, 2, 10, 15, 30, 123))],
  ] as [string, unknown, unknown][])("%j", (text, schema, value) => {
    expect(parseString(text)).toEqual({ schema, value });
  });

  it("parses arrays and maps with a common element schema", () => {
    expect(parseString("[true, false]")).toEqual({
      schema: SchemaBuilder.array(Schemas.BOOLEAN).build(),
      value: [true, false],
    });
    expect(parseString("[1, 1000]")).toEqual({
      schema: SchemaBuilder.array(Schemas.INT16).build(),
      value: [1, 1000],
    });
    expect(parseString('["a", "b"]').value).toEqual(["a", "b"]);
    expect(parseString("[null]").value).toEqual([null]);
    expect(parseString("[]").value).toEqual([]);
    expect(parseString("[[]]").schema?.valueSchema?.type).toBe("array");
    const map = parseString('{"a": 1, "b": 2}');
    expect(map.schema).toEqual(SchemaBuilder.map(Schemas.STRING, Schemas.INT8).build());
    expect(map.value).toEqual(
      new Map([
        ["a", 1],
        ["b", 2],
      ]),
    );
    const mixed = parseString('{1:1, 2:1, 300:300, 4:"four"}');
    expect(mixed.schema?.keySchema).toBe(Schemas.INT16);
    expect(mixed.schema?.valueSchema).toBeUndefined();
    expect(parseString("{3: null}").value).toEqual(new Map([[3, null]]));
    expect(parseString("{}").value).toEqual(new Map());
  });
});
