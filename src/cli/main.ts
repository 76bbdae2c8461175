/**
 * The `hasim` command. Exit codes (design.md §6): 0 fine, 1 an invariant failed, 2 bad input or
 * usage, 3 internal error. A user's mistake is one line on stderr naming the file, the field and
 * what was expected; never a stack trace.
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
import { HASIM_VERSION } from '../report/run-json.ts';

export const EXIT = { ok: 0, violation: 1, input: 2, internal: 3 } as const;

function program(): Command {
  const cli = new Command('hasim')
    .description('Deterministic simulator for verifying high-availability failover designs')
    .version(HASIM_VERSION)
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // one line, like every other input error: `hasim: error: unknown option '--x' (see hasim --help)`
      outputError: (s, write) => write(`hasim: ${s.trim()} (see hasim --help)\n`),
    });
  listCommand(cli);
  runCommand(cli);
  checkCommand(cli);
  compareCommand(cli);
  sweepCommand(cli);
  mergeCommand(cli);
  replayCommand(cli);
  estimateCommand(cli);
  return cli;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? EXIT.ok);
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`hasim: ${error.message}\n`);
      return EXIT.input;
    }
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.input;
    }
    process.stderr.write(`hasim: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.internal;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
