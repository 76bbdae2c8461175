/**
 * Runs the CLI in this process, as the `hasim` binary would run it, with stdout and stderr
 * captured and the exit code returned: fast enough for tables of hundreds of cases (spawning
 * a process per case costs ~1 s each). A handful of tests spawn the real binary
 * (`run-hasim.ts`) to show it behaves the same.
 */
import { main } from '../../src/cli/main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], options: { cwd?: string } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const before = process.cwd();
  if (options.cwd) process.chdir(options.cwd);
  try {
    const code = await main(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stderrIsTty: false, argv: args });
    return { code, stdout, stderr };
  } finally {
    process.chdir(before);
  }
}
