/**
 * What `ferry chaos` checks, as Kafka's test_bounce does (reference §8.2, §8.3), per source task (seqnos are
 * unique per task only): the seqnos the source reported as acknowledged, the seqnos in the topic (read
 * read_committed) and the seqnos the sink reported as flushed — each set's duplicates and gaps, and the
 * records lost between them. Pure functions, unit tested.
 */

export type ChaosMode = "hard" | "clean";

export interface SeqnoStats {
  /** how many times any seqno was seen */
  readonly count: number;
  /** distinct seqnos */
  readonly unique: number;
  /** highest seqno seen; -1 when none */
  readonly max: number;
  /** count - unique */
  readonly duplicates: number;
  /** seqnos in [0, max] never seen */
  readonly gaps: number;
  /** the first few missing seqnos, for the report */
  readonly firstGaps: readonly number[];
}

export interface TaskReport {
  readonly task: number;
  readonly acked: SeqnoStats;
  readonly topic: SeqnoStats;
  readonly flushed: SeqnoStats;
  /** acknowledged but not in the topic (read_committed) */
  readonly lostInTopic: number;
  /** in the topic but never flushed by the sink */
  readonly lostInSink: number;
}

export interface Violation {
  readonly task: number;
  readonly message: string;
}

export function seqnoStats(seqnos: readonly number[]): SeqnoStats {
  let max = -1;
  for (const s of seqnos) if (s > max) max = s;
  const seen = new Uint8Array(max + 1);
  let unique = 0;
  for (const s of seqnos) {
    if (s < 0 || !Number.isInteger(s)) continue;
    if (seen[s] === 0) unique++;
    seen[s] = 1;
  }
  const firstGaps: number[] = [];
  let gaps = 0;
  for (let i = 0; i <= max; i++) {
    if (seen[i] === 0) {
      gaps++;
      if (firstGaps.length < 5) firstGaps.push(i);
    }
  }
  return { count: seqnos.length, unique, max, duplicates: seqnos.length - unique, gaps, firstGaps };
}

/** How many of `from` are missing in `to`. */
function missing(from: readonly number[], to: readonly number[]): number {
  const have = new Set(to);
  let n = 0;
  for (const s of new Set(from)) if (!have.has(s)) n++;
  return n;
}

export function taskReport(
  task: number,
  acked: readonly number[],
  topic: readonly number[],
  flushed: readonly number[],
): TaskReport {
  return {
    task,
    acked: seqnoStats(acked),
    topic: seqnoStats(topic),
    flushed: seqnoStats(flushed),
    lostInTopic: missing(acked, topic),
    lostInSink: missing(topic, flushed),
  };
}

/**
 * The guarantees: no gaps and nothing lost, ever; no duplicates on clean bounces; with exactly-once, no
 * duplicates in the topic (read_committed) even under SIGKILL. With exactly-once the acknowledged set may
 * miss seqnos a worker committed but was killed before reporting, so its gaps are not checked then (Kafka's
 * test_exactly_once_source checks the topic alone). A sink is at least once: under SIGKILL it may see a
 * record twice.
 */
export function violations(
  reports: readonly TaskReport[],
  mode: ChaosMode,
  exactlyOnce: boolean,
  minRecords: number,
): Violation[] {
  const out: Violation[] = [];
  const add = (task: number, message: string) => out.push({ task, message });
  const gapText = (s: SeqnoStats) => `${s.gaps} (first: ${s.firstGaps.join(", ")})`;
  for (const r of reports) {
    if (!exactlyOnce && r.acked.gaps > 0) add(r.task, `acknowledged seqnos have gaps: ${gapText(r.acked)}`);
    if (r.topic.gaps > 0) add(r.task, `topic seqnos have gaps: ${gapText(r.topic)}`);
    if (r.flushed.gaps > 0) add(r.task, `sink flushed seqnos have gaps: ${gapText(r.flushed)}`);
    if (r.lostInTopic > 0) add(r.task, `${r.lostInTopic} acknowledged records are not in the topic`);
    if (r.lostInSink > 0) add(r.task, `${r.lostInSink} records in the topic never reached the sink`);
    if (r.flushed.max > r.topic.max) add(r.task, "the sink flushed seqnos the topic does not hold");
    if (mode === "clean") {
      if (r.acked.duplicates > 0) add(r.task, `${r.acked.duplicates} duplicate acknowledgements (clean)`);
      if (r.topic.duplicates > 0) add(r.task, `${r.topic.duplicates} duplicates in the topic (clean)`);
      if (r.flushed.duplicates > 0)
        add(r.task, `${r.flushed.duplicates} duplicates flushed by the sink (clean)`);
    } else if (exactlyOnce) {
      if (r.topic.duplicates > 0)
        add(r.task, `${r.topic.duplicates} duplicates in the topic (read_committed) with exactly-once`);
      if (r.acked.duplicates > 0)
        add(r.task, `${r.acked.duplicates} duplicate acknowledgements with exactly-once`);
    }
    if (r.topic.max + 1 < minRecords) add(r.task, `only ${r.topic.max + 1} source records (< ${minRecords})`);
    if (r.flushed.max + 1 < minRecords)
      add(r.task, `only ${r.flushed.max + 1} sink records flushed (< ${minRecords})`);
  }
  return out;
}

/** p50, p95 and max of a list of durations (ms); null when empty. */
export function percentiles(ms: readonly number[]): { p50: number; p95: number; max: number } | null {
  if (ms.length === 0) return null;
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? 0;
  return { p50: at(0.5), p95: at(0.95), max: s[s.length - 1] ?? 0 };
}

/** Adds a seqno to its task's list in a per-task map. */
export function addSeqno(byTask: Map<number, number[]>, task: number, seqno: number): void {
  const list = byTask.get(task);
  if (list) list.push(seqno);
  else byTask.set(task, [seqno]);
}

/** The highest seqno of a list; -1 when empty. */
export function maxSeqno(seqnos: readonly number[]): number {
  let m = -1;
  for (const x of seqnos) if (x > m) m = x;
  return m;
}
