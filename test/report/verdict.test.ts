/**
 * Safety first (report/verdict.ts): compare and estimate, text and HTML and JSON, never present
 * an unsafe design as better than a safe one without its verdict beside it. naive loses acked
 * orders and splits brain under a partition; stonith fences and stays safe.
 */
import { describe, expect, it } from 'vitest';
import { compare } from '../../src/campaign/compare.ts';
import { campaignJson } from '../../src/report/campaign-json.ts';
import { compareTable } from '../../src/report/compare-table.ts';
import { compareHtml } from '../../src/report/html/compare-page.ts';
import { estimate } from '../../src/estimate/estimate.ts';
import { estimateJson, estimateTable } from '../../src/report/estimate-report.ts';
import { estimateHtml, estimateReportInput } from '../../src/report/html/estimate-page.ts';
import { serversOnly } from '../estimate/helpers.ts';

describe('compare leads with safety', async () => {
  const result = await compare({ designs: ['hot-standby-naive', 'hot-standby-stonith'], schedules: ['partition-primary'], runs: 1, workers: 0 });
  const file = campaignJson(result, { kind: 'compare', command: [] });

  it('JSON: each design carries safe and the invariants it broke', () => {
    const [naive, stonith] = file.designs;
    expect(naive.safe).toBe(false);
    expect(naive.invariantsBroken.map((b) => b.invariant)).toContain('no-lost-ack');
    expect(stonith.safe).toBe(true);
    expect(stonith.invariantsBroken.filter((b) => b.invariant !== 'recovery')).toEqual([]);
  });

  it('text: the verdict is the first column after the design, and the unsafe availability is marked', () => {
    const table = compareTable(file);
    expect(table.columns.slice(0, 2)).toEqual(['design', 'safety verdict']);
    const [naive, stonith] = table.rows;
    expect(String(naive[1])).toMatch(/^UNSAFE: .*no-lost-ack in 1\/1 runs/);
    expect(String(naive[1])).toMatch(/lost acked orders/);
    expect(String(naive[table.columns.indexOf('availability')])).toMatch(/\(UNSAFE\)$/);
    expect(String(stonith[1])).toMatch(/^safe/);
    expect(String(stonith[table.columns.indexOf('availability')])).not.toMatch(/UNSAFE/);
  });

  it('HTML: a safety section comes before any availability chart, and unsafe bars say so', () => {
    const html = compareHtml(file);
    const safety = html.indexOf('<h2>Safety</h2>');
    expect(safety).toBeGreaterThan(0);
    expect(safety).toBeLessThan(html.indexOf('Availability'));
    expect(html).toMatch(/hot-standby-naive<\/b>: UNSAFE/);
    expect(html).toContain('hot-standby-naive (UNSAFE)');
  });
});

describe('estimate leads with safety', async () => {
  // server crashes with one repair crew: naive's async replication loses the unshipped tail
  const results = await estimate({ designs: ['hot-standby-naive', 'hot-standby-stonith'], reliability: serversOnly('repairCrews: 1'), years: 300, simulations: 30, seed: 2, workers: 0 });

  it('text and JSON: the verdict row comes first; an unsafe availability is marked', () => {
    const [naive] = results;
    expect(naive.pDataLossPerYear.events).toBeGreaterThan(0);
    const table = estimateTable(results);
    expect(table.rows[0][0]).toBe('safety verdict');
    expect(String(table.rows[0][1])).toMatch(/^UNSAFE: P\(data loss\)/);
    const availability = table.rows.find((r) => String(r[0]).startsWith('availability'))!;
    results.forEach((r, i) => {
      const lost = r.pDataLossPerYear.events + r.pSplitBrainPerYear.events > 0;
      expect(String(table.rows[0][i + 1]).startsWith('UNSAFE')).toBe(lost);
      expect(String(availability[i + 1]).endsWith('(UNSAFE)')).toBe(lost);
    });
    const json = estimateJson(results, serversOnly('repairCrews: 1'), { version: 't', command: [], seed: 2, years: 300, simulations: 30, workers: 0, ordersPerSecond: 200, incidentOrdersPerSecond: 10 }) as { designs: { safe: boolean; invariantsBroken: { invariant: string }[] }[] };
    expect(json.designs[0].safe).toBe(false);
    expect(json.designs[0].invariantsBroken.map((b) => b.invariant)).toContain('no-lost-ack');
  });

  it('HTML: the safety section comes before the availability chart', () => {
    const html = estimateHtml(estimateReportInput(results));
    expect(html.indexOf('<h2>Safety</h2>')).toBeGreaterThan(0);
    expect(html.indexOf('<h2>Safety</h2>')).toBeLessThan(html.indexOf('Availability: estimate'));
    expect(html).toMatch(/hot-standby-naive<\/b>: UNSAFE/);
    expect(html).toContain('(UNSAFE)');
  });
});
