/**
 * The one error type a user can cause: a bad file, field, flag or value. It carries where the
 * problem is and what was expected, and the CLI prints it as a single line with exit code 2.
 */
export class InputError extends Error {
  constructor(
    /** The file (or `--flag`, or `design`) the bad input came from. */
    readonly source: string,
    /** The field path inside it, e.g. `faults[2].at`; empty when the whole input is wrong. */
    readonly field: string,
    /** What was expected there, e.g. `a duration such as 250ms or 30s`. */
    readonly expected: string,
    /** What was found, when it helps to show it. */
    readonly found?: string,
  ) {
    super(formatInputError(source, field, expected, found));
    this.name = 'InputError';
  }
}

function formatInputError(source: string, field: string, expected: string, found?: string): string {
  const where = field ? `${source}: ${field}` : source;
  const got = found === undefined ? '' : ` (got ${found})`;
  return `${where}: expected ${expected}${got}`;
}

/** Shows a found value briefly and safely in an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}
