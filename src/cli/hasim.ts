/**
 * The `hasim` binary's entry: runs the CLI on the process's own arguments and streams, then
 * ends the process with its exit code, even if a user's design left a real timer or handle
 * behind (stdout and stderr are written synchronously on pipes and files, so nothing is lost).
 */
import { main } from './main.ts';

const code = await main(process.argv.slice(2));
process.exit(code);
