// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${provider:...} references are the subject here
/** PASSWORD values leave REST answers as "[hidden]"; references stay; "[hidden]" sent back keeps the value. */
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigDef } from "../../../src/api/config-def.js";
import { NotFoundError } from "../../../src/errors.js";
import type { ConfigKeyInfo, ConnectorInfo, TaskInfo } from "../../../src/herder/herder.js";
import { createRestApp } from "../../../src/rest/app.js";
import { HIDDEN, maskConfig, restoreHidden } from "../../../src/rest/secrets.js";
import { herderWith } from "./support.js";

const key = (name: string, type: ConfigKeyInfo["type"]) => ({ name, type }) as ConfigKeyInfo;
const pluginKeys: Record<string, ConfigKeyInfo[]> = {
  HttpSource: [key("http.auth.token", "PASSWORD"), key("topic", "STRING")],
  MyTransform: [key("api.key", "PASSWORD")],
};

describe("maskConfig and restoreHidden", () => {
  const secret = new Set(["pw", "ref"]);
  it("hides secret values and keeps references and other keys", () => {
    expect(maskConfig({ pw: "p4ss", ref: "${file:/s.properties:pw}", other: "x" }, secret)).toEqual({
      pw: HIDDEN,
      ref: "${file:/s.properties:pw}",
      other: "x",
    });
  });
  it("puts the stored value back for a [hidden] sent in", () => {
    expect(restoreHidden({ pw: HIDDEN, other: HIDDEN }, { pw: "p4ss", other: "o" }, secret)).toEqual({
      pw: "p4ss",
      other: HIDDEN,
    });
    expect(restoreHidden({ pw: HIDDEN }, null, secret)).toEqual({ pw: HIDDEN });
  });
});

describe("validation messages", () => {
  it("never echo a PASSWORD value that fails its check", () => {
    const def = new ConfigDef()
      .define({
        name: "pw",
        type: "PASSWORD",
        importance: "HIGH",
        documentation: "",
        check: z.string().min(20),
      })
      .define({
        name: "s",
        type: "STRING",
        importance: "HIGH",
        documentation: "",
        check: z.string().min(20),
      });
    const { errors } = def.parse({ pw: "short-SECRET", s: "short" });
    expect(errors.pw?.[0]).toMatch(/^Invalid value \[hidden\] for configuration pw: /);
    expect(errors.s?.[0]).toMatch(/^Invalid value short for configuration s: /);
  });
});

describe("REST answers", () => {
  let stored: Record<string, string> = {
    name: "c",
    "connector.class": "HttpSource",
    "http.auth.token": "tok-SECRET",
    topic: "t",
    transforms: "m",
    "transforms.m.type": "MyTransform",
    "transforms.m.api.key": "key-SECRET",
    "producer.override.sasl.jaas.config": 'PlainLoginModule required password="jaas-SECRET";',
  };
  const info = (): ConnectorInfo => ({
    name: "c",
    config: stored,
    tasks: [{ connector: "c", task: 0 }],
    type: "source",
  });
  const put: Record<string, string>[] = [];
  const herder = herderWith({
    connectors: () => ["c"],
    connectorInfo: () => info(),
    connectorConfig: (n) => {
      if (n !== "c") throw new NotFoundError(`Connector ${n} not found`);
      return stored;
    },
    // task configs carry no connector.class: their secret keys come from the connector's
    taskConfigs: (): TaskInfo[] => [
      { id: { connector: "c", task: 0 }, config: { "http.auth.token": "tok-SECRET", topic: "t" } },
    ],
    connectorPluginConfig: (p) => {
      const keys = pluginKeys[p];
      if (!keys) throw new NotFoundError(`Unknown plugin ${p}.`);
      return keys;
    },
    putConnectorConfig: async (_n, config) => {
      put.push(config);
      stored = config;
      return { created: false, info: info() };
    },
  });
  const app = createRestApp({ herder, logger: pino({ level: "silent" }), commit: "t" });

  it("never shows a PASSWORD value on any GET", async () => {
    for (const path of [
      "/connectors/c",
      "/connectors/c/config",
      "/connectors/c/tasks",
      "/connectors/c/tasks-config",
      "/connectors?expand=info",
    ]) {
      const r = await app.request(path);
      expect(r.status, path).toBe(200);
      const text = await r.text();
      expect(text, path).not.toMatch(/SECRET/);
      expect(text, path).toContain(HIDDEN);
    }
    const config = (await (await app.request("/connectors/c/config")).json()) as Record<string, string>;
    expect(config).toMatchObject({ "http.auth.token": HIDDEN, "transforms.m.api.key": HIDDEN, topic: "t" });
  });

  it("a GET-edit-PUT round trip keeps the secrets", async () => {
    const config = (await (await app.request("/connectors/c/config")).json()) as Record<string, string>;
    const r = await app.request("/connectors/c/config", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...config, topic: "t2" }),
    });
    expect(r.status).toBe(200);
    expect(await r.text()).not.toMatch(/SECRET/);
    expect(put.at(-1)).toMatchObject({
      topic: "t2",
      "http.auth.token": "tok-SECRET",
      "transforms.m.api.key": "key-SECRET",
    });
  });
});
