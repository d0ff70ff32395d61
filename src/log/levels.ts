/**
 * Logger levels changeable at runtime, behind Kafka Connect's /admin/loggers (KIP-495), over pino.
 *
 * Every pino logger of the process has a name:
 * - `root`: the worker's logger (the one `attach` was given);
 * - a child logger bound to a connector: the connector's name, or `<connector>-<task>` when it is bound to a
 *   task too (Kafka's task id), e.g. `orders-sink-0`;
 * - a child bound to a `component` (e.g. kafkajs): that component's name;
 * - any other child: its parent's name.
 * Any other name (e.g. Kafka's `org.apache.kafka.connect.runtime.WorkerSinkTask`) is accepted too: it becomes a
 * known logger with a level, and applies to loggers created later whose names start with it.
 *
 * As in Kafka's Loggers, setting a level on a namespace sets it on every known logger whose name starts with
 * the namespace (all loggers for `root`); a logger created later takes the level of the longest set name it
 * starts with, else root's. Levels are log4j names, mapped to pino: TRACE→trace, DEBUG→debug, INFO→info,
 * WARN→warn, ERROR→error, FATAL→fatal, OFF→silent, ALL→trace. Nothing is persisted: a restarted worker is back
 * to its initial levels.
 */
import type { Logger } from "pino";

export const LOG4J_LEVELS = ["ALL", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"] as const;
export type Log4jLevel = (typeof LOG4J_LEVELS)[number];

export const ROOT_LOGGER = "root";

const TO_PINO: Record<Log4jLevel, string> = {
  ALL: "trace",
  TRACE: "trace",
  DEBUG: "debug",
  INFO: "info",
  WARN: "warn",
  ERROR: "error",
  FATAL: "fatal",
  OFF: "silent",
};

const FROM_PINO: Record<string, Log4jLevel> = {
  trace: "TRACE",
  debug: "DEBUG",
  info: "INFO",
  warn: "WARN",
  error: "ERROR",
  fatal: "FATAL",
  silent: "OFF",
};

/** Kafka's LoggerLevel entity. */
export interface LoggerLevel {
  level: string;
  last_modified: number | null;
}

/** The log4j level for a name (case-insensitive), or null when it is not one. */
export function parseLog4jLevel(s: string): Log4jLevel | null {
  const u = s.trim().toUpperCase();
  return (LOG4J_LEVELS as readonly string[]).includes(u) ? (u as Log4jLevel) : null;
}

export function pinoLevel(level: Log4jLevel): string {
  return TO_PINO[level];
}

export function log4jLevelOfPino(level: string): Log4jLevel {
  return FROM_PINO[level] ?? "INFO";
}

/** The logger name of a pino child from its bindings, or undefined when they name nothing. */
export function loggerNameOf(bindings: Readonly<Record<string, unknown>>): string | undefined {
  const connector = bindings.connector;
  if (typeof connector === "string" && connector.length > 0) {
    const task = bindings.task;
    return typeof task === "number" || typeof task === "string" ? `${connector}-${task}` : connector;
  }
  const component = bindings.component;
  if (typeof component === "string" && component.length > 0) return component;
  return undefined;
}

export class LoggerLevels {
  /** explicitly set levels; root always has one */
  private readonly levels = new Map<string, Log4jLevel>();
  private readonly lastModified = new Map<string, number>();
  /** live pino loggers by name; collected loggers drop out */
  private readonly live = new Map<string, Set<WeakRef<Logger>>>();
  private readonly names = new WeakMap<Logger, string>();

  constructor(
    root: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.levels.set(ROOT_LOGGER, log4jLevelOfPino(root.level));
    this.track(root, ROOT_LOGGER);
    // children (and theirs: onChild is inherited) register themselves when created
    root.onChild = (child: Logger) => this.register(child);
  }

  private register(child: Logger): void {
    const parent = Object.getPrototypeOf(child) as Logger;
    let own: string | undefined;
    try {
      own = loggerNameOf(child.bindings());
    } catch {
      own = undefined;
    }
    const name = own ?? this.names.get(parent) ?? ROOT_LOGGER;
    this.track(child, name);
    const level = pinoLevel(this.effective(name));
    if (child.level !== level) child.level = level;
  }

  private tracked = 0;

  private track(logger: Logger, name: string): void {
    // loggers of stopped tasks are collected; drop their references now and then
    if (++this.tracked % 256 === 0) this.liveNames();
    this.names.set(logger, name);
    let set = this.live.get(name);
    if (!set) this.live.set(name, (set = new Set()));
    set.add(new WeakRef(logger));
  }

  /** the explicit level of the longest set name `name` starts with, else root's */
  private effective(name: string): Log4jLevel {
    const own = this.levels.get(name);
    if (own) return own;
    let best: string | undefined;
    for (const n of this.levels.keys()) {
      if (n === ROOT_LOGGER) continue;
      if (name.startsWith(n) && (best === undefined || n.length > best.length)) best = n;
    }
    return this.levels.get(best ?? ROOT_LOGGER) ?? "INFO";
  }

  private liveNames(): string[] {
    const out: string[] = [];
    for (const [name, refs] of this.live) {
      for (const r of refs) if (r.deref() === undefined) refs.delete(r);
      if (refs.size === 0) this.live.delete(name);
      else out.push(name);
    }
    return out;
  }

  /**
   * Namespaces a PUT named, changed or not: Kafka's Loggers.setLevel creates the log4j logger it is given, so
   * it is known afterwards even when its level did not change.
   */
  private readonly declared = new Set<string>();

  /** every logger this worker knows: live ones, names given a level and names a PUT declared */
  knownNames(): string[] {
    return [...new Set([ROOT_LOGGER, ...this.levels.keys(), ...this.declared, ...this.liveNames()])].sort();
  }

  private info(name: string): LoggerLevel {
    return { level: this.effective(name), last_modified: this.lastModified.get(name) ?? null };
  }

  /** A logger's level (its effective level when none was set), or null for a logger nobody knows. */
  level(name: string): LoggerLevel | null {
    if (name.toLowerCase() === ROOT_LOGGER) return this.info(ROOT_LOGGER);
    if (!this.levels.has(name) && !this.declared.has(name) && !this.liveNames().includes(name)) return null;
    return this.info(name);
  }

  /** Every known logger and its level, sorted by name. */
  allLevels(): Record<string, LoggerLevel> {
    const out: Record<string, LoggerLevel> = {};
    for (const n of this.knownNames()) out[n] = this.info(n);
    return out;
  }

  /**
   * Sets the level of `namespace` and of every known logger whose name starts with it (of all loggers for
   * root); returns the names of those whose level changed, sorted. An invalid level changes nothing and returns [].
   */
  setLevel(namespace: string, level: string): string[] {
    const lvl = parseLog4jLevel(level);
    if (lvl === null) return [];
    const isRoot = namespace.toLowerCase() === ROOT_LOGGER;
    const ns = isRoot ? ROOT_LOGGER : namespace;
    const affected = isRoot
      ? this.knownNames()
      : [...new Set([ns, ...this.knownNames().filter((n) => n !== ROOT_LOGGER && n.startsWith(ns))])].sort();
    if (!isRoot) this.declared.add(ns);
    const at = this.now();
    // as Kafka's Loggers.setLevel: a logger already at the level is skipped and not listed, so setting
    // the same level twice answers []
    const changed = affected.filter((n) => this.effective(n) !== lvl);
    for (const n of changed) {
      this.lastModified.set(n, at);
      this.levels.set(n, lvl);
    }
    this.apply();
    return changed;
  }

  /** pushes the effective levels onto every live pino logger */
  private apply(): void {
    for (const [name, refs] of this.live) {
      const level = pinoLevel(this.effective(name));
      for (const r of refs) {
        const l = r.deref();
        if (l && l.level !== level) l.level = level;
      }
    }
  }
}
