/**
 * Loading the patches with another kafkajs installed fails at once, before any kafkajs module is replaced.
 * The installed version is faked here (a module mock), so this file runs in its own module graph.
 */
import { createRequire } from "node:module";
import { describe, expect, it, vi } from "vitest";

vi.mock("../../../src/kafka/kafkajs-version.js", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../../src/kafka/kafkajs-version.js")>()),
  installedKafkajsVersion: () => "2.3.0",
}));

describe("kafkajs patches on another kafkajs version", () => {
  it("throw a clear error naming both versions and replace nothing", async () => {
    await expect(import("../../../src/kafka/kafkajs-patches.js")).rejects.toThrow(
      "kafkajs 2.3.0 is installed, but Ferry's kafkajs patches (src/kafka/kafkajs-patches.ts) were written for kafkajs 2.2.4",
    );
    const require = createRequire(import.meta.url);
    const path = require.resolve("kafkajs/src/producer/groupMessagesPerPartition.js");
    expect(require.cache[path]).toBeUndefined();
  });
});
