/**
 * Request bodies of the REST API as zod schemas. Config maps accept JSON numbers and booleans and turn them
 * into strings, as Jackson does for Kafka Connect's Map<String,String>; nested values are rejected.
 */
import { z } from "zod";

export const ConfigValue = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

export const ConfigMap = z.record(z.string(), ConfigValue, {
  error: "Config values must be strings, numbers or booleans",
});

/** PATCH bodies: a null removes the key. */
export const ConfigPatch = z.record(z.string(), z.union([ConfigValue, z.null()]));

export const InitialState = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(
    z.enum(["RUNNING", "PAUSED", "STOPPED"], {
      error: "initial_state must be one of RUNNING, PAUSED, STOPPED",
    }),
  );

export const CreateConnectorBody = z.object({
  name: z.string({ error: "Connector name must be a string" }).optional(),
  config: ConfigMap.optional(),
  initial_state: InitialState.optional().nullable(),
});

export function formatZodError(e: z.ZodError): string {
  return e.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}
