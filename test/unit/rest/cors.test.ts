/** CORS as Kafka Connect configures it: off by default; matching origins echoed; preflights answered. */
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { restSecurityConfig } from "../../../src/config/rest-config.js";
import { createRestApp } from "../../../src/rest/app.js";
import { herderWith } from "./support.js";

function app(origin: string, methods = "", withAuth = false) {
  const rest = restSecurityConfig({
    "access.control.allow.origin": origin,
    "access.control.allow.methods": methods,
  });
  return createRestApp({
    herder: herderWith({ connectors: () => [] }),
    logger: pino({ level: "silent" }),
    commit: "test",
    security: {
      credentials: withAuth ? { basic: [], bearer: [Buffer.alloc(32)] } : null,
      allowOrigins: rest.allowOrigins,
      allowMethods: rest.allowMethods,
    },
  });
}

const preflight = (origin: string) => ({
  method: "OPTIONS",
  headers: { origin, "access-control-request-method": "PUT" },
});

describe("CORS", () => {
  it("sends no CORS headers when access.control.allow.origin is empty, and answers no preflight", async () => {
    const a = app("");
    const r = await a.request("/connectors", { headers: { origin: "https://ui.example" } });
    expect(r.status).toBe(200);
    expect([...r.headers.keys()].filter((h) => h.startsWith("access-control"))).toEqual([]);
    expect((await a.request("/connectors", preflight("https://ui.example"))).status).toBe(405);
  });

  it("echoes a listed origin, and not another", async () => {
    const a = app("https://ui.example, https://*.corp.example");
    const ok = await a.request("/connectors", { headers: { origin: "https://ui.example" } });
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://ui.example");
    expect(ok.headers.get("vary")).toContain("Origin");
    const wild = await a.request("/connectors", { headers: { origin: "https://a.corp.example" } });
    expect(wild.headers.get("access-control-allow-origin")).toBe("https://a.corp.example");
    const other = await a.request("/connectors", { headers: { origin: "https://evil.example" } });
    expect(other.status).toBe(200);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers preflights with Kafka's default methods, or the configured ones", async () => {
    const r = await app("*").request("/connectors", preflight("https://any.example"));
    expect(r.status).toBe(204);
    expect(r.headers.get("access-control-allow-origin")).toBe("https://any.example");
    expect(r.headers.get("access-control-allow-methods")).toBe("GET,POST,HEAD");
    expect(r.headers.get("access-control-allow-headers")).toContain("Authorization");
    expect(r.headers.get("access-control-max-age")).toBe("1800");
    const custom = await app("*", "GET, put,DELETE").request("/connectors", preflight("https://x.example"));
    expect(custom.headers.get("access-control-allow-methods")).toBe("GET,PUT,DELETE");
  });

  it("answers preflights without credentials while authentication is on; the request itself still needs them", async () => {
    const a = app("https://ui.example", "", true);
    expect((await a.request("/connectors", preflight("https://ui.example"))).status).toBe(204);
    const r = await a.request("/connectors", { headers: { origin: "https://ui.example" } });
    expect(r.status).toBe(401);
    // the browser can read the 401 (and show a login) because it carries the CORS headers
    expect(r.headers.get("access-control-allow-origin")).toBe("https://ui.example");
  });
});
