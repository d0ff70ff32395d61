/** SQL identifiers, always quoted: table and column names come from configs and record schemas. */

export function quoteIdent(name: string): string {
  if (name.includes("\u0000")) throw new Error(`identifier ${JSON.stringify(name)} contains a NUL character`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** `schema.table` or `table`: split on the first dot, as Confluent's JDBC connectors read table names. */
export interface TableName {
  readonly schema: string | null;
  readonly table: string;
}

export function parseTableName(text: string): TableName {
  const s = text.trim();
  const dot = s.indexOf(".");
  if (dot < 0) return { schema: null, table: s };
  return { schema: s.slice(0, dot), table: s.slice(dot + 1) };
}

export function quoteTable(t: TableName): string {
  return t.schema === null ? quoteIdent(t.table) : `${quoteIdent(t.schema)}.${quoteIdent(t.table)}`;
}

export function tableText(t: TableName): string {
  return t.schema === null ? t.table : `${t.schema}.${t.table}`;
}
