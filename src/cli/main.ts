/**
 * The `hasim` command line. Exit codes (design.md §6): 0 fine, 1 an invariant failed, 2 bad
 * input or usage, 3 internal error, 130/143 after SIGINT/SIGTERM (partial results saved).
 * A user's mistake is one line on stderr naming the file, the field or the flag and what was
 * expected; never a stack trace. `main` runs the whole CLI against any streams (the tests run
 * it in-process); `hasim.ts` is the binary's entry.
 */
import { Command, CommanderError } from 'commander';
import { InputError } from '../sim/input-error.ts';
import { listCommand } from './list-command.ts';
import { runCommand } from './run-command.ts';
import { checkCommand } from './check-command.ts';
import { compareCommand } from './compare-command.ts';
import { sweepCommand } from './sweep-command.ts';
import { mergeCommand } from './merge-command.ts';
import { replayCommand } from './replay-command.ts';
import { estimateCommand } from './estimate-command.ts';
import { estimateReplayCommand } from './estimate-replay-command.ts';
import { HASIM_VERSION } from '../report/run-json.ts';
import { err, out, processIo, withIo, type CliIo } from './io.ts';
import { inRunWorker } from './run-in-worker.ts';
import { installUserCodeGuard } from './user-code.ts';

/** Help text width, whatever the terminal: the README holds the same text. */
const HELP_WIDTH = 100;

export const EXIT = { ok: 0, violation: 1, input: 2, internal: 3, interrupted: 130, terminated: 143 } as const;

/** What the figures mean (README "What the figures mean" says the same, with the reasons). */
const DEFINITIONS = `
What the figures mean:
  boot      the design's own start-up, clients already sending; it ends once a client has
            received an ack and no order failed for 1 s after it. Schedule and result times
            count from its end (boot shows negative); nothing in boot counts toward outages,
            RTO, availability, split-brain time or failovers (JSON metrics.bootMs).
  ack       what the client received: by default a timed-out attempt drops its connection and
            later replies on it are not acks (--client-session keep: a FIX-style session that
            takes late replies).
  outage    from the send of the first order not acked within the client timeout until a
            client next receives an ack (for an order sent since); stretches under 100 ms are
            blips, not outages.
  RTO       an outage's length: detection (a node reacted), failover (a node became primary)
            and catch-up (routing and client retries), each naming what it waited on
            (JSON metrics.outages[]: startMs, endMs, rtoMs, ... from the end of boot).
  scopes    a design that serves in scopes (n-plus-1 shards) is judged per scope and
            service-wide: an outage is down (nothing served) or degraded (some scopes down)
            with the share of orders it affected; downtime, uptime and estimate (its ideal
            too) weight outages by that share.
  verdict   compare, sweep and estimate lead with safety: safe, or the invariants broken, how
            often and how badly; an unsafe design's availability is marked (UNSAFE).
`;

export function program(): Command {
  const cli = new Command('hasim')
    .description('Deterministic simulator for verifying high-availability failover designs')
    .addHelpText('after', DEFINITIONS)
    .version(HASIM_VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => out(s),
      writeErr: (s) => err(s),
      // one line, like every other input error: `hasim: error: unknown option '--x' (see hasim --help)`
      outputError: (s, write) => write(`hasim: ${s.trim().replace(/\s*\n\s*/g, ' ')} (see hasim --help)\n`),
    });
  listCommand(cli);
  runCommand(cli);
  checkCommand(cli);
  compareCommand(cli);
  sweepCommand(cli);
  mergeCommand(cli);
  replayCommand(cli);
  estimateCommand(cli);
  estimateReplayCommand(cli);
  // Subcommands print errors and help through the same streams, never exit the process, and
  // wrap help at a fixed width (the README's command reference is this text).
  cli.configureHelp({ helpWidth: HELP_WIDTH });
  for (const command of cli.commands) command.exitOverride().configureOutput(cli.configureOutput()).configureHelp({ helpWidth: HELP_WIDTH });
  return cli;
}

/** Runs `hasim <argv>` with `io` as its streams; resolves with the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo(argv)): Promise<number> {
  let failed: number | undefined;
  const code = await withIo({ ...io, argv }, async () => {
    // user code is tried in a worker before this thread imports it; a run worker has run's own budget
    const restoreGuard = inRunWorker() ? undefined : installUserCodeGuard();
    try {
      await program().parseAsync([...argv], { from: 'user' });
    } catch (error) {
      failed = exitCodeOf(error);
    } finally {
      restoreGuard?.();
    }
  });
  return failed ?? code;
}

function exitCodeOf(error: unknown): number {
  if (error instanceof InputError) {
    err(`hasim: ${oneLine(error.message)}\n`);
    return EXIT.input;
  }
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
    return EXIT.input;
  }
  err(`hasim: internal error (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.internal;
}

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');
