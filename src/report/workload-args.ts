/**
 * The command-line flags that give a workload override back (`--rate 500 --retry breaker:5,10s`):
 * a printed `hasim replay` command carries the workload its run had, or it would not reproduce it.
 */
import { WORKLOAD_NAMES, writeWorkload } from '../faults/schedule-workload.ts';
import type { Workload } from '../world/client.ts';

/** Workload field (as a file spells it) → its flag (cli/workload-flags.ts). */
const FLAGS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(WORKLOAD_NAMES).map(([flag, field]) => [field, `--${flag}`])),
  session: '--client-session',
};

/** The flags of a workload override as a file spells it (`writeWorkload`), e.g. a campaign file's. */
export function writtenWorkloadArgs(written: Record<string, unknown> | null | undefined, maxEvents?: number | null): string[] {
  const args = Object.entries(written ?? {})
    .filter(([name]) => FLAGS[name] !== undefined)
    .map(([name, value]) => `${FLAGS[name]} ${String(value)}`);
  if (maxEvents !== undefined && maxEvents !== null) args.push(`--max-events ${maxEvents}`);
  return args;
}

export function workloadArgs(w: Partial<Workload> | undefined, maxEvents?: number): string[] {
  return writtenWorkloadArgs(w ? writeWorkload(w) : undefined, maxEvents);
}
