// Entry of the CLI's user-code import worker: registers tsx in this thread (users' designs and
// invariant modules may be TypeScript), then loads import-worker (see campaign/worker-boot.mjs).
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
globalThis[Symbol.for('hasim.tsx-registered')] = true;
const source = new URL('./import-worker.ts', import.meta.url);
await import(existsSync(source) ? source.href : new URL('./import-worker.js', import.meta.url).href);
