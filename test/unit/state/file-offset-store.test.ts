import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileOffsetStore } from "../../../src/state/file/file-offset-store.js";
import { runOffsetStoreContract } from "../../integration/state/offset-store.case.js";
import { tempDir } from "../../support/files.js";

runOffsetStoreContract(
  async () => {
    const dir = await tempDir("offsets");
    const path = join(dir.path, "sub", "offsets.json");
    const open = async () => {
      const s = new FileOffsetStore(path);
      await s.start();
      return s;
    };
    return { store: await open(), reopen: open, cleanup: dir.cleanup };
  },
  { durable: true },
);

describe("FileOffsetStore", () => {
  it("refuses a corrupt file, naming it", async () => {
    const dir = await tempDir("offsets-bad");
    try {
      const path = join(dir.path, "offsets.json");
      await writeFile(path, "{not json");
      await expect(new FileOffsetStore(path).start()).rejects.toThrow(/offsets\.json is corrupt/);
      await writeFile(path, JSON.stringify({ format: "other" }));
      await expect(new FileOffsetStore(path).start()).rejects.toThrow(/not a Ferry offsets file/);
    } finally {
      await dir.cleanup();
    }
  });
});
