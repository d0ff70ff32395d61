/** `ferry`'s command line (src/cli/args.ts): subcommands, --help and --version everywhere, usage errors. */
import { describe, expect, it } from "vitest";
import { parseCommandLine, USAGE } from "../../../src/cli/args.js";
import { parseChaosArgs } from "../../../src/cli/chaos-args.js";
import { UsageError } from "../../../src/cli/usage-error.js";

function usageError(argv: string[]): UsageError {
  try {
    parseCommandLine(argv);
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error(`no usage error for ${JSON.stringify(argv)}`);
}

describe("ferry's command line", () => {
  it("standalone and distributed take their files", () => {
    expect(parseCommandLine(["standalone", "w.properties", "a.properties", "b.json"])).toEqual({
      kind: "standalone",
      worker: "w.properties",
      connectors: ["a.properties", "b.json"],
    });
    expect(parseCommandLine(["standalone", "w.properties"])).toEqual({
      kind: "standalone",
      worker: "w.properties",
      connectors: [],
    });
    expect(parseCommandLine(["distributed", "w.properties"])).toEqual({
      kind: "distributed",
      worker: "w.properties",
    });
  });

  it("--help and -h print help (the subcommand's own) instead of looking for a file named --help", () => {
    expect(parseCommandLine(["--help"])).toEqual({ kind: "help", text: USAGE });
    expect(parseCommandLine(["-h"])).toEqual({ kind: "help", text: USAGE });
    for (const sub of ["standalone", "distributed", "chaos"]) {
      const c = parseCommandLine([sub, "--help"]);
      expect(c.kind).toBe("help");
      expect(c.kind === "help" && c.text).toMatch(new RegExp(`^Usage: ferry ${sub} `));
      expect(parseCommandLine([sub, "-h"])).toEqual(c);
    }
    // after a file too, and in chaos among its own options
    expect(parseCommandLine(["standalone", "w.properties", "--help"]).kind).toBe("help");
    expect(parseCommandLine(["chaos", "--workers", "3", "--help"]).kind).toBe("help");
  });

  it("--version on ferry and on each subcommand", () => {
    for (const argv of [
      ["--version"],
      ["standalone", "--version"],
      ["distributed", "--version"],
      ["chaos", "--version"],
    ])
      expect(parseCommandLine(argv)).toEqual({ kind: "version" });
  });

  it("a file named like an option goes after --", () => {
    expect(parseCommandLine(["standalone", "--", "--help"])).toEqual({
      kind: "standalone",
      worker: "--help",
      connectors: [],
    });
  });

  it("usage errors name the problem and carry the usage", () => {
    expect(usageError([]).message).toMatch(/^No command given\.\nUsage:\n {2}ferry standalone/);
    expect(usageError(["bogus"]).message).toMatch(/^Unknown command "bogus"\.\nUsage:/);
    expect(usageError(["--bogus"]).message).toMatch(/Unknown option '--bogus'[\s\S]*\nUsage:/);
    expect(usageError(["standalone"]).message).toBe(
      "ferry standalone needs a worker config file.\nUsage: ferry standalone worker.properties [connector1.properties connector2.json ...]",
    );
    expect(usageError(["standalone", "--verbose", "w.properties"]).message).toMatch(
      /^Unknown option '--verbose'[\s\S]*\nUsage: ferry standalone /,
    );
    expect(usageError(["distributed"]).message).toMatch(
      /needs a worker config file\.\nUsage: ferry distributed/,
    );
    expect(usageError(["distributed", "a", "b"]).message).toMatch(
      /^ferry distributed takes one worker config file, got 2: a b\nUsage: ferry distributed/,
    );
  });

  it("chaos's own options are checked by chaos (usage errors with its usage)", () => {
    expect(parseCommandLine(["chaos", "--workers", "4"])).toEqual({
      kind: "chaos",
      args: ["--workers", "4"],
    });
    expect(() => parseChaosArgs(["--bogus"])).toThrow(/Unknown option '--bogus'[\s\S]*Usage: ferry chaos/);
    expect(() => parseChaosArgs(["--workers", "1"])).toThrow(
      /--workers must be at least 2\nUsage: ferry chaos/,
    );
  });
});
