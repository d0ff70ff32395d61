/**
 * Loads plugins named by the worker's `plugin.path`: each entry is a folder or an npm package name.
 *
 * - A folder holding `package.json` (its `exports` or `main`) or `index.js` / `index.mjs` is one plugin
 *   module; any other folder is scanned one level down for such folders and for `.js` / `.mjs` files.
 * - A file path is imported as it is.
 * - Anything else is an npm package name, resolved from the working directory first, then from Ferry.
 *
 * A plugin module's default export, or its named `plugins` export, is an array of ConnectorPlugin,
 * TransformationPlugin, PredicatePlugin or ConverterPlugin objects. Every entry's shape is checked; a module
 * that fails to import, or an entry with the wrong shape or a class name already taken, is logged with the
 * reason and skipped. Loading never throws.
 */
import { existsSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { errorMessage } from "../errors.js";
import type { Logger } from "../log/logger.js";
import type { AnyPlugin, PluginRegistry } from "./registry.js";

const fn = z.custom<(...args: unknown[]) => unknown>((v) => typeof v === "function", "must be a function");
const common = {
  className: z.string().trim().min(1, "className must be a non-empty string"),
  version: z.string("version must be a string"),
  aliases: z.array(z.string()).optional(),
};
const pluginShape = z.discriminatedUnion("type", [
  z.object({ type: z.enum(["source", "sink"]), ...common, createConnector: fn, createTask: fn }),
  z.object({
    type: z.enum(["transformation", "predicate", "converter", "header_converter"]),
    ...common,
    create: fn,
  }),
]);

export interface PluginLoadReport {
  /** class names loaded, per module */
  readonly loaded: { readonly module: string; readonly classes: string[] }[];
  /** what was skipped and why */
  readonly skipped: { readonly module: string; readonly reason: string }[];
}

export interface LoadPluginsOptions {
  /** where npm package names are resolved first; the working directory by default */
  readonly resolveFrom?: string;
  /** how long one module may take to import */
  readonly importTimeoutMs?: number;
}

/** Checks one exported entry; returns the reason it is not a plugin, or null. */
export function pluginShapeProblem(entry: unknown): string | null {
  const r = pluginShape.safeParse(entry);
  if (r.success) return null;
  return r.error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}

/** The entry file of a package folder, from package.json `exports` (the "." import/default) or `main`. */
function packageEntry(pkg: Record<string, unknown>): string | undefined {
  const pick = (e: unknown): string | undefined => {
    if (typeof e === "string") return e;
    if (Array.isArray(e)) return e.map(pick).find((x) => x !== undefined);
    if (e && typeof e === "object") {
      const o = e as Record<string, unknown>;
      if ("." in o) return pick(o["."]);
      for (const cond of ["import", "node", "default"]) if (cond in o) return pick(o[cond]);
    }
    return undefined;
  };
  return pick(pkg.exports) ?? (typeof pkg.main === "string" ? pkg.main : undefined);
}

/** The module file of a plugin folder, or null when the folder is not one plugin. */
async function folderEntry(dir: string): Promise<string | null> {
  const pj = join(dir, "package.json");
  if (existsSync(pj)) {
    const pkg = JSON.parse(await readFile(pj, "utf8")) as Record<string, unknown>;
    const entry = packageEntry(pkg);
    if (entry) return resolve(dir, entry);
  }
  for (const f of ["index.js", "index.mjs"]) if (existsSync(join(dir, f))) return join(dir, f);
  return null;
}

/** Module specifiers (file URLs or package names) for one plugin.path entry. */
async function modulesOf(entry: string, resolveFrom: string): Promise<string[]> {
  const looksLikePath = isAbsolute(entry) || entry.startsWith(".") || existsSync(entry);
  if (!looksLikePath) {
    try {
      return [pathToFileURL(createRequire(join(resolveFrom, "noop.js")).resolve(entry)).href];
    } catch {
      return [entry]; // ESM-only package or one installed next to Ferry: let import() resolve it
    }
  }
  const path = resolve(entry);
  const s = await stat(path);
  if (!s.isDirectory()) return [pathToFileURL(path).href];
  const own = await folderEntry(path);
  if (own) return [pathToFileURL(own).href];
  const out: string[] = [];
  for (const d of (await readdir(path, { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const child = join(path, d.name);
    if (d.isDirectory()) {
      const e = await folderEntry(child).catch(() => null);
      if (e) out.push(pathToFileURL(e).href);
    } else if (d.isFile() && /\.m?js$/.test(d.name)) out.push(pathToFileURL(child).href);
  }
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`${what} did not finish loading within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

/** Imports the plugins of every plugin.path entry into the registry; reports what it loaded and skipped. */
export async function loadPlugins(
  pluginPath: readonly string[],
  registry: PluginRegistry,
  logger: Logger,
  options: LoadPluginsOptions = {},
): Promise<PluginLoadReport> {
  const report: PluginLoadReport = { loaded: [], skipped: [] };
  const log = logger.child({ component: "plugins" });
  const skip = (module: string, reason: string) => {
    report.skipped.push({ module, reason });
    log.error({ module, reason }, `plugin skipped: ${module}: ${reason}`);
  };
  const resolveFrom = options.resolveFrom ?? process.cwd();
  for (const raw of pluginPath) {
    const entry = raw.trim();
    if (entry === "") continue;
    let modules: string[];
    try {
      modules = await modulesOf(entry, resolveFrom);
    } catch (e) {
      skip(entry, errorMessage(e));
      continue;
    }
    if (modules.length === 0) skip(entry, "no plugin module found (package.json, index.js or index.mjs)");
    for (const module of modules) {
      let ns: Record<string, unknown>;
      try {
        ns = await withTimeout(import(module), options.importTimeoutMs ?? 10_000, module);
      } catch (e) {
        skip(module, `import failed: ${errorMessage(e)}`);
        continue;
      }
      const list = Array.isArray(ns.plugins) ? ns.plugins : ns.default;
      if (!Array.isArray(list)) {
        skip(module, "exports no array of plugins (default export or `plugins`)");
        continue;
      }
      const classes: string[] = [];
      for (const [i, p] of (list as unknown[]).entries()) {
        const problem = pluginShapeProblem(p);
        if (problem) {
          skip(module, `entry ${i} is not a plugin: ${problem}`);
          continue;
        }
        const plugin = p as AnyPlugin;
        if (registry.any(plugin.className)?.className === plugin.className) {
          skip(module, `entry ${i}: class ${plugin.className} is already loaded`);
          continue;
        }
        registry.add(plugin);
        classes.push(plugin.className);
      }
      if (classes.length > 0) {
        report.loaded.push({ module, classes });
        log.info({ module, classes }, `loaded ${classes.length} plugin(s) from ${module}`);
      }
    }
  }
  return report;
}
