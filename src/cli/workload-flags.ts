/**
 * The workload flags of every command that simulates (run, replay, check, compare, sweep,
 * estimate): order rate, clients, timeout, attempts, retry policy, arrival process, client
 * session and the event budget. Each value is parsed by the same field types as a schedule's
 * `workload:` section (faults/schedule-workload.ts), and the result is the one `workload`
 * override every run takes, so the order of precedence is the same everywhere:
 *
 *   a flag  >  the schedule's `workload:` section  >  the defaults (world/client.ts)
 */
import type { Command } from 'commander';
import { parseWorkloadText, WORKLOAD_NAMES } from '../faults/schedule-workload.ts';
import type { Workload } from '../world/client.ts';
import { ARRIVALS_EXPECTED } from '../world/arrivals.ts';
import { RETRY_EXPECTED } from '../world/retry-policy.ts';
import { parseCount } from './campaign-output.ts';
import { parseClientSession } from './options.ts';

export interface WorkloadFlags {
  rate?: string;
  clients?: string;
  timeout?: string;
  attempts?: string;
  retry?: string;
  arrivals?: string;
  reads?: string;
  clientSession?: string;
  maxEvents?: string;
}

/** The flags that set a workload field: `--rate` sets `ordersPerSecond` (faults/schedule-workload.ts). */
const FLAG_FIELDS = Object.entries(WORKLOAD_NAMES) as [keyof WorkloadFlags, keyof Workload][];

export const PRECEDENCE = 'flags over the schedule\'s workload: section over the defaults';

/** Declares the workload flags (`session`: also --client-session). */
export function workloadOptions(command: Command, options: { session?: boolean } = {}): Command {
  command
    .option('--rate <orders/s>', `orders per second, all clients together (default 200; ${PRECEDENCE})`)
    .option('--clients <n>', 'clients sharing that rate (default 2)')
    .option('--timeout <duration>', 'per-attempt client timeout, e.g. 500ms (default 1s)')
    .option('--attempts <n>', 'attempts per order, the first included (default 3)')
    .option('--retry <policy>', `retry policy: ${RETRY_EXPECTED} (default fixed)`)
    .option('--arrivals <process>', `order arrivals: ${ARRIVALS_EXPECTED} (default poisson)`)
    .option('--reads <reads/s>', 'reads per second, all clients together, each asking whether one of its orders is there; only designs that serve reads (default 0)');
  if (options.session) {
    command.option('--client-session <policy>', 'reconnect: a timed-out attempt drops its connection, later replies are not acks (default); keep: a FIX-style session takes late replies as acks');
  }
  return command.option('--max-events <n>', 'event budget per run (default: 10 x seconds x (2000 + 50 x orders/s), at least 1,000,000)');
}

/** The workload override the flags give (only what they set), checked before any run. */
export function parseWorkloadFlags(flags: WorkloadFlags): Partial<Workload> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of FLAG_FIELDS) {
    const raw = flags[key];
    if (raw !== undefined) out[field] = parseWorkloadText(field, raw, { source: `--${key}`, field: '' });
  }
  if (flags.clientSession !== undefined) out.session = parseClientSession(flags.clientSession);
  return out as Partial<Workload>;
}

/** `--max-events`, when given. */
export function parseMaxEvents(flags: WorkloadFlags): number | undefined {
  return flags.maxEvents === undefined ? undefined : parseCount(flags.maxEvents, '--max-events', 1);
}

/** The override, or undefined when no workload flag was given (a campaign records none). */
export function optionalWorkload(flags: WorkloadFlags): Partial<Workload> | undefined {
  const w = parseWorkloadFlags(flags);
  return Object.keys(w).length ? w : undefined;
}
