/**
 * The built `ferry` command (dist/cli/main.js, as `npm run build` leaves it): --help and --version exit 0
 * on stdout, usage errors exit 2 with the usage on stderr, and nothing starts a worker.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const repo = resolve(import.meta.dirname, "../../..");
const version = (JSON.parse(readFileSync(resolve(repo, "package.json"), "utf8")) as { version: string })
  .version;

function ferry(...args: string[]) {
  const r = spawnSync(process.execPath, [resolve(repo, "dist/cli/main.js"), ...args], {
    encoding: "utf8",
    cwd: repo,
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("ferry (built)", () => {
  it("--help: ferry's usage and each subcommand's, exit 0", () => {
    const top = ferry("--help");
    expect(top).toMatchObject({ code: 0, stderr: "" });
    expect(top.stdout).toMatch(
      /^Usage:\n {2}ferry standalone [\s\S]* {2}ferry distributed [\s\S]* {2}ferry chaos /,
    );
    for (const sub of ["standalone", "distributed", "chaos"]) {
      const r = ferry(sub, "--help");
      expect(r).toMatchObject({ code: 0, stderr: "" });
      expect(r.stdout).toMatch(new RegExp(`^Usage: ferry ${sub} `));
    }
  });

  it("--version on ferry and on each subcommand: ferry <version>, exit 0", () => {
    for (const argv of [
      ["--version"],
      ["standalone", "--version"],
      ["distributed", "--version"],
      ["chaos", "--version"],
    ])
      expect(ferry(...argv)).toEqual({ code: 0, stdout: `ferry ${version}\n`, stderr: "" });
  });

  it("usage errors: exit 2, the problem and the usage on stderr", () => {
    for (const [argv, problem] of [
      [[], /^ferry: No command given\.\nUsage:\n/],
      [["nope"], /^ferry: Unknown command "nope"\.\nUsage:\n/],
      [["standalone"], /^ferry: ferry standalone needs a worker config file\.\nUsage: ferry standalone /],
      [["distributed", "--bogus"], /^ferry: Unknown option '--bogus'[\s\S]*\nUsage: ferry distributed /],
      [["chaos", "--mode", "soft"], /^ferry: --mode must be hard or clean\nUsage: ferry chaos /],
    ] as const) {
      const r = ferry(...argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(problem);
    }
  });
});
