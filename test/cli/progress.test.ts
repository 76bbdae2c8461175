/**
 * The progress line: drawn on a terminal (runs/s, ETA, failures so far) and cleared at the end;
 * nothing at all when stderr is not a terminal, so CI logs stay clean.
 */
import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../../src/cli/campaign-output.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, columns: 80, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream, writes };
}

describe('ProgressBar', () => {
  it('draws runs done, rate, ETA and failures on a terminal, then clears the line', () => {
    const { stream, writes } = fakeStream(true);
    const bar = new ProgressBar(stream);
    bar.update({ phase: 'runs', done: 10, total: 10, failedRuns: 2, elapsedMs: 1000 });
    expect(writes[0]).toMatch(/^\r\[#{24}\] 10\/10 [\d.]+ runs\/s ETA .* failures 2/);
    bar.update({ phase: 'shrink', done: 1, total: 2, failedRuns: 2, elapsedMs: 1000 });
    bar.done();
    expect(writes.at(-1)).toMatch(/^\r +\r$/);
  });

  it('writes nothing when stderr is not a terminal', () => {
    const { stream, writes } = fakeStream(false);
    const bar = new ProgressBar(stream);
    bar.update({ phase: 'runs', done: 5, total: 10, failedRuns: 0, elapsedMs: 500 });
    bar.done();
    expect(writes).toEqual([]);
  });
});
