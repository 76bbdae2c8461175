// Entry of estimate worker threads: registers tsx in this thread, then loads worker.ts
// (the same arrangement as src/campaign/worker-boot.mjs; see there why).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
