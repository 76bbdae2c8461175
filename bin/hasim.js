#!/usr/bin/env node
// The `hasim` command: registers tsx so the TypeScript sources (and users' own design files)
// load directly, then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/hasim.ts');
