/**
 * The generated reference pages are current: rendering them again from the OpenAPI document and the config
 * definitions gives exactly the committed files. When this fails, run `npm run docs` and commit the result.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { referenceDir, renderConfigReference, renderRestReference } from "../../../src/cli/docs.js";

function firstDifference(a: string, b: string): string {
  const x = a.split("\n");
  const y = b.split("\n");
  const i = x.findIndex((line, n) => line !== y[n]);
  const at = i < 0 ? Math.min(x.length, y.length) : i;
  return `line ${at + 1}:\n  committed: ${y[at] ?? "(end of file)"}\n  generated: ${x[at] ?? "(end of file)"}`;
}

describe.each([
  ["rest.md", renderRestReference],
  ["configuration.md", renderConfigReference],
])("wrangler-free-docs/reference/%s", (file, render) => {
  it("matches what `npm run docs` generates", () => {
    const committed = readFileSync(join(referenceDir(), file), "utf8");
    const generated = render();
    if (generated !== committed)
      expect.fail(
        `${file} is out of date; run \`npm run docs\`. First difference at ${firstDifference(generated, committed)}`,
      );
  });

  it("is a real page", () => {
    const text = render();
    expect(text).toMatch(/^# /);
    expect(text.length).toBeGreaterThan(5000);
  });
});

describe("what the pages hold", () => {
  it("the REST page documents every route, the scaling signal and the schemas", () => {
    const text = renderRestReference();
    for (const s of [
      "### `GET /connectors/{connector}/status`",
      "### `GET /cluster/scaling`",
      "### `GET /metrics`",
      "### ClusterScaling",
      "### ErrorMessage",
    ])
      expect(text).toContain(s);
  });
  it("the configuration page documents worker keys of both modes and every built-in plugin", () => {
    const text = renderConfigReference();
    for (const s of [
      "`rest.auth.basic.credentials.file`",
      "`group.id`",
      "`offset.storage.file.filename`",
      "### FileStreamSourceConnector",
      "### RegexRouter",
      "### JsonConverter",
    ])
      expect(text).toContain(s);
    expect(text).toMatch(/\| `http\.auth\.token` +\| PASSWORD /);
  });
});
