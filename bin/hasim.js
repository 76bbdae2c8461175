#!/usr/bin/env node
// The `hasim` command: registers tsx so users' TypeScript design files load as they are, then
// hands over to the CLI: the TypeScript sources in a checkout of hasim, the built JavaScript
// (dist/, made by `npm run build` on prepare and prepack) in an installed package.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

// Compile every function to V8's baseline code (Sparkplug) on its first call instead of
// interpreting it until it is warm, so code waiting for the optimising compiler (whose threads
// compete for the cores with the workers) waits in baseline code. check raft, 60 runs, CPU:
// 2-3 % less with 1 worker on a quiet 2-core machine, 5-10 % with 2 workers, 13-15 % at load
// 26. It applies to this thread and the worker threads started later (V8's flags are the
// process's). A JIT tier changes no result: the trace hashes are the same.
setFlagsFromString('--always-sparkplug');
register();
globalThis[Symbol.for('hasim.tsx-registered')] = true;
const source = new URL('../src/cli/hasim.ts', import.meta.url);
await import(existsSync(source) ? source.href : new URL('../dist/src/cli/hasim.js', import.meta.url).href);
