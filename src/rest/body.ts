/**
 * The guard every endpoint with a JSON body runs before its zod validation: a non-JSON Content-Type (or a
 * body without one) is 415, text that does not parse is 400 with the parser's message. The text is cached on
 * the request, so the validator after it reads the same body.
 */
import type { MiddlewareHandler } from "hono";
import { ConnectError } from "../errors.js";

/** the media types hono's JSON validator accepts: application/json and application/*+json */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

export function isJsonContentType(contentType: string): boolean {
  return JSON_MEDIA_TYPE.test(contentType.split(";")[0]?.trim() ?? "");
}

export const jsonBody: MiddlewareHandler = async (c, next) => {
  const type = c.req.header("content-type");
  const text = await c.req.text();
  if (type ? !isJsonContentType(type) : text.length > 0) {
    throw new ConnectError(
      `HTTP 415 Unsupported Media Type: expected application/json, got ${type || "no Content-Type"}`,
      415,
    );
  }
  try {
    JSON.parse(text);
  } catch (e) {
    throw new ConnectError(`Request body is not valid JSON: ${(e as Error).message}`, 400);
  }
  await next();
};
