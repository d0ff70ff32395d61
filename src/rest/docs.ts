/**
 * GET /openapi.json (OpenAPI 3.1, generated from the routes' zod schemas) and GET /docs (Swagger UI). The
 * Swagger UI page loads its script and stylesheet from this worker (the swagger-ui-dist package), never from
 * a CDN, so it works offline and behind strict egress rules.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { swaggerUI } from "@hono/swagger-ui";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { FERRY_VERSION } from "../version.js";

/** The OpenAPI document's header: served at /openapi.json and used by the generated REST reference. */
export const OPENAPI_INFO = {
  openapi: "3.1.0",
  info: {
    title: "Ferry REST API",
    version: FERRY_VERSION,
    description:
      "Kafka Connect's REST API, as served by Ferry: the same paths, status codes, bodies and error shapes " +
      '({"error_code", "message"}).',
  },
  tags: [
    { name: "Worker" },
    { name: "Connectors" },
    { name: "Tasks" },
    { name: "Offsets" },
    { name: "Topics" },
    { name: "Plugins" },
    { name: "Loggers" },
    { name: "Operations", description: "Prometheus metrics, liveness, readiness and the scaling signal" },
  ],
};

const ASSET_PREFIX = "/docs/swagger-ui-dist";

/** the files of swagger-ui-dist the page uses, and their media types */
const ASSETS: Readonly<Record<string, string>> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
  "favicon-16x16.png": "image/png",
  "favicon-32x32.png": "image/png",
};

function swaggerUiDistDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve("swagger-ui-dist/package.json"));
}

// biome-ignore lint/suspicious/noExplicitAny: routes of any env and schema are documented the same way
export function registerDocs(app: OpenAPIHono<any, any, any>): void {
  app.doc31("/openapi.json", OPENAPI_INFO);

  app.get(
    "/docs",
    swaggerUI({
      url: "/openapi.json",
      // swagger-ui-dist's files are served below; @hono/swagger-ui appends /swagger-ui-dist/<file>
      baseUrl: "/docs",
      title: "Ferry REST API",
    }),
  );

  const dir = swaggerUiDistDir();
  const cache = new Map<string, Promise<Buffer>>();
  app.get(`${ASSET_PREFIX}/:file`, async (c) => {
    const file = c.req.param("file");
    const type = ASSETS[file];
    if (!type) return c.notFound();
    let data = cache.get(file);
    if (!data) {
      data = readFile(join(dir, file));
      cache.set(file, data);
      data.catch(() => cache.delete(file));
    }
    const bytes = await data;
    return c.body(new Uint8Array(bytes), 200, {
      "content-type": type,
      "cache-control": "public, max-age=86400",
    });
  });
}
