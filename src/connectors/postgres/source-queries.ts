/**
 * The SELECTs of the PostgreSQL source, per mode (Confluent's JDBC source criteria). Values are always
 * parameters; PostgreSQL types them from the column they are compared with, so offsets kept as text
 * compare exactly (int8 beyond 2^53, timestamps to the microsecond).
 */
import { quoteIdent } from "./identifiers.js";
import type { Mode } from "./source-config.js";

export interface QueryShape {
  readonly mode: Mode;
  /** a quoted table, or `(query) AS ferry_query` */
  readonly from: string;
  readonly incrementingColumn: string | null;
  readonly timestampColumn: string | null;
  readonly batchMaxRows: number;
}

export interface Position {
  /** last incrementing value read, as text */
  readonly incrementing: string | null;
  /** last timestamp read, as timestamptz text */
  readonly timestamp: string | null;
}

export interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

/**
 * `until` is the upper bound (exclusive) for timestamps: the database's clock minus the delay, as text.
 * Timestamp-only mode takes whole groups of equal timestamps: the LIMIT picks the last timestamp, then
 * every row up to and including it is read, so the next `ts > last` never skips the rest of a group.
 */
export function nextRows(q: QueryShape, at: Position, until: string | null): Statement {
  const inc = q.incrementingColumn === null ? "" : quoteIdent(q.incrementingColumn);
  const ts = q.timestampColumn === null ? "" : quoteIdent(q.timestampColumn);
  const n = q.batchMaxRows;
  switch (q.mode) {
    case "bulk":
      return { text: `SELECT * FROM ${q.from}`, values: [] };
    case "incrementing":
      return at.incrementing === null
        ? {
            text: `SELECT * FROM ${q.from} WHERE ${inc} IS NOT NULL ORDER BY ${inc} ASC LIMIT ${n}`,
            values: [],
          }
        : {
            text: `SELECT * FROM ${q.from} WHERE ${inc} > $1 ORDER BY ${inc} ASC LIMIT ${n}`,
            values: [at.incrementing],
          };
    case "timestamp": {
      const window = `${ts} > $1 AND ${ts} < $2`;
      return {
        text:
          `SELECT * FROM ${q.from} WHERE ${window} AND ${ts} <= COALESCE(` +
          `(SELECT ${ts} FROM ${q.from} WHERE ${window} ORDER BY ${ts} ASC OFFSET ${n - 1} LIMIT 1), $2) ` +
          `ORDER BY ${ts} ASC`,
        values: [at.timestamp ?? "-infinity", until],
      };
    }
    case "timestamp+incrementing":
      return {
        text:
          `SELECT * FROM ${q.from} WHERE ${ts} < $3 AND (${ts} > $1 OR (${ts} = $1 AND ${inc} > $2)) ` +
          `ORDER BY ${ts} ASC, ${inc} ASC LIMIT ${n}`,
        values: [at.timestamp ?? "-infinity", at.incrementing ?? "0", until],
      };
  }
}
