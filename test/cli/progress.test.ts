/**
 * The progress line: drawn on a terminal (runs/s, ETA, failures so far) and cleared at the end;
 * in a log (no terminal), a short line every few seconds, nothing for a short campaign.
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

  it('writes a short line every few seconds when stderr is a log', () => {
    const { stream, writes } = fakeStream(false);
    let now = 1_000_000;
    const bar = new ProgressBar(stream, () => now);
    for (let done = 1; done <= 40; done++) {
      now += 500;
      bar.update({ phase: 'runs', done, total: 40, failedRuns: done > 20 ? 1 : 0, elapsedMs: 0 });
    }
    bar.done();
    // 20 s of runs: a line at 5, 10, 15 and 20 s
    expect(writes).toHaveLength(4);
    expect(writes[0]).toMatch(/^hasim: 10\/40 runs, [\d.]+ runs\/s ETA \S+, failures 0\n$/);
    expect(writes[3]).toMatch(/^hasim: 40\/40 runs, .*failures 1\n$/);
  });

  it('writes nothing when stderr is a log and the campaign is short', () => {
    const { stream, writes } = fakeStream(false);
    const bar = new ProgressBar(stream);
    bar.update({ phase: 'runs', done: 5, total: 10, failedRuns: 0, elapsedMs: 500 });
    bar.done();
    expect(writes).toEqual([]);
  });
});
