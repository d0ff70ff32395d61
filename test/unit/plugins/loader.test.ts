import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtinPlugins } from "../../../src/plugins/builtin.js";
import { loadPlugins, pluginShapeProblem } from "../../../src/plugins/loader.js";

const SOURCE = `{
  type: "source",
  className: "com.example.GoodSourceConnector",
  aliases: ["Good"],
  version: "1.2.3",
  createConnector: () => ({}),
  createTask: () => ({}),
}`;
const SMT = `{ type: "transformation", className: "com.example.Upper", version: "0.1.0", create: () => ({}) }`;

let root: string;
const silent = pino({ level: "silent" });

async function put(rel: string, text: string): Promise<void> {
  const path = join(root, rel);
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, text);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "ferry-plugins-"));
  await put(
    "plugins/good/package.json",
    JSON.stringify({ name: "good", type: "module", main: "lib/main.js" }),
  );
  await put("plugins/good/lib/main.js", `export default [${SOURCE}];\n`);
  await put(
    "plugins/exports/package.json",
    JSON.stringify({ name: "exp", exports: { ".": { import: "./esm.mjs", require: "./cjs.cjs" } } }),
  );
  await put("plugins/exports/esm.mjs", `export const plugins = [${SMT}];\n`);
  await put(
    "plugins/cjs/index.js",
    `module.exports = [{ type: "predicate", className: "com.example.P", version: "1", create() { return {}; } }];\n`,
  );
  await put("plugins/throws/index.mjs", `throw new Error("boom at import");\n`);
  await put("plugins/syntax/index.mjs", `export default [;\n`);
  await put(
    "plugins/wrong/index.mjs",
    `export default [{ type: "source", className: "com.example.Half", version: "1" }, { type: "nope" }];\n`,
  );
  await put("plugins/notarray/index.mjs", `export default { type: "source" };\n`);
  // sorts after "good": the same class name again
  await put("plugins/zz-dup/index.mjs", `export default [${SOURCE}];\n`);
  await put("plugins/empty/README.md", "nothing here\n");
  await put("single.mjs", `export default [${SOURCE.replace(/Good/g, "Single")}];\n`);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("plugin loader", () => {
  it("loads good plugins and skips broken ones with a reason, without throwing", async () => {
    const registry = builtinPlugins();
    const report = await loadPlugins(
      [join(root, "plugins"), join(root, "single.mjs"), join(root, "missing"), "no-such-package-ferry-test"],
      registry,
      silent,
    );
    expect(report.loaded.flatMap((l) => l.classes).sort()).toEqual([
      "com.example.GoodSourceConnector",
      "com.example.P",
      "com.example.SingleSourceConnector",
      "com.example.Upper",
    ]);
    const reasons = report.skipped.map((s) => `${s.module} => ${s.reason}`);
    const find = (part: string) => reasons.filter((r) => r.includes(part));
    expect(find("throws")[0]).toContain("boom at import");
    expect(find("syntax")[0]).toContain("import failed");
    expect(find("wrong")).toHaveLength(2);
    expect(find("wrong")[0]).toContain("createConnector");
    expect(find("notarray")[0]).toContain("no array");
    expect(find("zz-dup")[0]).toContain("already loaded");
    expect(find("missing")[0]).toContain("ENOENT");
    expect(find("no-such-package-ferry-test")[0]).toContain("import failed");
    // an empty folder inside a scanned folder is simply not a plugin
    expect(find("empty")).toHaveLength(0);

    expect(registry.connector("Good")?.className).toBe("com.example.GoodSourceConnector");
    expect(registry.transformation("Upper")?.version).toBe("0.1.0");
    expect(registry.predicate("com.example.P")).toBeDefined();
    expect(registry.list(true)).toContainEqual({
      class: "com.example.GoodSourceConnector",
      type: "source",
      version: "1.2.3",
    });
  });

  it("loads one plugin folder given directly, and an npm package by name", async () => {
    const registry = builtinPlugins();
    await put(
      "app/node_modules/ferry-plugin-x/package.json",
      JSON.stringify({ name: "ferry-plugin-x", main: "x.mjs" }),
    );
    await put(
      "app/node_modules/ferry-plugin-x/x.mjs",
      `export default [${SOURCE.replace(/Good/g, "Pkg")}];\n`,
    );
    const report = await loadPlugins([join(root, "plugins/good"), "ferry-plugin-x"], registry, silent, {
      resolveFrom: join(root, "app"),
    });
    expect(report.skipped).toEqual([]);
    expect(registry.connector("Pkg")?.className).toBe("com.example.PkgSourceConnector");
    expect(registry.connector("Good")).toBeDefined();
  });

  it("names what is wrong with a shape", () => {
    expect(pluginShapeProblem({ type: "sink", className: "", version: 1, createConnector: 1 })).toMatch(
      /className.*version.*createConnector.*createTask/,
    );
    expect(pluginShapeProblem(null)).not.toBeNull();
  });
});
