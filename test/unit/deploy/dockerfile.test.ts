/**
 * deploy/Dockerfile, read as text (no Docker engine here): multi-stage, a small Node 24 base, `npm ci` and
 * a build in the first stage with dev dependencies pruned, and a runtime stage that copies only the
 * results, runs as the unprivileged `node` user and starts `node dist/cli/main.js`.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { readDeploy, repo } from "./support.js";

interface Instruction {
  readonly op: string;
  readonly args: string;
}
interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly body: Instruction[];
}

/** Instructions (continuation lines joined, comments dropped), grouped into stages by FROM. */
function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const lines = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`cannot read Dockerfile line: ${line}`);
    const op = (m[1] ?? "").toUpperCase();
    const rest = (m[2] ?? "").trim();
    if (op === "FROM") {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      const image = (f?.[1] ?? "").replace(/^\$\{(\w+)\}$/, (_, v: string) => args[v] ?? "");
      stages.push({ from: image, name: f?.[2], body: [] });
    } else if (stages.length === 0 && op === "ARG") {
      const [k, v] = rest.split("=");
      if (k) args[k] = v ?? "";
    } else {
      stages.at(-1)?.body.push({ op, args: rest });
    }
  }
  return { args, stages };
}

const { stages } = parseDockerfile(readDeploy("Dockerfile"));
const build = stages[0] as Stage;
const runtime = stages.at(-1) as Stage;
const ops = (s: Stage, op: string) => s.body.filter((i) => i.op === op).map((i) => i.args);

describe("deploy/Dockerfile", () => {
  it("has a build stage and a runtime stage on a small Node 24 (active LTS) image", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) expect(s.from).toMatch(/^node:24(\.\d+)*-(slim|alpine)/);
    expect(build.name).toBe("build");
  });

  it("build: npm ci from the lock file, compile, prune dev dependencies", () => {
    const runs = ops(build, "RUN").join("\n");
    expect(ops(build, "COPY")[0]).toBe("package.json package-lock.json ./");
    expect(runs).toMatch(/\bnpm ci\b/);
    expect(runs).toMatch(/\btsc -p src\b/);
    expect(runs).toMatch(/\bnpm prune --omit=dev\b/);
    expect(runs).toContain("dist/build-info.json");
    // every path the build copies from the context exists
    for (const c of ops(build, "COPY")) {
      const parts = c.split(/\s+/).filter((p) => !p.startsWith("--"));
      for (const src of parts.slice(0, -1)) expect(existsSync(resolve(repo, src)), src).toBe(true);
    }
  });

  it("runtime: copies only the build's results, installs nothing, runs as node", () => {
    const copies = ops(runtime, "COPY");
    expect(copies.length).toBeGreaterThan(0);
    for (const c of copies) expect(c).toMatch(/^--from=build\b/);
    expect(copies.join("\n")).toMatch(/\/app\/node_modules/);
    expect(copies.join("\n")).toMatch(/\/app\/dist/);
    expect(ops(runtime, "RUN").join("\n")).not.toMatch(/npm (ci|install)/);
    const users = ops(runtime, "USER");
    expect(users.at(-1)).toBe("node");
    // USER comes before the entrypoint, so nothing after it runs as root
    const i = runtime.body.findIndex((x) => x.op === "USER");
    expect(i).toBeLessThan(runtime.body.findIndex((x) => x.op === "ENTRYPOINT"));
  });

  it("entrypoint is the ferry CLI; the default command a distributed worker; SIGTERM drains", () => {
    expect(JSON.parse(ops(runtime, "ENTRYPOINT")[0] ?? "null")).toEqual(["node", "dist/cli/main.js"]);
    expect(JSON.parse(ops(runtime, "CMD")[0] ?? "null")).toEqual([
      "distributed",
      "/etc/ferry/worker.properties",
    ]);
    expect(ops(runtime, "STOPSIGNAL")).toEqual(["SIGTERM"]);
    expect(ops(runtime, "EXPOSE")).toEqual(["8083"]);
    expect(ops(runtime, "HEALTHCHECK")[0]).toContain("/healthz");
    expect(existsSync(resolve(repo, "src/cli/main.ts"))).toBe(true);
  });

  it("the build context keeps only what the build copies", () => {
    const ignore = readDeploy("Dockerfile.dockerignore")
      .split("\n")
      .filter((l) => l && !l.startsWith("#"));
    expect(ignore[0]).toBe("*");
    expect(ignore).toEqual(
      expect.arrayContaining(["!package.json", "!package-lock.json", "!tsconfig.json", "!src/**"]),
    );
  });
});
