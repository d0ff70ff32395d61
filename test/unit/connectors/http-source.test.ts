import { afterEach, describe, expect, it } from "vitest";
import type { SourceRecord, SourceTaskContext } from "../../../src/api/index.js";
import {
  HttpSourceTask,
  httpSourcePlugin,
  splitBody,
} from "../../../src/connectors/http-source/http-source.js";

function ctx(signal: AbortSignal): SourceTaskContext {
  return {
    signal,
    offsetStorageReader: {
      offset: async () => null,
      offsets: async (ps) => new Map(ps.map((p) => [p, null])),
    },
  };
}

let tasks: HttpSourceTask[] = [];
afterEach(async () => {
  for (const t of tasks) await t.stop();
  tasks = [];
});

async function started(extra: Record<string, string> = {}) {
  const ac = new AbortController();
  const task = new HttpSourceTask();
  tasks.push(task);
  await task.start(
    { topic: "t", "http.port": "0", "http.bind.address": "127.0.0.1", ...extra },
    ctx(ac.signal),
  );
  return { task, ac, url: `http://127.0.0.1:${task.port}${extra["http.path"] ?? "/"}` };
}

describe("http source", () => {
  it("splits bodies by content type", () => {
    expect(splitBody("a\n\nb\r\n", "application/x-ndjson", "string")).toEqual(["a", "b"]);
    expect(splitBody('{"x":1}\n[2]', "application/x-ndjson", "json")).toEqual([{ x: 1 }, [2]]);
    expect(splitBody('[{"x":1},"s"]', "application/json; charset=utf-8", "string")).toEqual(['{"x":1}', "s"]);
    expect(splitBody('[{"x":1},"s"]', "application/json", "json")).toEqual([{ x: 1 }, "s"]);
    expect(splitBody("raw text\nstill one", "text/plain", "string")).toEqual(["raw text\nstill one"]);
    expect(splitBody("", "text/plain", "string")).toEqual([]);
    expect(() => splitBody("{nope", "application/json", "json")).toThrow(/invalid JSON/);
  });

  it("answers 200 only after every record of the request was acknowledged", async () => {
    const { task, url } = await started({ "http.auth.token": "s3cret", "http.path": "/in" });
    const denied = await fetch(url, { method: "POST", body: "x", headers: { authorization: "Bearer nope" } });
    expect(denied.status).toBe(401);
    expect((await fetch(url.replace("/in", "/other"), { method: "POST", body: "x" })).status).toBe(404);
    let answered = false;
    const res = fetch(url, {
      method: "POST",
      body: "one\ntwo\n",
      headers: { authorization: "Bearer s3cret", "content-type": "application/x-ndjson" },
    }).then((r) => {
      answered = true;
      return r;
    });
    const polled: SourceRecord[] = [];
    while (polled.length < 2) polled.push(...((await task.poll()) ?? []));
    expect(polled.map((r) => r.value)).toEqual(["one", "two"]);
    expect(polled[0]?.topic).toBe("t");
    task.commitRecord(polled[0] as SourceRecord);
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    task.commitRecord(polled[1] as SourceRecord);
    const r = await res;
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ accepted: 2 });
  });

  it("429 over http.max.pending.records, 503 once stopping", async () => {
    const { task, ac, url } = await started({ "http.max.pending.records": "2" });
    const tooMany = await fetch(url, {
      method: "POST",
      body: "a\nb\nc",
      headers: { "content-type": "application/x-ndjson" },
    });
    expect(tooMany.status).toBe(429);
    const waiting = fetch(url, { method: "POST", body: "a" });
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    expect((await waiting).status).toBe(503);
    expect(await task.poll()).toBeNull();
  });

  it("refuses tasks.max above 1", async () => {
    const c = httpSourcePlugin.createConnector();
    expect(await c.validate?.({ "tasks.max": "2" })).toHaveProperty("tasks.max");
    expect(await c.validate?.({ "tasks.max": "1" })).toEqual({});
  });
});
