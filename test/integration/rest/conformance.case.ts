/**
 * REST conformance: walks every public endpoint of reference §1.2, checking status codes, error bodies and
 * entity shapes (field names included) against Kafka Connect's. One walk, run on a standalone worker
 * (conformance.test.ts) and on a distributed one (test/cluster/rest-conformance.test.ts).
 */
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FERRY_VERSION } from "../../../src/version.js";
import { waitFor } from "../../support/worker-process.js";
import { allRunning, type RestWorker, type StatusBody, startRestWorker, type WorkerMode } from "./support.js";

const errorBody = (code: number, message?: string | RegExp) => ({
  error_code: code,
  message:
    message === undefined
      ? expect.any(String)
      : typeof message === "string"
        ? message
        : expect.stringMatching(message),
});

export function restConformance(mode: WorkerMode): void {
  let w: RestWorker;
  let src: string;
  let sink: string;
  let input: string;
  let output: string;

  beforeAll(async () => {
    w = await startRestWorker(`rest-conf-${mode}`, { mode });
    input = join(w.dir, "input.txt");
    output = join(w.dir, "output.txt");
    await writeFile(input, "one\ntwo\n");
    src = w.name("src");
    sink = w.name("sink");
    const created = await w.call("POST", "/connectors", {
      name: src,
      config: { "connector.class": "FileStreamSource", file: input, topic: w.topic, "tasks.max": 1 },
    });
    expect(created.status).toBe(201);
    await w.waitStatus(src, allRunning, "source running");
  });

  afterAll(async () => {
    await w?.stop();
  });

  describe("worker", () => {
    it("GET / and GET /health", async () => {
      const root = await w.get("/");
      expect(root.status).toBe(200);
      expect(Object.keys(root.body as object).sort()).toEqual(["commit", "kafka_cluster_id", "version"]);
      expect(await w.get("/health")).toMatchObject({
        status: 200,
        body: { status: "healthy", message: "Worker has completed startup and is ready to handle requests." },
      });
    });
  });

  describe("connector plugins", () => {
    it("GET /connector-plugins: connectors only by default; every type with connectorsOnly=false", async () => {
      const only = (await w.get("/connector-plugins")).body as {
        class: string;
        type: string;
        version?: string;
      }[];
      expect(new Set(only.map((p) => p.type))).toEqual(new Set(["sink", "source"]));
      expect(only.map((p) => p.class)).toEqual(
        expect.arrayContaining([
          "org.apache.kafka.connect.file.FileStreamSinkConnector",
          "org.apache.kafka.connect.file.FileStreamSourceConnector",
        ]),
      );
      for (const p of only) expect(Object.keys(p).sort()).toEqual(["class", "type", "version"]);
      const all = (await w.get("/connector-plugins?connectorsOnly=false")).body as {
        class: string;
        type: string;
      }[];
      expect(new Set(all.map((p) => p.type))).toEqual(
        new Set(["source", "sink", "converter", "header_converter", "transformation", "predicate"]),
      );
      expect(all).toContainEqual(
        expect.objectContaining({
          class: "org.apache.kafka.connect.transforms.RegexRouter",
          type: "transformation",
        }),
      );
      expect(all).toContainEqual(
        expect.objectContaining({
          class: "org.apache.kafka.connect.storage.SimpleHeaderConverter",
          type: "header_converter",
        }),
      );
    });

    it("GET /connector-plugins/{plugin}/config: ConfigKeyInfos; 404 for an unknown plugin", async () => {
      const r = await w.get("/connector-plugins/FileStreamSink/config");
      expect(r.status).toBe(200);
      const keys = r.body as Record<string, unknown>[];
      expect(keys[0]).toEqual({
        name: "file",
        type: "STRING",
        required: false,
        default_value: null,
        importance: "HIGH",
        documentation: expect.any(String),
        group: null,
        order_in_group: -1,
        width: "NONE",
        display_name: "file",
        dependents: [],
      });
      expect(keys.map((k) => k.name)).toEqual(
        expect.arrayContaining(["topics", "topics.regex", "tasks.max"]),
      );
      expect(await w.get("/connector-plugins/com.example.Nope/config")).toEqual(
        expect.objectContaining({ status: 404, body: errorBody(404, "Unknown plugin com.example.Nope.") }),
      );
    });

    it("PUT /connector-plugins/{plugin}/config/validate: ConfigInfos; 400 on a class mismatch or no class", async () => {
      const ok = await w.call("PUT", "/connector-plugins/FileStreamSinkConnector/config/validate", {
        "connector.class": "FileStreamSink",
        name: "v",
        topics: "t",
      });
      expect(ok.status).toBe(200);
      const ci = ok.body as {
        name: string;
        error_count: number;
        groups: string[];
        configs: { definition: object; value: object }[];
      };
      expect(ci).toMatchObject({ name: "FileStreamSink", error_count: 0 });
      expect(ci.groups).toEqual(
        expect.arrayContaining(["Common", "Transforms", "Predicates", "Error Handling"]),
      );
      expect(Object.keys(ci.configs[0]?.definition ?? {})).toEqual([
        "name",
        "type",
        "required",
        "default_value",
        "importance",
        "documentation",
        "group",
        "order_in_group",
        "width",
        "display_name",
        "dependents",
      ]);
      expect(Object.keys(ci.configs[0]?.value ?? {})).toEqual([
        "name",
        "value",
        "recommended_values",
        "errors",
        "visible",
      ]);

      const bad = await w.call("PUT", "/connector-plugins/FileStreamSink/config/validate", {
        "connector.class": "FileStreamSink",
        name: "v",
        "tasks.max": "0",
      });
      expect(bad.status).toBe(200);
      expect((bad.body as { error_count: number }).error_count).toBe(3);

      expect(
        await w.call("PUT", "/connector-plugins/FileStreamSink/config/validate", {
          "connector.class": "FileStreamSource",
        }),
      ).toMatchObject({
        status: 400,
        body: errorBody(
          400,
          "Included connector type FileStreamSource does not match request type FileStreamSink",
        ),
      });
      expect(
        await w.call("PUT", "/connector-plugins/FileStreamSink/config/validate", { name: "x" }),
      ).toMatchObject({
        status: 400,
        body: errorBody(400, "Connector config {name=x} contains no connector type"),
      });
    });
  });

  describe("connectors", () => {
    it("POST /connectors: 201 with Location and ConnectorInfo; 409 when it exists; 400 for a bad config", async () => {
      const r = await w.call("POST", "/connectors", {
        name: sink,
        config: { "connector.class": "FileStreamSink", file: output, topics: w.topic, "tasks.max": "1" },
      });
      expect(r.status).toBe(201);
      expect(r.headers.get("location")).toBe(`/connectors/${sink}`);
      expect(r.body).toEqual({
        name: sink,
        config: {
          "connector.class": "FileStreamSink",
          file: output,
          topics: w.topic,
          "tasks.max": "1",
          name: sink,
        },
        // as Kafka Connect: standalone answers after generating the tasks, distributed before
        tasks: mode === "standalone" ? [{ connector: sink, task: 0 }] : [],
        type: "sink",
      });
      await w.waitStatus(sink, allRunning, "sink running");
      expect(
        await w.call("POST", "/connectors", {
          name: sink,
          config: { "connector.class": "FileStreamSink", topics: "t" },
        }),
      ).toMatchObject({
        status: 409,
        body: errorBody(409, `Connector ${sink} already exists`),
      });
      const invalid = await w.call("POST", "/connectors", {
        name: "x",
        config: { "connector.class": "FileStreamSink" },
      });
      expect(invalid).toMatchObject({
        status: 400,
        body: errorBody(400, /contains the following 2 error\(s\)/),
      });
      expect(
        await w.call("POST", "/connectors", { name: "x", config: { "connector.class": "Nope" } }),
      ).toMatchObject({
        status: 400,
        body: errorBody(
          400,
          /^Failed to find any class that implements Connector and which name matches Nope/,
        ),
      });
    });

    it("GET /connectors and expand=status/info", async () => {
      expect(((await w.get("/connectors")).body as string[]).sort()).toEqual([sink, src].sort());
      const both = (await w.get("/connectors?expand=status&expand=info")).body as Record<
        string,
        { status: StatusBody; info: object }
      >;
      expect(Object.keys(both[sink] ?? {}).sort()).toEqual(["info", "status"]);
      expect(both[src]?.status).toMatchObject({ name: src, type: "source", connector: { state: "RUNNING" } });
    });

    it("GET info, config, status, tasks, tasks-config, task status; 404 bodies", async () => {
      const info = await w.get(`/connectors/${sink}`);
      expect(info.body).toMatchObject({ name: sink, tasks: [{ connector: sink, task: 0 }], type: "sink" });
      expect((await w.get(`/connectors/${sink}/config`)).body).toMatchObject({ topics: w.topic, name: sink });
      const status = (await w.get(`/connectors/${sink}/status`)).body as StatusBody;
      expect(status).toEqual({
        name: sink,
        connector: { state: "RUNNING", worker_id: `127.0.0.1:${w.port}`, version: FERRY_VERSION },
        tasks: [{ id: 0, state: "RUNNING", worker_id: `127.0.0.1:${w.port}`, version: FERRY_VERSION }],
        type: "sink",
      });
      const tasks = (await w.get(`/connectors/${sink}/tasks`)).body as {
        id: object;
        config: Record<string, string>;
      }[];
      expect(tasks).toHaveLength(1);
      expect(tasks[0]?.id).toEqual({ connector: sink, task: 0 });
      expect(tasks[0]?.config).toMatchObject({
        "task.class": "org.apache.kafka.connect.file.FileStreamSinkTask",
        topics: w.topic,
      });
      expect(Object.keys((await w.get(`/connectors/${sink}/tasks-config`)).body as object)).toEqual([
        `${sink}-0`,
      ]);
      expect((await w.get(`/connectors/${sink}/tasks/0/status`)).body).toEqual({
        id: 0,
        state: "RUNNING",
        worker_id: `127.0.0.1:${w.port}`,
        version: FERRY_VERSION,
      });
      expect(await w.get("/connectors/nope")).toMatchObject({
        status: 404,
        body: errorBody(404, "Connector nope not found"),
      });
      expect(await w.get("/connectors/nope/config")).toMatchObject({ status: 404 });
      expect(await w.get("/connectors/nope/tasks")).toMatchObject({
        status: 404,
        body: errorBody(404, "Connector nope not found"),
      });
      expect(await w.get("/connectors/nope/status")).toMatchObject({
        status: 404,
        body: errorBody(404, "No status found for connector nope"),
      });
      expect(await w.get(`/connectors/${sink}/tasks/5/status`)).toMatchObject({
        status: 404,
        body: errorBody(404, `No status found for task ${sink}-5`),
      });
    });

    it("PUT /connectors/{c}/config: 200 updating, 201 creating; name mismatch 400", async () => {
      const upd = await w.call("PUT", `/connectors/${sink}/config`, {
        "connector.class": "FileStreamSink",
        file: output,
        topics: w.topic,
        "tasks.max": "1",
        "errors.log.enable": "true",
      });
      expect(upd.status).toBe(200);
      expect(upd.body).toMatchObject({ name: sink, type: "sink" });
      const extra = w.name("put");
      const created = await w.call("PUT", `/connectors/${extra}/config`, {
        "connector.class": "FileStreamSink",
        file: join(w.dir, "extra.txt"),
        topics: w.topic,
      });
      expect(created.status).toBe(201);
      expect(created.headers.get("location")).toBe(`/connectors/${extra}`);
      expect(
        await w.call("PUT", `/connectors/${extra}/config`, {
          name: "other",
          "connector.class": "FileStreamSink",
        }),
      ).toMatchObject({
        status: 400,
        body: errorBody(
          400,
          `Connector name configuration (other) doesn't match connector name in the URL (${extra})`,
        ),
      });
      expect((await w.call("DELETE", `/connectors/${extra}`)).status).toBe(204);
      expect(await w.call("DELETE", `/connectors/${extra}`)).toMatchObject({
        status: 404,
        body: errorBody(404, `Connector ${extra} not found`),
      });
      await w.waitStatus(sink, allRunning, "sink running after update");
    });

    it("PATCH /connectors/{c}/config: null removes a key; always 200; 404 when absent", async () => {
      const r = await w.call("PATCH", `/connectors/${sink}/config`, {
        "errors.log.enable": null,
        "errors.tolerance": "all",
      });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ name: sink, type: "sink", tasks: [{ connector: sink, task: 0 }] });
      const config = (await w.get(`/connectors/${sink}/config`)).body as Record<string, string>;
      expect(config["errors.log.enable"]).toBeUndefined();
      expect(config["errors.tolerance"]).toBe("all");
      expect(config.topics).toBe(w.topic);
      expect(await w.call("PATCH", "/connectors/nope/config", { a: "b" })).toMatchObject({
        status: 404,
        body: errorBody(404, "Connector nope not found"),
      });
      expect(await w.call("PATCH", `/connectors/${sink}/config`, { topics: null })).toMatchObject({
        status: 400,
      });
      await w.waitStatus(sink, allRunning, "sink running after patch");
    });

    it("POST restart: 204 for the connector alone; 202 with the plan with includeTasks/onlyFailed", async () => {
      expect((await w.call("POST", `/connectors/${sink}/restart`)).status).toBe(204);
      await w.waitStatus(sink, allRunning, "running after restart");

      const plan = await w.call("POST", `/connectors/${sink}/restart?includeTasks=true`);
      expect(plan.status).toBe(202);
      expect(plan.body).toEqual({
        name: sink,
        connector: { state: "RESTARTING", worker_id: `127.0.0.1:${w.port}`, version: FERRY_VERSION },
        tasks: [{ id: 0, state: "RESTARTING", worker_id: `127.0.0.1:${w.port}`, version: FERRY_VERSION }],
        type: "sink",
      });
      await w.waitStatus(sink, allRunning, "running after restart with tasks");

      // nothing failed: the plan restarts nothing
      const none = await w.call("POST", `/connectors/${sink}/restart?includeTasks=true&onlyFailed=true`);
      expect(none.status).toBe(202);
      expect((none.body as StatusBody).connector.state).toBe("RUNNING");
      expect((none.body as StatusBody).tasks.map((t) => t.state)).toEqual(["RUNNING"]);

      expect(await w.call("POST", "/connectors/nope/restart")).toMatchObject({
        status: 404,
        body: errorBody(404, "Connector nope not found"),
      });
      expect(await w.call("POST", "/connectors/nope/restart?includeTasks=true")).toMatchObject({
        status: 404,
        body: errorBody(404, "Unknown connector: nope"),
      });
    });

    it("restart with onlyFailed restarts only what FAILED: the plan shows it RESTARTING, traces kept", async () => {
      const failing = w.name("failing");
      const r = await w.call("POST", "/connectors", {
        name: failing,
        config: {
          "connector.class": "FileStreamSink",
          topics: w.topic,
          file: join(w.dir, "no", "such", "dir", "out.txt"),
        },
      });
      expect(r.status).toBe(201);
      const failed = await w.waitStatus(failing, (s) => s.tasks[0]?.state === "FAILED", "task failed");
      expect(failed.connector.state).toBe("RUNNING");
      expect(failed.tasks[0]?.trace).toEqual(expect.any(String));
      const plan = await w.call("POST", `/connectors/${failing}/restart?includeTasks=true&onlyFailed=true`);
      expect(plan.status).toBe(202);
      expect(plan.body).toEqual({
        name: failing,
        connector: { state: "RUNNING", worker_id: `127.0.0.1:${w.port}`, version: FERRY_VERSION },
        tasks: [
          {
            id: 0,
            state: "RESTARTING",
            worker_id: `127.0.0.1:${w.port}`,
            trace: expect.any(String),
            version: FERRY_VERSION,
          },
        ],
        type: "sink",
      });
      // it fails again, as its file still cannot be opened
      await w.waitStatus(failing, (s) => s.tasks[0]?.state === "FAILED", "task failed again");
      expect((await w.call("DELETE", `/connectors/${failing}`)).status).toBe(204);
    });

    it("POST /connectors/{c}/tasks/{t}/restart: 204; 404 for an unknown task or connector", async () => {
      expect((await w.call("POST", `/connectors/${sink}/tasks/0/restart`)).status).toBe(204);
      await w.waitStatus(sink, allRunning, "running after task restart");
      expect(await w.call("POST", `/connectors/${sink}/tasks/3/restart`)).toMatchObject({
        status: 404,
        body: errorBody(404, `Task ${sink}-3 not found`),
      });
      expect(await w.call("POST", "/connectors/nope/tasks/0/restart")).toMatchObject({ status: 404 });
      expect(await w.call("POST", `/connectors/${sink}/tasks/x/restart`)).toMatchObject({ status: 404 });
    });

    it("pause 202 → PAUSED; resume 202 → RUNNING; 404 for an unknown connector", async () => {
      expect((await w.call("PUT", `/connectors/${src}/pause`)).status).toBe(202);
      await w.waitStatus(
        src,
        (s) => s.connector.state === "PAUSED" && s.tasks.every((t) => t.state === "PAUSED"),
        "paused",
      );
      expect((await w.call("PUT", `/connectors/${src}/pause`)).status).toBe(202);
      expect((await w.call("PUT", `/connectors/${src}/resume`)).status).toBe(202);
      await w.waitStatus(src, allRunning, "resumed");
      expect(await w.call("PUT", "/connectors/nope/pause")).toMatchObject({
        status: 404,
        body: errorBody(404, "Unknown connector nope"),
      });
      expect(await w.call("PUT", "/connectors/nope/resume")).toMatchObject({ status: 404 });
    });

    it("stop 204 → STOPPED with no tasks in /status and /tasks; resume brings it back", async () => {
      expect((await w.call("PUT", `/connectors/${src}/stop`)).status).toBe(204);
      const stopped = (await w.get(`/connectors/${src}/status`)).body as StatusBody;
      expect(stopped.connector.state).toBe("STOPPED");
      expect(stopped.tasks).toEqual([]);
      expect((await w.get(`/connectors/${src}/tasks`)).body).toEqual([]);
      expect((await w.get(`/connectors/${src}`)).body).toMatchObject({ tasks: [] });
      expect((await w.call("PUT", `/connectors/${src}/stop`)).status).toBe(204);
      expect(await w.call("PUT", "/connectors/nope/stop")).toMatchObject({
        status: 404,
        body: errorBody(404, "Unknown connector nope"),
      });
      expect((await w.call("PUT", `/connectors/${src}/resume`)).status).toBe(202);
      await w.waitStatus(src, allRunning, "running again after stop");
    });
  });

  describe("offsets", () => {
    it("GET offsets: source partitions from the offset store, sink partitions from the consumer group", async () => {
      await appendFile(input, "three\n");
      const srcOffsets = await waitFor(async () => {
        const b = (await w.get(`/connectors/${src}/offsets`)).body as {
          offsets: { partition: object; offset: { position: number } }[];
        };
        return b.offsets.length === 1 && b.offsets[0]?.offset.position === 14 ? b : undefined;
      }, "source offset at the end of the file");
      expect(srcOffsets).toEqual({ offsets: [{ partition: { filename: input }, offset: { position: 14 } }] });

      await waitFor(
        async () => (await readFile(output, "utf8").catch(() => "")).includes("three"),
        "sink output",
      );
      const sinkOffsets = await waitFor(async () => {
        const b = (await w.get(`/connectors/${sink}/offsets`)).body as {
          offsets: { offset: { kafka_offset: number } }[];
        };
        return b.offsets[0]?.offset.kafka_offset === 3 ? b : undefined;
      }, "sink offsets committed");
      expect(sinkOffsets).toEqual({
        offsets: [{ partition: { kafka_topic: w.topic, kafka_partition: 0 }, offset: { kafka_offset: 3 } }],
      });
      expect(await w.get("/connectors/nope/offsets")).toMatchObject({
        status: 404,
        body: errorBody(404, "Connector nope not found"),
      });
    });

    it("PATCH and DELETE only when STOPPED (400 with Kafka's message); 400 without offsets", async () => {
      const notStopped =
        "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the " +
        `specified connector by issuing a 'PUT' request to the '/connectors/${src}/stop' endpoint`;
      const body = { offsets: [{ partition: { filename: input }, offset: { position: 4 } }] };
      expect(await w.call("PATCH", `/connectors/${src}/offsets`, body)).toMatchObject({
        status: 400,
        body: errorBody(400, notStopped),
      });
      expect(await w.call("DELETE", `/connectors/${src}/offsets`)).toMatchObject({
        status: 400,
        body: errorBody(400, notStopped),
      });
      expect(await w.call("PATCH", `/connectors/${src}/offsets`, {})).toMatchObject({
        status: 400,
        body: errorBody(400, "Partitions / offsets need to be provided for an alter offsets request"),
      });
      expect(await w.call("PATCH", "/connectors/nope/offsets", body)).toMatchObject({ status: 404 });
      expect(await w.call("DELETE", "/connectors/nope/offsets")).toMatchObject({ status: 404 });
    });

    it("a stopped source's offsets can be altered and reset; it resumes from them", async () => {
      expect((await w.call("PUT", `/connectors/${src}/stop`)).status).toBe(204);
      const altered = await w.call("PATCH", `/connectors/${src}/offsets`, {
        offsets: [{ partition: { filename: input }, offset: { position: 8 } }],
      });
      expect(altered).toMatchObject({
        status: 200,
        body: {
          message:
            "The Connect framework-managed offsets for this connector have been altered successfully. However, if this " +
            "connector manages offsets externally, they will need to be manually altered in the system that the connector uses.",
        },
      });
      expect((await w.get(`/connectors/${src}/offsets`)).body).toEqual({
        offsets: [{ partition: { filename: input }, offset: { position: 8 } }],
      });
      const reset = await w.call("DELETE", `/connectors/${src}/offsets`);
      expect(reset.status).toBe(200);
      expect((reset.body as { message: string }).message).toMatch(/have been reset successfully/);
      expect((await w.get(`/connectors/${src}/offsets`)).body).toEqual({ offsets: [] });
      // from position 8 the source re-reads "three" only
      await w.call("PATCH", `/connectors/${src}/offsets`, {
        offsets: [{ partition: { filename: input }, offset: { position: 8 } }],
      });
      expect((await w.call("PUT", `/connectors/${src}/resume`)).status).toBe(202);
      await w.waitStatus(src, allRunning, "source resumed");
      await waitFor(
        async () => (await readFile(output, "utf8")).split("\n").filter((l) => l === "three").length === 2,
        "three again",
      );
      expect((await readFile(output, "utf8")).split("\n").filter((l) => l === "one")).toHaveLength(1);
    });
  });

  describe("active topics", () => {
    if (mode === "distributed") {
      it("GET/PUT topics: 403, as Kafka Connect with tracking disabled (not tracked in distributed mode)", async () => {
        expect(await w.get(`/connectors/${src}/topics`)).toMatchObject({
          status: 403,
          body: errorBody(403, /not available in Ferry's distributed mode/),
        });
        expect((await w.call("PUT", `/connectors/${src}/topics/reset`)).status).toBe(403);
      });
      return;
    }
    it("GET topics: the topics the tasks wrote or read; unknown connector: empty; reset 202", async () => {
      // both have moved records by now (the source wrote w.topic, the sink read it)
      expect(await w.get(`/connectors/${src}/topics`)).toMatchObject({
        status: 200,
        body: { [src]: { topics: [w.topic] } },
      });
      expect((await w.get(`/connectors/${sink}/topics`)).body).toEqual({ [sink]: { topics: [w.topic] } });
      expect(await w.get("/connectors/nope/topics")).toMatchObject({
        status: 200,
        body: { nope: { topics: [] } },
      });
      expect((await w.call("PUT", `/connectors/${sink}/topics/reset`)).status).toBe(202);
      expect((await w.get(`/connectors/${sink}/topics`)).body).toEqual({ [sink]: { topics: [] } });
      expect((await w.call("PUT", "/connectors/nope/topics/reset")).status).toBe(202);
    });
  });

  describe("loggers", () => {
    it("GET /admin/loggers lists root and the connectors' task loggers; PUT/GET one; errors", async () => {
      const all = (await w.get("/admin/loggers")).body as Record<
        string,
        { level: string; last_modified: number | null }
      >;
      expect(all.root).toEqual({ level: expect.any(String), last_modified: null });
      expect(Object.keys(all)).toContain(`${sink}-0`);
      const set = await w.call("PUT", `/admin/loggers/${sink}`, { level: "TRACE" });
      expect(set).toMatchObject({ status: 200, body: [sink, `${sink}-0`] });
      const one = (await w.get(`/admin/loggers/${sink}-0`)).body as { level: string; last_modified: number };
      expect(one.level).toBe("TRACE");
      expect(one.last_modified).toBeGreaterThan(Date.now() - 60_000);
      expect(await w.call("PUT", `/admin/loggers/${sink}?scope=cluster`, { level: "info" })).toMatchObject({
        status: 204,
      });
      expect(((await w.get(`/admin/loggers/${sink}`)).body as { level: string }).level).toBe("INFO");
      expect(await w.get("/admin/loggers/no.such.logger")).toMatchObject({
        status: 404,
        body: errorBody(404, "Logger no.such.logger not found."),
      });
      expect(await w.call("PUT", "/admin/loggers/root", { level: "CHATTY" })).toMatchObject({
        status: 404,
        body: errorBody(404, "invalid log level 'CHATTY'."),
      });
      expect(await w.call("PUT", "/admin/loggers/root", {})).toMatchObject({
        status: 400,
        body: errorBody(400, "Desired 'level' parameter was not specified in request."),
      });
    });
  });

  describe("errors", () => {
    it("malformed JSON 400, wrong content type 415, unknown path 404, wrong method 405, oversized body 413", async () => {
      expect(await w.call("POST", "/connectors", "{nope")).toMatchObject({
        status: 400,
        body: errorBody(400, /not valid JSON/),
      });
      expect(await w.call("PUT", `/connectors/${sink}/config`, "{}", "text/plain")).toMatchObject({
        status: 415,
        body: errorBody(415),
      });
      expect(await w.call("PUT", `/connectors/${sink}/config`, "{}", null)).toMatchObject({ status: 415 });
      expect(await w.get("/no/such/path")).toMatchObject({
        status: 404,
        body: errorBody(404, "HTTP 404 Not Found"),
      });
      expect(await w.call("DELETE", "/connector-plugins")).toMatchObject({
        status: 405,
        body: errorBody(405),
      });
      const big = JSON.stringify({ "connector.class": "FileStreamSink", filler: "x".repeat(1_200_000) });
      expect(await w.call("PUT", `/connectors/${sink}/config`, big)).toMatchObject({
        status: 413,
        body: errorBody(413),
      });
    });
  });

  describe("documentation", () => {
    it("GET /openapi.json and GET /docs", async () => {
      const doc = await w.get("/openapi.json");
      expect(doc.status).toBe(200);
      expect((doc.body as { openapi: string }).openapi).toBe("3.1.0");
      const page = await w.get("/docs");
      expect(page.status).toBe(200);
      expect(page.text).not.toMatch(/https?:\/\//);
      expect((await fetch(`${w.base}/docs/swagger-ui-dist/swagger-ui-bundle.js`)).status).toBe(200);
    });
  });

  describe("delete", () => {
    it("DELETE /connectors/{c}: 204, then 404; its active topics are gone", async () => {
      expect((await w.call("DELETE", `/connectors/${src}`)).status).toBe(204);
      expect(await w.get(`/connectors/${src}`)).toMatchObject({ status: 404 });
      if (mode === "standalone")
        expect((await w.get(`/connectors/${src}/topics`)).body).toEqual({ [src]: { topics: [] } });
      expect(((await w.get("/connectors")).body as string[]).includes(src)).toBe(false);
    });
  });
}
