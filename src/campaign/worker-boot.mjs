// Entry of campaign worker threads: registers tsx in this thread, then loads worker.ts.
// (Node 20 does not apply `--import tsx` loader hooks to a worker's own entry module, so
// `execArgv: ['--import', 'tsx']` cannot load a .ts worker; registering from a .mjs entry can.)
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
