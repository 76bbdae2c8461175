/**
 * The `hasim` binary's entry: runs the CLI on the process's own arguments and streams, then
 * ends the process with its exit code, even if a user's design left a real timer or handle
 * behind. It exits once stdout and stderr have flushed: on a pipe Node writes them
 * asynchronously, and exiting at once cut a large report short at the pipe's 64 KiB
 * (`hasim run --json --history | jq` got a truncated document).
 */
import { main } from './main.ts';

const code = await main(process.argv.slice(2));
let open = 2;
const flushed = (): void => {
  if (--open === 0) process.exit(code);
};
for (const stream of [process.stdout, process.stderr]) {
  // a reader that went away (`| head`) ends the wait too
  stream.once('error', () => process.exit(code));
  stream.write('', flushed);
}
