/** A SourceTaskRunner for unit tests: String converters, no error tolerance, status changes as events. */
import type { SourceTask } from "../../../src/api/connector.js";
import { SimpleHeaderConverter } from "../../../src/converters/simple-header-converter.js";
import { StringConverter } from "../../../src/converters/string-converter.js";
import type { KafkaProducer } from "../../../src/kafka/types.js";
import { createLogger } from "../../../src/log/logger.js";
import { RecordErrorHandler } from "../../../src/runner/error-handler.js";
import type { SourceTransactions } from "../../../src/runner/exactly-once.js";
import { identityChain } from "../../../src/runner/record-pipeline.js";
import { SourceTaskRunner } from "../../../src/runner/source-task-runner.js";
import type { OffsetStore } from "../../../src/state/types.js";

const log = createLogger("source-runner-unit", "silent");

export interface FixtureOptions {
  readonly task: SourceTask;
  readonly offsets: OffsetStore;
  readonly transactions?: SourceTransactions;
  readonly producer?: KafkaProducer;
  readonly offsetFlushIntervalMs: number;
  /** default 1 s */
  readonly offsetFlushTimeoutMs?: number;
}

/** events: "running", "shutdown" and "failed: <message>", in order */
export function sourceRunner(o: FixtureOptions): { r: SourceTaskRunner; events: string[] } {
  const events: string[] = [];
  const key = new StringConverter();
  key.configure({}, true);
  const value = new StringConverter();
  value.configure({}, false);
  const r = new SourceTaskRunner({
    connector: "c",
    taskId: 0,
    task: o.task,
    config: {},
    ...(o.transactions ? { transactions: o.transactions } : {}),
    ...(o.producer ? { producer: o.producer } : {}),
    chain: identityChain,
    converters: {
      key,
      value,
      header: new SimpleHeaderConverter(),
      classNames: { key: "s", value: "s", header: "h" },
    },
    offsets: o.offsets,
    offsetFlushIntervalMs: o.offsetFlushIntervalMs,
    offsetFlushTimeoutMs: o.offsetFlushTimeoutMs ?? 1_000,
    status: {
      onRunning: () => events.push("running"),
      onPaused: () => {},
      onFailure: (e) => events.push(`failed: ${(e as Error).message}`),
      onShutdown: () => events.push("shutdown"),
    },
    logger: log,
    errors: new RecordErrorHandler(
      {
        retryTimeoutMs: 0,
        retryDelayMaxMs: 0,
        tolerance: "none",
        logEnable: false,
        logIncludeMessages: false,
      },
      "c",
      0,
      log,
    ),
  });
  return { r, events };
}

/** Resolves once `cond` holds; throws after `ms`. */
export async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not met");
    await new Promise((r) => setTimeout(r, 5));
  }
}
