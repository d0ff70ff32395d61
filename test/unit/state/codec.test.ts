import { describe, expect, it } from "vitest";
import {
  parseCommit,
  parseConfigKey,
  parseJsonBytes,
  parseOffset,
  parseOffsetKey,
  parseProperties,
  parseRestartRequest,
  parseStatus,
  parseStatusKey,
  parseTargetState,
  serializeCommit,
  serializeProperties,
  serializeRestartRequest,
  serializeStatus,
  serializeTargetState,
} from "../../../src/state/kafka/codec.js";

describe("config topic keys", () => {
  it("parses every kind, in Kafka's prefix order", () => {
    expect(parseConfigKey("connector-a-b")).toEqual({ kind: "connector", connector: "a-b" });
    expect(parseConfigKey("target-state-a")).toEqual({ kind: "target-state", connector: "a" });
    expect(parseConfigKey("commit-a-1")).toEqual({ kind: "commit", connector: "a-1" });
    expect(parseConfigKey("restart-connector-x")).toEqual({ kind: "restart", connector: "x" });
    // a connector may be called "task-..." or "connector-..."
    expect(parseConfigKey("connector-task-1")).toEqual({ kind: "connector", connector: "task-1" });
    expect(parseConfigKey("connector-connector-x")).toEqual({ kind: "connector", connector: "connector-x" });
  });

  it("takes the task number from the last segment", () => {
    expect(parseConfigKey("task-my-conn-12")).toEqual({ kind: "task", connector: "my-conn", task: 12 });
    expect(parseConfigKey("task-a-1-0")).toEqual({ kind: "task", connector: "a-1", task: 0 });
    expect(parseConfigKey("task-a--1")).toEqual({ kind: "task", connector: "a-", task: 1 });
    expect(parseConfigKey("task-a-x").kind).toBe("invalid");
    expect(parseConfigKey("task-3").kind).toBe("invalid");
  });

  it("ignores Kafka Connect's keys Ferry does not use, and flags unknown ones", () => {
    expect(parseConfigKey("session-key")).toEqual({ kind: "ignored" });
    expect(parseConfigKey("tasks-fencing-a")).toEqual({ kind: "ignored" });
    expect(parseConfigKey("logger-cluster-org.apache")).toEqual({ kind: "logger", namespace: "org.apache" });
    expect(parseConfigKey("what-is-this").kind).toBe("invalid");
  });
});

describe("config topic values", () => {
  it("round-trips properties, leaving out null values", () => {
    expect(serializeProperties({ a: "1", "b.c": "ü" })).toBe('{"properties":{"a":"1","b.c":"ü"}}');
    expect(parseProperties({ properties: { a: "1", n: null } })).toEqual({ a: "1" });
    expect(parseProperties({ properties: { a: 1 } })).toBeInstanceOf(Error);
    expect(parseProperties({ props: {} })).toBeInstanceOf(Error);
  });

  it("writes STOPPED as PAUSED in state, and reads state.v2 first", () => {
    expect(serializeTargetState("STOPPED")).toBe('{"state":"PAUSED","state.v2":"STOPPED"}');
    expect(serializeTargetState("STARTED")).toBe('{"state":"STARTED","state.v2":"STARTED"}');
    expect(parseTargetState({ state: "PAUSED", "state.v2": "STOPPED" })).toBe("STOPPED");
    expect(parseTargetState({ state: "PAUSED" })).toBe("PAUSED");
    expect(parseTargetState({ state: "PAUSED", "state.v2": 3 })).toBe("PAUSED");
    expect(parseTargetState({ state: "NOPE" })).toBeInstanceOf(Error);
    expect(parseTargetState({})).toBeInstanceOf(Error);
    expect(parseTargetState("STARTED")).toBeInstanceOf(Error);
  });

  it("commits and restart requests", () => {
    expect(serializeCommit(3)).toBe('{"tasks":3}');
    expect(parseCommit({ tasks: 0 })).toBe(0);
    expect(parseCommit({ tasks: 1.5 })).toBeInstanceOf(Error);
    expect(parseCommit({ tasks: "2" })).toBeInstanceOf(Error);
    expect(serializeRestartRequest({ includeTasks: true, onlyFailed: false })).toBe(
      '{"include-tasks":true,"only-failed":false}',
    );
    expect(parseRestartRequest({ "only-failed": true })).toEqual({ includeTasks: false, onlyFailed: true });
    expect(parseRestartRequest({ "include-tasks": "yes" })).toEqual({
      includeTasks: false,
      onlyFailed: false,
    });
    expect(parseRestartRequest([])).toBeInstanceOf(Error);
  });
});

describe("status topic", () => {
  it("parses keys with dashes in connector names", () => {
    expect(parseStatusKey("status-connector-a-b")).toEqual({ kind: "connector", connector: "a-b" });
    expect(parseStatusKey("status-task-a-b-7")).toEqual({ kind: "task", connector: "a-b", task: 7 });
    expect(parseStatusKey("status-topic-t:connector-a")).toEqual({ kind: "ignored" });
    expect(parseStatusKey("status-task-a").kind).toBe("invalid");
    expect(parseStatusKey("status-connector-").kind).toBe("invalid");
    expect(parseStatusKey("other").kind).toBe("invalid");
  });

  it("writes the fields in Kafka's order with a null trace", () => {
    expect(serializeStatus({ state: "RUNNING", trace: null, workerId: "h:8083", generation: 2 })).toBe(
      '{"state":"RUNNING","trace":null,"worker_id":"h:8083","generation":2}',
    );
    expect(parseStatus({ state: "FAILED", trace: "t", worker_id: "w", generation: 1 })).toEqual({
      state: "FAILED",
      trace: "t",
      workerId: "w",
      generation: 1,
    });
    expect(parseStatus({ state: "RUNNING", worker_id: "w", generation: 1 })).toMatchObject({ trace: null });
    expect(parseStatus({ state: "DESTROYED", worker_id: "w", generation: 1 })).toBeInstanceOf(Error);
    expect(parseStatus({ state: "RUNNING", worker_id: "w" })).toBeInstanceOf(Error);
  });
});

describe("offsets topic", () => {
  it("parses [connector, partition] keys and offset values", () => {
    expect(parseOffsetKey(["c", { f: "a" }])).toEqual({ connector: "c", partition: { f: "a" } });
    expect(parseOffsetKey(["c", null])).toBeInstanceOf(Error);
    expect(parseOffsetKey([1, {}])).toBeInstanceOf(Error);
    expect(parseOffsetKey({ c: 1 })).toBeInstanceOf(Error);
    expect(parseOffset({ position: 1 })).toEqual({ position: 1 });
    expect(parseOffset(null)).toBeNull();
    expect(parseOffset(5)).toBeInstanceOf(Error);
  });

  it("reads JSON bytes; null is a tombstone", () => {
    expect(parseJsonBytes(null)).toBeNull();
    expect(parseJsonBytes(Buffer.from('{"a":1}'))).toEqual({ a: 1 });
    expect(parseJsonBytes(Buffer.from("{"))).toBeInstanceOf(Error);
  });
});
