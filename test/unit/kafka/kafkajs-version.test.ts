/** The kafkajs version the patches were written for is checked before they are installed. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  checkKafkajsVersion,
  installedKafkajsVersion,
  KAFKAJS_PATCHED_VERSION,
  KafkajsVersionError,
} from "../../../src/kafka/kafkajs-version.js";

describe("kafkajs version check", () => {
  it("accepts the version the patches were written for", () => {
    expect(() => checkKafkajsVersion(KAFKAJS_PATCHED_VERSION)).not.toThrow();
  });

  it("refuses any other version, naming the expected and the found one", () => {
    for (const other of ["2.2.5", "2.2.3", "3.0.0", "2.2.4-beta.0"]) {
      expect(() => checkKafkajsVersion(other)).toThrow(KafkajsVersionError);
      expect(() => checkKafkajsVersion(other)).toThrow(
        `kafkajs ${other} is installed, but Ferry's kafkajs patches (src/kafka/kafkajs-patches.ts) were written for kafkajs ${KAFKAJS_PATCHED_VERSION}`,
      );
    }
  });

  it("compares against the expected version it is given", () => {
    expect(() => checkKafkajsVersion("2.3.0", "2.3.0")).not.toThrow();
    expect(() => checkKafkajsVersion("2.2.4", "2.3.0")).toThrow("kafkajs 2.2.4 is installed");
  });

  it("reads the installed version from kafkajs's package.json, which is the project's exact pin", () => {
    const pin = (JSON.parse(readFileSync("package.json", "utf8")) as { dependencies: Record<string, string> })
      .dependencies.kafkajs;
    expect(installedKafkajsVersion()).toBe(KAFKAJS_PATCHED_VERSION);
    expect(pin).toBe(KAFKAJS_PATCHED_VERSION);
  });
});
