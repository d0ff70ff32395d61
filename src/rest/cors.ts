/**
 * CORS as Kafka Connect configures Jetty's CrossOriginFilter: only when access.control.allow.origin is set;
 * the request's Origin is echoed back when it matches one of the listed origins (`*` matches any, and a `*`
 * inside an origin matches any run of characters); methods from access.control.allow.methods, else GET, POST,
 * HEAD; Jetty's default allowed headers (plus Authorization, which Ferry's REST authentication uses);
 * credentials allowed; preflights cached for 30 minutes.
 */
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";

export const DEFAULT_METHODS = ["GET", "POST", "HEAD"] as const;
export const ALLOWED_HEADERS = ["X-Requested-With", "Content-Type", "Accept", "Origin", "Authorization"];

function originMatcher(patterns: readonly string[]): (origin: string) => boolean {
  if (patterns.includes("*")) return () => true;
  const res = patterns.map(
    (p) =>
      new RegExp(
        `^${p
          .split("*")
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*")}$`,
      ),
  );
  return (origin) => res.some((re) => re.test(origin));
}

/** The CORS middleware, or null when access.control.allow.origin is empty (no CORS headers at all). */
export function corsMiddleware(
  allowOrigins: readonly string[],
  allowMethods: readonly string[],
): MiddlewareHandler | null {
  if (allowOrigins.length === 0) return null;
  const matches = originMatcher(allowOrigins);
  return cors({
    origin: (origin) => (origin && matches(origin) ? origin : null),
    allowMethods: allowMethods.length > 0 ? [...allowMethods] : [...DEFAULT_METHODS],
    allowHeaders: ALLOWED_HEADERS,
    credentials: true,
    maxAge: 1800,
  });
}
