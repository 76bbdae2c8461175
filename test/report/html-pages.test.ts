/**
 * The campaign and estimate reports in a real browser: `check` lists every kept failure under
 * its invariant with its schedule and replay command, and draws the metric histograms and
 * coverage; `compare` draws one bar per design in each chart; `sweep` draws its trade-off
 * curve with one point per value; `estimate` draws each design's interval and the downtime
 * budget (synthetic data covering the cases, and `estimate()`'s own results mapped onto it). No page logs an error or fetches
 * anything; each is screenshotted. The pages are static SVG, byte-identical for the same input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { check } from '../../src/campaign/check.ts';
import { sweep } from '../../src/campaign/compare.ts';
import { parseSchedule } from '../../src/faults/schedule.ts';
import { campaignJson, type CampaignFile } from '../../src/report/campaign-json.ts';
import { checkHtml } from '../../src/report/html/check-page.ts';
import { compareHtml, sweepHtml } from '../../src/report/html/compare-page.ts';
import { estimate } from '../../src/estimate/estimate.ts';
import { loadReliability } from '../../src/estimate/reliability.ts';
import { estimateNotes } from '../../src/report/estimate-report.ts';
import { estimateHtml, estimateReportInput, type EstimateReportInput } from '../../src/report/html/estimate-page.ts';
import { HAS_CHROMIUM, launch, openReport, OUT_DIR, SKIP_REASON, writeReport } from './html-browser.ts';

const PARTITION = parseSchedule('name: short-partition\nduration: 4s\nsettle: 3s\nfaults:\n  - { at: 1s, kind: partition, groups: [[primary], [others]], for: 1500ms }\n', '<test>');
const CAMPAIGN = { runs: 3, workers: 0, schedules: [PARTITION], workload: { ordersPerSecond: 50 } };

/** A synthetic estimate: one design within the budget, one over it, one without an ideal figure. */
const ESTIMATE: EstimateReportInput = {
  hasim: '0.1.0',
  command: ['hasim', 'estimate', 'raft', 'hot-standby-naive', 'single'],
  horizonYears: 1000,
  seed: 1,
  designs: [
    { design: 'raft', availability: { mean: 0.99995, low: 0.99991, high: 0.99998, confidence: 0.95 }, idealAvailability: 0.999995, downtimeMinutesPerYear: 26.3, outagesPerYear: 4.1, rto: { p50: 1400, p99: 3100 }, pDataLossPerYear: 0, pSplitBrainPerYear: 0 },
    { design: 'hot-standby-naive', availability: { mean: 0.9998, low: 0.99965, high: 0.99989, confidence: 0.95 }, idealAvailability: 0.99999, downtimeMinutesPerYear: 105, outagesPerYear: 6.3, rto: { p50: 1100, p99: 2900 }, pDataLossPerYear: 0.31, pSplitBrainPerYear: 0.12 },
    { design: 'single', availability: { mean: 0.9991, low: 0.9987, high: 0.9994, confidence: 0.95 }, downtimeMinutesPerYear: 473, outagesPerYear: 2.2, rto: { p50: 3_600_000, p99: 14_400_000 } },
  ],
};

let checked: CampaignFile;
let swept: CampaignFile;
let browser: Browser;

beforeAll(async () => {
  checked = campaignJson(await check({ ...CAMPAIGN, designs: ['hot-standby-naive', 'raft'], maxFailures: 3, shrinkRuns: 10 }), { kind: 'check', command: ['hasim', 'check', 'hot-standby-naive', 'raft'] });
  swept = campaignJson(await sweep({ ...CAMPAIGN, runs: 2, design: 'raft', param: 'electionTimeout', values: ['300ms', '1s', '2s'] }), { kind: 'sweep', command: ['hasim', 'sweep', 'raft'] });
  if (HAS_CHROMIUM) browser = await launch();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('the campaign and estimate pages', () => {
  it('are byte-identical for the same input and carry no wall-clock figures', () => {
    expect(checkHtml(checked)).toBe(checkHtml(structuredClone(checked)));
    const slower = { ...checked, elapsedMs: checked.elapsedMs + 12345, runsElapsedMs: 999, runsPerSecond: 0.5, workers: 7 };
    expect(checkHtml(slower)).toBe(checkHtml(checked));
    expect(compareHtml(slower)).toBe(compareHtml(checked));
    expect(estimateHtml(ESTIMATE)).toBe(estimateHtml(structuredClone(ESTIMATE)));
  });

  it('the estimate page maps estimate() results, ideal and notes included', async () => {
    const data = loadReliability(new URL('../../scenarios/reliability/exponential-simple.yaml', import.meta.url).pathname);
    const results = await estimate({ designs: ['raft'], reliability: data, years: 4, workers: 0, simulations: 8 });
    const input = estimateReportInput(results, { horizonYears: 4, notes: estimateNotes(results, data) });
    expect(input.designs[0]).toMatchObject({ design: 'raft', availability: results[0].availability, idealAvailability: results[0].ideal.availability, downtimeMinutesPerYear: results[0].downtimeMinutesPerYear.mean });
    const html = estimateHtml(input);
    expect(html).toContain('data-category="raft"');
    expect(html).toContain('<h2>Notes</h2>');
  });

  it('the check page holds every kept failure with its replay command and schedule', () => {
    const html = checkHtml(checked);
    const failures = checked.designs.flatMap((d) => d.failures);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect(html).toContain(f.replay.replace(/'/g, '&#39;'));
  });
});

if (!HAS_CHROMIUM) it.skip(`the report pages browser tests: ${SKIP_REASON}`, () => {});

describe.skipIf(!HAS_CHROMIUM)('the campaign and estimate pages in chromium', () => {
  async function open(name: string, html: string) {
    const opened = await openReport(browser, writeReport(name, html));
    expect(opened.errors).toEqual([]);
    return opened.page;
  }

  it('check: failures grouped by invariant, histograms of RTO and latency, coverage', async () => {
    const page = await open('check.html', checkHtml(checked));
    const failures = await page.$$eval('.failure', (els) => els.map((e) => [e.getAttribute('data-invariant'), Number(e.getAttribute('data-seed')), e.querySelector('code').textContent]));
    expect(failures).toEqual(checked.designs.flatMap((d) => d.failures.map((f) => [f.invariant, f.seed, f.replay])));
    const yaml = await page.$$eval('.failure pre', (els) => els.map((e) => e.textContent));
    expect(yaml.length).toBe(failures.length);
    expect(yaml[0]).toContain('kind: partition');
    const captions = await page.$$eval('figure[data-chart="histogram"] figcaption', (els) => els.map((e) => e.textContent));
    expect(captions).toContain('RTO per outage');
    expect(captions).toContain('Ack latency per order');
    const rtoBars = await page.$$eval('#design-1 figure[data-chart="histogram"]:first-of-type rect[data-count]', (rs) => rs.reduce((n, r) => n + Number(r.getAttribute('data-count')), 0));
    expect(rtoBars).toBe(checked.state[1].histograms.rtoUs.count);
    expect(await page.$$eval('figure[data-chart="bar"] figcaption', (els) => els.filter((e) => e.textContent === 'Runs in which it happened').length)).toBe(2);
    await page.screenshot({ path: `${OUT_DIR}/check.png`, fullPage: true });
    await page.close();
  });

  it('compare: one bar per design in every chart, longer for larger values', async () => {
    const page = await open('compare.html', compareHtml(checked));
    const charts = await page.$$eval('figure[data-chart="bar"]', (figs) => figs.map((f) => f.querySelectorAll('rect.bar[data-series]').length + f.querySelectorAll('text[data-series]').length));
    expect(charts.length).toBe(8);
    for (const marks of charts) expect(marks % checked.designs.length).toBe(0);
    const rto = await page.$$eval('figure[data-chart="bar"]:nth-of-type(2) rect.bar', (rs) => rs.map((r) => [r.getAttribute('data-category'), r.getAttribute('data-series'), Number(r.getAttribute('data-value')), Number(r.getAttribute('width'))]));
    const p99 = rto.filter((r) => r[1] === 'p99');
    expect(p99.map((r) => r[0])).toEqual(checked.designs.filter((d) => d.metrics.rtoMs.p99 !== null).map((d) => d.label));
    const byValue = [...rto].sort((x, y) => (x[2] as number) - (y[2] as number));
    for (let i = 1; i < byValue.length; i++) if (byValue[i][2] !== byValue[i - 1][2]) expect(byValue[i][3]).toBeGreaterThan(byValue[i - 1][3] as number);
    await page.screenshot({ path: `${OUT_DIR}/compare.png`, fullPage: true });
    await page.close();
  });

  it('sweep: the trade-off curve has one point per value and series', async () => {
    const page = await open('sweep.html', sweepHtml(swept, 'electionTimeout'));
    const dots = await page.$$eval('figure[data-chart="curve"] circle', (cs) => cs.map((c) => [c.getAttribute('data-series'), c.getAttribute('data-label'), Number(c.getAttribute('data-x'))]));
    const withRto = swept.designs.filter((d) => d.metrics.rtoMs.p99 !== null);
    expect(dots.filter((d) => d[0] === 'RTO p99').map((d) => d[1])).toEqual(withRto.map((d) => d.params.electionTimeout));
    expect(dots.filter((d) => d[0] === 'RTO p99').map((d) => d[2])).toEqual(withRto.map((d) => d.metrics.falseFailovers.total));
    await page.screenshot({ path: `${OUT_DIR}/sweep.png`, fullPage: true });
    await page.close();
  });

  it('estimate: each design\'s interval and ideal, and downtime against the 52 min/yr budget', async () => {
    const page = await open('estimate.html', estimateHtml(ESTIMATE));
    const rows = await page.$$eval('figure[data-chart="interval"] g[data-category]', (gs) => gs.map((g) => [g.getAttribute('data-category'), Number(g.getAttribute('data-mean'))]));
    expect(rows).toEqual(ESTIMATE.designs.map((d) => [d.design, d.availability.mean]));
    expect(await page.$$eval('figure[data-chart="interval"] path.ideal[data-ideal]', (ps) => ps.length)).toBe(2);
    const target = await page.$eval('line.target-line', (l) => Number(l.getAttribute('data-target')));
    expect(target).toBe(52);
    expect(await page.$eval('.verdict', (v) => v.textContent)).toContain('hot-standby-naive, single');
    await page.screenshot({ path: `${OUT_DIR}/estimate.png`, fullPage: true });
    await page.close();
  });
});
