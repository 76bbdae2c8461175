#!/usr/bin/env node
// The `hasim` command: registers tsx so users' TypeScript design files load as they are, then
// hands over to the CLI: the TypeScript sources in a checkout of hasim, the built JavaScript
// (dist/, made by `npm run build` on prepare and prepack) in an installed package.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

// Compile every function to V8's baseline code (Sparkplug) on its first call instead of
// interpreting it until it is warm: simulations spend ~13 % less CPU (check raft, 60-run bench
// profile: 180 -> 155 ms CPU per run), in this thread and in the worker threads started later
// (V8's flags are the process's). A JIT tier changes no result: the trace hashes are the same.
setFlagsFromString('--always-sparkplug');
register();
globalThis[Symbol.for('hasim.tsx-registered')] = true;
const source = new URL('../src/cli/hasim.ts', import.meta.url);
await import(existsSync(source) ? source.href : new URL('../dist/src/cli/hasim.js', import.meta.url).href);
