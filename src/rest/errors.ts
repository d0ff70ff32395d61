import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Kafka Connect's ErrorMessage body. */
export function errorBody(c: Context, status: number, message: string) {
  return c.json({ error_code: status, message }, status as ContentfulStatusCode);
}
