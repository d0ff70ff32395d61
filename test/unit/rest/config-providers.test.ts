// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${provider:...} variables are the subject here
/** Config providers: ${env:...} and ${file:path:key} resolution, worker keys, errors naming the key. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConfigProviderError,
  ConfigProviders,
  EnvVarConfigProvider,
  FileConfigProvider,
  reverseTransform,
} from "../../../src/herder/config-providers.js";

let dir: string;
let secrets: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-providers-"));
  secrets = join(dir, "db.properties");
  await writeFile(secrets, "user=alice\npassword=s3cr3t\\u0021\n# comment\nurl = jdbc:x://h:1\n");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<ConfigProviderError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ConfigProviderError) return e;
    throw e;
  }
  throw new Error("expected a ConfigProviderError");
}

describe("ConfigProviders.builtin", () => {
  const env = { DB_HOST: "db.example", DB_PORT: "5432", EMPTY: "" };
  const providers = ConfigProviders.builtin(env);

  it("resolves env and file variables, several per value, and leaves other values alone", async () => {
    const out = await providers.resolve({
      "connection.url": "jdbc:postgresql://${env:DB_HOST}:${env:DB_PORT}/app",
      "connection.user": `\${file:${secrets}:user}`,
      "connection.password": `\${file:${secrets}:password}`,
      plain: "no variables here: $ {env:X} ${incomplete",
      empty: "${env:EMPTY}",
    });
    expect(out).toEqual({
      "connection.url": "jdbc:postgresql://db.example:5432/app",
      "connection.user": "alice",
      "connection.password": "s3cr3t!",
      plain: "no variables here: $ {env:X} ${incomplete",
      empty: "",
    });
  });

  it("does not change its input", async () => {
    const input = { a: "${env:DB_HOST}" };
    await providers.resolve(input);
    expect(input).toEqual({ a: "${env:DB_HOST}" });
  });

  it("a missing variable, key or file, or an unknown provider, is an error naming the config key", async () => {
    const e1 = await failure(providers.resolve({ "db.password": "${env:NOPE}" }));
    expect(e1.key).toBe("db.password");
    expect(e1.message).toBe(
      'Cannot resolve ${env:NOPE} in config "db.password": environment variable NOPE is not set',
    );

    const e2 = await failure(providers.resolve({ user: `\${file:${secrets}:nope}` }));
    expect(e2.key).toBe("user");
    expect(e2.message).toContain(`key nope not found in ${secrets}`);

    const e3 = await failure(providers.resolve({ x: `\${file:${join(dir, "missing.properties")}:k}` }));
    expect(e3.key).toBe("x");
    expect(e3.message).toContain("cannot read");

    const e4 = await failure(providers.resolve({ token: "${vault:secret/data:token}" }));
    expect(e4.key).toBe("token");
    expect(e4.message).toContain('unknown config provider "vault" (configured: env, file)');
  });

  it("env takes no path; file needs one", async () => {
    expect((await failure(providers.resolve({ a: "${env:some/path:DB_HOST}" }))).message).toContain(
      "takes no path",
    );
    expect((await failure(providers.resolve({ a: "${file:user}" }))).message).toContain("needs a path");
  });

  it("resolveAll keeps the raw value of a key that fails and reports it", async () => {
    const r = await providers.resolveAll({ ok: "${env:DB_HOST}", bad: "${env:NOPE}", plain: "p" });
    expect(r.resolved).toEqual({ ok: "db.example", bad: "${env:NOPE}", plain: "p" });
    expect(Object.keys(r.errors)).toEqual(["bad"]);
  });

  it("finds the keys holding variables", () => {
    expect(ConfigProviders.keysWithVariables({ a: "${env:A}", b: "b", c: "x${file:/f:k}y" })).toEqual([
      "a",
      "c",
    ]);
    expect(ConfigProviders.hasVariables(undefined)).toBe(false);
  });
});

describe("ConfigProviders.fromWorkerConfig", () => {
  it("without config.providers, env and file are available", async () => {
    const p = ConfigProviders.fromWorkerConfig({}, { A: "1" });
    expect(await p.resolve({ a: "${env:A}" })).toEqual({ a: "1" });
  });

  it("takes Kafka's keys: names, fully qualified or simple class names, and params", async () => {
    const p = ConfigProviders.fromWorkerConfig(
      {
        "config.providers": "vars, secrets",
        "config.providers.vars.class": "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
        "config.providers.vars.param.allowlist.pattern": "APP_.*",
        "config.providers.secrets.class": "FileConfigProvider",
        "config.providers.secrets.param.allowed.paths": dir,
      },
      { APP_X: "x", OTHER: "o" },
    );
    expect(await p.resolve({ a: "${vars:APP_X}", b: `\${secrets:${secrets}:user}` })).toEqual({
      a: "x",
      b: "alice",
    });
    // only the configured names exist
    expect((await failure(p.resolve({ a: "${env:APP_X}" }))).message).toContain(
      'unknown config provider "env"',
    );
    // params apply
    expect((await failure(p.resolve({ a: "${vars:OTHER}" }))).message).toContain("allowlist.pattern");
    expect((await failure(p.resolve({ a: "${secrets:/etc/hostname:x}" }))).message).toContain(
      "not allowed to be accessed",
    );
  });

  it("a provider without a class, or with an unknown one, is an error naming the worker key", () => {
    const missing = (() => {
      try {
        ConfigProviders.fromWorkerConfig({ "config.providers": "vault" });
      } catch (e) {
        return e as ConfigProviderError;
      }
      throw new Error("expected an error");
    })();
    expect(missing).toBeInstanceOf(ConfigProviderError);
    expect(missing.key).toBe("config.providers.vault.class");

    expect(() =>
      ConfigProviders.fromWorkerConfig({
        "config.providers": "vault",
        "config.providers.vault.class": "com.example.VaultConfigProvider",
      }),
    ).toThrow(/config\.providers\.vault\.class: config provider class not found/);
  });
});

describe("providers", () => {
  it("EnvVarConfigProvider reads the environment it was given", async () => {
    expect(await new EnvVarConfigProvider({}, { K: "v" }).get(null, "K")).toBe("v");
  });

  it("FileConfigProvider reads a Java properties file afresh each time", async () => {
    const f = join(dir, "rotating.properties");
    const p = new FileConfigProvider();
    await writeFile(f, "k=one\n");
    expect(await p.get(f, "k")).toBe("one");
    await writeFile(f, "k=two\n");
    expect(await p.get(f, "k")).toBe("two");
    expect(await p.get(f, "k")).toBe("two");
    await expect(p.get(f, "url")).rejects.toThrow(/key url not found/);
  });
});

describe("reverseTransform", () => {
  it("puts the raw values back into generated configs, for the keys that had variables", () => {
    const raw = { file: "${env:F}", topic: "t", "db.password": "${env:P}" };
    const generated: Record<string, string>[] = [
      { file: "/data/in.txt", topic: "t", "task.class": "X" },
      { topic: "t", extra: "y" },
    ];
    expect(reverseTransform(raw, generated)).toEqual([
      { file: "${env:F}", topic: "t", "task.class": "X" },
      { topic: "t", extra: "y" },
    ]);
  });
});
