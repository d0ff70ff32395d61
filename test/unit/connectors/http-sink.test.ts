import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { SinkRecord } from "../../../src/api/index.js";
import { SchemaBuilder, Schemas, Struct } from "../../../src/api/schema.js";
import { HttpSinkTask, httpSinkConfigDef } from "../../../src/connectors/http-sink/http-sink.js";

interface Seen {
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** A server that answers from `answer(n, body)` (n counts requests from 0) and records what it got. */
async function server(answer: (n: number, body: unknown[]) => number | "hang"): Promise<{
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}> {
  const seen: Seen[] = [];
  const s: Server = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      const body = JSON.parse(text) as unknown[];
      const status = answer(seen.length, body);
      seen.push({ body, headers: req.headers });
      if (status === "hang") return;
      res.writeHead(status).end(status >= 400 ? "nope" : "ok");
    });
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  servers.push(s);
  return {
    url: `http://127.0.0.1:${port}/hook`,
    seen,
    close: () => new Promise((r) => s.close(() => r())),
  };
}

let servers: Server[] = [];
afterEach(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  servers = [];
});

function records(values: unknown[]): SinkRecord[] {
  return values.map((value, i) => ({
    topic: "t",
    kafkaPartition: 0,
    kafkaOffset: i,
    timestampType: "CreateTime",
    keySchema: null,
    key: null,
    valueSchema: null,
    value,
    timestamp: 0,
    headers: [],
  }));
}

async function task(config: Record<string, string>) {
  const ac = new AbortController();
  const t = new HttpSinkTask();
  await t.start(config, { signal: ac.signal, requestCommit() {} });
  return { t, ac };
}

describe("http sink", () => {
  it("checks its config", () => {
    const r = httpSinkConfigDef().parse({ "http.url": "ftp://x", "http.headers": "nocolon" });
    expect(Object.keys(r.errors).sort()).toEqual(["http.headers", "http.url"]);
    expect(httpSinkConfigDef().parse({ "http.url": "http://127.0.0.1:1/x" }).errors).toEqual({});
  });

  it("posts JSON arrays of http.batch.size with the configured headers", async () => {
    const srv = await server(() => 200);
    const { t } = await task({
      "http.url": srv.url,
      "http.batch.size": "2",
      "http.headers": "X-Env:prod,Authorization:Bearer x",
    });
    const struct = new Struct(SchemaBuilder.struct().field("a", Schemas.INT32).build()).put("a", 1);
    await t.put(records([{ n: 1 }, "two", Buffer.from("three"), struct, null]));
    expect(srv.seen.map((s) => s.body)).toEqual([[{ n: 1 }, "two"], ["three", { a: 1 }], [null]]);
    expect(srv.seen[0]?.headers["x-env"]).toBe("prod");
    expect(srv.seen[0]?.headers.authorization).toBe("Bearer x");
    expect(srv.seen[0]?.headers["content-type"]).toBe("application/json");
  });

  it("retries 5xx and timeouts with backoff, then succeeds", async () => {
    const srv = await server((n) => (n === 0 ? 500 : n === 1 ? "hang" : 200));
    const { t } = await task({
      "http.url": srv.url,
      "http.retry.backoff.ms": "10",
      // the hanging request is cut by this timeout; the others must not be, on a busy machine too (a local
      // answer takes milliseconds: 2 s is far over 5× that)
      "http.timeout.ms": "2000",
    });
    await t.put(records([1, 2]));
    expect(srv.seen.map((s) => s.body)).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    expect(t.stats.retries).toBe(2);
  });

  it("gives up after http.retry.max.ms", async () => {
    const srv = await server(() => 503);
    const { t } = await task({
      "http.url": srv.url,
      "http.retry.backoff.ms": "20",
      // long enough for a second attempt on a busy machine (two local 503s and a 20 ms backoff take ~50 ms)
      "http.retry.max.ms": "2000",
    });
    await expect(t.put(records([1]))).rejects.toThrow(/giving up.*503/);
    expect(srv.seen.length).toBeGreaterThan(1);
  });

  it("a 4xx fails put() unless errors.tolerance=all, which skips only the refused records", async () => {
    const refuseBad = (_n: number, body: unknown[]) => (body.includes("bad") ? 400 : 200);
    const strict = await server(refuseBad);
    const a = await task({ "http.url": strict.url });
    await expect(a.t.put(records(["ok", "bad"]))).rejects.toThrow(/400/);
    expect(strict.seen).toHaveLength(1);

    const tolerant = await server(refuseBad);
    const b = await task({ "http.url": tolerant.url, "errors.tolerance": "all" });
    await b.t.put(records(["ok", "bad", "fine"]));
    expect(tolerant.seen.map((s) => s.body)).toEqual([["ok", "bad", "fine"], ["ok"], ["bad"], ["fine"]]);
    expect(b.t.stats.skipped).toBe(1);
  });

  it("stops retrying when the task stops", async () => {
    const srv = await server(() => 500);
    const { t, ac } = await task({ "http.url": srv.url, "http.retry.backoff.ms": "5000" });
    const p = t.put(records([1]));
    setTimeout(() => ac.abort(), 100);
    await expect(p).rejects.toThrow(/stopped/);
  });
});
