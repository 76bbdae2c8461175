/**
 * One table, three renderings: a cli-table3 box for terminals, CSV (RFC 4180 quoting) for
 * spreadsheets, and GitHub Markdown for READMEs and PR comments. Commands build a `Tabular`
 * (columns and rows of already formatted cells) and pick the rendering from `--format`.
 *
 * ```ts
 * const t = { columns: ['design', 'RTO p99'], rows: [['raft', '1.20s']], align: ['left', 'right'] };
 * renderTable(t, 'md'); // "| design | RTO p99 |\n| :--- | ---: |\n| raft | 1.20s |\n"
 * ```
 */
import Table from 'cli-table3';
import { InputError } from '../sim/input-error.ts';

export type Format = 'table' | 'json' | 'csv' | 'md';
export const FORMATS: readonly Format[] = ['table', 'json', 'csv', 'md'];

export interface Tabular {
  columns: string[];
  rows: (string | number)[][];
  /** Per column; default: the first left, the rest right. */
  align?: ('left' | 'right')[];
}

export function parseFormat(raw: string): Format {
  if (!(FORMATS as readonly string[]).includes(raw)) throw new InputError('--format', '', `one of ${FORMATS.join(', ')}`, JSON.stringify(raw));
  return raw as Format;
}

export function renderTable(t: Tabular, format: Exclude<Format, 'json'>): string {
  switch (format) {
    case 'csv':
      return toCsv(t);
    case 'md':
      return toMarkdown(t);
    case 'table':
      return toBox(t);
  }
}

const alignOf = (t: Tabular, i: number) => t.align?.[i] ?? (i === 0 ? 'left' : 'right');

/** A box for a terminal; `compact`: no rule between rows. */
export function toBox(t: Tabular, options: { compact?: boolean } = {}): string {
  const table = new Table({
    head: t.columns,
    colAligns: t.columns.map((_, i) => alignOf(t, i)),
    style: { head: [], border: [], compact: options.compact ?? false },
  });
  for (const row of t.rows) table.push(row.map(String));
  return table.toString() + '\n';
}

/** RFC 4180: fields with a comma, quote, CR or LF are quoted, quotes doubled; CRLF between records. */
export function toCsv(t: Tabular): string {
  const cell = (v: string | number) => {
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [t.columns, ...t.rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** A GitHub-flavoured Markdown table; pipes and newlines inside cells are escaped. */
export function toMarkdown(t: Tabular): string {
  const cell = (v: string | number) => String(v).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
  const line = (cells: (string | number)[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `| ${t.columns.map((_, i) => (alignOf(t, i) === 'right' ? '---:' : ':---')).join(' | ')} |`;
  return [line(t.columns), rule, ...t.rows.map(line)].join('\n') + '\n';
}
