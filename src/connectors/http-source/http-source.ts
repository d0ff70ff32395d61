/**
 * HTTP source: listens on http.port / http.path; each request body, JSON array element or NDJSON line
 * becomes a record. The answer (200) goes out only after Kafka acknowledged every record of the request
 * (commitRecord), so a 200 means the records are in Kafka and a crash before it loses nothing the client
 * was told about: the client retries (at least once). Backpressure: 429 when more than
 * http.max.pending.records would be waiting for Kafka; 503 while the task stops.
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { z } from "zod";
import { ConfigDef } from "../../api/config-def.js";
import type {
  Connector,
  SourceConnectorPlugin,
  SourceTask,
  SourceTaskContext,
  TaskConfig,
} from "../../api/connector.js";
import { type SourceRecord, sourceRecord } from "../../api/records.js";
import { Schemas } from "../../api/schema.js";
import { FERRY_VERSION } from "../../version.js";

export const TOPIC_CONFIG = "topic";
export const PORT_CONFIG = "http.port";
export const BIND_CONFIG = "http.bind.address";
export const PATH_CONFIG = "http.path";
export const TOKEN_CONFIG = "http.auth.token";
export const FORMAT_CONFIG = "http.body.format";
export const MAX_PENDING_CONFIG = "http.max.pending.records";
export const MAX_BODY_CONFIG = "http.max.body.bytes";

/** the most records one poll() hands to the runtime */
const MAX_BATCH = 5000;
/** how long poll() waits for a request before returning nothing */
const IDLE_WAIT_MS = 500;

export function httpSourceConfigDef(): ConfigDef {
  return new ConfigDef()
    .define({
      name: TOPIC_CONFIG,
      type: "STRING",
      importance: "HIGH",
      documentation: "The topic to write records to.",
      check: z.string().trim().min(1, "String must be non-empty"),
    })
    .define({
      name: PORT_CONFIG,
      type: "INT",
      importance: "HIGH",
      documentation: "The TCP port to listen on (0: any free port, for tests).",
      check: z.number().int().min(0).max(65535),
    })
    .define({
      name: BIND_CONFIG,
      type: "STRING",
      default: "0.0.0.0",
      importance: "LOW",
      documentation: "The address to listen on.",
    })
    .define({
      name: PATH_CONFIG,
      type: "STRING",
      default: "/",
      importance: "MEDIUM",
      documentation: "The URL path that accepts POST requests; other paths answer 404.",
      check: z.string().startsWith("/", "Path must start with /"),
    })
    .define({
      name: TOKEN_CONFIG,
      type: "PASSWORD",
      default: null,
      importance: "HIGH",
      documentation: "When set, requests must carry `Authorization: Bearer <token>`; others get 401.",
    })
    .define({
      name: FORMAT_CONFIG,
      type: "STRING",
      default: "string",
      importance: "MEDIUM",
      documentation:
        "`string`: each record value is the text (a JSON array element re-serialized); `json`: the parsed JSON value.",
      recommendedValues: ["string", "json"],
      check: z.enum(["string", "json"], { error: "Value must be string or json" }),
    })
    .define({
      name: MAX_PENDING_CONFIG,
      type: "INT",
      default: 10_000,
      importance: "MEDIUM",
      documentation:
        "The most records waiting for Kafka at once; a request that would go over is answered 429.",
      check: z.number().int().min(1, "Value must be at least 1"),
    })
    .define({
      name: MAX_BODY_CONFIG,
      type: "INT",
      default: 10 * 1024 * 1024,
      importance: "LOW",
      documentation: "The largest request body accepted; larger ones are answered 413.",
      check: z.number().int().min(1, "Value must be at least 1"),
    });
}

class HttpSourceConnector implements Connector {
  private props: Record<string, string> = {};
  version() {
    return FERRY_VERSION;
  }
  start(config: Record<string, string>) {
    httpSourceConfigDef().parseOrThrow(config);
    this.props = { ...config };
  }
  taskConfigs(): TaskConfig[] {
    return [{ ...this.props }]; // one port, one task
  }
  stop() {}
  config() {
    return httpSourceConfigDef();
  }
  validate(config: Record<string, string>): Record<string, string[]> {
    const max = Number(config["tasks.max"] ?? "1");
    return max > 1 ? { "tasks.max": ["The HTTP source listens on one port: tasks.max must be 1"] } : {};
  }
}

/** One request's records, answered when all of them are acknowledged. */
interface RequestBatch {
  remaining: number;
  settle(outcome: "acked" | "stopping"): void;
}

export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const NDJSON_TYPES = new Set([
  "application/x-ndjson",
  "application/ndjson",
  "application/jsonl",
  "application/x-jsonlines",
  "application/json-seq",
]);

/** The values one request carries, by its content type. */
export function splitBody(body: string, contentType: string, format: "string" | "json"): unknown[] {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  const parse = (text: string) => {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new HttpStatusError(400, `invalid JSON: ${(e as Error).message}`);
    }
  };
  if (NDJSON_TYPES.has(type)) {
    const lines = body.split(/\r?\n/).filter((l) => l.trim() !== "");
    return format === "json" ? lines.map(parse) : lines;
  }
  if (type === "application/json" || type.endsWith("+json")) {
    const v = parse(body);
    const items = Array.isArray(v) ? v : [v];
    return format === "json" ? items : items.map((x) => (typeof x === "string" ? x : JSON.stringify(x)));
  }
  if (body === "") return [];
  return [format === "json" ? parse(body) : body];
}

export class HttpSourceTask implements SourceTask {
  private server: Server | null = null;
  private topic = "";
  private path = "/";
  private token: Buffer | null = null;
  private format: "string" | "json" = "string";
  private maxPending = 10_000;
  private maxBody = 0;
  /** records received, not yet polled */
  private queue: SourceRecord[] = [];
  /** records received, not yet acknowledged (queued or in the runtime) */
  private pending = 0;
  private readonly batches = new Map<SourceRecord, RequestBatch>();
  private readonly open = new Set<RequestBatch>();
  private wake: (() => void) | null = null;
  private stopping = false;
  private ctx!: SourceTaskContext;

  version() {
    return FERRY_VERSION;
  }

  /** the port actually listened on (for http.port=0 in tests) */
  get port(): number {
    const a = this.server?.address();
    return typeof a === "object" && a ? a.port : 0;
  }

  async start(config: TaskConfig, ctx: SourceTaskContext) {
    const v = httpSourceConfigDef().parseOrThrow(config);
    this.ctx = ctx;
    this.topic = v[TOPIC_CONFIG] as string;
    this.path = v[PATH_CONFIG] as string;
    const token = v[TOKEN_CONFIG] as string | null;
    this.token = token ? Buffer.from(`Bearer ${token}`) : null;
    this.format = v[FORMAT_CONFIG] as "string" | "json";
    this.maxPending = v[MAX_PENDING_CONFIG] as number;
    this.maxBody = v[MAX_BODY_CONFIG] as number;
    ctx.signal.addEventListener("abort", () => this.beginStop(), { once: true });
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e) => reply(res, 500, { error: (e as Error).message }));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(v[PORT_CONFIG] as number, v[BIND_CONFIG] as string, () => {
        server.off("error", reject);
        resolve();
      });
    });
  }

  private authorized(req: IncomingMessage): boolean {
    if (!this.token) return true;
    const got = Buffer.from(req.headers.authorization ?? "");
    return got.length === this.token.length && timingSafeEqual(got, this.token);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.stopping) return reply(res, 503, { error: "stopping" }, { "retry-after": "1" });
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== this.path) return reply(res, 404, { error: "not found" });
    if (req.method !== "POST" && req.method !== "PUT")
      return reply(res, 405, { error: "use POST" }, { allow: "POST, PUT" });
    if (!this.authorized(req))
      return reply(res, 401, { error: "unauthorized" }, { "www-authenticate": "Bearer" });
    let values: unknown[];
    try {
      const body = await readBody(req, this.maxBody);
      values = splitBody(body, req.headers["content-type"] ?? "", this.format);
    } catch (e) {
      if (e instanceof HttpStatusError) return reply(res, e.status, { error: e.message });
      throw e;
    }
    if (this.stopping) return reply(res, 503, { error: "stopping" }, { "retry-after": "1" });
    if (values.length === 0) return reply(res, 200, { accepted: 0 });
    if (this.pending + values.length > this.maxPending)
      return reply(
        res,
        429,
        { error: `too many records waiting for Kafka (${this.pending})` },
        { "retry-after": "1" },
      );
    const outcome = await new Promise<"acked" | "stopping">((settle) => {
      const batch: RequestBatch = { remaining: values.length, settle };
      this.open.add(batch);
      const now = Date.now();
      for (const value of values) {
        const record = sourceRecord({
          topic: this.topic,
          valueSchema: this.format === "string" ? Schemas.STRING : null,
          value,
          timestamp: now,
        });
        this.batches.set(record, batch);
        this.queue.push(record);
      }
      this.pending += values.length;
      this.wake?.();
    });
    if (outcome === "acked") reply(res, 200, { accepted: values.length });
    else reply(res, 503, { error: "stopping before Kafka acknowledged the records; retry" });
  }

  async poll(): Promise<SourceRecord[] | null> {
    if (this.queue.length === 0 && !this.ctx.signal.aborted) {
      await new Promise<void>((resolve) => {
        const signal = this.ctx.signal;
        const done = () => {
          clearTimeout(t);
          signal.removeEventListener("abort", done);
          if (this.wake === done) this.wake = null;
          resolve();
        };
        const t = setTimeout(done, IDLE_WAIT_MS);
        this.wake = done;
        signal.addEventListener("abort", done, { once: true });
      });
    }
    if (this.ctx.signal.aborted || this.queue.length === 0) return null;
    const out = this.queue.length <= MAX_BATCH ? this.queue : this.queue.slice(0, MAX_BATCH);
    this.queue = out === this.queue ? [] : this.queue.slice(MAX_BATCH);
    return out;
  }

  commitRecord(record: SourceRecord): void {
    const batch = this.batches.get(record);
    if (!batch) return;
    this.batches.delete(record);
    this.pending--;
    if (--batch.remaining === 0 && this.open.delete(batch)) batch.settle("acked");
  }

  /** New requests get 503; requests whose records were not all polled yet get 503 now. */
  private beginStop(): void {
    this.stopping = true;
    for (const record of this.queue) {
      const batch = this.batches.get(record);
      this.batches.delete(record);
      this.pending--;
      if (batch && this.open.delete(batch)) batch.settle("stopping");
    }
    this.queue = [];
    this.wake?.();
  }

  async stop() {
    this.beginStop();
    // what the runtime polled but Kafka did not acknowledge in time is answered 503 (the client retries)
    for (const batch of this.open) batch.settle("stopping");
    this.open.clear();
    this.batches.clear();
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // let the 503s just written go out, then drop idle keep-alive connections
      setImmediate(() => server.closeIdleConnections());
      setTimeout(() => server.closeAllConnections(), 1000).unref();
    });
  }
}

function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) {
        // stop keeping the body, read the rest away so that the 413 can be answered
        req.removeAllListeners("data");
        req.resume();
        reject(new HttpStatusError(413, `body larger than ${max} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export const httpSourcePlugin: SourceConnectorPlugin = {
  type: "source",
  className: "io.ferry.connect.http.HttpSourceConnector",
  aliases: ["HttpSource"],
  version: FERRY_VERSION,
  createConnector: () => new HttpSourceConnector(),
  createTask: () => new HttpSourceTask(),
};
