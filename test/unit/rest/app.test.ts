// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${provider:...} variables are the subject here
/**
 * The REST layer alone, over a stub Herder: body handling (415, 400, 413), unknown paths and methods,
 * parameter parsing, Kafka's REST-level checks and codes, the OpenAPI document and the Swagger UI page.
 */
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../../src/errors.js";
import type { Herder } from "../../../src/herder/herder.js";
import { createRestApp, type RestOptions } from "../../../src/rest/app.js";

type Calls = [string, ...unknown[]][];

function stubHerder(calls: Calls): Herder {
  const info = (name: string) => ({ name, config: { name }, tasks: [], type: "source" as const });
  const status = (name: string) => ({
    name,
    connector: { state: "RUNNING" as const, worker_id: "w:1", version: "1.2.3" },
    tasks: [
      { id: 0, state: "FAILED" as const, worker_id: "w:1", trace: "boom", version: "1.2.3", attempts: 2 },
    ],
    type: "source" as const,
  });
  const known = <T>(name: string, value: T): T => {
    if (name !== "c") throw new NotFoundError(`Connector ${name} not found`);
    return value;
  };
  const rec =
    <T>(method: string, fn: (...a: never[]) => T) =>
    (...args: unknown[]) => {
      calls.push([method, ...args]);
      return (fn as (...a: unknown[]) => T)(...args);
    };
  return {
    ready: () => true,
    kafkaClusterId: () => "cluster-1",
    connectors: () => ["c"],
    connectorInfo: rec("connectorInfo", (n: string) => known(n, info(n))),
    connectorConfig: rec("connectorConfig", (n: string) => known(n, { name: n })),
    connectorStatus: rec("connectorStatus", (n: string) => known(n, status(n))),
    taskStatus: rec("taskStatus", (n: string, t: number) => ({
      id: t,
      state: "RUNNING" as const,
      worker_id: n,
      attempts: 1,
    })),
    taskConfigs: rec("taskConfigs", () => []),
    createConnector: rec("createConnector", async (r: { name: string }) => info(r.name)),
    putConnectorConfig: rec("putConnectorConfig", async (n: string) => ({
      created: n !== "c",
      info: info(n),
    })),
    patchConnectorConfig: rec("patchConnectorConfig", async (n: string) => info(n)),
    deleteConnector: rec("deleteConnector", async () => {}),
    setTargetState: rec("setTargetState", async () => {}),
    restartConnector: rec("restartConnector", async () => {}),
    restartConnectorAndTasks: rec("restartConnectorAndTasks", async (n: string) => status(n)),
    restartTask: rec("restartTask", async () => {}),
    connectorOffsets: rec("connectorOffsets", async () => ({ offsets: [] })),
    alterConnectorOffsets: rec("alterConnectorOffsets", async () => ({ message: "altered" })),
    resetConnectorOffsets: rec("resetConnectorOffsets", async () => ({ message: "reset" })),
    connectorActiveTopics: rec("connectorActiveTopics", async (n: string) => ({
      connector: n,
      topics: ["t"],
    })),
    resetConnectorActiveTopics: rec("resetConnectorActiveTopics", async () => {}),
    connectorPlugins: rec("connectorPlugins", () => []),
    connectorPluginConfig: rec("connectorPluginConfig", () => []),
    validateConnectorConfig: rec("validateConnectorConfig", async (c: Record<string, string>) => ({
      name: c["connector.class"] ?? "",
      error_count: 0,
      groups: [],
      configs: [],
    })),
    loggerLevel: rec("loggerLevel", (n: string) =>
      n === "root" ? { level: "INFO", last_modified: null } : null,
    ),
    allLoggerLevels: rec("allLoggerLevels", () => ({ root: { level: "INFO", last_modified: null } })),
    setWorkerLoggerLevel: rec("setWorkerLoggerLevel", (n: string) => [n]),
    setClusterLoggerLevel: rec("setClusterLoggerLevel", async () => {}),
  };
}

function setup(extra: Partial<RestOptions> = {}) {
  const calls: Calls = [];
  const app = createRestApp({
    herder: stubHerder(calls),
    logger: pino({ level: "silent" }),
    commit: "abc",
    ...extra,
  });
  const req = async (
    method: string,
    path: string,
    body?: string,
    type: string | null = "application/json",
  ) => {
    const headers: Record<string, string> = {};
    if (body !== undefined && type !== null) headers["content-type"] = type;
    const r = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await r.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: r.status, json, text, headers: r.headers };
  };
  return { app, calls, req };
}

describe("bodies", () => {
  it("a body that is not JSON: 400 with the parser's message", async () => {
    const { req, calls } = setup();
    const r = await req("PUT", "/connectors/c/config", "{nope");
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      error_code: 400,
      message: expect.stringMatching(/^Request body is not valid JSON: .*position 1/),
    });
    expect((await req("POST", "/connectors", "")).status).toBe(400);
    expect(calls).toEqual([]);
  });

  it("a wrong or missing Content-Type: 415", async () => {
    const { req } = setup();
    for (const [path, method] of [
      ["/connectors", "POST"],
      ["/connectors/c/config", "PUT"],
      ["/connectors/c/config", "PATCH"],
      ["/connectors/c/offsets", "PATCH"],
      ["/connector-plugins/FileStreamSource/config/validate", "PUT"],
      ["/admin/loggers/root", "PUT"],
    ] as const) {
      const r = await req(method, path, "{}", "text/plain");
      expect(r.status, `${method} ${path}`).toBe(415);
      expect((r.json as { error_code: number }).error_code).toBe(415);
      expect((await req(method, path, "{}", null)).status, `${method} ${path} without type`).toBe(415);
    }
    expect((await req("PUT", "/connectors/c/config", "{}", "application/json; charset=utf-8")).status).toBe(
      200,
    );
  });

  it("an oversized body: 413", async () => {
    const { req } = setup({ maxBodyBytes: 100 });
    const r = await req("PUT", "/connectors/c/config", JSON.stringify({ big: "x".repeat(200) }));
    expect(r.status).toBe(413);
    expect(r.json).toEqual({ error_code: 413, message: "Request body too large" });
  });

  it("a body of the wrong shape: 400 naming the problem; numbers and booleans become strings", async () => {
    const { req, calls } = setup();
    const r = await req("PUT", "/connectors/c/config", JSON.stringify({ nested: { a: 1 } }));
    expect(r.status).toBe(400);
    expect((r.json as { message: string }).message).toMatch(/^Invalid request body: nested: /);
    expect((await req("PUT", "/connectors/c/config", "[1]")).status).toBe(400);
    expect(
      (await req("PUT", "/connectors/c/config", JSON.stringify({ "tasks.max": 2, x: true }))).status,
    ).toBe(200);
    expect(calls.at(-1)).toEqual(["putConnectorConfig", "c", { "tasks.max": "2", x: "true" }]);
  });
});

describe("paths", () => {
  it("an unknown path: 404 JSON; a known path with another method: 405", async () => {
    const { req } = setup();
    expect(await req("GET", "/nope")).toMatchObject({
      status: 404,
      json: { error_code: 404, message: "HTTP 404 Not Found" },
    });
    const r = await req("DELETE", "/connectors");
    expect(r.status).toBe(405);
    expect(r.json).toEqual({ error_code: 405, message: "HTTP 405 Method Not Allowed" });
    expect(r.headers.get("allow")).toContain("GET");
    expect((await req("POST", "/connectors/c/status")).status).toBe(405);
  });

  it("a task number that is not one: 404", async () => {
    const { req, calls } = setup();
    expect((await req("GET", "/connectors/c/tasks/x/status")).status).toBe(404);
    expect((await req("POST", "/connectors/c/tasks/-1/restart")).status).toBe(404);
    expect((await req("GET", "/connectors/c/tasks/3/status")).json).toEqual({
      id: 3,
      state: "RUNNING",
      worker_id: "c",
    });
    expect(calls).toEqual([["taskStatus", "c", 3]]);
  });

  it("decodes connector names", async () => {
    const { req, calls } = setup();
    await req("GET", "/connectors/my%20connector");
    expect(calls).toEqual([["connectorInfo", "my connector"]]);
  });
});

describe("connectors", () => {
  it("POST /connectors: 201 with Location; name from the body or the config", async () => {
    const { req, calls } = setup();
    const r = await req(
      "POST",
      "/connectors",
      JSON.stringify({ name: " n ", config: { a: 1 }, initial_state: "paused" }),
    );
    expect(r.status).toBe(201);
    expect(r.headers.get("location")).toBe("/connectors/n");
    expect(calls.at(-1)).toEqual([
      "createConnector",
      { name: "n", config: { a: "1" }, initialState: "PAUSED" },
    ]);
    expect((await req("POST", "/connectors", JSON.stringify({ config: {} }))).status).toBe(400);
    expect(
      (await req("POST", "/connectors", JSON.stringify({ name: "x", initial_state: "RUNNING" }))).status,
    ).toBe(400);
    expect(
      (await req("POST", "/connectors", JSON.stringify({ name: "x", config: {}, initial_state: "GONE" })))
        .status,
    ).toBe(400);
  });

  it("PUT config: 201 when created, 200 when updated; PATCH: 200 with nulls kept", async () => {
    const { req, calls } = setup();
    expect((await req("PUT", "/connectors/new/config", "{}")).status).toBe(201);
    expect((await req("PUT", "/connectors/c/config", "{}")).status).toBe(200);
    const p = await req("PATCH", "/connectors/c/config", JSON.stringify({ a: null, b: 1 }));
    expect(p.status).toBe(200);
    expect(calls.at(-1)).toEqual(["patchConnectorConfig", "c", { a: null, b: "1" }]);
  });

  it("restart: 204 without flags, 202 with the plan otherwise; flags parse as Java booleans", async () => {
    const { req, calls } = setup();
    expect((await req("POST", "/connectors/c/restart")).status).toBe(204);
    expect(calls.at(-1)).toEqual(["restartConnector", "c"]);
    expect((await req("POST", "/connectors/c/restart?includeTasks=false&onlyFailed=nope")).status).toBe(204);
    const r = await req("POST", "/connectors/c/restart?includeTasks=TRUE");
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ name: "c", connector: { state: "RUNNING" } });
    expect(calls.at(-1)).toEqual([
      "restartConnectorAndTasks",
      "c",
      { includeTasks: true, onlyFailed: false },
    ]);
    await req("POST", "/connectors/c/restart?onlyFailed=true");
    expect(calls.at(-1)).toEqual([
      "restartConnectorAndTasks",
      "c",
      { includeTasks: false, onlyFailed: true },
    ]);
  });

  it("a repeated query parameter takes its first value, as Jersey binds it; an empty boolean is false", async () => {
    const { req, calls } = setup();
    expect((await req("POST", "/connectors/c/restart?onlyFailed=x&onlyFailed=true")).status).toBe(204);
    expect(calls.at(-1)).toEqual(["restartConnector", "c"]);
    expect((await req("POST", "/connectors/c/restart?includeTasks=true&includeTasks=false")).status).toBe(
      202,
    );
    expect(calls.at(-1)).toEqual([
      "restartConnectorAndTasks",
      "c",
      { includeTasks: true, onlyFailed: false },
    ]);
    expect((await req("POST", "/connectors/c/restart?includeTasks=&onlyFailed")).status).toBe(204);
    await req("GET", "/connector-plugins?connectorsOnly=false&connectorsOnly=true");
    expect(calls.at(-1)).toEqual(["connectorPlugins", false]);
    await req("GET", "/connector-plugins?connectorsOnly=");
    expect(calls.at(-1)).toEqual(["connectorPlugins", false]);
    expect(
      (await req("PUT", "/admin/loggers/a?scope=cluster&scope=worker", '{"level":"DEBUG"}')).status,
    ).toBe(204);
  });

  it("status: version as Kafka Connect 4.x; Ferry's attempts only with ?ferry=true", async () => {
    const { req } = setup();
    const kc = (await req("GET", "/connectors/c/status")).json as {
      connector: Record<string, unknown>;
      tasks: Record<string, unknown>[];
    };
    expect(kc.connector).toEqual({ state: "RUNNING", worker_id: "w:1", version: "1.2.3" });
    expect(kc.tasks).toEqual([{ id: 0, state: "FAILED", worker_id: "w:1", trace: "boom", version: "1.2.3" }]);
    const ferry = (await req("GET", "/connectors/c/status?ferry=true")).json as {
      tasks: { attempts?: number }[];
    };
    expect(ferry.tasks[0]?.attempts).toBe(2);
    expect((await req("GET", "/connectors/c/tasks/0/status")).json).toEqual({
      id: 0,
      state: "RUNNING",
      worker_id: "c",
    });
    expect((await req("GET", "/connectors/c/tasks/0/status?ferry=TRUE")).json).toMatchObject({ attempts: 1 });
    const expanded = (await req("GET", "/connectors?expand=status")).json as Record<
      string,
      { status: { tasks: object[] } }
    >;
    expect(expanded.c?.status.tasks[0]).not.toHaveProperty("attempts");
    const expandedFerry = (await req("GET", "/connectors?expand=status&ferry=true")).json as Record<
      string,
      { status: { tasks: object[] } }
    >;
    expect(expandedFerry.c?.status.tasks[0]).toHaveProperty("attempts", 2);
    const plan = (await req("POST", "/connectors/c/restart?includeTasks=true")).json as { tasks: object[] };
    expect(plan.tasks[0]).not.toHaveProperty("attempts");
  });

  it("stop 204, pause and resume 202, delete 204, task restart 204", async () => {
    const { req, calls } = setup();
    expect((await req("PUT", "/connectors/c/stop")).status).toBe(204);
    expect((await req("PUT", "/connectors/c/pause")).status).toBe(202);
    expect((await req("PUT", "/connectors/c/resume")).status).toBe(202);
    expect((await req("DELETE", "/connectors/c")).status).toBe(204);
    expect((await req("POST", "/connectors/c/tasks/0/restart")).status).toBe(204);
    expect(calls).toEqual([
      ["setTargetState", "c", "STOPPED"],
      ["setTargetState", "c", "PAUSED"],
      ["setTargetState", "c", "STARTED"],
      ["deleteConnector", "c"],
      ["restartTask", "c", 0],
    ]);
  });

  it("expand=status and expand=info; unknown expansions are ignored", async () => {
    const { req } = setup();
    expect((await req("GET", "/connectors")).json).toEqual(["c"]);
    expect((await req("GET", "/connectors?expand=status&expand=bogus")).json).toEqual({
      c: { status: expect.objectContaining({ name: "c" }) },
    });
    expect(Object.keys((await req("GET", "/connectors?expand=info&expand=status")).json as object)).toEqual([
      "c",
    ]);
    expect((await req("GET", "/connectors?expand=bogus")).json).toEqual({ c: {} });
  });
});

describe("offsets and topics", () => {
  it("PATCH offsets: 400 without offsets, else the herder's message", async () => {
    const { req, calls } = setup();
    for (const body of ["{}", '{"offsets":null}', '{"offsets":[]}']) {
      expect(await req("PATCH", "/connectors/c/offsets", body)).toMatchObject({
        status: 400,
        json: {
          error_code: 400,
          message: "Partitions / offsets need to be provided for an alter offsets request",
        },
      });
    }
    expect((await req("PATCH", "/connectors/c/offsets", '{"offsets":[{"partition":"x"}]}')).status).toBe(400);
    const ok = await req("PATCH", "/connectors/c/offsets", '{"offsets":[{"partition":{"f":"a"}}]}');
    expect(ok).toMatchObject({ status: 200, json: { message: "altered" } });
    expect(calls.at(-1)).toEqual(["alterConnectorOffsets", "c", [{ partition: { f: "a" }, offset: null }]]);
    expect(await req("DELETE", "/connectors/c/offsets")).toMatchObject({
      status: 200,
      json: { message: "reset" },
    });
    expect(await req("GET", "/connectors/c/offsets")).toMatchObject({ status: 200, json: { offsets: [] } });
  });

  it("topics: keyed by connector; reset 202; 403 when tracking (or its reset) is disabled", async () => {
    const { req } = setup();
    expect(await req("GET", "/connectors/x/topics")).toMatchObject({
      status: 200,
      json: { x: { topics: ["t"] } },
    });
    expect((await req("PUT", "/connectors/x/topics/reset")).status).toBe(202);
    const off = setup({ topicTracking: { enabled: false, allowReset: true } });
    expect(await off.req("GET", "/connectors/x/topics")).toMatchObject({
      status: 403,
      json: { error_code: 403, message: "Topic tracking is disabled." },
    });
    const noReset = setup({ topicTracking: { enabled: true, allowReset: false } });
    expect(await noReset.req("PUT", "/connectors/x/topics/reset")).toMatchObject({
      status: 403,
      json: { message: "Topic tracking reset is disabled." },
    });
  });
});

describe("plugins", () => {
  it("connectorsOnly defaults to true", async () => {
    const { req, calls } = setup();
    await req("GET", "/connector-plugins");
    await req("GET", "/connector-plugins?connectorsOnly=false");
    await req("GET", "/connector-plugins?connectorsOnly=True");
    expect(calls).toEqual([
      ["connectorPlugins", true],
      ["connectorPlugins", false],
      ["connectorPlugins", true],
    ]);
  });

  it("validate: connector.class must match the path's plugin (either may omit the Connector suffix)", async () => {
    const { req } = setup();
    const validate = (plugin: string, cls: string) =>
      req("PUT", `/connector-plugins/${plugin}/config/validate`, JSON.stringify({ "connector.class": cls }));
    expect(
      (await validate("FileStreamSource", "org.apache.kafka.connect.file.FileStreamSourceConnector")).status,
    ).toBe(200);
    expect((await validate("FileStreamSourceConnector", "FileStreamSource")).status).toBe(200);
    expect(await validate("FileStreamSink", "FileStreamSource")).toMatchObject({
      status: 400,
      json: {
        message: "Included connector type FileStreamSource does not match request type FileStreamSink",
      },
    });
    expect((await req("PUT", "/connector-plugins/X/config/validate", "{}")).status).toBe(200);
  });
});

describe("loggers", () => {
  it("GET list and one; 404 for an unknown logger", async () => {
    const { req } = setup();
    expect((await req("GET", "/admin/loggers")).json).toEqual({
      root: { level: "INFO", last_modified: null },
    });
    expect((await req("GET", "/admin/loggers/root")).json).toEqual({ level: "INFO", last_modified: null });
    expect(await req("GET", "/admin/loggers/x.y")).toMatchObject({
      status: 404,
      json: { error_code: 404, message: "Logger x.y not found." },
    });
  });

  it("PUT: 400 without level, 404 for an invalid one, worker 200 with names, cluster 204", async () => {
    const { req, calls } = setup();
    expect(await req("PUT", "/admin/loggers/a", '{"other":"x"}')).toMatchObject({
      status: 400,
      json: { message: "Desired 'level' parameter was not specified in request." },
    });
    expect(await req("PUT", "/admin/loggers/a", '{"level":"LOUD"}')).toMatchObject({
      status: 404,
      json: { message: "invalid log level 'LOUD'." },
    });
    expect(await req("PUT", "/admin/loggers/a", '{"level":"DEBUG"}')).toMatchObject({
      status: 200,
      json: ["a"],
    });
    expect((await req("PUT", "/admin/loggers/a?scope=bogus", '{"level":"warn"}')).status).toBe(200);
    expect((await req("PUT", "/admin/loggers/a?scope=Cluster", '{"level":"ERROR"}')).status).toBe(204);
    expect(calls).toEqual([
      ["setWorkerLoggerLevel", "a", "DEBUG"],
      ["setWorkerLoggerLevel", "a", "warn"],
      ["setClusterLoggerLevel", "a", "ERROR"],
    ]);
  });
});

describe("documentation", () => {
  it("GET /openapi.json: OpenAPI 3.1 with every public endpoint", async () => {
    const { req } = setup();
    const r = await req("GET", "/openapi.json");
    expect(r.status).toBe(200);
    const doc = r.json as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: object };
    };
    expect(doc.openapi).toBe("3.1.0");
    const ops = Object.entries(doc.paths).flatMap(([p, m]) =>
      Object.keys(m).map((x) => `${x.toUpperCase()} ${p}`),
    );
    expect(ops.sort()).toEqual(
      [
        "GET /",
        "GET /health",
        "GET /cluster/scaling",
        "GET /connectors",
        "POST /connectors",
        "GET /connectors/{connector}",
        "DELETE /connectors/{connector}",
        "GET /connectors/{connector}/config",
        "PUT /connectors/{connector}/config",
        "PATCH /connectors/{connector}/config",
        "GET /connectors/{connector}/status",
        "POST /connectors/{connector}/restart",
        "PUT /connectors/{connector}/stop",
        "PUT /connectors/{connector}/pause",
        "PUT /connectors/{connector}/resume",
        "GET /connectors/{connector}/tasks",
        "GET /connectors/{connector}/tasks-config",
        "GET /connectors/{connector}/tasks/{task}/status",
        "POST /connectors/{connector}/tasks/{task}/restart",
        "GET /connectors/{connector}/topics",
        "PUT /connectors/{connector}/topics/reset",
        "GET /connectors/{connector}/offsets",
        "PATCH /connectors/{connector}/offsets",
        "DELETE /connectors/{connector}/offsets",
        "GET /connector-plugins",
        "GET /connector-plugins/{plugin}/config",
        "PUT /connector-plugins/{plugin}/config/validate",
        "GET /admin/loggers",
        "GET /admin/loggers/{logger}",
        "PUT /admin/loggers/{logger}",
      ].sort(),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        "ConnectorInfo",
        "ConnectorStateInfo",
        "ConfigInfos",
        "ErrorMessage",
        "LoggerLevel",
      ]),
    );
  });

  it("GET /docs: Swagger UI from this worker's own assets, no CDN", async () => {
    const { req, app } = setup();
    const page = await req("GET", "/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.text).toContain("SwaggerUIBundle");
    expect(page.text).toContain("/openapi.json");
    expect(page.text).not.toMatch(/https?:\/\//);
    expect(page.text).not.toMatch(/\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const a of assets) {
      expect(a.startsWith("/docs/")).toBe(true);
      const r = await app.request(a);
      expect(r.status, a).toBe(200);
      expect((await r.arrayBuffer()).byteLength, a).toBeGreaterThan(1000);
    }
    expect((await app.request("/docs/swagger-ui-dist/package.json")).status).toBe(404);
  });
});
