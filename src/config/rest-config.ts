/**
 * Worker keys of the REST listener's security and of the scaling signal: authentication (Ferry-specific),
 * CORS (Kafka Connect's access.control.* keys), client certificates (Kafka's ssl.client.authentication) and
 * scaling.units.per.worker. The ssl.* store keys are shared with the Kafka clients (kafka-security-keys.ts;
 * src/kafka/security.ts applies them).
 */
import { z } from "zod";
import type { ConfigDef } from "../api/config-def.js";

export const CLIENT_AUTH = ["none", "requested", "required"] as const;
export type ClientAuthentication = (typeof CLIENT_AUTH)[number];

export interface RestSecurityConfig {
  /** file of `user: password` lines (HTTP basic); null when basic authentication is off */
  readonly basicCredentialsFile: string | null;
  /** file of bearer tokens, one a line; null when bearer authentication is off */
  readonly bearerTokensFile: string | null;
  /** access.control.allow.origin: empty = no CORS headers */
  readonly allowOrigins: string[];
  /** access.control.allow.methods: empty = Kafka's (Jetty's) default GET, POST, HEAD */
  readonly allowMethods: string[];
  readonly clientAuthentication: ClientAuthentication;
}

export function defineRestKeys(def: ConfigDef): ConfigDef {
  const group = "REST security";
  return def
    .define({
      name: "rest.auth.basic.credentials.file",
      type: "STRING",
      default: null,
      importance: "MEDIUM",
      group,
      documentation:
        "Turns on HTTP basic authentication of the REST API: a file of `user: password` lines (the format of Kafka's PropertyFileLoginModule credentials file; `#` starts a comment). Read at start-up (Ferry-specific).",
    })
    .define({
      name: "rest.auth.bearer.tokens.file",
      type: "STRING",
      default: null,
      importance: "MEDIUM",
      group,
      documentation:
        "Turns on bearer-token authentication of the REST API: a file of accepted tokens, one a line (`#` starts a comment). Read at start-up (Ferry-specific).",
    })
    .define({
      name: "access.control.allow.origin",
      type: "STRING",
      default: "",
      importance: "LOW",
      group,
      documentation:
        "Value for the Access-Control-Allow-Origin header for REST API requests: a comma-separated list of origins, `*` for any. The default, empty, sends no CORS headers.",
    })
    .define({
      name: "access.control.allow.methods",
      type: "STRING",
      default: "",
      importance: "LOW",
      group,
      documentation:
        "Methods allowed for cross-origin requests (Access-Control-Allow-Methods), comma-separated. Empty means GET, POST and HEAD.",
    })
    .define({
      name: "ssl.client.authentication",
      type: "STRING",
      default: "none",
      importance: "LOW",
      group,
      documentation:
        "Client certificates on the https listener: none, requested, or required (checked against ssl.truststore.location).",
      check: z
        .string()
        .transform((s) => s.trim().toLowerCase())
        .pipe(z.enum(CLIENT_AUTH, { error: "Value must be none, requested or required" })),
    })
    .define({
      name: "scaling.units.per.worker",
      type: "INT",
      default: 10,
      importance: "LOW",
      group: "Scaling",
      documentation:
        "How many units (connector and task instances) one worker should run; GET /cluster/scaling divides the cluster's units by it to give the desired worker count (Ferry-specific).",
      check: z.number().int().min(1, "Value must be at least 1"),
    });
}

const list = (s: unknown) =>
  String(s ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");

/** The REST security settings from parsed worker values. */
export function restSecurityConfig(values: Readonly<Record<string, unknown>>): RestSecurityConfig {
  const file = (k: string) => {
    const v = values[k];
    return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
  };
  return {
    basicCredentialsFile: file("rest.auth.basic.credentials.file"),
    bearerTokensFile: file("rest.auth.bearer.tokens.file"),
    allowOrigins: list(values["access.control.allow.origin"]),
    allowMethods: list(values["access.control.allow.methods"]).map((m) => m.toUpperCase()),
    clientAuthentication: (values["ssl.client.authentication"] as ClientAuthentication | undefined) ?? "none",
  };
}
