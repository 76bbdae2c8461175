/**
 * The run report in a real browser (Debian's chromium): it opens with no errors and fetches
 * nothing; lanes, role and state changes, faults, outages, split brain and violations are drawn
 * at the x the run's history gives their instants; the charts and the timeline share one time
 * axis through zooming; clicking a violation zooms to it, highlights it and scrolls it into
 * view; and the message diagram shows the messages of the first violation's window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadDesign, loadScenario } from '../../src/campaign/catalog.ts';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import { findOutages } from '../../src/check/outages.ts';
import { splitBrainIntervals } from '../../src/check/primary-intervals.ts';
import { runHtml } from '../../src/report/html/run-page.ts';
import { HAS_CHROMIUM, launch, openReport, OUT_DIR, SKIP_REASON, viewOf, writeReport, xAt, type ViewMapping } from './html-browser.ts';

declare const document: any;
declare const window: any;

/** Positions are written with two decimals. */
const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(0.02);

let result: RunResult;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  const design = await loadDesign('hot-standby-naive');
  const schedule = loadScenario('partition-primary');
  result = simulate({ design, seed: 1, schedule, recordMessages: true });
  const path = writeReport('run-hot-standby-naive.html', runHtml(result, { schedule, paramSpecs: design.params, replayCommand: 'hasim replay hot-standby-naive -s partition-primary --seed 1' }));
  if (!HAS_CHROMIUM) return;
  browser = await launch();
  ({ page, errors } = await openReport(browser, path));
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

if (!HAS_CHROMIUM) it.skip(`the run report browser tests: ${SKIP_REASON}`, () => {});

describe.skipIf(!HAS_CHROMIUM)('the run report in chromium', () => {
  let view: ViewMapping;
  beforeAll(async () => {
    view = await viewOf(page, 'timeline-svg');
  });

  it('opens with no console or page errors and fetches nothing', () => {
    expect(errors).toEqual([]);
  });

  it('shows the whole run at first, boot included, one lane per node in the design\'s order', async () => {
    expect([view.startUs, view.endUs]).toEqual([-result.history.boot, result.history.endAt]);
    const lanes = await page.$$eval('#timeline-svg g.lane', (gs) => gs.map((g) => g.getAttribute('data-node')));
    expect(lanes).toEqual(result.history.nodes);
  });

  it('starts a role segment at every role change and a state segment at every state change', async () => {
    const last = new Map<string, string>();
    for (const e of result.history.events) {
      if (e.type === 'node-state') {
        if (e.state === 'crashed' || e.state === 'off') for (const key of [...last.keys()]) if (key.startsWith(`${e.node}|`)) last.delete(key);
        const x = await page.$eval(`#timeline-svg rect.state[data-node="${e.node}"][data-start-us="${e.time}"]`, (r) => [r.getAttribute('data-state'), Number(r.getAttribute('x'))]);
        expect(x[0]).toBe(e.state);
        close(x[1] as number, xAt(view, e.time));
      }
      if (e.type !== 'role') continue;
      const key = `${e.node}|${e.scope ?? ''}`;
      if (last.get(key) === `${e.role}|${e.epoch}`) continue;
      last.set(key, `${e.role}|${e.epoch}`);
      const rect = await page.$eval(`#timeline-svg rect[data-role][data-node="${e.node}"][data-start-us="${e.time}"]`, (r) => [r.getAttribute('data-role'), r.getAttribute('data-epoch'), Number(r.getAttribute('x'))]);
      expect(rect.slice(0, 2)).toEqual([e.role, String(e.epoch)]);
      close(rect[2] as number, xAt(view, e.time));
    }
    expect(last.size).toBeGreaterThan(1);
  });

  it('draws each fault from its begin to its end, labelled with its kind and targets', async () => {
    const begins = result.history.events.filter((e) => e.type === 'fault-begin');
    expect(begins.length).toBeGreaterThan(0);
    for (const b of begins) {
      const end = result.history.events.find((e) => e.type === 'fault-end' && e.faultId === b.faultId)!;
      const bar = await page.$eval(`#timeline-svg rect.fault-bar[data-fault-id="${b.faultId}"]`, (r) => ({ x: Number(r.getAttribute('x')), width: Number(r.getAttribute('width')), title: r.textContent, label: r.parentNode.textContent }));
      close(bar.x, xAt(view, b.time));
      close(bar.x + bar.width, xAt(view, end.time));
      expect(bar.title).toContain(`${b.kind} on ${b.targets.join(', ')}`);
      expect(bar.label).toContain(b.kind);
    }
    const shades = await page.$$eval('#timeline-svg rect.fault-shade', (rs) => rs.map((r) => Number(r.getAttribute('x'))));
    close(shades[0], xAt(view, begins[0].time));
  });

  it('marks outages, split-brain beliefs and violations at their instants', async () => {
    const outages = findOutages(result.history);
    const drawnOutages = await page.$$eval('#timeline-svg rect.outage', (rs) => rs.map((r) => Number(r.getAttribute('data-start-us'))));
    expect(drawnOutages).toEqual(outages.map((o) => o.start));
    const splits = splitBrainIntervals(result.history);
    expect(splits.length).toBeGreaterThan(0);
    const beliefs = await page.$$eval('#timeline-svg rect.belief', (rs) => rs.map((r) => Number(r.getAttribute('x'))));
    splits.forEach((s, i) => close(beliefs[i], xAt(view, s.belief.start)));
    expect(result.violations.length).toBeGreaterThan(0);
    const lines = await page.$$eval('#timeline-svg line.violation-line', (ls) => ls.map((l) => [Number(l.getAttribute('data-violation')), Number(l.getAttribute('x1'))]));
    expect(lines.map(([i]) => i)).toEqual(result.violations.map((_, i) => i));
    result.violations.forEach((v, i) => close(lines[i][1], Math.min(view.left + view.width, xAt(view, v.time))));
  });

  it('zooms the timeline, the throughput and the latency charts together', async () => {
    await page.click('button[data-zoom="in"]');
    const views = await Promise.all(['timeline-svg', 'throughput-svg', 'latency-svg'].map((id) => viewOf(page, id)));
    expect(views[1]).toEqual(views[0]);
    expect(views[2]).toEqual(views[0]);
    expect(views[0].endUs - views[0].startUs).toBeCloseTo((result.history.endAt + result.history.boot) / 2, 0);
    const bars = await page.$$eval('#throughput-svg rect.bar-acked', (rs) => rs.length);
    expect(bars).toBeGreaterThan(10);
    await page.click('button[data-zoom="all"]');
    expect(await viewOf(page, 'timeline-svg')).toEqual(view);
  });

  it('zooms around the pointer with the wheel and pans by dragging', async () => {
    const box = await page.$eval('#timeline', (d) => {
      d.scrollIntoView({ block: 'center' });
      const r = d.getBoundingClientRect();
      return { left: r.left, top: r.top };
    });
    const full = await viewOf(page, 'timeline-svg');
    const px = full.left + full.width * 0.25;
    const under = full.startUs + ((px - full.left) / full.width) * (full.endUs - full.startUs);
    await page.mouse.move(box.left + px, box.top + 60);
    await page.mouse.wheel(0, -400);
    const zoomed = await viewOf(page, 'timeline-svg');
    expect(zoomed.endUs - zoomed.startUs).toBeLessThan((full.endUs - full.startUs) * 0.6);
    // The instant under the pointer stays under it (to a pixel: the pointer sits on whole pixels).
    const usPerPixel = (zoomed.endUs - zoomed.startUs) / zoomed.width;
    expect(Math.abs(zoomed.startUs + (px - zoomed.left) * usPerPixel - under)).toBeLessThan(2 * usPerPixel);
    await page.mouse.down();
    await page.mouse.move(box.left + px - 100, box.top + 60, { steps: 4 });
    await page.mouse.up();
    const panned = await viewOf(page, 'timeline-svg');
    expect(Math.abs(panned.startUs - zoomed.startUs - 100 * usPerPixel)).toBeLessThan(2 * usPerPixel);
    expect(await viewOf(page, 'latency-svg')).toEqual(panned);
    await page.click('button[data-zoom="all"]');
  });

  it('zooms to a violation clicked in the list, highlights it and scrolls it into view', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    const v = result.violations[0];
    await page.click('button.jump.violation[data-index="0"]');
    const zoomed = await viewOf(page, 'timeline-svg');
    expect(zoomed.startUs).toBeLessThanOrEqual(v.time);
    expect(zoomed.endUs).toBeGreaterThanOrEqual(v.time);
    expect(zoomed.endUs - zoomed.startUs).toBeLessThan(result.history.endAt);
    const marker = await page.evaluate(() => {
      const m = document.getElementById('violation-marker-0');
      const r = m.getBoundingClientRect();
      return { cls: m.getAttribute('class'), top: r.top, bottom: r.bottom, height: window.innerHeight };
    });
    expect(marker.cls).toContain('hl');
    expect(marker.top).toBeGreaterThanOrEqual(0);
    expect(marker.bottom).toBeLessThanOrEqual(marker.height);
    expect(await page.$eval('button.jump.violation[data-index="0"]', (b) => b.getAttribute('class'))).toContain('active');
    close(Number(await page.$eval('#timeline-svg line.violation-line.hl', (l) => l.getAttribute('x1'))), xAt(zoomed, v.time));
    await page.screenshot({ path: `${OUT_DIR}/run-violation.png` });
  });

  it('draws the messages of the first violation\'s window as arrows between the lanes', async () => {
    const label = await page.$eval('#window-select option', (o) => o.textContent);
    expect(label).toContain(`first violation: ${result.violations[0].invariant}`);
    const mview = await viewOf(page, 'messages-svg');
    const arrows = await page.$$eval('#messages-svg [data-sent-us]', (els) => els.map((e) => ({ sent: Number(e.getAttribute('data-sent-us')), end: Number(e.getAttribute('data-end-us')), from: e.getAttribute('data-from'), x1: Number(e.getAttribute('x1') ?? e.firstChild.getAttribute('x1')) })));
    expect(arrows.length).toBeGreaterThan(20);
    for (const a of arrows) {
      expect(a.sent).toBeLessThanOrEqual(mview.endUs);
      expect(a.end).toBeGreaterThanOrEqual(mview.startUs);
      close(a.x1, xAt(mview, a.sent));
    }
    expect(new Set(arrows.map((a) => a.from))).toContain('a');
    await page.click('button[data-zoom="all"]');
    await page.screenshot({ path: `${OUT_DIR}/run-full.png`, fullPage: true });
  });
});
