// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${provider:...} variables are the subject here
/** The ConfigInfos of PUT /connector-plugins/{p}/config/validate and the ConfigKeyInfos of GET .../config. */
import { describe, expect, it } from "vitest";
import { ConfigDef } from "../../../src/api/config-def.js";
import type { SourceConnectorPlugin } from "../../../src/api/connector.js";
import { BadRequestError, NotFoundError } from "../../../src/errors.js";
import {
  buildConfigInfos,
  type ConfigInfos,
  configKeyInfo,
  convertToString,
  pluginConfigKeyInfos,
} from "../../../src/herder/config-infos.js";
import { ConfigProviders } from "../../../src/herder/config-providers.js";
import { builtinPlugins } from "../../../src/plugins/builtin.js";

const plugins = builtinPlugins();

async function infos(config: Record<string, string>, providers?: ConfigProviders): Promise<ConfigInfos> {
  return (await buildConfigInfos(config, { plugins, ...(providers ? { providers } : {}) })).infos;
}

function byName(ci: ConfigInfos) {
  return new Map(ci.configs.map((c) => [c.definition?.name ?? c.value?.name ?? "", c]));
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

// the key sets Kafka's own connect_rest_test.py expects from validate (reference §6)
const SOURCE_KEYS = [
  "name",
  "connector.class",
  "tasks.max",
  "key.converter",
  "value.converter",
  "header.converter",
  "batch.size",
  "topic",
  "file",
  "transforms",
  "config.action.reload",
  "errors.retry.timeout",
  "errors.retry.delay.max.ms",
  "errors.tolerance",
  "errors.log.enable",
  "errors.log.include.messages",
  "predicates",
  "topic.creation.groups",
  "exactly.once.support",
  "transaction.boundary",
  "transaction.boundary.interval.ms",
  "offsets.storage.topic",
  "tasks.max.enforce",
];
const SINK_KEYS = [
  "name",
  "connector.class",
  "tasks.max",
  "key.converter",
  "value.converter",
  "header.converter",
  "topics",
  "file",
  "transforms",
  "topics.regex",
  "config.action.reload",
  "errors.retry.timeout",
  "errors.retry.delay.max.ms",
  "errors.tolerance",
  "errors.log.enable",
  "errors.log.include.messages",
  "errors.deadletterqueue.topic.name",
  "errors.deadletterqueue.topic.replication.factor",
  "errors.deadletterqueue.context.headers.enable",
  "predicates",
  "tasks.max.enforce",
];

describe("buildConfigInfos", () => {
  it("a valid FileStreamSource config: Kafka's key set, shapes and field names, no errors", async () => {
    const ci = await infos({
      name: "src",
      "connector.class": "FileStreamSource",
      topic: "lines",
      file: "/tmp/in.txt",
      "tasks.max": "1",
    });
    expect(Object.keys(ci)).toEqual(["name", "error_count", "groups", "configs"]);
    expect(ci.name).toBe("FileStreamSource");
    expect(ci.error_count).toBe(0);
    expect(ci.configs.map((c) => c.definition?.name).sort()).toEqual([...SOURCE_KEYS].sort());
    expect(ci.groups.slice(0, 4)).toEqual(["Common", "Transforms", "Predicates", "Error Handling"]);
    expect(ci.groups).toContain("Topic Creation");
    const tasksMax = byName(ci).get("tasks.max");
    expect(tasksMax).toEqual({
      definition: {
        name: "tasks.max",
        type: "INT",
        required: false,
        default_value: "1",
        importance: "HIGH",
        documentation: expect.any(String),
        group: "Common",
        order_in_group: 3,
        width: "SHORT",
        display_name: "Tasks max",
        dependents: [],
      },
      value: { name: "tasks.max", value: "1", recommended_values: [], errors: [], visible: true },
    });
    expect(Object.keys(tasksMax?.definition ?? {})).toEqual([
      "name",
      "type",
      "required",
      "default_value",
      "importance",
      "documentation",
      "group",
      "order_in_group",
      "width",
      "display_name",
      "dependents",
    ]);
    // defaults fill the values of keys not given; a required key has no default
    expect(byName(ci).get("errors.tolerance")?.value).toEqual({
      name: "errors.tolerance",
      value: "none",
      recommended_values: ["none", "all"],
      errors: [],
      visible: true,
    });
    expect(byName(ci).get("name")?.definition).toMatchObject({ required: true, default_value: null });
    expect(byName(ci).get("transforms")?.value?.value).toBe("");
    expect(byName(ci).get("batch.size")?.definition).toMatchObject({
      group: null,
      order_in_group: -1,
      width: "NONE",
      display_name: "batch.size",
    });
  });

  it("FileStreamSink: Kafka's key set; the sink topics rule is an error on both keys", async () => {
    const ci = await infos({ name: "sink", "connector.class": "FileStreamSinkConnector" });
    expect(ci.configs.map((c) => c.definition?.name).sort()).toEqual([...SINK_KEYS].sort());
    expect(ci.error_count).toBe(2);
    expect(byName(ci).get("topics")?.value?.errors).toEqual(["Must configure one of topics or topics.regex"]);
    expect(byName(ci).get("topics.regex")?.value?.errors).toEqual([
      "Must configure one of topics or topics.regex",
    ]);
  });

  it("counts every message; a missing required key has a null value and Kafka's message", async () => {
    const ci = await infos({ "connector.class": "FileStreamSource", "tasks.max": "zero", "batch.size": "0" });
    expect(byName(ci).get("name")?.value).toMatchObject({
      value: null,
      errors: ['Missing required configuration "name" which has no default value.'],
    });
    expect(byName(ci).get("topic")?.value?.errors).toEqual([
      'Missing required configuration "topic" which has no default value.',
    ]);
    expect(byName(ci).get("tasks.max")?.value).toMatchObject({
      value: null,
      errors: ["Invalid value zero for configuration tasks.max: Not a number of type INT"],
    });
    expect(byName(ci).get("batch.size")?.value?.errors).toHaveLength(1);
    expect(ci.error_count).toBe(4);
  });

  it("adds transforms.<alias>.* and predicates.<alias>.* keys in their groups, with their errors", async () => {
    const ci = await infos({
      name: "s",
      "connector.class": "FileStreamSource",
      topic: "t",
      transforms: "route,drop",
      "transforms.route.type": "org.apache.kafka.connect.transforms.RegexRouter",
      "transforms.route.regex": "(.*)",
      "transforms.route.replacement": "copy-$1",
      "transforms.drop.type": "Filter",
      "transforms.drop.predicate": "tomb",
      predicates: "tomb",
      "predicates.tomb.type": "NoSuchPredicate",
    });
    expect(ci.groups).toEqual(
      expect.arrayContaining(["Transforms: route", "Transforms: drop", "Predicates: tomb"]),
    );
    const m = byName(ci);
    expect(m.get("transforms.route.regex")?.definition).toMatchObject({
      group: "Transforms: route",
      required: true,
    });
    expect(m.get("transforms.route.replacement")?.value?.value).toBe("copy-$1");
    expect(m.get("transforms.drop.negate")?.value?.value).toBe("false");
    expect(m.get("predicates.tomb.type")?.value?.errors).toEqual([
      "Invalid value NoSuchPredicate for configuration predicates.tomb.type: Class NoSuchPredicate could not be found.",
    ]);
    expect(ci.error_count).toBe(1);
  });

  it("validates a converter's own keys under its prefix, one error counted per key", async () => {
    const ci = await infos({
      name: "s",
      "connector.class": "FileStreamSource",
      topic: "t",
      "value.converter": "org.apache.kafka.connect.json.JsonConverter",
      "value.converter.schemas.enable": "maybe",
    });
    const m = byName(ci);
    expect(m.get("value.converter.schemas.enable")?.definition).toMatchObject({
      name: "value.converter.schemas.enable",
      type: "BOOLEAN",
      default_value: "true",
      group: "Schemas",
    });
    expect(m.get("value.converter.schemas.enable")?.value?.errors).toEqual([
      "Invalid value maybe for configuration schemas.enable: Expected value to be either true or false",
    ]);
    expect(m.get("value.converter.converter.type")?.value?.value).toBe("value");
    expect(ci.groups).toContain("Schemas");
    expect(ci.error_count).toBe(1);
    // a converter class that does not exist is an error on the class key, and its keys are not listed
    const bad = await infos({
      name: "s",
      "connector.class": "FileStreamSource",
      topic: "t",
      "key.converter": "Nope",
    });
    expect(byName(bad).get("key.converter")?.value?.errors).toHaveLength(1);
    expect([...byName(bad).keys()].some((k) => k.startsWith("key.converter."))).toBe(false);
  });

  it("lists client overrides, and topic.creation.<group>.* keys when topic creation is used", async () => {
    const ci = await infos({
      name: "s",
      "connector.class": "FileStreamSource",
      topic: "t",
      "producer.override.linger.ms": "5",
      "consumer.override.ignored.for.sources": "1",
      "topic.creation.groups": "compacted",
      "topic.creation.default.replication.factor": "1",
      "topic.creation.compacted.include": "c-.*",
    });
    const m = byName(ci);
    expect(m.get("producer.override.linger.ms")).toEqual({
      definition: null,
      value: {
        name: "producer.override.linger.ms",
        value: "5",
        recommended_values: [],
        errors: [],
        visible: true,
      },
    });
    expect(m.has("consumer.override.ignored.for.sources")).toBe(false);
    expect(m.get("topic.creation.default.partitions")?.value?.errors).toEqual([
      'Missing required configuration "topic.creation.default.partitions" which has no default value.',
    ]);
    expect(m.get("topic.creation.compacted.include")?.value?.value).toBe("c-.*");
    expect(m.get("topic.creation.compacted.replication.factor")?.definition?.default_value).toBe("1");
    expect(ci.groups).toEqual(
      expect.arrayContaining(["Topic Creation: default", "Topic Creation: compacted"]),
    );
  });

  it("shows PASSWORD values as [hidden] and ${...} variables as written, and keeps secrets out of messages", async () => {
    const secretPlugin: SourceConnectorPlugin = {
      type: "source",
      className: "com.example.SecretSourceConnector",
      version: "1.0",
      createConnector: () => ({
        version: () => "1.0",
        start: () => {},
        taskConfigs: () => [],
        stop: () => {},
        config: () =>
          new ConfigDef()
            .define({ name: "password", type: "PASSWORD", importance: "HIGH", documentation: "the password" })
            .define({ name: "port", type: "INT", importance: "HIGH", documentation: "the port" })
            .define({
              name: "host",
              type: "STRING",
              default: "localhost",
              importance: "LOW",
              documentation: "h",
            }),
        validate: (c: Record<string, string>): Record<string, string[]> =>
          c.host === "forbidden.example" ? { host: [`host ${c.host} is forbidden`] } : {},
      }),
      createTask: () => {
        throw new Error("not used");
      },
    };
    const reg = builtinPlugins().add(secretPlugin);
    const providers = ConfigProviders.builtin({
      PASS: "hunter2-secret",
      PORT: "notaport",
      HOST: "forbidden.example",
    });
    const { infos: ci, errors } = await buildConfigInfos(
      {
        name: "s",
        "connector.class": "SecretSource",
        password: "${env:PASS}",
        port: "${env:PORT}",
        host: "${env:HOST}",
      },
      { plugins: reg, providers },
    );
    const m = byName(ci);
    expect(m.get("password")?.value?.value).toBe("[hidden]");
    expect(m.get("password")?.definition?.type).toBe("PASSWORD");
    expect(m.get("port")?.value).toMatchObject({
      value: "${env:PORT}",
      errors: ["Invalid value ${env:PORT} for configuration port: Not a number of type INT"],
    });
    expect(m.get("host")?.value).toMatchObject({
      value: "${env:HOST}",
      errors: ["host ${env:HOST} is forbidden"],
    });
    expect(JSON.stringify(ci)).not.toMatch(/hunter2|notaport|forbidden\.example/);
    expect(errors).toEqual({
      port: ["Invalid value ${env:PORT} for configuration port: Not a number of type INT"],
      host: ["host ${env:HOST} is forbidden"],
    });
    // a variable that cannot be resolved is an error on its key
    const unresolved = await buildConfigInfos(
      { name: "s", "connector.class": "SecretSource", password: "${env:NOPE}", port: "1" },
      { plugins: reg, providers },
    );
    expect(byName(unresolved.infos).get("password")?.value?.errors[0]).toContain(
      "environment variable NOPE is not set",
    );
  });

  it("puts errors on keys nobody defines first, with a null definition", async () => {
    const plugin: SourceConnectorPlugin = {
      type: "source",
      className: "com.example.PickySourceConnector",
      version: "undefined",
      createConnector: () => ({
        version: () => "undefined",
        start: () => {},
        taskConfigs: () => [],
        stop: () => {},
        config: () => new ConfigDef(),
        validate: () => ({ "mystery.key": ["mystery.key must not be set"] }),
      }),
      createTask: () => {
        throw new Error("not used");
      },
    };
    const ci = (
      await buildConfigInfos(
        { name: "p", "connector.class": "PickySource", "mystery.key": "x" },
        { plugins: builtinPlugins().add(plugin) },
      )
    ).infos;
    expect(ci.configs[0]).toEqual({
      definition: null,
      value: {
        name: "mystery.key",
        value: "x",
        recommended_values: [],
        errors: ["mystery.key must not be set"],
        visible: true,
      },
    });
    expect(ci.error_count).toBe(1);
  });

  it("a config without connector.class, or with an unknown one, is a 400", async () => {
    const e1 = await rejection(infos({ name: "x", topic: "t" }));
    expect(e1).toBeInstanceOf(BadRequestError);
    expect(e1.message).toBe("Connector config {name=x, topic=t} contains no connector type");
    const e2 = await rejection(infos({ name: "x", "connector.class": "com.example.Nope" }));
    expect(e2).toBeInstanceOf(BadRequestError);
    expect(e2.message).toMatch(
      /^Failed to find any class that implements Connector and which name matches com\.example\.Nope/,
    );
  });
});

describe("ConfigKeyInfo", () => {
  it("converts values to strings as Kafka's ConfigDef.convertToString", () => {
    expect(convertToString(["a", "b"], "LIST")).toBe("a,b");
    expect(convertToString(1, "DOUBLE")).toBe("1.0");
    expect(convertToString(1.5, "DOUBLE")).toBe("1.5");
    expect(convertToString(true, "BOOLEAN")).toBe("true");
    expect(convertToString("x", "PASSWORD")).toBe("[hidden]");
    expect(convertToString(null, "STRING")).toBeNull();
  });

  it("prefixes names and keeps the rest", () => {
    expect(
      configKeyInfo(
        { name: "schemas.enable", type: "BOOLEAN", default: true, importance: "HIGH", documentation: "d" },
        "value.converter.",
      ),
    ).toEqual({
      name: "value.converter.schemas.enable",
      type: "BOOLEAN",
      required: false,
      default_value: "true",
      importance: "HIGH",
      documentation: "d",
      group: null,
      order_in_group: -1,
      width: "NONE",
      display_name: "schemas.enable",
      dependents: [],
    });
  });
});

describe("pluginConfigKeyInfos", () => {
  it("a connector's own keys first, then the framework's it does not define; aliases work", () => {
    const keys = pluginConfigKeyInfos(plugins, "FileStreamSource").map((k) => k.name);
    expect(keys.slice(0, 3)).toEqual(["file", "topic", "batch.size"]);
    expect(keys).toEqual(
      expect.arrayContaining(["name", "connector.class", "tasks.max", "topic.creation.groups"]),
    );
    expect(new Set(keys).size).toBe(keys.length);
    expect(
      pluginConfigKeyInfos(plugins, "org.apache.kafka.connect.file.FileStreamSinkConnector").map(
        (k) => k.name,
      ),
    ).toContain("topics.regex");
  });

  it("converters, transformations and predicates have their own keys only", () => {
    expect(
      pluginConfigKeyInfos(plugins, "org.apache.kafka.connect.json.JsonConverter").map((k) => k.name),
    ).toEqual(expect.arrayContaining(["converter.type", "schemas.enable"]));
    expect(
      pluginConfigKeyInfos(plugins, "org.apache.kafka.connect.transforms.RegexRouter").map((k) => k.name),
    ).toEqual(["regex", "replacement"]);
    expect(pluginConfigKeyInfos(plugins, "TopicNameMatches").map((k) => k.name)).toEqual(["pattern"]);
  });

  it("an unknown plugin is a 404", () => {
    expect(() => pluginConfigKeyInfos(plugins, "com.example.Nope")).toThrow(NotFoundError);
    expect(() => pluginConfigKeyInfos(plugins, "com.example.Nope")).toThrow(
      "Unknown plugin com.example.Nope.",
    );
  });
});

describe("plugin list", () => {
  it('PluginInfo leaves out a version of "undefined"', () => {
    const reg = builtinPlugins().add({
      type: "source",
      className: "com.example.UnversionedSourceConnector",
      version: "undefined",
      createConnector: () => {
        throw new Error("not used");
      },
      createTask: () => {
        throw new Error("not used");
      },
    });
    const listed = reg.list(true);
    expect(listed.find((p) => p.class === "com.example.UnversionedSourceConnector")).toEqual({
      class: "com.example.UnversionedSourceConnector",
      type: "source",
    });
    expect(listed.find((p) => p.class.endsWith("FileStreamSourceConnector"))).toHaveProperty("version");
  });
});
