/** Runtime logger levels over pino (/admin/loggers): names, namespaces, inheritance, log4j → pino levels. */
import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { LoggerLevels, loggerNameOf, parseLog4jLevel, pinoLevel } from "../../../src/log/levels.js";

function setup(level = "info") {
  const lines: { msg: string; connector?: string; task?: number }[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split("\n")) if (l) lines.push(JSON.parse(l));
      cb();
    },
  });
  const root = pino({ level }, sink);
  let now = 1000;
  const levels = new LoggerLevels(root, () => now);
  return { root, levels, lines, tick: (ms: number) => (now += ms) };
}

describe("log4j levels", () => {
  it("maps log4j names to pino, case-insensitively", () => {
    expect(
      ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF", "ALL"].map((l) =>
        pinoLevel(parseLog4jLevel(l) ?? "OFF"),
      ),
    ).toEqual(["trace", "debug", "info", "warn", "error", "fatal", "silent", "trace"]);
    expect(parseLog4jLevel("debug")).toBe("DEBUG");
    expect(parseLog4jLevel("VERBOSE")).toBeNull();
  });

  it("names loggers from their bindings", () => {
    expect(loggerNameOf({ connector: "orders" })).toBe("orders");
    expect(loggerNameOf({ connector: "orders", task: 2 })).toBe("orders-2");
    expect(loggerNameOf({ component: "kafkajs" })).toBe("kafkajs");
    expect(loggerNameOf({ worker: "w", pid: 1 })).toBeUndefined();
  });
});

describe("LoggerLevels", () => {
  it("knows root and every child logger created after it was attached", () => {
    const { root, levels } = setup("debug");
    root.child({ component: "kafkajs" });
    const task = root.child({ connector: "orders", task: 0 });
    task.child({ phase: "poll" }); // an anonymous child is its parent's logger
    expect(levels.allLevels()).toEqual({
      kafkajs: { level: "DEBUG", last_modified: null },
      "orders-0": { level: "DEBUG", last_modified: null },
      root: { level: "DEBUG", last_modified: null },
    });
    expect(levels.level("ROOT")).toEqual({ level: "DEBUG", last_modified: null });
    expect(levels.level("nope")).toBeNull();
  });

  it("a connector's namespace covers its tasks' loggers; their pino level changes and they log", () => {
    const { root, levels, lines, tick } = setup();
    const t0 = root.child({ connector: "orders", task: 0 });
    const deep = t0.child({ phase: "flush" });
    const t1 = root.child({ connector: "orders", task: 1 });
    const other = root.child({ connector: "payments", task: 0 });
    t0.debug("hidden");
    tick(5);
    expect(levels.setLevel("orders", "DEBUG")).toEqual(["orders", "orders-0", "orders-1"]);
    expect([t0.level, deep.level, t1.level, other.level, root.level]).toEqual([
      "debug",
      "debug",
      "debug",
      "info",
      "info",
    ]);
    t0.debug("shown");
    deep.debug("shown too");
    other.debug("still hidden");
    expect(lines.map((l) => l.msg)).toEqual(["shown", "shown too"]);
    expect(levels.level("orders-1")).toEqual({ level: "DEBUG", last_modified: 1005 });
    expect(levels.level("orders")).toEqual({ level: "DEBUG", last_modified: 1005 });
  });

  it("a logger created later takes the level of the longest set name it starts with", () => {
    const { root, levels } = setup();
    levels.setLevel("orders", "WARN");
    levels.setLevel("orders-1", "TRACE");
    expect(root.child({ connector: "orders", task: 0 }).level).toBe("warn");
    expect(root.child({ connector: "orders", task: 1 }).level).toBe("trace");
    expect(root.child({ connector: "payments" }).level).toBe("info");
  });

  it("root sets every known logger whose level differs; only those are listed and get a last_modified", () => {
    const { root, levels, tick } = setup();
    const kafka = root.child({ component: "kafkajs" });
    const t = root.child({ connector: "c", task: 0 });
    levels.setLevel("c", "ERROR");
    tick(10);
    // c and c-0 are ERROR already: Kafka's Loggers.setLevel skips them and leaves them out of the answer
    expect(levels.setLevel("root", "ERROR")).toEqual(["kafkajs", "root"]);
    expect(levels.allLevels()).toEqual({
      c: { level: "ERROR", last_modified: 1000 },
      "c-0": { level: "ERROR", last_modified: 1000 },
      kafkajs: { level: "ERROR", last_modified: 1010 },
      root: { level: "ERROR", last_modified: 1010 },
    });
    expect([root.level, kafka.level, t.level]).toEqual(["error", "error", "error"]);
  });

  it("OFF silences, ALL shows as ALL and logs at trace; an invalid level changes nothing", () => {
    const { root, levels } = setup();
    const a = root.child({ connector: "a" });
    levels.setLevel("a", "OFF");
    expect(a.level).toBe("silent");
    expect(levels.level("a")?.level).toBe("OFF");
    levels.setLevel("a", "all");
    expect(a.level).toBe("trace");
    expect(levels.level("a")?.level).toBe("ALL");
    expect(levels.setLevel("a", "LOUD")).toEqual([]);
    expect(levels.level("a")?.level).toBe("ALL");
  });

  it("setting the level a logger already has changes nothing and answers [] (Kafka Connect 4.3.1 does)", () => {
    const { levels, tick } = setup();
    expect(levels.setLevel("x.y", "DEBUG")).toEqual(["x.y"]);
    tick(10);
    expect(levels.setLevel("x.y", "DEBUG")).toEqual([]);
    expect(levels.setLevel("x.y", "debug")).toEqual([]);
    expect(levels.level("x.y")).toEqual({ level: "DEBUG", last_modified: 1000 });
    // root is INFO: a new name inheriting INFO is not changed by INFO, but it is known from then on
    expect(levels.level("z")).toBeNull();
    expect(levels.setLevel("z", "INFO")).toEqual([]);
    expect(levels.level("z")).toEqual({ level: "INFO", last_modified: null });
    expect(levels.setLevel("x", "DEBUG")).toEqual(["x"]);
  });

  it("accepts Kafka-style names as namespaces of their own", () => {
    const { levels } = setup();
    expect(levels.setLevel("org.apache.kafka.connect.runtime.WorkerSinkTask", "DEBUG")).toEqual([
      "org.apache.kafka.connect.runtime.WorkerSinkTask",
    ]);
    expect(levels.level("org.apache.kafka.connect.runtime.WorkerSinkTask")?.level).toBe("DEBUG");
    expect(levels.setLevel("org.apache.kafka.connect", "WARN")).toEqual([
      "org.apache.kafka.connect",
      "org.apache.kafka.connect.runtime.WorkerSinkTask",
    ]);
  });
});
