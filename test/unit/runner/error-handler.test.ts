import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { RetriableError } from "../../../src/api/errors.js";
import {
  type ErrorContext,
  type ErrorReporter,
  errorHandlingConfig,
  RecordErrorHandler,
  SKIPPED,
  ToleranceExceededError,
} from "../../../src/runner/error-handler.js";

const log = pino({ level: "silent" });
const ctx: ErrorContext = {
  stage: "VALUE_CONVERTER",
  className: "X",
  record: { topic: "t", partition: 0, offset: 5, key: null, value: null, headers: null, describe: () => "r" },
};

function recorder(): ErrorReporter & { seen: unknown[] } {
  const seen: unknown[] = [];
  return { seen, report: async (e) => void seen.push(e) };
}

describe("RecordErrorHandler", () => {
  it("tolerance none: reports, then fails the task", async () => {
    const r = recorder();
    const h = new RecordErrorHandler(errorHandlingConfig({}), "c", 0, log, [r]);
    const boom = new Error("boom");
    await expect(h.handle(boom, ctx, () => 1)).rejects.toBeInstanceOf(ToleranceExceededError);
    expect(r.seen).toEqual([boom]);
  });

  it("tolerance all: reports and skips", async () => {
    const r = recorder();
    const h = new RecordErrorHandler(errorHandlingConfig({ "errors.tolerance": "all" }), "c", 0, log, [r]);
    expect(await h.handle(new Error("x"), ctx, () => 1)).toBe(SKIPPED);
    expect(h.skipped).toBe(1);
    expect(r.seen).toHaveLength(1);
  });

  it("retries a RetriableError until the operation succeeds, within errors.retry.timeout", async () => {
    const h = new RecordErrorHandler(
      errorHandlingConfig({ "errors.retry.timeout": "5000", "errors.retry.delay.max.ms": "10" }),
      "c",
      0,
      log,
    );
    let calls = 0;
    const op = () => {
      if (++calls < 3) throw new RetriableError("not yet");
      return "ok";
    };
    expect(await h.handle(new RetriableError("first"), ctx, op)).toBe("ok");
    expect(calls).toBe(3);
  });

  it("does not retry when errors.retry.timeout is 0 (the default), nor non-retriable errors", async () => {
    let calls = 0;
    const op = () => {
      calls++;
      return 1;
    };
    const none = new RecordErrorHandler(errorHandlingConfig({ "errors.tolerance": "all" }), "c", 0, log);
    expect(await none.handle(new RetriableError("r"), ctx, op)).toBe(SKIPPED);
    const withRetry = new RecordErrorHandler(
      errorHandlingConfig({ "errors.tolerance": "all", "errors.retry.timeout": "1000" }),
      "c",
      0,
      log,
    );
    expect(await withRetry.handle(new Error("plain"), ctx, op)).toBe(SKIPPED);
    expect(calls).toBe(0);
  });

  it("reporters added after construction take part", async () => {
    const list: ErrorReporter[] = [];
    const h = new RecordErrorHandler(
      errorHandlingConfig({ "errors.tolerance": "all", "errors.log.enable": "true" }),
      "c",
      0,
      log,
      list,
    );
    const r = recorder();
    list.push(r);
    await h.handle(new Error("late"), ctx, () => 1);
    expect(r.seen).toHaveLength(1);
  });
});
