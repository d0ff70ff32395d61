/**
 * PostgreSQL source against the real PostgreSQL of deploy/local/services and the real Kafka: rows → topic
 * exactly in incrementing mode on a standalone worker, across a clean restart (no loss, no duplicate) and
 * a kill -9 (no loss); timestamp, timestamp+incrementing and query modes through the testing kit; bad
 * configs answered 400 naming the key.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SourceRecord } from "../../../src/api/records.js";
import type { Struct } from "../../../src/api/schema.js";
import { postgresSourcePlugin } from "../../../src/connectors/postgres/index.js";
import { MemoryOffsetReader, runSourceTask } from "../../../src/testing/index.js";
import { KAFKA_BOOTSTRAP, PG_URL, uniqueName } from "../../support/env.js";
import { tempDir } from "../../support/files.js";
import { createTopic, readTopic } from "../../support/kafka.js";
import { freePort } from "../../support/ports.js";
import { type FerryProcess, startFerry, waitFor, waitHealthy } from "../../support/worker-process.js";

const schema = uniqueName("src").replaceAll("-", "_");
let db: pg.Client;
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  db = new pg.Client({ connectionString: PG_URL });
  await db.connect();
  await db.query(`CREATE SCHEMA ${schema}`);
  dir = await tempDir("pg-source");
});
afterAll(async () => {
  await db?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db?.end();
  await dir?.cleanup();
});

const base = { "connection.url": PG_URL, "poll.interval.ms": "100" };
const field = (r: SourceRecord, f: string) => (r.value as Struct).get(f);

async function insertOrders(from: number, to: number): Promise<void> {
  await db.query(
    `INSERT INTO ${schema}.orders (id, item, amount, big, placed)
     SELECT g, 'item-' || g, g * 1.25, 9007199254740993 + g, timestamptz '2026-01-01 00:00:00.000001+00' + g * interval '1 second'
     FROM generate_series($1::int, $2::int) g`,
    [from, to],
  );
}

describe("PostgreSQL source on a standalone worker", () => {
  it("incrementing mode: every row once, in order, with schemas; a clean restart resumes exactly, kill -9 loses nothing", async () => {
    await db.query(
      `CREATE TABLE ${schema}.orders (id int PRIMARY KEY, item text NOT NULL, amount numeric(10,2), big bigint, placed timestamptz)`,
    );
    await insertOrders(1, 50);
    const prefix = `${uniqueName("pg")}-`;
    const topic = `${prefix}orders`;
    await createTopic(topic);
    const port = await freePort();
    const worker = join(dir.path, "worker.properties");
    await writeFile(
      worker,
      [
        `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
        "key.converter=org.apache.kafka.connect.storage.StringConverter",
        "value.converter=org.apache.kafka.connect.json.JsonConverter",
        "value.converter.schemas.enable=true",
        `offset.storage.file.filename=${join(dir.path, "offsets")}`,
        "offset.flush.interval.ms=200",
        `listeners=http://127.0.0.1:${port}`,
      ].join("\n"),
    );
    const connector = join(dir.path, "pg-source.properties");
    await writeFile(
      connector,
      [
        `name=${uniqueName("pg-source")}`,
        "connector.class=io.ferry.connect.postgres.PostgresSourceConnector",
        `connection.url=${PG_URL.replace(/^postgres:/, "jdbc:postgresql:")}`,
        `table.whitelist=${schema}.orders`,
        "mode=incrementing",
        "incrementing.column.name=id",
        "poll.interval.ms=100",
        "batch.max.rows=7",
        `topic.prefix=${prefix}`,
      ].join("\n"),
    );
    const run = (label: string): FerryProcess =>
      startFerry(["standalone", worker, connector], uniqueName(label));
    const ids = async () =>
      (await readTopic(topic)).map(
        (m) => (JSON.parse(m.value?.toString() ?? "null") as { payload: { id: number } }).payload.id,
      );
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

    let proc = run("pg-source-1");
    try {
      await waitHealthy(port, proc);
      await waitFor(async () => (await ids()).length >= 50, "50 rows in the topic");
      const [first] = await readTopic(topic);
      const envelope = JSON.parse(first?.value?.toString() ?? "null");
      expect(envelope.schema).toMatchObject({ type: "struct", name: "orders", optional: false });
      expect(envelope.schema.fields).toEqual([
        { field: "id", type: "int32", optional: false },
        { field: "item", type: "string", optional: false },
        {
          field: "amount",
          type: "bytes",
          optional: true,
          name: "org.apache.kafka.connect.data.Decimal",
          version: 1,
          parameters: { scale: "2" },
        },
        { field: "big", type: "int64", optional: true },
        {
          field: "placed",
          type: "int64",
          optional: true,
          name: "org.apache.kafka.connect.data.Timestamp",
          version: 1,
        },
      ]);
      expect(envelope.payload).toMatchObject({
        id: 1,
        item: "item-1",
        big: 9007199254740994,
        placed: Date.parse("2026-01-01T00:00:01Z"),
      });
      // clean stop, more rows, start again: exactly the new ones follow
      expect((await proc.kill("SIGTERM")).code).toBe(0);
      await insertOrders(51, 80);
      proc = run("pg-source-2");
      await waitHealthy(port, proc);
      await waitFor(async () => (await ids()).length >= 80, "80 rows in the topic");
      await new Promise((r) => setTimeout(r, 500)); // a duplicate would show up by now
      expect(await ids()).toEqual(range(1, 80));
      // kill -9 while rows stream in: after a restart every row is there (a few may repeat)
      const writer = (async () => {
        for (let i = 81; i <= 300; i += 10) {
          await insertOrders(i, i + 9);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      await waitFor(async () => (await ids()).length > 100, "rows after 80");
      proc.proc.kill("SIGKILL");
      await proc.exited;
      await writer;
      proc = run("pg-source-3");
      await waitHealthy(port, proc);
      await waitFor(async () => new Set(await ids()).size >= 300, "all 300 rows after kill -9");
      const all = await ids();
      expect([...new Set(all)].sort((a, b) => a - b)).toEqual(range(1, 300));
      console.log(`PostgreSQL source kill -9: 300 rows, ${all.length - 300} delivered twice`);
    } finally {
      await proc.kill("SIGKILL");
    }
  });

  it("answers 400 naming the key for a mode without its column, or tables and a query together", async () => {
    const port = await freePort();
    const worker = join(dir.path, "validate.properties");
    await writeFile(
      worker,
      [
        `bootstrap.servers=${KAFKA_BOOTSTRAP}`,
        "key.converter=org.apache.kafka.connect.storage.StringConverter",
        "value.converter=org.apache.kafka.connect.storage.StringConverter",
        `offset.storage.file.filename=${join(dir.path, "validate-offsets")}`,
        `listeners=http://127.0.0.1:${port}`,
      ].join("\n"),
    );
    const proc = startFerry(["standalone", worker], uniqueName("pg-validate"));
    try {
      await waitHealthy(port, proc);
      const validate = async (config: Record<string, string>) => {
        const r = await fetch(
          `http://127.0.0.1:${port}/connector-plugins/PostgresSourceConnector/config/validate`,
          {
            method: "PUT",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ name: "v", "connector.class": "PostgresSource", ...config }),
          },
        );
        const body = (await r.json()) as { configs: { value: { name: string; errors: string[] } }[] };
        return Object.fromEntries(
          body.configs.filter((c) => c.value.errors.length > 0).map((c) => [c.value.name, c.value.errors]),
        );
      };
      const ok = { ...base, "topic.prefix": "p-", "table.whitelist": "t", mode: "bulk" };
      expect(await validate(ok)).toEqual({});
      expect(Object.keys(await validate({ ...ok, mode: "incrementing" }))).toEqual([
        "incrementing.column.name",
      ]);
      expect(Object.keys(await validate({ ...ok, mode: "timestamp" }))).toEqual(["timestamp.column.name"]);
      expect(Object.keys(await validate({ ...ok, query: "SELECT 1" }))).toEqual(["query"]);
      expect(Object.keys(await validate({ ...ok, mode: "sometimes" }))).toEqual(["mode"]);
      expect(Object.keys(await validate({ ...ok, "connection.url": "mysql://x/y" }))).toEqual([
        "connection.url",
      ]);
      const create = await fetch(`http://127.0.0.1:${port}/connectors`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          name: uniqueName("bad"),
          config: { "connector.class": "PostgresSource", ...ok, mode: "incrementing" },
        }),
      });
      expect(create.status).toBe(400);
      expect(await create.text()).toContain("incrementing.column.name");
    } finally {
      await proc.kill("SIGTERM");
    }
  });
});

describe("PostgreSQL source modes (testing kit)", () => {
  it("timestamp mode: rows sharing a timestamp are never split, updates are read again, offsets resume exactly", async () => {
    const t = `${schema}.events`;
    await db.query(`CREATE TABLE ${t} (id int, note text, updated timestamp(6) NOT NULL)`);
    // five rows share one microsecond-precise timestamp; batch.max.rows=2 must not split them
    await db.query(
      `INSERT INTO ${t} VALUES (1,'a','2026-01-01 10:00:00.000001'), (2,'b','2026-01-01 10:00:00.000002'),
       (3,'c','2026-01-01 10:00:00.000002'), (4,'d','2026-01-01 10:00:00.000002'), (5,'e','2026-01-01 10:00:00.000002'),
       (6,'f','2026-01-01 10:00:00.000002'), (7,'g','2026-01-01 10:00:01')`,
    );
    const config = {
      ...base,
      "table.whitelist": t,
      mode: "timestamp",
      "timestamp.column.name": "updated",
      "batch.max.rows": "2",
      "topic.prefix": "ts-",
    };
    const offsets = new MemoryOffsetReader();
    const first = await runSourceTask(postgresSourcePlugin, config, { offsets, until: (r) => r.length >= 7 });
    expect(first.records.map((r) => field(r, "id"))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(first.records[0]?.topic).toBe("ts-events");
    // inside the group of five only the last row carries the group's offset: a restart after part of the
    // group reads the whole group again rather than skipping its rest
    const off = first.records.map((r) => r.sourceOffset);
    expect(off[1]).toEqual(off[0]);
    expect(off[5]).toEqual({ timestamp: Date.parse("2026-01-01T10:00:00.000Z"), timestamp_nanos: 2000 });
    expect(await offsets.offset({ table: t })).toEqual({
      timestamp: Date.parse("2026-01-01T10:00:01Z"),
      timestamp_nanos: 0,
    });
    await db.query(`UPDATE ${t} SET note = 'c2', updated = '2026-01-01 10:00:02' WHERE id = 3`);
    await db.query(`INSERT INTO ${t} VALUES (8, 'h', '2026-01-01 10:00:01.5')`);
    const second = await runSourceTask(postgresSourcePlugin, config, {
      offsets,
      until: (r) => r.length >= 2,
    });
    expect(second.records.map((r) => [field(r, "id"), field(r, "note")])).toEqual([
      [8, "h"],
      [3, "c2"],
    ]);
  });

  it("timestamp+incrementing mode reads rows with equal timestamps by id, and a query mode source", async () => {
    const t = `${schema}.items`;
    await db.query(
      `CREATE TABLE ${t} (id bigserial PRIMARY KEY, price float8, at timestamptz NOT NULL DEFAULT '2026-02-01 00:00:00+00')`,
    );
    await db.query(`INSERT INTO ${t} (price) SELECT g FROM generate_series(1, 9) g`);
    const config = {
      ...base,
      "table.include.list": t,
      mode: "timestamp+incrementing",
      "timestamp.column.name": "at",
      "incrementing.column.name": "id",
      "batch.max.rows": "4",
      "topic.prefix": "ti-",
    };
    const offsets = new MemoryOffsetReader();
    const first = await runSourceTask(postgresSourcePlugin, config, { offsets, until: (r) => r.length >= 5 });
    expect(first.records.slice(0, 5).map((r) => field(r, "id"))).toEqual([1, 2, 3, 4, 5]);
    // resume from the stored offset of what was acknowledged
    const rest = await runSourceTask(postgresSourcePlugin, config, {
      offsets: new MemoryOffsetReader([[{ table: t }, first.records[4]?.sourceOffset ?? {}]]),
      until: (r) => r.length >= 4,
    });
    expect(rest.records.map((r) => field(r, "id"))).toEqual([6, 7, 8, 9]);

    const query = await runSourceTask(
      postgresSourcePlugin,
      {
        ...base,
        query: `SELECT id, price * 2 AS doubled FROM ${t} WHERE price > 6`,
        mode: "incrementing",
        "incrementing.column.name": "id",
        "topic.prefix": "expensive",
      },
      { until: (r) => r.length >= 3 },
    );
    expect(query.records.map((r) => [r.topic, field(r, "id"), field(r, "doubled")])).toEqual([
      ["expensive", 7, 14],
      ["expensive", 8, 16],
      ["expensive", 9, 18],
    ]);
    expect(query.records[2]?.sourcePartition).toEqual({
      query: `SELECT id, price * 2 AS doubled FROM ${t} WHERE price > 6`,
    });
  });

  it("survives losing its connection (pg_terminate_backend): reconnects and goes on without loss", async () => {
    const t = `${schema}.resilient`;
    await db.query(`CREATE TABLE ${t} (id int PRIMARY KEY)`);
    await db.query(`INSERT INTO ${t} SELECT generate_series(1, 10)`);
    const task = postgresSourcePlugin.createTask();
    const abort = new AbortController();
    const app = uniqueName("ferry-pg-resilience");
    // application_name tells this test's connection apart from other tests' on the shared server
    const url = new URL(PG_URL);
    url.searchParams.set("application_name", app);
    await task.start(
      {
        ...base,
        "connection.url": url.toString(),
        "table.whitelist": t,
        mode: "incrementing",
        "incrementing.column.name": "id",
        "topic.prefix": "r-",
      },
      { signal: abort.signal, offsetStorageReader: new MemoryOffsetReader() },
    );
    const got: number[] = [];
    const pollUntil = (n: number) =>
      waitFor(async () => {
        for (const r of (await task.poll()) ?? []) got.push(field(r, "id") as number);
        return got.length >= n;
      }, `${n} rows`);
    try {
      await pollUntil(10);
      const killed = await db.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        [app],
      );
      expect(killed.rowCount).toBe(1);
      await db.query(`INSERT INTO ${t} SELECT generate_series(11, 20)`);
      await pollUntil(20);
      expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    } finally {
      abort.abort();
      await task.stop();
    }
  });

  it("splits tables over tasks, takes credentials from their own keys, fails the start naming a bad password, table or column", async () => {
    await db.query(`CREATE TABLE ${schema}.a (id int)`);
    await db.query(`CREATE TABLE ${schema}.b (id int)`);
    await db.query(`INSERT INTO ${schema}.a VALUES (1); INSERT INTO ${schema}.b VALUES (2)`);
    const config = {
      ...base,
      "table.whitelist": `${schema}.a,${schema}.b`,
      mode: "bulk",
      "topic.prefix": "",
    };
    // credentials in connection.user / connection.password instead of the URL
    const u = new URL(PG_URL);
    const bare = `jdbc:postgresql://${u.host}${u.pathname}`;
    const creds = { "connection.url": bare, "connection.user": decodeURIComponent(u.username) };
    const second = await runSourceTask(
      postgresSourcePlugin,
      { ...config, ...creds, "connection.password": decodeURIComponent(u.password) },
      { maxTasks: 2, taskIndex: 1 },
    );
    expect(second.records.map((r) => [r.topic, field(r, "id")])).toEqual([["b", 2]]);
    expect(second.records[0]?.sourceOffset).toBeNull();
    await expect(
      runSourceTask(postgresSourcePlugin, { ...config, ...creds, "connection.password": "wrong" }),
    ).rejects.toThrow(/cannot connect to .*password authentication failed/);
    await expect(
      runSourceTask(postgresSourcePlugin, { ...config, "table.whitelist": `${schema}.nope` }),
    ).rejects.toThrow(/table\.whitelist.*nope/);
    await expect(
      runSourceTask(postgresSourcePlugin, {
        ...config,
        mode: "incrementing",
        "incrementing.column.name": "seq",
      }),
    ).rejects.toThrow(/incrementing\.column\.name.*no column seq/);
  });
});
