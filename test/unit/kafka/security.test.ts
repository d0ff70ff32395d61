/** Kafka's client security keys mapped to kafkajs options: protocols, JAAS parsing, PEM stores, errors. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lookupIn } from "../../../src/config/ssl-stores.js";
import { kafkaSecurityOptions, parseJaasConfig, workerClientSecurity } from "../../../src/kafka/security.js";

const dir = mkdtempSync(join(tmpdir(), "ferry-kafka-sec-"));
let keyPem = "";
let certPem = "";
beforeAll(() => {
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  keyPem = readFileSync(join(dir, "key.pem"), "utf8");
  certPem = readFileSync(join(dir, "cert.pem"), "utf8");
  writeFileSync(join(dir, "keystore.pem"), `${keyPem}\n${certPem}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const opts = (props: Record<string, string>) => kafkaSecurityOptions(lookupIn(props), "worker.properties: ");

describe("parseJaasConfig", () => {
  it("reads Kafka's sasl.jaas.config form, quoted and unquoted values, escapes", () => {
    expect(
      parseJaasConfig(
        'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="p \\"w\\" ;d";',
      ),
    ).toEqual({
      loginModule: "org.apache.kafka.common.security.plain.PlainLoginModule",
      flag: "required",
      options: { username: "alice", password: 'p "w" ;d' },
    });
    expect(parseJaasConfig('M optional a=b c="d" ;').options).toEqual({ a: "b", c: "d" });
  });
  it("refuses broken entries without quoting them", () => {
    expect(() => parseJaasConfig('M required username="u" password="secret"')).toThrow(/must end with ';'/);
    expect(() => parseJaasConfig('M maybe password="secret";')).toThrow(/control flag/);
    expect(() => parseJaasConfig('M required password="secret')).toThrow(/not closed/);
    // an option without a value after a secret one: refused, and the message names the option, not the secret
    expect(() => parseJaasConfig('M required password="secret" x;')).toThrow(/option x needs a value/);
    expect(() => parseJaasConfig('M required password="secret" x;')).not.toThrow(/secret/);
  });
});

describe("kafkaSecurityOptions", () => {
  it("PLAINTEXT (the default) adds nothing", () => {
    expect(opts({})).toEqual({});
    expect(opts({ "security.protocol": "plaintext", "sasl.mechanism": "PLAIN" })).toEqual({});
  });

  it("SASL_PLAINTEXT with PLAIN and SCRAM", () => {
    const jaas = (m: string) =>
      `org.apache.kafka.common.security.${m} required username="svc" password="pw";`;
    expect(
      opts({
        "security.protocol": "SASL_PLAINTEXT",
        "sasl.mechanism": "PLAIN",
        "sasl.jaas.config": jaas("plain.PlainLoginModule"),
      }),
    ).toEqual({ sasl: { mechanism: "plain", username: "svc", password: "pw" } });
    expect(
      opts({
        "security.protocol": "SASL_PLAINTEXT",
        "sasl.mechanism": "SCRAM-SHA-512",
        "sasl.jaas.config": jaas("scram.ScramLoginModule"),
      }),
    ).toEqual({ sasl: { mechanism: "scram-sha-512", username: "svc", password: "pw" } });
  });

  it("SSL with a PEM trust store and key store; hostname check follows ssl.endpoint.identification.algorithm", () => {
    const o = opts({
      "security.protocol": "SSL",
      "ssl.truststore.location": join(dir, "cert.pem"),
      "ssl.keystore.location": join(dir, "keystore.pem"),
      "ssl.key.password": "kp",
    });
    const ssl = o.ssl as Record<string, unknown>;
    expect(ssl.ca).toBe(certPem.trim());
    expect(ssl.key).toBe(keyPem.trim());
    expect(ssl.cert).toBe(certPem.trim());
    expect(ssl.passphrase).toBe("kp");
    expect(ssl.rejectUnauthorized).toBe(true);
    expect(ssl.checkServerIdentity).toBeUndefined();
    const noHost = opts({ "security.protocol": "SSL", "ssl.endpoint.identification.algorithm": "" });
    expect(typeof (noHost.ssl as Record<string, unknown>).checkServerIdentity).toBe("function");
  });

  it("SASL_SSL gives both; inline PEM values work", () => {
    const o = opts({
      "security.protocol": "SASL_SSL",
      "sasl.mechanism": "SCRAM-SHA-256",
      "sasl.jaas.config":
        'org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";',
      "ssl.truststore.certificates": certPem,
      "ssl.keystore.key": keyPem,
      "ssl.keystore.certificate.chain": certPem,
    });
    expect(o.sasl).toEqual({ mechanism: "scram-sha-256", username: "u", password: "p" });
    expect((o.ssl as Record<string, unknown>).ca).toBe(certPem.trim());
  });

  it("names the key to fix, and never shows the JAAS text", () => {
    const secretJaas =
      'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="TOPSECRET"';
    const cases: [Record<string, string>, RegExp][] = [
      [{ "security.protocol": "TLS" }, /worker\.properties: security\.protocol=TLS: must be one of/],
      [{ "security.protocol": "SASL_SSL" }, /sasl\.mechanism=GSSAPI: Ferry's Kafka client supports PLAIN/],
      [
        { "security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "PLAIN" },
        /sasl\.jaas\.config must be set/,
      ],
      [
        { "security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "PLAIN", "sasl.jaas.config": secretJaas },
        /sasl\.jaas\.config is not a JAAS entry: the entry must end with ';'/,
      ],
      [
        {
          "security.protocol": "SASL_PLAINTEXT",
          "sasl.mechanism": "SCRAM-SHA-256",
          "sasl.jaas.config": `${secretJaas};`,
        },
        /needs org\.apache\.kafka\.common\.security\.scram\.ScramLoginModule/,
      ],
      [
        { "security.protocol": "SSL", "ssl.truststore.location": join(dir, "missing.pem") },
        /ssl\.truststore\.location=.*missing\.pem: cannot read the file/,
      ],
      [
        { "security.protocol": "SSL", "ssl.truststore.location": join(dir, "key.pem") },
        /ssl\.truststore\.location=.*key\.pem: no PEM certificate found/,
      ],
      [
        { "security.protocol": "SSL", "ssl.keystore.location": join(dir, "cert.pem") },
        /a PEM key store holds one private key and its certificate chain; found 0 key/,
      ],
      [
        {
          "security.protocol": "SSL",
          "ssl.keystore.type": "JKS",
          "ssl.keystore.location": join(dir, "cert.pem"),
        },
        /ssl\.keystore\.type=JKS: Ferry reads PEM and PKCS12/,
      ],
      [
        { "security.protocol": "SSL", "ssl.keystore.key": keyPem },
        /ssl\.keystore\.key and ssl\.keystore\.certificate\.chain must be set together/,
      ],
    ];
    for (const [props, re] of cases) {
      let message = "";
      try {
        opts(props);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, JSON.stringify(Object.keys(props))).toMatch(re);
      expect(message).not.toContain("TOPSECRET");
    }
  });
});

describe("workerClientSecurity: one setting for every client of the worker", () => {
  const jaas = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";';
  const sasl = { "security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "PLAIN", "sasl.jaas.config": jaas };
  const prefixed = (p: string) => Object.fromEntries(Object.entries(sasl).map(([k, v]) => [`${p}${k}`, v]));
  const resolved = (raw: Record<string, string>) => kafkaSecurityOptions(workerClientSecurity(raw, "w: "));

  it("takes the top-level keys; prefixed copies that agree are fine", () => {
    expect(resolved({ ...sasl, ...prefixed("producer."), ...prefixed("consumer.") }).sasl).toEqual({
      mechanism: "plain",
      username: "u",
      password: "p",
    });
  });

  it("takes producer.* and consumer.* when only they are set and they agree (Kafka's standalone habit)", () => {
    expect(resolved({ ...prefixed("producer."), ...prefixed("consumer.") }).sasl).toMatchObject({
      username: "u",
    });
  });

  it("refuses clients that would need different settings, naming the keys and never the values", () => {
    const cases: Record<string, string>[] = [
      { ...prefixed("producer."), "consumer.security.protocol": "PLAINTEXT" },
      { ...sasl, "admin.sasl.mechanism": "SCRAM-SHA-256" },
      { ...sasl, "producer.sasl.jaas.config": jaas.replace('password="p"', 'password="OTHER-SECRET"') },
    ];
    const expected = [
      /consumer\.security\.protocol, consumer\.sasl\.mechanism, consumer\.sasl\.jaas\.config differ from producer\.\*/,
      /admin\.sasl\.mechanism differ from the worker's top-level keys/,
      /producer\.sasl\.jaas\.config differ/,
    ];
    cases.forEach((raw, i) => {
      let message = "";
      try {
        workerClientSecurity(raw, "w: ");
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(expected[i] as RegExp);
      expect(message).toMatch(/^w: /);
      expect(message).not.toContain("SECRET");
    });
  });

  it("no security keys anywhere: PLAINTEXT", () => {
    expect(resolved({ "bootstrap.servers": "x:9092", "producer.linger.ms": "5" })).toEqual({});
  });
});
