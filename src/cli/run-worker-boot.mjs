// Entry of the worker thread `hasim run` and `hasim replay` simulate in: registers tsx in this
// thread (users' designs may be TypeScript), then loads the worker (see campaign/worker-boot.mjs).
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
globalThis[Symbol.for('hasim.tsx-registered')] = true;
const source = new URL('./run-worker.ts', import.meta.url);
await import(existsSync(source) ? source.href : new URL('./run-worker.js', import.meta.url).href);
