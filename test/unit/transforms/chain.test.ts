import { describe, expect, it } from "vitest";
import type { ConnectRecord } from "../../../src/api/records.js";
import { Schemas } from "../../../src/api/schema.js";
import type { Transformation, TransformationPlugin } from "../../../src/api/transform.js";
import {
  buildTransformChain,
  ConfigError,
  pluginLookup,
  predicatePlugins,
  transformationPlugins,
  transformConfigDef,
  validateTransformConfig,
} from "../../../src/transforms/index.js";
import { header, sinkRec, sourceRec } from "./helpers.js";

const lookup = pluginLookup();

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("plugins", () => {
  it("registers every Kafka SMT under its class name and short alias", () => {
    const names = transformationPlugins.map((p) =>
      p.className.replace("org.apache.kafka.connect.transforms.", ""),
    );
    expect(names.sort()).toEqual(
      [
        "Cast$Key",
        "Cast$Value",
        "DropHeaders",
        "ExtractField$Key",
        "ExtractField$Value",
        "Filter",
        "Flatten$Key",
        "Flatten$Value",
        "HeaderFrom$Key",
        "HeaderFrom$Value",
        "HoistField$Key",
        "HoistField$Value",
        "InsertField$Key",
        "InsertField$Value",
        "InsertHeader",
        "MaskField$Key",
        "MaskField$Value",
        "RegexRouter",
        "ReplaceField$Key",
        "ReplaceField$Value",
        "SetSchemaMetadata$Key",
        "SetSchemaMetadata$Value",
        "TimestampConverter$Key",
        "TimestampConverter$Value",
        "TimestampRouter",
        "ValueToKey",
      ].sort(),
    );
    for (const p of transformationPlugins) {
      expect(p.type).toBe("transformation");
      expect(p.aliases).toEqual([p.className.slice(p.className.lastIndexOf(".") + 1)]);
      expect(lookup.transformation(p.className)).toBe(p);
      expect(lookup.transformation(p.aliases?.[0] ?? "")).toBe(p);
      expect(p.create().config().list()).toBeInstanceOf(Array);
    }
    expect(predicatePlugins.map((p) => p.className).sort()).toEqual([
      "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
      "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
      "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
    ]);
    expect(lookup.predicate("TopicNameMatches")?.className).toBe(
      "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
    );
  });
});

describe("buildTransformChain", () => {
  it("applies transforms in order, passing each its own keys", () => {
    const chain = buildTransformChain(
      {
        transforms: "hoist, route",
        "transforms.hoist.type": "org.apache.kafka.connect.transforms.HoistField$Value",
        "transforms.hoist.field": "line",
        "transforms.route.type": "RegexRouter",
        "transforms.route.regex": "(.*)",
        "transforms.route.replacement": "$1-out",
        "other.key": "ignored",
      },
      lookup,
    );
    expect(chain.stages.map((s) => s.alias)).toEqual(["hoist", "route"]);
    const out = chain.apply(sourceRec({ topic: "in", value: "hello" }));
    expect(out?.topic).toBe("in-out");
    expect(out?.value).toEqual({ line: "hello" });
    expect(out?.sourceOffset).toEqual({ baz: "quxx" }); // source fields survive
    chain.close();
  });

  it("with no transforms returns the record unchanged", () => {
    const chain = buildTransformChain({}, lookup);
    const r = sourceRec({ value: 1 });
    expect(chain.apply(r)).toBe(r);
    expect(buildTransformChain({ transforms: "" }, lookup).stages).toEqual([]);
  });

  it("drops a record when a stage returns null and stops the chain", () => {
    let calls = 0;
    const counting: TransformationPlugin = {
      type: "transformation",
      className: "test.Counting",
      version: "1",
      create: (): Transformation => ({
        config: () => transformConfigDef({}),
        configure: () => {},
        apply: (r: ConnectRecord) => {
          calls++;
          return r;
        },
      }),
    };
    const custom = pluginLookup([...transformationPlugins, counting], predicatePlugins);
    const chain = buildTransformChain(
      {
        transforms: "count1,drop,count2",
        "transforms.count1.type": "test.Counting",
        "transforms.drop.type": "Filter",
        "transforms.count2.type": "test.Counting",
      },
      custom,
    );
    expect(chain.apply(sinkRec())).toBeNull();
    expect(calls).toBe(1);
  });

  const filtered = {
    transforms: "dropTombstones",
    "transforms.dropTombstones.type": "Filter",
    "transforms.dropTombstones.predicate": "isTombstone",
    predicates: "isTombstone",
    "predicates.isTombstone.type": "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
  };

  it.each([
    [{}, null, null],
    [{}, "x", "x"],
    [{ "transforms.dropTombstones.negate": "false" }, null, null],
    [{ "transforms.dropTombstones.negate": "true" }, null, "kept"],
    [{ "transforms.dropTombstones.negate": "true" }, "x", null],
  ] as [Record<string, string>, unknown, unknown][])(
    "a predicate gates its transform (%o, value %j)",
    (extra, value, expected) => {
      const chain = buildTransformChain({ ...filtered, ...extra }, lookup);
      const out = chain.apply(sourceRec({ value }));
      if (expected === null) expect(out).toBeNull();
      else expect(out?.value).toBe(value);
    },
  );

  it("configures predicates with their own keys", () => {
    const chain = buildTransformChain(
      {
        transforms: "tag",
        "transforms.tag.type": "InsertHeader",
        "transforms.tag.header": "seen",
        "transforms.tag.value.literal": "true",
        "transforms.tag.predicate": "orders",
        predicates: "orders,hasTrace",
        "predicates.orders.type": "TopicNameMatches",
        "predicates.orders.pattern": "orders-.*",
        "predicates.hasTrace.type": "HasHeaderKey",
        "predicates.hasTrace.name": "trace",
      },
      lookup,
    );
    expect(chain.apply(sourceRec({ topic: "orders-eu" }))?.headers).toEqual([
      { key: "seen", schema: Schemas.BOOLEAN, value: true },
    ]);
    expect(chain.apply(sourceRec({ topic: "payments", headers: [header("a", 1)] }))?.headers).toEqual([
      header("a", 1),
    ]);
    expect(chain.stages[0]?.predicateAlias).toBe("orders");
  });

  it.each([
    [
      "unknown transform class",
      { transforms: "route", "transforms.route.type": "Foo" },
      "transforms.route.type",
      "Invalid value Foo for configuration transforms.route.type: Class Foo could not be found.",
    ],
    [
      "missing type",
      { transforms: "route" },
      "transforms.route.type",
      'Missing required configuration "transforms.route.type" which has no default value.',
    ],
    [
      "a predicate used as a transform",
      { transforms: "t", "transforms.t.type": "RecordIsTombstone" },
      "transforms.t.type",
      "Invalid value RecordIsTombstone for configuration transforms.t.type: Class RecordIsTombstone is not a Transformation",
    ],
    [
      "undefined predicate",
      { transforms: "f", "transforms.f.type": "Filter", "transforms.f.predicate": "nope" },
      "transforms.f.predicate",
      "Invalid value nope for configuration transforms.f.predicate: Predicate nope is not listed in 'predicates'",
    ],
    [
      "predicate without type",
      { transforms: "f", "transforms.f.type": "Filter", "transforms.f.predicate": "p", predicates: "p" },
      "predicates.p.type",
      'Missing required configuration "predicates.p.type" which has no default value.',
    ],
    [
      "unknown predicate class",
      { predicates: "p", "predicates.p.type": "Cast$Value" },
      "predicates.p.type",
      "Invalid value Cast$Value for configuration predicates.p.type: Class Cast$Value is not a Predicate",
    ],
    [
      "negate without predicate",
      { transforms: "f", "transforms.f.type": "Filter", "transforms.f.negate": "true" },
      "transforms.f.negate",
      "Config 'transforms.f.negate' was provided but there is no config 'transforms.f.predicate' defining a predicate to be negated.",
    ],
    [
      "bad negate",
      { ...filtered, "transforms.dropTombstones.negate": "yes" },
      "transforms.dropTombstones.negate",
      "Invalid value yes for configuration transforms.dropTombstones.negate: Expected value to be either true or false",
    ],
    [
      "duplicate alias",
      { transforms: "a,a", "transforms.a.type": "Filter" },
      "transforms",
      "Invalid value a,a for configuration transforms: Duplicate alias provided.",
    ],
    [
      "bad cast spec",
      { transforms: "c", "transforms.c.type": "Cast$Value", "transforms.c.spec": "foo:notatype" },
      "transforms.c.spec",
      "Invalid value foo:notatype for configuration transforms.c.spec: Invalid type found in casting spec: notatype",
    ],
    [
      "missing transform key",
      { transforms: "c", "transforms.c.type": "Cast$Value" },
      "transforms.c.spec",
      'Missing required configuration "transforms.c.spec" which has no default value.',
    ],
    [
      "regex that does not compile",
      {
        transforms: "r",
        "transforms.r.type": "RegexRouter",
        "transforms.r.regex": "(",
        "transforms.r.replacement": "x",
      },
      "transforms.r.regex",
      "Invalid value ( for configuration transforms.r.regex: Invalid regex:",
    ],
    [
      "bad predicate key",
      {
        ...filtered,
        predicates: "isTombstone,m",
        "predicates.m.type": "TopicNameMatches",
        "predicates.m.pattern": "[",
      },
      "predicates.m.pattern",
      "Invalid value [ for configuration predicates.m.pattern: Invalid regex:",
    ],
    [
      "configure-time check with a key",
      {
        transforms: "h",
        "transforms.h.type": "HeaderFrom$Value",
        "transforms.h.fields": "a,b",
        "transforms.h.headers": "a",
        "transforms.h.operation": "copy",
      },
      "transforms.h.headers",
      "'fields' config must have the same number of elements as 'headers' config.",
    ],
    [
      "configure-time check without a key",
      { transforms: "i", "transforms.i.type": "InsertField$Value" },
      "transforms.i.type",
      "Invalid configuration transforms.i: No field insertion configured",
    ],
  ] as [string, Record<string, string>, string, string][])(
    "%s is a config error",
    (_, config, key, message) => {
      const e = errorOf(() => buildTransformChain(config, lookup));
      expect(e.key).toBe(key);
      expect(e.message).toContain(message);
      expect(validateTransformConfig(config, lookup).get(key)?.join("\n")).toContain(message);
    },
  );

  it("passes Kafka's sub-keys, type included and predicate/negate removed", () => {
    const seen: Record<string, string>[] = [];
    const spy: TransformationPlugin = {
      type: "transformation",
      className: "test.Spy",
      version: "1",
      create: () => ({
        config: () => transformConfigDef({}),
        configure: (c) => {
          seen.push({ ...c });
        },
        apply: (r) => r,
      }),
    };
    buildTransformChain(
      {
        transforms: "s",
        "transforms.s.type": "test.Spy",
        "transforms.s.a": "1",
        "transforms.s.b.c": "2",
        "transforms.s.predicate": "p",
        "transforms.s.negate": "true",
        "transforms.sx.a": "no",
        predicates: "p",
        "predicates.p.type": "RecordIsTombstone",
      },
      pluginLookup([spy], predicatePlugins),
    );
    expect(seen).toEqual([{ type: "test.Spy", a: "1", "b.c": "2" }]);
  });

  it("closes every transform and predicate, reporting failures after closing the rest", () => {
    const closed: string[] = [];
    const closing = (name: string, fail: boolean): TransformationPlugin => ({
      type: "transformation",
      className: `test.${name}`,
      version: "1",
      create: () => ({
        config: () => transformConfigDef({}),
        configure: () => {},
        apply: (r) => r,
        close: () => {
          closed.push(name);
          if (fail) throw new Error(`${name} failed`);
        },
      }),
    });
    const chain = buildTransformChain(
      { transforms: "a,b", "transforms.a.type": "test.A", "transforms.b.type": "test.B" },
      pluginLookup([closing("A", true), closing("B", false)], predicatePlugins),
    );
    closed.length = 0;
    expect(() => chain.close()).toThrow(AggregateError);
    expect(closed).toEqual(["A", "B"]);
  });
});

describe("validateTransformConfig", () => {
  it("is empty for a valid config, and reports several problems at once", () => {
    expect(validateTransformConfig({})).toEqual(new Map());
    const errors = validateTransformConfig({
      transforms: "a,b",
      "transforms.a.type": "Nope",
      "transforms.b.type": "ExtractField$Key",
      "transforms.b.field.syntax.version": "v3",
    });
    expect([...errors.keys()].sort()).toEqual([
      "transforms.a.type",
      "transforms.b.field",
      "transforms.b.field.syntax.version",
    ]);
    expect(errors.get("transforms.b.field.syntax.version")).toEqual([
      "Invalid value v3 for configuration transforms.b.field.syntax.version: String must be one of (case insensitive): V1, V2",
    ]);
  });

  it("describes every transform and predicate key, grouped per alias", () => {
    const def = transformConfigDef({
      transforms: "route",
      "transforms.route.type": "RegexRouter",
      predicates: "p",
      "predicates.p.type": "TopicNameMatches",
    });
    expect(def.list().map((k) => k.name)).toEqual([
      "transforms.route.type",
      "transforms.route.predicate",
      "transforms.route.negate",
      "transforms.route.regex",
      "transforms.route.replacement",
      "predicates.p.type",
      "predicates.p.pattern",
    ]);
    expect(def.groups()).toEqual(["Transforms: route", "Predicates: p"]);
  });
});
