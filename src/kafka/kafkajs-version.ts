/**
 * The kafkajs release the patches in ./kafkajs-patches.ts were written for. They replace internal modules
 * of that release by path; another release may move or change those modules, and a patch would then
 * either break kafkajs or silently stop applying. So the patches refuse to install on any other version.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export const KAFKAJS_PATCHED_VERSION = "2.2.4";

export class KafkajsVersionError extends Error {
  override name = "KafkajsVersionError";
}

/** The version in the installed kafkajs's package.json. */
export function installedKafkajsVersion(): string {
  const path = createRequire(import.meta.url).resolve("kafkajs/package.json");
  const { version } = JSON.parse(readFileSync(path, "utf8")) as { version?: unknown };
  if (typeof version !== "string") throw new KafkajsVersionError(`${path} has no version`);
  return version;
}

/** Throws unless `found` is the version the patches were written for. */
export function checkKafkajsVersion(found: string, expected: string = KAFKAJS_PATCHED_VERSION): void {
  if (found === expected) return;
  throw new KafkajsVersionError(
    `kafkajs ${found} is installed, but Ferry's kafkajs patches (src/kafka/kafkajs-patches.ts) were written ` +
      `for kafkajs ${expected}: install kafkajs ${expected}, or check each patched module against ${found} ` +
      "and update KAFKAJS_PATCHED_VERSION",
  );
}
