/**
 * `npm run golden:update`: recomputes every golden trace hash and rewrites trace-hashes.json
 * (keys sorted, one per line, so the diff shows exactly which runs moved).
 */
import { writeFileSync } from 'node:fs';
import { GOLDEN_FILE, goldenDesigns, goldenHashesOf } from './cases.ts';

const all: Record<string, string> = {};
for (const design of goldenDesigns()) Object.assign(all, await goldenHashesOf(design));
const sorted = Object.fromEntries(Object.keys(all).sort().map((key) => [key, all[key]]));
writeFileSync(GOLDEN_FILE, `${JSON.stringify(sorted, null, 2)}\n`);
process.stdout.write(`wrote ${Object.keys(sorted).length} golden trace hashes to ${GOLDEN_FILE.pathname}\n`);
