/**
 * kafkajs is reached only through the client port (src/kafka): a change of Kafka client is one folder's
 * work. This reads every source file under src/ and fails on any outside src/kafka that loads kafkajs.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "../../../src");

/** import/export … from "kafkajs[/…]", import("kafkajs…"), require("kafkajs…"), and `import "kafkajs"` */
const KAFKAJS_LOAD =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire(?:\.resolve)?\s*\(\s*|\bimport\s+)["']kafkajs(?:\/[^"']*)?["']/;

function loadsKafkajs(source: string): boolean {
  return KAFKAJS_LOAD.test(source);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(e.name) ? [path] : [];
  });
}

describe("the Kafka client port", () => {
  it("recognises every way a module loads kafkajs, and not a mention of it", () => {
    for (const loading of [
      'import { Kafka } from "kafkajs";',
      'import type { Producer } from "kafkajs";',
      "import type {\n  Admin,\n  Kafka,\n} from 'kafkajs';",
      'export type { Consumer } from "kafkajs";',
      'import "kafkajs";',
      'const k = await import("kafkajs");',
      'const Long = require("kafkajs/src/utils/long.js");',
      'require.resolve("kafkajs/package.json")',
    ])
      expect(loadsKafkajs(loading), loading).toBe(true);
    for (const mention of [
      "// kafkajs restarts the consumer after a crash",
      'log.child({ component: "kafkajs" });',
      'import type { KafkaClient } from "../kafka/types.js";',
      'import { x } from "kafkajs-extra";',
    ])
      expect(loadsKafkajs(mention), mention).toBe(false);
  });

  it("is the only way into kafkajs: no file under src/ outside src/kafka loads it", () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(50);
    const inPort = (f: string) => relative(SRC, f).split(sep)[0] === "kafka";
    expect(files.filter(inPort).some((f) => loadsKafkajs(readFileSync(f, "utf8")))).toBe(true);
    const offenders = files.filter((f) => !inPort(f) && loadsKafkajs(readFileSync(f, "utf8")));
    expect(offenders.map((f) => relative(SRC, f))).toEqual([]);
  });
});
