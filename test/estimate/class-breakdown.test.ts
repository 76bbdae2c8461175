/**
 * The estimate's per-class breakdown names the incident classes that stay down with the
 * structure up (`downThroughFastForward`) and those that lose acked orders, however cheap they
 * are in downtime, and the text report prints them with the design's own account of why
 * (`staysDown` in its estimate declaration). postgres-trigger-file has both: a lone monitor that
 * is down when the primary fails (nothing promotes the standby), and asynchronous replication
 * (a primary crash loses what the standby had not received). Servers fail every 100 h here, so
 * a short horizon has plenty of overlaps.
 */
import { describe, expect, it } from 'vitest';
import { estimate } from '../../src/estimate/estimate.ts';
import { estimateNotes } from '../../src/report/estimate-report.ts';
import { parseReliability } from '../../src/estimate/reliability.ts';

const data = parseReliability('name: flaky\ncomponents:\n  server: { mttf: 100h, mttr: 10h }\n', '<flaky>');

describe('estimate: which incident classes stay down or lose orders', () => {
  it('every flagged incident and every lost order is in a listed class, and the report names them with the design\'s reason', async () => {
    const [r] = await estimate({ designs: ['postgres-trigger-file'], reliability: data, years: 2, seed: 2, simulations: 30 });
    expect(r.incidents.downThroughFastForward).toBeGreaterThan(0);
    const flagged = r.classes.filter((c) => c.downThroughFastForward > 0);
    expect(flagged.reduce((s, c) => s + c.downThroughFastForward, 0)).toBe(r.incidents.downThroughFastForward);
    // the monitor is down when the primary fails: nothing touches the trigger file
    expect(flagged.some((c) => /^monitor\.server- L a\.server-/.test(c.name))).toBe(true);
    expect(r.lostAckedPerYear.mean).toBeGreaterThan(0);
    const lost = r.classes.reduce((s, c) => s + c.lostAckedPerYear, 0);
    // the headline figure is a mean over chunks of slightly different lengths; the classes' a total over all years
    expect(Math.abs(lost / r.lostAckedPerYear.mean - 1)).toBeLessThan(0.01);
    expect(r.staysDown).toMatch(/monitor/);

    const notes = estimateNotes([r], data).join('\n');
    expect(notes).toContain(`${r.incidents.downThroughFastForward} simulated incidents stayed down`);
    expect(notes).toContain(`${flagged[0].name} (`);
    expect(notes).toContain(`The design: ${r.staysDown}`);
    expect(notes).toMatch(/acked orders lost in: /);
    // a design's account of its losses is printed beside them
    const why = 'its asynchronous replication loses what the standby had not received.';
    expect(estimateNotes([{ ...r, losesAcked: why }], data).find((n) => n.includes('acked orders lost in: '))).toMatch(new RegExp(`\\)\\. The design: ${why}$`));
  }, 120_000);
});
