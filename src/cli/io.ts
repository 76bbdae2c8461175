/**
 * Where the CLI's output goes, and the exit code it ends with. The commands write through
 * `out`/`err` and set `exitWith`, never `process.stdout` or `process.exitCode` directly, so the
 * whole CLI runs in-process under a test with captured streams (`runCli`), exactly as the
 * `hasim` binary runs it in a process of its own.
 */

export interface CliIo {
  /** The report, JSON sent to stdout, tables. */
  stdout: (text: string) => void;
  /** Errors, warnings, progress. */
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress redraws a bar) or a log (a line every few seconds). */
  stderrIsTty: boolean;
  /** The command line as typed, without `hasim` (recorded in result files and replay lines). */
  argv: readonly string[];
}

export const processIo = (argv: readonly string[]): CliIo => ({
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  stderrIsTty: process.stderr.isTTY === true,
  argv,
});

let current: CliIo = processIo([]);
let exitCode = 0;

export const out = (text: string): void => current.stdout(text);
export const err = (text: string): void => current.stderr(text);
export const stderrIsTty = (): boolean => current.stderrIsTty;

/** The arguments as given (without `hasim`). */
export const cliArgv = (): readonly string[] => current.argv;

/** The command line as result files record it: `['hasim', ...argv]`. */
export const commandLine = (): string[] => ['hasim', ...current.argv];

/** Sets the exit code the command ends with (0 unless a command says otherwise). */
export function exitWith(code: number): void {
  exitCode = code;
}

/** Runs `body` with `io` as the CLI's streams; returns the exit code it set. */
export async function withIo(io: CliIo, body: () => Promise<void>): Promise<number> {
  const previous = current;
  current = io;
  exitCode = 0;
  try {
    await body();
    return exitCode;
  } finally {
    current = previous;
  }
}
