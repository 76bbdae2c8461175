/**
 * Behaviour is pinned: every bundled design under the golden scenarios and seeds gives the
 * committed trace hash. A failure here means a change moved behaviour; if that was intended,
 * run `npm run golden:update` and say in the commit which hashes moved and why.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GOLDEN_FILE, goldenDesigns, goldenHashesOf } from './cases.ts';

// A design's seven runs take 2-5 s on an idle core; the generous limit only keeps a loaded
// machine (CI neighbours, parallel work) from failing a test whose result is not about time.
const DESIGN_TIMEOUT_MS = 300_000;

const committed = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as Record<string, string>;

describe('golden trace hashes', () => {
  it('cover every bundled design and nothing else', () => {
    const designs = new Set(Object.keys(committed).map((key) => key.split('/')[0]));
    expect([...designs].sort()).toEqual(goldenDesigns());
  });

  for (const design of goldenDesigns()) {
    it(`of ${design} are the committed ones (update: npm run golden:update)`, async () => {
      const expected = Object.fromEntries(Object.entries(committed).filter(([key]) => key.startsWith(`${design}/`)));
      expect(await goldenHashesOf(design)).toEqual(expected);
    }, DESIGN_TIMEOUT_MS);
  }
});
