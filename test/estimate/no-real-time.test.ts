import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The estimate is a function of its inputs and seed: nothing in src/estimate reads the wall
// clock, unseeded randomness, timers or the environment (the CLI measures time, not this).
const DIR = join(import.meta.dirname, '../../src/estimate');
const FORBIDDEN = [/\bDate\b/, /Math\.random/, /\bsetTimeout\b/, /\bsetInterval\b/, /performance\.now/, /process\.env/, /process\.hrtime/];

describe('src/estimate', () => {
  it('never reads real time, unseeded randomness, timers or the environment', () => {
    for (const file of readdirSync(DIR).filter((f) => /\.(ts|mjs)$/.test(f))) {
      const text = readFileSync(join(DIR, file), 'utf8');
      for (const pattern of FORBIDDEN) expect(pattern.test(text), `${file} uses ${pattern}`).toBe(false);
    }
  });
});
