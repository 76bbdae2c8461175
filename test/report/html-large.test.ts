/**
 * Large runs are downsampled, never thinned of what matters: a 30-minute run with 300 faults
 * (hundreds of outages, split brains and sub-pixel crashes) keeps every fault, outage and
 * violation in its data and draws each of them at full view, while segments under a pixel are
 * merged and the charts draw a column per two pixels. The server-side caps (segments per row,
 * markers, bins, messages per window) hold on synthetic extremes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadDesign } from '../../src/campaign/catalog.ts';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import { findOutages } from '../../src/check/outages.ts';
import { parseSchedule, type Schedule } from '../../src/faults/schedule.ts';
import { runData, type RunData } from '../../src/report/html/run-data.ts';
import { MAX_MARKERS, MAX_SEGMENTS, mergeShort, thinMarkers, type Marker } from '../../src/report/html/run-lanes.ts';
import { MAX_WINDOW_MESSAGES, MAX_WINDOWS } from '../../src/report/html/run-messages.ts';
import { runHtml } from '../../src/report/html/run-page.ts';
import { MAX_BINS } from '../../src/report/html/run-series.ts';
import { HAS_CHROMIUM, launch, openReport, OUT_DIR, SKIP_REASON, writeReport } from './html-browser.ts';

/**
 * 300 faults over 30 minutes, every 18 s: node a crashes (back after 300 ms), then pauses for
 * 300 ms (so its state changes several times within a pixel of the whole-run view), then the
 * primary is partitioned away for 800 ms.
 */
function manyFaults(): Schedule {
  const lines = ['name: many-faults', 'duration: 30m', 'settle: 30s', 'faults:'];
  const at = (s: number) => `${s.toFixed(1)}s`;
  for (let i = 0; i < 100; i++) {
    const t = 5 + i * 17.9;
    lines.push(`  - { at: ${at(t)}, kind: process-crash, target: a, restartAfter: 300ms, for: 400ms }`);
    lines.push(`  - { at: ${at(t + 0.5)}, kind: pause, target: a, for: 300ms }`);
    lines.push(`  - { at: ${at(t + 6)}, kind: partition, groups: [[primary], [others]], for: 800ms }`);
  }
  return parseSchedule(lines.join('\n') + '\n', '<many-faults>');
}

let result: RunResult;
let data: RunData;
let html: string;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  const design = await loadDesign('hot-standby-naive');
  const schedule = manyFaults();
  result = simulate({ design, seed: 1, schedule, workload: { ordersPerSecond: 20 }, recordMessages: true });
  const options = { schedule, paramSpecs: design.params, replayCommand: 'hasim replay hot-standby-naive -s many-faults.yaml --seed 1' };
  data = runData(result, options);
  html = runHtml(result, options);
  const path = writeReport('run-many-faults.html', html);
  if (!HAS_CHROMIUM) return;
  browser = await launch();
  ({ page, errors } = await openReport(browser, path));
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('the data of a large run', () => {
  it('keeps every fault, outage, split brain and violation', () => {
    const begins = result.history.events.filter((e) => e.type === 'fault-begin');
    expect(begins.length).toBe(300);
    expect(data.faults.map((f) => [f.id, f.startUs])).toEqual(begins.map((b) => [b.faultId, b.time]));
    expect(data.outages.length).toBe(findOutages(result.history).length);
    expect(data.outages.length).toBeGreaterThanOrEqual(90); // ~one per crash cycle; a few recover within a blip (< 100 ms)
    expect(data.splitBrain.length).toBeGreaterThan(50);
    expect(data.violations.map((v) => v.timeUs)).toEqual(result.violations.map((v) => v.time));
  });

  it('bins the order series and bounds the message windows', () => {
    expect(data.series.acked.length).toBeLessThanOrEqual(MAX_BINS);
    expect(data.series.acked.reduce((a, b) => a + b, 0)).toBe(result.metrics.acked);
    expect(data.messages!.windows.length).toBeLessThanOrEqual(MAX_WINDOWS);
    for (const w of data.messages!.windows) expect(w.messages.length / 6).toBeLessThanOrEqual(MAX_WINDOW_MESSAGES);
    expect(html.length).toBeLessThan(1_000_000);
  });
});

describe('the server-side caps', () => {
  it('merge runs of short segments once a row has too many, keeping long ones and the span', () => {
    const flat: number[] = [];
    for (let i = 0; i < 3 * MAX_SEGMENTS; i++) flat.push(i * 10, i * 10 + 10, i % 2);
    flat.push(flat[flat.length - 2], 1_000_000, 0);
    const merged = mergeShort(flat, 3, 1_000_000 / MAX_SEGMENTS, 9);
    expect(merged.length / 3).toBeLessThanOrEqual(MAX_SEGMENTS);
    expect(merged.slice(0, 3)).toEqual([0, 3 * MAX_SEGMENTS * 10, 9]);
    expect(merged.slice(-3)).toEqual(flat.slice(-3));
    expect(mergeShort(flat.slice(0, 30), 3, 1e9, 9)).toEqual(flat.slice(0, 30));
  });

  it('thin markers per node and kind, each kept one counting those it stands for', () => {
    const markers: Marker[] = Array.from({ length: 5 * MAX_MARKERS }, (_, i) => ({ timeUs: i * 100, lane: i % 2, kind: 'note', text: 'x' }));
    const kept = thinMarkers(markers, markers.length * 100);
    expect(kept.length).toBeLessThanOrEqual(MAX_MARKERS);
    expect(kept.reduce((n, m) => n + (m.merged ?? 1), 0)).toBe(markers.length);
  });
});

if (!HAS_CHROMIUM) it.skip(`the large run browser tests: ${SKIP_REASON}`, () => {});

describe.skipIf(!HAS_CHROMIUM)('a large run in chromium', () => {
  it('opens with no errors', () => {
    expect(errors).toEqual([]);
  });

  it('draws every fault, outage, split brain and violation at full view', async () => {
    const faultIds = await page.$$eval('#timeline-svg rect.fault-bar', (rs) => rs.map((r) => Number(r.getAttribute('data-fault-id'))));
    expect(faultIds.sort((a, b) => a - b)).toEqual(data.faults.map((f) => f.id).sort((a, b) => a - b));
    const outages = await page.$$eval('#timeline-svg rect.outage', (rs) => rs.map((r) => Number(r.getAttribute('data-start-us'))));
    expect(outages).toEqual(data.outages.map((o) => o.startUs));
    expect(await page.$$eval('#timeline-svg rect.belief', (rs) => rs.length)).toBe(data.splitBrain.length);
    const violations = await page.$$eval('#timeline-svg line.violation-line', (ls) => ls.map((l) => Number(l.getAttribute('data-time-us'))));
    expect(violations).toEqual(data.violations.map((v) => v.timeUs));
    const widths = await page.$$eval('#timeline-svg rect.fault-bar, #timeline-svg rect.outage', (rs) => rs.map((r) => Number(r.getAttribute('width'))));
    expect(Math.min(...widths)).toBeGreaterThanOrEqual(2);
  });

  it('merges segments under a pixel and draws a chart column per two pixels', async () => {
    const segments = data.lanes.lanes.reduce((n, l) => n + l.states.length / 3 + l.roles.reduce((k, r) => k + r.segments.length / 4, 0), 0);
    const drawn = await page.$$eval('#timeline-svg rect[data-start-us]:not(.fault-bar):not(.outage):not(.belief):not(.effective)', (rs) => rs.length);
    const merged = await page.$$eval('#timeline-svg rect[data-merged]', (rs) => rs.length);
    expect(merged).toBeGreaterThan(0);
    expect(drawn + merged).toBeLessThan(segments);
    const width = Number(await page.$eval('#throughput-svg', (s) => s.getAttribute('data-plot-width')));
    expect(await page.$$eval('#throughput-svg rect.bar-acked', (rs) => rs.length)).toBeLessThanOrEqual(width / 2 + 2);
    await page.screenshot({ path: `${OUT_DIR}/run-many-faults.png`, fullPage: true });
  });
});
