// Entry of estimate worker threads: registers tsx in this thread, then loads worker.ts
// (the same arrangement as src/campaign/worker-boot.mjs; see there why).
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
globalThis[Symbol.for('hasim.tsx-registered')] = true;
// the sources (worker.ts) in a checkout, the build (worker.js) in an installed package
const source = new URL('./worker.ts', import.meta.url);
await import(existsSync(source) ? source.href : new URL('./worker.js', import.meta.url).href);
