// Worker entry for the determinism test: registers tsx in this thread, then loads run-hash.ts
// (Node 20 does not apply `--import tsx` to a worker's own entry module).
import { register } from 'tsx/esm/api';

register();
await import('./run-hash.ts');
