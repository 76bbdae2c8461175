#!/usr/bin/env node
// The `hasim` command: hands over to the CLI, from the fastest form that runs it correctly.
// - In a checkout of hasim with no argument that may name user code: the CLI's cached bundle
//   (src/campaign/bundle-file.mjs, mayNameUserCode, says why), started without tsx. The bundle
//   registers tsx itself if a user's TypeScript file is loaded after all (catalog.ts).
// - Otherwise in a checkout: tsx registered, so users' TypeScript design files load as they
//   are, then the CLI's TypeScript sources (or the bundle, built once and cached, when only the
//   bundle's cache entry was missing).
// - In an installed package: the built JavaScript (dist/, made by `npm run build` on prepare and
//   prepack), with tsx registered.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// Compile every function to V8's baseline code (Sparkplug) on its first call instead of
// interpreting it until it is warm, so code waiting for the optimising compiler (whose threads
// compete for the cores with the workers) waits in baseline code. check raft, 60 runs, CPU:
// 2-3 % less with 1 worker on a quiet 2-core machine, 5-10 % with 2 workers, 13-15 % at load
// 26. It applies to this thread and the worker threads started later (V8's flags are the
// process's). A JIT tier changes no result: the trace hashes are the same.
setFlagsFromString('--always-sparkplug');
// Half V8's budget for inlining into one optimised function (920 bytes of bytecode by default):
// hasim's hot handlers call deep chains of small methods, and with the full budget each
// optimised handler carries most of the simulator inlined, so a deopt anywhere in it (common
// while a run's rarer paths, failovers and retries, are met for the first time) throws all of it
// away and its recompile costs tens of ms on the compiler's threads. `check raft --runs 60` on
// the bench's profile (60 s at 200 orders/s), CPU, A/B alternated at load ~20: 9.20-9.26 ->
// 8.60-9.00 s with 1 worker, 11.27-11.53 -> 9.78-9.83 s with 2 (in one thread, per run: 143-149
// -> 130-134 ms from a fresh process, 125-129 -> 111-114 ms after 25 warm-up runs). No result
// changes: the same --json, and the golden trace hashes recomputed under the flag are identical.
setFlagsFromString('--max-inlined-bytecode-size-cumulative=460');

const source = new URL('../src/cli/hasim.ts', import.meta.url);
const checkout = existsSync(source);
const args = process.argv.slice(2);
const key = checkout ? await import('../src/campaign/bundle-file.mjs') : undefined;
const ownCodeOnly = key !== undefined && !args.some(key.mayNameUserCode);
const cached = ownCodeOnly ? key.bundleFile('cli', fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')) : undefined;
if (cached && existsSync(cached)) {
  await import(pathToFileURL(cached).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  globalThis[Symbol.for('hasim.tsx-registered')] = true;
  if (!checkout) {
    await import(new URL('../dist/src/cli/hasim.js', import.meta.url).href);
  } else {
    const built = ownCodeOnly ? await (await import('../src/campaign/worker-bundle.ts')).bundle('cli').catch(() => undefined) : undefined;
    await import((built ?? source).href);
  }
}
