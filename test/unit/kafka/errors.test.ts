/** Client errors classified for the runners, on kafkajs's own error objects (bare and wrapped after retries). */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import "../../../src/kafka/kafkajs-patches.js";
import { errorChain, isProducerFenced, isRebalance } from "../../../src/kafka/errors.js";

const require = createRequire(import.meta.url);
const { errorCodes, createErrorFromCode } = require("kafkajs/src/protocol/error.js") as {
  errorCodes: { type: string; code: number }[];
  createErrorFromCode(code: number): Error;
};
const { KafkaJSNumberOfRetriesExceeded, KafkaJSConnectionError, KafkaJSProtocolError } =
  require("kafkajs/src/errors.js") as {
    KafkaJSNumberOfRetriesExceeded: new (e: Error, o: { retryCount: number; retryTime: number }) => Error;
    KafkaJSConnectionError: new (m: string) => Error;
    KafkaJSProtocolError: new (e: {
      type: string;
      code: number;
      message: string;
      retriable: boolean;
    }) => Error;
  };

/** kafkajs's error for a broker's error code; a type kafkajs 2.2.4 has no code for is built as it would be */
function protocolError(type: string): Error {
  const code = errorCodes.find((c) => c.type === type)?.code;
  if (code !== undefined) return createErrorFromCode(code);
  return new KafkaJSProtocolError({ type, code: -1, message: type, retriable: false });
}

const afterRetries = (e: Error) => new KafkaJSNumberOfRetriesExceeded(e, { retryCount: 20, retryTime: 1000 });

describe("Kafka client errors", () => {
  it("a fenced producer: the broker's three ways of saying so, bare or wrapped", () => {
    for (const type of ["INVALID_PRODUCER_EPOCH", "PRODUCER_FENCED", "TRANSACTIONAL_ID_FENCED"]) {
      expect(isProducerFenced(protocolError(type)), type).toBe(true);
      expect(isProducerFenced(afterRetries(protocolError(type))), type).toBe(true);
      expect(isRebalance(protocolError(type)), type).toBe(false);
    }
  });

  it("a rebalance: the group will be rejoined", () => {
    for (const type of [
      "REBALANCE_IN_PROGRESS",
      "NOT_COORDINATOR_FOR_GROUP",
      "ILLEGAL_GENERATION",
      "UNKNOWN_MEMBER_ID",
    ]) {
      expect(isRebalance(protocolError(type)), type).toBe(true);
      expect(isRebalance(afterRetries(protocolError(type))), type).toBe(true);
      expect(isProducerFenced(protocolError(type)), type).toBe(false);
    }
  });

  it("neither, for other errors", () => {
    for (const e of [
      protocolError("NOT_LEADER_FOR_PARTITION"),
      afterRetries(new KafkaJSConnectionError("Connection error: ECONNREFUSED")),
      new Error("REBALANCE_IN_PROGRESS"),
    ]) {
      expect(isProducerFenced(e)).toBe(false);
      expect(isRebalance(e)).toBe(false);
    }
    expect(isRebalance("REBALANCE_IN_PROGRESS")).toBe(false);
  });

  it("follows what an error wraps (cause or kafkajs's originalError), at most 5 deep", () => {
    const inner = protocolError("PRODUCER_FENCED");
    const viaOriginal = Object.assign(new Error("wrapped"), { originalError: inner });
    expect(errorChain(new Error("outer", { cause: viaOriginal }))).toEqual([
      expect.objectContaining({ message: "outer" }),
      viaOriginal,
      inner,
    ]);
    let deep: Error = inner;
    for (let i = 0; i < 4; i++) deep = new Error(`level ${i}`, { cause: deep });
    expect(isProducerFenced(deep)).toBe(true);
    expect(isProducerFenced(new Error("level 5", { cause: deep }))).toBe(false);
  });
});
