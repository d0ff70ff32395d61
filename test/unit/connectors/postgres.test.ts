/** Pure parts of the PostgreSQL connectors: type mapping, timestamps, queries, rows, config checks. */
import { describe, expect, it } from "vitest";
import type { SinkRecord } from "../../../src/api/records.js";
import { LogicalTypes, SchemaBuilder, Schemas, Struct } from "../../../src/api/schema.js";
import {
  codecFor,
  formatInstant,
  OID,
  parseTimestamp,
  sqlType,
  toParam,
} from "../../../src/connectors/postgres/column-types.js";
import { parseTableName, quoteIdent, quoteTable } from "../../../src/connectors/postgres/identifiers.js";
import { postgresSinkPlugin, postgresSourcePlugin } from "../../../src/connectors/postgres/index.js";
import { sinkSettings } from "../../../src/connectors/postgres/sink-config.js";
import { toRow } from "../../../src/connectors/postgres/sink-rows.js";
import { sourceSettings } from "../../../src/connectors/postgres/source-config.js";
import { nextRows } from "../../../src/connectors/postgres/source-queries.js";
import { Decimal } from "../../../src/data/decimal.js";
import { sinkRecords } from "../../../src/testing/index.js";

const url = "postgres://u:p@127.0.0.1:1/db";

describe("PostgreSQL column types", () => {
  it("maps columns to Connect schemas and parses their text exactly", () => {
    const col = (typeOid: number, typmod = -1, optional = true) =>
      codecFor({ name: "c", typeOid, typmod, optional });
    expect(col(OID.INT8).parse("9007199254740993")).toBe(9007199254740993n);
    expect(col(OID.INT8).parse("42")).toBe(42);
    expect(col(OID.INT4, -1, false).schema).toEqual({ type: "int32", optional: false });
    expect(col(OID.BOOL).parse("t")).toBe(true);
    const money = col(OID.NUMERIC, ((10 << 16) | 2) + 4);
    expect(money.schema.parameters).toEqual({ scale: "2" });
    expect(money.parse("12.50")).toEqual(new Decimal(1250n, 2));
    expect(col(OID.NUMERIC).schema.type).toBe("string");
    expect(col(OID.BYTEA).parse("\\x01ff")).toEqual(Buffer.from([1, 255]));
    expect(col(OID.TIMESTAMPTZ).schema.name).toBe(LogicalTypes.TIMESTAMP);
    expect(col(OID.TIMESTAMPTZ).parse("2026-01-02 03:04:05.678+01")).toEqual(
      new Date("2026-01-02T02:04:05.678Z"),
    );
    expect(col(OID.DATE).parse("2026-01-02")).toEqual(new Date("2026-01-02T00:00:00Z"));
    expect(col(OID.TIME).parse("10:11:12.5")).toEqual(new Date(Date.UTC(1970, 0, 1, 10, 11, 12, 500)));
    expect(() => col(OID.TIMESTAMP).parse("infinity")).toThrow(/column c: infinite/);
    expect(col(2950).parse("0e1b…")).toBe("0e1b…"); // uuid and other types: their text
  });

  it("keeps microseconds through an offset round trip, also before 1970", () => {
    for (const text of [
      "2026-11-25 15:00:00.123456+00",
      "1969-12-31 23:59:59.999999+00",
      "2026-01-01 00:00:00+00",
    ]) {
      const t = parseTimestamp(text);
      expect(t).not.toBeNull();
      expect(formatInstant(t as NonNullable<typeof t>)).toBe(text.replace(/:00\+00$/, ":00.000000+00"));
    }
    expect(parseTimestamp("2026-11-25 15:00:00.5-02:30")).toEqual({
      ms: Date.parse("2026-11-25T17:30:00.500Z"),
      micros: 0,
    });
  });

  it("gives auto.create types and query parameters in UTC", () => {
    expect(sqlType(Schemas.INT64)).toBe("BIGINT");
    expect(sqlType(new SchemaBuilder("int64").name(LogicalTypes.TIMESTAMP).build())).toBe("TIMESTAMP");
    expect(sqlType(SchemaBuilder.array(Schemas.STRING).build())).toBe("JSONB");
    const d = new Date("2026-01-02T03:04:05.006Z");
    expect(toParam(d, null)).toBe("2026-01-02 03:04:05.006+00");
    expect(toParam(d, new SchemaBuilder("int32").name(LogicalTypes.DATE).build())).toBe("2026-01-02");
    expect(toParam(10n ** 20n, Schemas.INT64)).toBe("100000000000000000000");
    expect(toParam({ a: [1] }, null)).toBe('{"a":[1]}');
  });

  it("quotes identifiers", () => {
    expect(quoteIdent('we"ird')).toBe('"we""ird"');
    expect(quoteTable(parseTableName("public.My Table"))).toBe('"public"."My Table"');
    expect(() => quoteIdent("a\u0000")).toThrow(/NUL/);
  });
});

describe("PostgreSQL source", () => {
  const base = { "connection.url": url, "topic.prefix": "p-", "table.whitelist": "a" };
  it("builds each mode's query with parameters only", () => {
    const shape = { from: '"t"', incrementingColumn: "id", timestampColumn: "ts", batchMaxRows: 10 } as const;
    expect(
      nextRows({ ...shape, mode: "incrementing" }, { incrementing: "5", timestamp: null }, null),
    ).toEqual({
      text: 'SELECT * FROM "t" WHERE "id" > $1 ORDER BY "id" ASC LIMIT 10',
      values: ["5"],
    });
    const ts = nextRows({ ...shape, mode: "timestamp" }, { incrementing: null, timestamp: null }, "now");
    expect(ts.values).toEqual(["-infinity", "now"]);
    expect(ts.text).toContain('OFFSET 9 LIMIT 1), $2) ORDER BY "ts" ASC');
    const both = nextRows(
      { ...shape, mode: "timestamp+incrementing" },
      { incrementing: "3", timestamp: "x" },
      "now",
    );
    expect(both.text).toContain('("ts" > $1 OR ("ts" = $1 AND "id" > $2))');
    expect(both.values).toEqual(["x", "3", "now"]);
  });

  it("refuses inconsistent configs naming the key", () => {
    expect(() => sourceSettings({ ...base, mode: "incrementing" })).toThrow(/^incrementing\.column\.name:/);
    expect(() =>
      sourceSettings({ ...base, mode: "timestamp+incrementing", "incrementing.column.name": "id" }),
    ).toThrow(/^timestamp\.column\.name:/);
    expect(() => sourceSettings({ ...base, "table.whitelist": "", mode: "bulk" })).toThrow(
      /^table\.whitelist:/,
    );
    expect(() => sourceSettings({ ...base, mode: "bulk", query: "SELECT 1" })).toThrow(/^query:/);
    expect(() => sourceSettings({ ...base, mode: "bulk", "connection.url": "jdbc:mysql://x" })).toThrow(
      /connection\.url/,
    );
    expect(sourceSettings({ ...base, mode: "bulk", "table.include.list": "s.b,a" }).tables).toEqual([
      { schema: null, table: "a" },
      { schema: "s", table: "b" },
    ]);
  });

  it("deals tables round-robin to tasks", async () => {
    const c = postgresSourcePlugin.createConnector();
    await c.start(
      { ...base, mode: "bulk", "table.whitelist": "a,b,c" },
      { requestTaskReconfiguration() {}, raiseError() {} },
    );
    const tasks = await c.taskConfigs(2);
    expect(tasks.map((t) => t["ferry.task.tables"])).toEqual(["a,c", "b"]);
    expect((await c.taskConfigs(5)).length).toBe(3);
  });
});

describe("PostgreSQL sink", () => {
  const s = (extra: Record<string, string>) => sinkSettings({ "connection.url": url, ...extra });
  const schema = new SchemaBuilder("struct")
    .field("id", Schemas.INT32)
    .field("v", Schemas.OPTIONAL_STRING)
    .build();
  const rec = (key: unknown, value: unknown): SinkRecord => ({
    ...(sinkRecords("t", [value])[0] as SinkRecord),
    key,
  });

  it("reads primary keys from the key or the value", () => {
    const value = new Struct(schema).put("id", 1).put("v", "x");
    expect(toRow(rec(null, value), s({ "pk.mode": "record_value", "pk.fields": "id" }))).toMatchObject({
      table: "t",
      pk: ["id"],
    });
    const byKey = toRow(rec("k1", value), s({ "pk.mode": "record_key", "table.name.format": `x_\${topic}` }));
    expect(byKey.table).toBe("x_t");
    expect(byKey.pk).toEqual(["__connect_key"]);
    expect(byKey.columns.map((c) => c.name)).toEqual(["__connect_key", "id", "v"]);
    const structKey = toRow(rec({ id: 9 }, value), s({ "pk.mode": "record_key" }));
    expect(structKey.columns.map((c) => [c.name, c.value])).toEqual([
      ["id", 9],
      ["v", "x"],
    ]);
    expect(() => toRow(rec(null, value), s({ "pk.mode": "record_value", "pk.fields": "nope" }))).toThrow(
      /t-0@0: pk.fields names nope/,
    );
    expect(() => toRow(rec(null, null), s({}))).toThrow(/t-0@0: null value/);
    expect(() => toRow(rec(null, "text"), s({}))).toThrow(/struct or a JSON object/);
  });

  it("refuses an upsert without a primary key, naming pk.mode", async () => {
    expect(() => s({ "insert.mode": "upsert" })).toThrow(/^pk\.mode:/);
    const c = postgresSinkPlugin.createConnector();
    expect(await c.validate?.({ "connection.url": url, "insert.mode": "upsert" })).toEqual({
      "pk.mode": ["insert.mode=upsert needs pk.mode record_key or record_value"],
    });
  });
});
