/**
 * The estimate's HTML report made with `--incidents FILE`: it lists the flagged incidents and
 * each design's longest with the command that replays them (a copy button), the command copied
 * from the page replays its incident exactly, and without `--incidents` the page says how to get
 * them. Checked in chromium where it is installed.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentLine } from '../../src/estimate/incident-log.ts';
import { runCli } from '../cli/run-cli.ts';
import { HAS_CHROMIUM, launch, openReport, SKIP_REASON } from './html-browser.ts';

// the page's globals, inside page.evaluate
declare const document: { querySelector(selector: string): { textContent: string } | null };
declare const window: { copied?: string; navigator: { clipboard?: { writeText(text: string): Promise<void> } }; getSelection(): { toString(): string } | null };

const dir = mkdtempSync(join(tmpdir(), 'hasim-estimate-html-'));
const LOG = join(dir, 'incidents.jsonl');
const HTML = join(dir, 'estimate.html');
// the HA document's naive pair loses acked orders: its incidents get flagged
const ESTIMATE = ['estimate', 'hot-standby-naive', '--reliability', 'p1', '--years', '2', '--simulations', '6', '--workers', '0', '--seed', '3'];

let lines: IncidentLine[] = [];
let html = '';
let browser: Browser | undefined;

beforeAll(async () => {
  expect((await runCli([...ESTIMATE, '--incidents', LOG, '--html', HTML])).code).toBe(0);
  lines = readFileSync(LOG, 'utf8').trim().split('\n').slice(1).map((row) => JSON.parse(row) as IncidentLine);
  html = readFileSync(HTML, 'utf8');
  if (HAS_CHROMIUM) browser = await launch();
}, 30_000);

afterAll(async () => {
  await browser?.close();
});

/** What the page must list: every flagged incident and the 3 longest (by charged downtime), in log order. */
function expectedListed(): IncidentLine[] {
  const longest = [...lines].filter((l) => l.outcome.downtimeSeconds > 0).sort((a, b) => b.outcome.downtimeSeconds - a.outcome.downtimeSeconds || a.incident - b.incident).slice(0, 3);
  const listed = new Set([...lines.filter((l) => l.flagged.length > 0), ...longest].map((l) => l.incident));
  return lines.filter((l) => listed.has(l.incident));
}

describe('the estimate page with an incident log', () => {
  it('lists the flagged and the longest incidents, each with its replay command, and the log in the notes', () => {
    const listed = expectedListed();
    expect(listed.some((l) => l.flagged.length > 0)).toBe(true);
    expect(html).toContain('<h2>Incidents to replay</h2>');
    for (const line of listed) {
      expect(html).toContain(`<tr id="incident-${line.incident}">`);
      expect(html).toContain(`<code id="replay-${line.incident}">${line.replay}</code>`);
    }
    expect(html.match(/<tr id="incident-/g)).toHaveLength(listed.length);
    expect(html).toContain(`incident log ${LOG}: ${lines.length} simulated incidents`);
  });

  it('without --incidents says how to get them, and lists none', async () => {
    const plain = join(dir, 'plain.html');
    expect((await runCli([...ESTIMATE, '--html', plain])).code).toBe(0);
    const page = readFileSync(plain, 'utf8');
    expect(page).not.toContain('Incidents to replay');
    expect(page).toContain('run the estimate again with --incidents FILE');
  });
});

if (!HAS_CHROMIUM) it.skip(`the estimate incidents browser test: ${SKIP_REASON}`, () => {});

describe.skipIf(!HAS_CHROMIUM)('the estimate page with an incident log, in chromium', () => {
  it('shows each listed incident with a working copy button, and the copied command replays it exactly', async () => {
    const { page, errors } = await openReport(browser!, HTML);
    const rows = await page.$$eval('#incidents tbody tr', (trs) => trs.map((tr) => [tr.id, tr.querySelector('code[id^="replay-"]')!.textContent]));
    expect(rows).toEqual(expectedListed().map((l) => [`incident-${l.incident}`, l.replay]));
    const flagged = expectedListed().find((l) => l.flagged.length > 0)!;
    // what the page hands the clipboard (a secure context) or selects for it (the fallback)
    await page.evaluate(() => {
      if (window.navigator.clipboard) window.navigator.clipboard.writeText = (text: string) => ((window.copied = text), Promise.resolve());
    });
    const button = page.locator(`button[data-copy="replay-${flagged.incident}"]`);
    expect(await button.isVisible()).toBe(true);
    await button.click();
    await page.waitForFunction((id) => document.querySelector(`button[data-copy="${id}"]`)!.textContent === 'copied', `replay-${flagged.incident}`);
    const copied = await page.evaluate(() => window.copied ?? window.getSelection()!.toString());
    expect(copied).toBe(flagged.replay);
    expect(errors).toEqual([]);
    await page.close();
    // the command as copied: hasim estimate-replay FILE --incident N
    const args = copied.split(' ').slice(1);
    const replayed = await runCli([...args, '--json']);
    expect(replayed.code).toBe(0);
    expect(JSON.parse(replayed.stdout).traceHash).toBe(flagged.traceHash);
  }, 30_000);
});
