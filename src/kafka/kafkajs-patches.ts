/**
 * Local fixes to kafkajs 2.2.4, which is frozen upstream (dependencies.md). Import this module before
 * anything loads kafkajs: it places fixed internal modules into Node's CommonJS cache, so kafkajs's own
 * `require` picks them up.
 *
 * groupMessagesPerPartition: upstream copies the partition's array for every message
 * (`[...current, message]`), which is quadratic in the batch size; a 20,000-record batch spent over a
 * second there. This version appends, with the same result shape.
 *
 * produce/v3/request.js (which produce v4..v7 reuse): upstream spreads every message into a new object,
 * sorts the timestamps, and builds an Encoder per record and a byte-at-a-time CRC32C; ./produce-request
 * writes the same bytes into one buffer per partition (see there).
 *
 * recordBatch/v0/decoder.js (every fetched record batch): upstream allocates a Decoder per record and
 * parses the batch's first offset and timestamp into a Long for every record; ./record-batch-decoder
 * returns the same objects reading straight from the buffer (see there).
 *
 * network/requestQueue (every connection): when it is not throttled, upstream schedules its next check with
 * a negative delay (`throttledUntil` is -1). Node treated that as 1 ms silently until Node 23, which prints a
 * TimeoutNegativeWarning for it into every worker's stderr; the patched method passes the 1 ms itself.
 *
 * The patches are written against kafkajs's internals of one release (./kafkajs-version.ts): loading this
 * module with any other kafkajs installed throws before anything is replaced.
 */
import { createRequire, Module } from "node:module";
import { filterAbortedMessages } from "./filter-aborted-messages.js";
import { checkKafkajsVersion, installedKafkajsVersion } from "./kafkajs-version.js";
import { produceRequestV3 } from "./produce-request.js";
import { decodeRecordBatch } from "./record-batch-decoder.js";

const require = createRequire(import.meta.url);

type Partitioner = (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;

function groupMessagesPerPartition({
  topic,
  partitionMetadata,
  messages,
  partitioner,
}: {
  topic: string;
  partitionMetadata: unknown[];
  messages: unknown[];
  partitioner: Partitioner;
}): Record<number, unknown[]> {
  if (partitionMetadata.length === 0) return {};
  const result: Record<number, unknown[]> = {};
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    const list = result[partition];
    if (list) list.push(message);
    else result[partition] = [message];
  }
  return result;
}

function replaceModule(request: string, exports: unknown): void {
  const path = require.resolve(request);
  if (require.cache[path]) {
    throw new Error(
      `kafkajs patch for ${request} came too late: kafkajs was loaded before src/kafka/kafkajs-patches`,
    );
  }
  const m = new Module(path);
  m.filename = path;
  m.loaded = true;
  m.exports = exports;
  require.cache[path] = m;
}

checkKafkajsVersion(installedKafkajsVersion());
replaceModule("kafkajs/src/producer/groupMessagesPerPartition.js", groupMessagesPerPartition);
replaceModule("kafkajs/src/protocol/requests/produce/v3/request.js", produceRequestV3);
replaceModule("kafkajs/src/protocol/recordBatch/v0/decoder.js", decodeRecordBatch);
// read_committed: records of aborted transactions that overlap others (see filter-aborted-messages.ts)
replaceModule("kafkajs/src/consumer/filterAbortedMessages.js", filterAbortedMessages);

interface RequestQueueShape {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}
// upstream's CHECK_PENDING_REQUESTS_INTERVAL
const CHECK_PENDING_MS = 10;
const requestQueue = require("kafkajs/src/network/requestQueue/index.js") as {
  prototype: RequestQueueShape;
};
function scheduleCheckPendingRequests(this: RequestQueueShape): void {
  if (this.throttleCheckTimeoutId) return;
  let delay = this.throttledUntil - Date.now();
  if (this.pending.length > 0 && delay <= 0) delay = CHECK_PENDING_MS;
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    // what Node made of a negative delay before it began to warn about it
    Math.max(1, delay),
  );
}
requestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;

/** true when kafkajs uses the patched modules (checked by a unit test) */
export function kafkajsPatched(): boolean {
  return (
    require("kafkajs/src/producer/groupMessagesPerPartition.js") === groupMessagesPerPartition &&
    require("kafkajs/src/protocol/requests/produce/v3/request.js") === produceRequestV3 &&
    require("kafkajs/src/protocol/recordBatch/v0/decoder.js") === decodeRecordBatch &&
    require("kafkajs/src/consumer/filterAbortedMessages.js") === filterAbortedMessages &&
    requestQueue.prototype.scheduleCheckPendingRequests === scheduleCheckPendingRequests
  );
}
