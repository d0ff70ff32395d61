/**
 * PostgreSQL sink against the real PostgreSQL of deploy/local/services: topic → table on a standalone
 * worker (JsonConverter with schemas, auto.create, upsert by a value field that updates existing rows);
 * insert and record_key upserts through the testing kit; one transaction per put (a failing row writes
 * nothing); bad configs answered 400 naming the key.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SinkRecord } from "../../../src/api/records.js";
import { SchemaBuilder, Schemas, Struct } from "../../../src/api/schema.js";
import { postgresSinkPlugin } from "../../../src/connectors/postgres/index.js";
import { runSinkTask, sinkRecords } from "../../../src/testing/index.js";
import { KAFKA_BOOTSTRAP, PG_URL, uniqueName } from "../../support/env.js";
import { tempDir } from "../../support/files.js";
import { createTopic, produce } from "../../support/kafka.js";
import { freePort } from "../../support/ports.js";
import { startFerry, waitFor, waitHealthy } from "../../support/worker-process.js";

const schema = uniqueName("sink").replaceAll("-", "_");
let db: pg.Client;
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  db = new pg.Client({ connectionString: PG_URL });
  await db.connect();
  await db.query(`CREATE SCHEMA ${schema}`);
  dir = await tempDir("pg-sink");
});
afterAll(async () => {
  await db?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db?.end();
  await dir?.cleanup();
});

const rows = async (sql: string) => (await db.query(sql)).rows;

describe("PostgreSQL sink on a standalone worker", () => {
  it("creates the table, inserts, and upserts by primary key: later records update existing rows", async () => {
    const topic = uniqueName("pg-users");
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
        `listeners=http://127.0.0.1:${port}`,
      ].join("\n"),
    );
    const proc = startFerry(["standalone", worker], uniqueName("pg-sink"));
    try {
      await waitHealthy(port, proc);
      const valueSchema = {
        type: "struct",
        name: "user",
        optional: false,
        fields: [
          { field: "id", type: "int64", optional: false },
          { field: "name", type: "string", optional: false },
          { field: "score", type: "double", optional: true },
          {
            field: "joined",
            type: "int64",
            optional: true,
            name: "org.apache.kafka.connect.data.Timestamp",
            version: 1,
          },
        ],
      };
      const envelope = (id: number, name: string, score: number | null) =>
        JSON.stringify({ schema: valueSchema, payload: { id, name, score, joined: Date.UTC(2026, 0, id) } });
      await produce(
        topic,
        Array.from({ length: 20 }, (_, i) => envelope(i + 1, `user-${i + 1}`, i)),
      );
      const table = `${schema}.${topic.replaceAll("-", "_")}`;
      const r = await fetch(`http://127.0.0.1:${port}/connectors`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          name: topic,
          config: {
            "connector.class": "io.ferry.connect.postgres.PostgresSinkConnector",
            topics: topic,
            "connection.url": PG_URL,
            "insert.mode": "upsert",
            "pk.mode": "record_value",
            "pk.fields": "id",
            "auto.create": "true",
            "table.name.format": table,
          },
        }),
      });
      expect(r.status).toBe(201);
      const count = async () => {
        try {
          return Number((await rows(`SELECT count(*) AS n FROM ${table}`))[0]?.n);
        } catch {
          return 0; // not created yet
        }
      };
      await waitFor(async () => (await count()) === 20, "20 rows in the table");
      const columns = await rows(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns
         WHERE table_schema = '${schema}' AND table_name = '${topic.replaceAll("-", "_")}' ORDER BY ordinal_position`,
      );
      expect(columns).toEqual([
        { column_name: "id", data_type: "bigint", is_nullable: "NO" },
        { column_name: "name", data_type: "text", is_nullable: "NO" },
        { column_name: "score", data_type: "double precision", is_nullable: "YES" },
        { column_name: "joined", data_type: "timestamp without time zone", is_nullable: "YES" },
      ]);
      // updates of ids 5 and 6 (6 twice: the last one wins) and a new id 21
      await produce(topic, [
        envelope(5, "five", null),
        envelope(6, "six", 1),
        envelope(6, "six!", 2),
        envelope(21, "new", 3),
      ]);
      await waitFor(async () => (await count()) === 21, "the new row");
      await waitFor(
        async () => (await rows(`SELECT name FROM ${table} WHERE id = 6`))[0]?.name === "six!",
        "the upsert of id 6",
      );
      expect(
        await rows(
          `SELECT id::int, name, score, joined::text FROM ${table} WHERE id IN (4, 5, 6, 21) ORDER BY id`,
        ),
      ).toEqual([
        { id: 4, name: "user-4", score: 3, joined: "2026-01-04 00:00:00" },
        { id: 5, name: "five", score: null, joined: "2026-01-05 00:00:00" },
        { id: 6, name: "six!", score: 2, joined: "2026-01-06 00:00:00" },
        { id: 21, name: "new", score: 3, joined: "2026-01-21 00:00:00" },
      ]);
    } finally {
      await proc.kill("SIGTERM");
    }
  });

  it("answers 400 naming pk.mode for an upsert without a key", async () => {
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
    const proc = startFerry(["standalone", worker], uniqueName("pg-sink-validate"));
    try {
      await waitHealthy(port, proc);
      const create = async (extra: Record<string, string>) =>
        fetch(`http://127.0.0.1:${port}/connectors`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            name: uniqueName("bad"),
            config: { "connector.class": "PostgresSink", topics: "t", "connection.url": PG_URL, ...extra },
          }),
        });
      const upsert = await create({ "insert.mode": "upsert" });
      expect(upsert.status).toBe(400);
      expect(await upsert.text()).toContain("pk.mode");
      const mode = await create({ "insert.mode": "merge" });
      expect(mode.status).toBe(400);
      expect(await mode.text()).toContain("insert.mode");
    } finally {
      await proc.kill("SIGTERM");
    }
  });
});

describe("PostgreSQL sink (testing kit)", () => {
  const valueSchema = new SchemaBuilder("struct")
    .field("id", Schemas.INT32)
    .field("label", Schemas.OPTIONAL_STRING)
    .field("data", Schemas.OPTIONAL_BYTES)
    .build();
  const struct = (id: number, label: string | null) =>
    new Struct(valueSchema)
      .put("id", id)
      .put("label", label)
      .put("data", Buffer.from([id, 0xff]));
  const records = (topic: string, values: Struct[]): SinkRecord[] =>
    sinkRecords(topic, values).map((r) => ({ ...r, valueSchema }));

  it("insert mode into an existing table; a row the table refuses fails the put and writes nothing", async () => {
    const table = `${schema}.plain`;
    await db.query(
      `CREATE TABLE ${table} (id int CHECK (id < 100), label text, data bytea, extra text DEFAULT 'd')`,
    );
    const config = { "connection.url": PG_URL, "table.name.format": table, "batch.size": "3" };
    await runSinkTask(
      postgresSinkPlugin,
      config,
      records(
        "plain",
        [1, 2, 3, 4, 5].map((i) => struct(i, `l${i}`)),
      ),
    );
    expect(
      await rows(`SELECT id, label, encode(data, 'hex') AS data, extra FROM ${table} ORDER BY id`),
    ).toEqual([1, 2, 3, 4, 5].map((i) => ({ id: i, label: `l${i}`, data: `0${i}ff`, extra: "d" })));
    // seven rows in three INSERTs, the last one violates the CHECK: the whole put rolls back
    const bad = records(
      "plain",
      [6, 7, 8, 9, 10, 11, 200].map((i) => struct(i, null)),
    );
    await expect(runSinkTask(postgresSinkPlugin, config, bad)).rejects.toThrow(/check constraint/);
    expect(Number((await rows(`SELECT count(*) AS n FROM ${table}`))[0]?.n)).toBe(5);
    // schemaless JSON objects map to columns by name too
    await runSinkTask(postgresSinkPlugin, config, sinkRecords("plain", [{ id: 50, label: "json" }]));
    expect(await rows(`SELECT label FROM ${table} WHERE id = 50`)).toEqual([{ label: "json" }]);
  });

  it("reconnects after losing its connection; a put that fails on the way is a RetriableError", async () => {
    const table = `${schema}.resilient`;
    await db.query(`CREATE TABLE ${table} (id int, label text, data bytea)`);
    const app = uniqueName("ferry-pg-sink-resilience");
    const url = new URL(PG_URL);
    url.searchParams.set("application_name", app);
    const task = postgresSinkPlugin.createTask();
    await task.start(
      { "connection.url": url.toString(), "table.name.format": table },
      { signal: new AbortController().signal, requestCommit() {} },
    );
    try {
      await task.put(records("r", [struct(1, "a")]));
      const kill = () =>
        db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [app]);
      expect((await kill()).rowCount).toBe(1);
      await new Promise((r) => setTimeout(r, 200)); // the client notices the closed connection
      await task.put(records("r", [struct(2, "b")]));
      // killed while a put is on its way: RetriableError (the runtime retries put), then the retry works
      const [, failed] = await Promise.allSettled([kill(), task.put(records("r", [struct(3, "c")]))]);
      if (failed.status === "rejected") {
        expect((failed.reason as Error).name).toBe("RetriableError");
        await task.put(records("r", [struct(3, "c")]));
      }
      // at least once: a COMMIT whose answer was lost may make the retry write row 3 twice
      expect(await rows(`SELECT DISTINCT id FROM ${table} ORDER BY id`)).toEqual([
        { id: 1 },
        { id: 2 },
        { id: 3 },
      ]);
    } finally {
      await task.stop();
    }
  });

  it("upsert by record key (a primitive key becomes the pk column) with auto.create", async () => {
    const table = `${schema}."Mixed Case"`;
    const config = {
      "connection.url": PG_URL,
      "table.name.format": `${schema}.Mixed Case`,
      "insert.mode": "upsert",
      "pk.mode": "record_key",
      "pk.fields": "key",
      "auto.create": "true",
    };
    const keyed = (key: string, id: number, label: string): SinkRecord => ({
      ...(records("k", [struct(id, label)])[0] as SinkRecord),
      key,
      keySchema: Schemas.STRING,
    });
    await runSinkTask(postgresSinkPlugin, config, [keyed("a", 1, "one"), keyed("b", 2, "two")]);
    await runSinkTask(postgresSinkPlugin, config, [keyed("a", 10, "ten"), keyed("c", 3, "three")]);
    expect(await rows(`SELECT key, id, label FROM ${table} ORDER BY key`)).toEqual([
      { key: "a", id: 10, label: "ten" },
      { key: "b", id: 2, label: "two" },
      { key: "c", id: 3, label: "three" },
    ]);
    const noKey = records("k", [struct(1, "x")]);
    await expect(runSinkTask(postgresSinkPlugin, config, noKey)).rejects.toThrow(
      /k-0@0: pk.mode=record_key but the record has no key/,
    );
  });
});
