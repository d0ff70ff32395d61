/** Reading the deploy/ files for the deploy tests: YAML documents (strict), and worker properties. */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { parseProperties } from "../../../src/config/properties.js";
import {
  type DistributedWorkerConfig,
  parseDistributedWorkerConfig,
} from "../../../src/config/worker-config.js";
import { applyEnvOverrides } from "../../../src/config/worker-file.js";

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const deployDir = resolve(repo, "deploy");

export function readDeploy(path: string): string {
  return readFileSync(resolve(deployDir, path), "utf8");
}

/** Every document of a YAML file, as plain data; a syntax error or a warning fails. */
export function yamlDocuments(path: string): unknown[] {
  const docs = parseAllDocuments(readDeploy(path), { merge: true, prettyErrors: true });
  if (!Array.isArray(docs)) return [];
  return docs.map((d) => {
    const problems = [...d.errors, ...d.warnings];
    if (problems.length > 0) throw new Error(`${path}: ${problems.map((e) => e.message).join("; ")}`);
    return d.toJS({ maxAliasCount: 100 }) as unknown;
  });
}

/**
 * The worker config a process would get from this properties text and these environment variables, parsed
 * by Ferry's own distributed worker schema (so a missing or misspelt required key fails here).
 */
export function distributedConfig(properties: string, env: Record<string, string>): DistributedWorkerConfig {
  const props = Object.fromEntries(parseProperties(properties, "deploy"));
  return parseDistributedWorkerConfig(applyEnvOverrides(props, env), "deploy");
}
