import { readFileSync } from "node:fs";

/** The git commit Ferry was built from; written by `npm run build`, "unknown" for an unbuilt tree. */
export function buildCommit(): string {
  try {
    const info = JSON.parse(readFileSync(new URL("../build-info.json", import.meta.url), "utf8")) as {
      commit?: string;
    };
    return info.commit || "unknown";
  } catch {
    return "unknown";
  }
}
