#!/usr/bin/env node
// The `hasim` command: registers tsx so users' TypeScript design files load as they are, then
// hands over to the CLI: the TypeScript sources in a checkout of hasim, the built JavaScript
// (dist/, made by `npm run build` on prepare and prepack) in an installed package.
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
globalThis[Symbol.for('hasim.tsx-registered')] = true;
const source = new URL('../src/cli/hasim.ts', import.meta.url);
await import(existsSync(source) ? source.href : new URL('../dist/src/cli/hasim.js', import.meta.url).href);
