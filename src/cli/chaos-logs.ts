/**
 * `ferry chaos`'s reading of the verifiable connectors' logs (JSON lines: a source task's acknowledged
 * seqnos, a sink task's flushed ones), as they grow: new lines since the last read, the wait until a log
 * stops growing, and the wait until records flow again after a disruption.
 */
import { open } from "node:fs/promises";
import { sleep } from "../sleep.js";

export const RESUME_TIMEOUT_MS = 60_000;
export const NOT_RESUMED = `records did not flow again within ${RESUME_TIMEOUT_MS} ms of the disruption`;
/** new records per task that show a pipeline flowing again */
const RESUME_RECORDS = 10;

export interface ReportLine {
  task: number;
  seqno: number;
  committed?: boolean;
  flushed?: boolean;
}

/** Reads the JSON lines appended to a file since the last call. */
export class LineReader {
  private offset = 0;
  private partial = "";
  constructor(private readonly file: string) {}

  async next(): Promise<ReportLine[]> {
    const fh = await open(this.file, "r").catch(() => null);
    if (!fh) return [];
    try {
      const { size } = await fh.stat();
      if (size <= this.offset) return [];
      const buf = Buffer.alloc(size - this.offset);
      await fh.read(buf, 0, buf.length, this.offset);
      this.offset = size;
      const text = this.partial + buf.toString("utf8");
      const lines = text.split("\n");
      this.partial = lines.pop() ?? "";
      const out: ReportLine[] = [];
      for (const l of lines) {
        if (!l.startsWith("{")) continue;
        const j = JSON.parse(l) as ReportLine;
        if (typeof j.task === "number" && typeof j.seqno === "number") out.push(j);
      }
      return out;
    } finally {
      await fh.close();
    }
  }
}

/** Until the file has not grown for `quietMs`. */
export async function waitQuiet(file: string, quietMs: number): Promise<void> {
  let size = -1;
  let since = Date.now();
  const deadline = Date.now() + 60_000;
  while (Date.now() - since < quietMs && Date.now() < deadline) {
    const fh = await open(file, "r").catch(() => null);
    const now = fh ? (await fh.stat()).size : 0;
    await fh?.close();
    if (now !== size) {
      size = now;
      since = Date.now();
    }
    await sleep(100);
  }
}

/**
 * After a disruption: the ms from `since` until every source task has RESUME_RECORDS more acknowledged
 * records than at the call and the sink flushed up to them; null after RESUME_TIMEOUT_MS.
 */
export async function waitResumed(
  sourceLog: string,
  sinkLog: string,
  tasks: number,
  since: number,
): Promise<number | null> {
  const acked = new Map<number, number>();
  const flushed = new Map<number, number>();
  const source = new LineReader(sourceLog);
  const sink = new LineReader(sinkLog);
  const take = async () => {
    for (const l of await source.next())
      if (l.committed === true) acked.set(l.task, Math.max(acked.get(l.task) ?? -1, l.seqno));
    for (const l of await sink.next())
      if (l.flushed === true) flushed.set(l.task, Math.max(flushed.get(l.task) ?? -1, l.seqno));
  };
  await take();
  const targets = new Map<number, number>();
  for (let t = 0; t < tasks; t++) targets.set(t, (acked.get(t) ?? -1) + RESUME_RECORDS);
  const deadline = Date.now() + RESUME_TIMEOUT_MS;
  for (;;) {
    const done = [...targets].every(
      ([t, target]) => (acked.get(t) ?? -1) >= target && (flushed.get(t) ?? -1) >= target,
    );
    if (done) return Date.now() - since;
    if (Date.now() > deadline) return null;
    await sleep(100);
    await take();
  }
}
