/**
 * The bottom folders of src/ import only folders below them, so each can be read, tested and replaced on
 * its own (issue 15: worker config once imported the REST layer). The check reads the import specifiers of
 * every source file, static and dynamic, and resolves relative ones to the top folder of src/ they land in.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../../src");

/** For each checked folder, the folders it may import besides itself; "." is a file at the top of src/. */
const ALLOWED: Record<string, readonly string[]> = {
  api: ["."],
  data: ["api", "."],
  config: ["api", "data", "."],
  kafka: ["api", "config", "data", "log", "."],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

/** Relative specifiers of `import ... from`, `export ... from`, bare `import "..."` and `import("...")`. */
function relativeImports(text: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g;
  for (const m of text.matchAll(re)) if (m[1]) out.push(m[1]);
  return out;
}

/** The top folder of src/ a path lies in, "." for a file directly in src/, null outside src/. */
function topFolder(path: string): string | null {
  const rel = relative(SRC, path);
  if (rel.startsWith("..")) return null;
  const parts = rel.split(sep);
  return parts.length === 1 ? "." : (parts[0] ?? null);
}

function upwardImports(): string[] {
  const bad: string[] = [];
  for (const [folder, allowed] of Object.entries(ALLOWED)) {
    let files: string[];
    try {
      files = sourceFiles(join(SRC, folder));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw e;
    }
    for (const file of files) {
      for (const spec of relativeImports(readFileSync(file, "utf8"))) {
        const target = topFolder(resolve(dirname(file), spec));
        if (target !== folder && (target === null || !allowed.includes(target)))
          bad.push(`${relative(SRC, file)} imports ${spec} (${target ?? "outside src"})`);
      }
    }
  }
  return bad;
}

describe("import direction", () => {
  it("finds every form of relative import (so the check below can fail)", () => {
    const text = [
      'import { a } from "../rest/a.js";',
      'import type { B } from "../herder/b.js";',
      'export { c } from "./c.js";',
      'import "../runner/d.js";',
      'const e = await import("../state/e.js");',
      'import { z } from "zod";',
    ].join("\n");
    expect(relativeImports(text)).toEqual([
      "../rest/a.js",
      "../herder/b.js",
      "./c.js",
      "../runner/d.js",
      "../state/e.js",
    ]);
  });

  it("api, data, config and kafka import nothing above them", () => {
    expect(upwardImports()).toEqual([]);
  });
});
