/**
 * The run report is a pure function of the run: the same run gives byte-identical HTML (no
 * timestamps, no randomness), recording the messages it needs changes nothing in the run
 * (trace hash, violations, metrics, history), and the page is self-contained. `hasim run
 * --html FILE` and `hasim replay --html FILE` write it, with `--html-window` choosing the
 * message diagram's window.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDesign, loadScenario } from '../../src/campaign/catalog.ts';
import { simulate } from '../../src/campaign/simulate.ts';
import { runHtml } from '../../src/report/html/run-page.ts';
import { parseHtmlWindow } from '../../src/report/html/write.ts';
import { InputError } from '../../src/sim/input-error.ts';
import { hasim } from '../cli/run-hasim.ts';

async function report(recordMessages: boolean) {
  const design = await loadDesign('raft');
  const schedule = loadScenario('primary-crash');
  const result = simulate({ design, seed: 7, schedule, recordMessages, workload: { ordersPerSecond: 40 } });
  return { result, html: runHtml(result, { schedule, paramSpecs: design.params, replayCommand: 'hasim replay raft -s primary-crash --seed 7' }) };
}

describe('the run report', () => {
  let a: Awaited<ReturnType<typeof report>>;
  let b: typeof a;
  let quiet: typeof a;
  beforeAll(async () => {
    [a, b, quiet] = [await report(true), await report(true), await report(false)];
  });

  it('is byte-identical across invocations, and recording messages does not change the run', () => {
    expect(a.html).toBe(b.html);
    expect(a.result.traceHash).toBe(quiet.result.traceHash);
    expect(a.result.violations).toEqual(quiet.result.violations);
    expect(a.result.metrics).toEqual(quiet.result.metrics);
    expect(a.result.history.events).toEqual(quiet.result.history.events);
    expect(a.result.messages!.length).toBe(a.result.metrics.messages);
    expect(quiet.result.messages).toBeUndefined();
    expect(quiet.html).toContain('This run did not record its messages.');
  });

  it('is self-contained: no external scripts, styles, images or fonts', () => {
    const html = a.html;
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/url\((?!#)/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('parses --html-window FROM..TO and rejects anything else with one input error', () => {
    expect(parseHtmlWindow('30s..32.5s')).toEqual({ startUs: 30_000_000, endUs: 32_500_000 });
    for (const bad of ['30s', '32s..30s', '30..32', 'a..b', '1s..2s..3s']) expect(() => parseHtmlWindow(bad)).toThrow(InputError);
  });
});

describe('hasim run and replay with --html', () => {
  it('write the report with the chosen message window first, and identical files for the same run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hasim-html-cli-'));
    const args = ['hot-standby-naive', '-s', 'partition-primary', '--seed', '3', '--html-window', '30s..30.5s'];
    const [run, replay] = await Promise.all([hasim(['run', ...args, '--html', join(dir, 'run.html')]), hasim(['replay', ...args, '--html', join(dir, 'replay.html')])]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(replay.code).toBe(1);
    const html = readFileSync(join(dir, 'run.html'), 'utf8');
    expect(html).toBe(readFileSync(join(dir, 'replay.html'), 'utf8'));
    expect(html).toMatch(/<option value="0">chosen: 30\.000s to 30\.500s/);
    expect(html).toContain('hasim replay hot-standby-naive -s partition-primary --seed 3 --expect-hash ');
    const bad = await hasim(['run', 'hot-standby-naive', '--html', join(dir, 'bad.html'), '--html-window', '5s..1s']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--html-window');
  });
});
