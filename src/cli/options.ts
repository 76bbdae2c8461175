/**
 * Flag parsing shared by the commands: seeds, `--set` pairs, output targets. Every bad value is
 * an InputError naming the flag.
 */
import { InputError } from '../sim/input-error.ts';

export function parseSeed(raw: string, flag = '--seed'): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) throw new InputError(flag, '', 'a non-negative integer seed', JSON.stringify(raw));
  return n;
}

/** commander collector for repeatable flags. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
