/**
 * Behaviour is pinned: every bundled design under the golden scenarios and seeds gives the
 * committed trace hash. A failure here means a change moved behaviour; if that was intended,
 * run `npm run golden:update` and say in the commit which hashes moved and why.
 *
 * The designs are checked in GOLDEN_PARTS files (`trace-hashes-1.test.ts` ...), design i in
 * part i mod GOLDEN_PARTS + 1, so vitest runs them on every core instead of one file of ~40 s
 * of simulation holding up the end of `npm test`. Every design falls in exactly one part.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GOLDEN_FILE, goldenDesigns, goldenHashesOf } from './cases.ts';

export const GOLDEN_PARTS = 6;

// A design's seven runs take 2-5 s on an idle core; the generous limit only keeps a loaded
// machine (CI neighbours, parallel work) from failing a test whose result is not about time.
const DESIGN_TIMEOUT_MS = 300_000;

const partFile = (part: number) => `trace-hashes-${part}.test.ts`;

/** The designs part `part` (1-based) checks. */
export function designsOfPart(part: number): string[] {
  return goldenDesigns().filter((_, i) => (i % GOLDEN_PARTS) + 1 === part);
}

/** The tests of one part; part 1 also checks that the committed file and the parts cover every design. */
export function goldenHashesPart(part: number): void {
  const committed = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as Record<string, string>;
  describe(`golden trace hashes, part ${part} of ${GOLDEN_PARTS}`, () => {
    if (part === 1) {
      it('cover every bundled design and nothing else', () => {
        const designs = new Set(Object.keys(committed).map((key) => key.split('/')[0]));
        expect([...designs].sort()).toEqual(goldenDesigns());
      });

      it('are checked by one file per part, every design in one part', () => {
        const files = readdirSync(new URL('.', GOLDEN_FILE)).filter((f) => /^trace-hashes-\d+\.test\.ts$/.test(f));
        expect(files.sort()).toEqual(Array.from({ length: GOLDEN_PARTS }, (_, i) => partFile(i + 1)).sort());
        const parts = Array.from({ length: GOLDEN_PARTS }, (_, i) => designsOfPart(i + 1));
        expect(parts.flat().sort()).toEqual(goldenDesigns());
      });
    }

    for (const design of designsOfPart(part)) {
      it(`of ${design} are the committed ones (update: npm run golden:update)`, async () => {
        const expected = Object.fromEntries(Object.entries(committed).filter(([key]) => key.startsWith(`${design}/`)));
        expect(await goldenHashesOf(design)).toEqual(expected);
      }, DESIGN_TIMEOUT_MS);
    }
  });
}
