/**
 * The worker keys of Kafka client security (security.protocol, sasl.*, ssl.*) with Kafka's names and
 * defaults. Only the definitions: src/kafka/security.ts turns the values into the Kafka client's options.
 */
import { z } from "zod";
import type { ConfigDef } from "../api/config-def.js";
import { defineSslKeys } from "./ssl-stores.js";

export const SECURITY_PROTOCOLS = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

/** security.protocol, sasl.mechanism, sasl.jaas.config and the ssl.* keys, with Kafka's names and defaults. */
export function defineKafkaSecurityKeys(def: ConfigDef): ConfigDef {
  def
    .define({
      name: "security.protocol",
      type: "STRING",
      default: "PLAINTEXT",
      importance: "MEDIUM",
      group: "Kafka client security",
      documentation:
        "Protocol used to talk to brokers: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL. Applies to every Kafka client of the worker.",
      check: z
        .string()
        .transform((s) => s.trim().toUpperCase())
        .pipe(z.enum(SECURITY_PROTOCOLS, { error: `Value must be one of ${SECURITY_PROTOCOLS.join(", ")}` })),
    })
    .define({
      name: "sasl.mechanism",
      type: "STRING",
      default: "GSSAPI",
      importance: "MEDIUM",
      group: "Kafka client security",
      documentation:
        "SASL mechanism for SASL_PLAINTEXT and SASL_SSL: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (Kafka's default GSSAPI is not supported, so set it).",
    })
    .define({
      name: "sasl.jaas.config",
      type: "PASSWORD",
      default: null,
      importance: "MEDIUM",
      group: "Kafka client security",
      documentation:
        'JAAS login context, as Kafka writes it: `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";` (ScramLoginModule for SCRAM).',
    });
  return defineSslKeys(def, "SSL (Kafka clients and the https listener)");
}
