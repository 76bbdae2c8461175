/**
 * dr-site log shipping by WAL segments (models/dr-site.ts, src/parts/wal-archiver.ts), as
 * PostgreSQL documents it (runtime-config-wal.html, archive_timeout): "The archive_command ...
 * is only invoked for completed WAL segments. Hence, if your server generates little WAL
 * traffic ... there could be a long delay between the completion of a transaction and its safe
 * recording in archive storage"; with archive_timeout > 0 "the server will switch to a new
 * segment file whenever this amount of time has elapsed since the last segment file switch".
 * So the RPO of a DC loss depends on the write volume: at a low rate with archive_timeout = 0
 * everything since the last full segment is lost (here: everything, the segment never fills);
 * with archive_timeout = 60 s it is bounded by ~60 s; at a high rate a segment fills in seconds
 * and bounds it without any timeout.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import design from '../../models/dr-site.ts';
import { faultSchedule } from './fault-schedule.ts';
import { expectParamRefused } from './param-errors.ts';

const SECOND = 1_000_000;
const MB = 1024 * 1024;
const FAST_RUNBOOK = { mode: 'log-shipping', drDetectionTimeout: '10s', promotionDelay: '10s' };

/** dc1 is lost `lossAtS` into the run; a quick runbook promotes d1 ~20 s later. */
function run(params: Record<string, unknown>, ordersPerSecond: number, lossAtS: number): RunResult {
  const schedule = faultSchedule([`{ at: ${lossAtS}s, kind: dc-down, target: dc:dc1 }`], `${lossAtS + 30}s`, '30s');
  return simulate({ design, seed: 1, schedule, params: { ...FAST_RUNBOOK, ...params }, workload: { ordersPerSecond } });
}

/** Acks sent by dc1's nodes before the loss. */
const dc1Acks = (r: RunResult, lossAtS: number) => r.history.events.filter((e) => e.type === 'ack-sent' && (e.node === 'p1' || e.node === 'p2') && e.time < lossAtS * SECOND).length;
const drPromoted = (r: RunResult) => r.history.events.some((e) => e.type === 'role' && e.role === 'primary' && e.node === 'd1');

describe('dr-site log shipping: the RPO follows the write volume and archive_timeout', () => {
  it('low volume, archive_timeout = 0: the segment never fills, so every acked order is lost', () => {
    // 20 orders/s x 320 B = 6.4 kB/s: 16 MB take ~2,600 s to fill
    const r = run({ archiveTimeout: '0s' }, 20, 150);
    expect(drPromoted(r)).toBe(true);
    expect(r.probes['wal.segment-switch'] ?? 0).toBe(0);
    const acked = dc1Acks(r, 150);
    expect(acked).toBeGreaterThan(2_500);
    expect(r.metrics.lostAcked).toBeGreaterThanOrEqual(acked);
    expect(r.metrics.rpoMs).toBeGreaterThan(149_000);
  });

  it('low volume, archive_timeout = 60s: the loss is bounded by ~60 s of orders', () => {
    const r = run({ archiveTimeout: '60s' }, 20, 150);
    expect(drPromoted(r)).toBe(true);
    expect(r.probes['wal.segment-switch']).toBeGreaterThanOrEqual(2);
    expect(r.metrics.lostAcked).toBeGreaterThan(0);
    expect(r.metrics.rpoMs).toBeLessThanOrEqual(60_500);
    expect(r.metrics.lostAcked).toBeLessThanOrEqual(61 * 20);
  });

  it('high volume, archive_timeout = 0: a segment fills in seconds and bounds the loss', () => {
    // 50 orders/s x 32 kB (orders with large payloads, or a busy database) = 1.6 MB/s: a 16 MB
    // segment fills every ~10.2 s
    const bytes = 32_768;
    const fillMs = ((16 * MB) / (50 * bytes)) * 1000;
    const r = run({ archiveTimeout: '0s', walBytesPerOrder: bytes }, 50, 60);
    expect(drPromoted(r)).toBe(true);
    // 60 s before the loss, one segment per ~10 s
    expect(r.probes['wal.segment-switch']).toBeGreaterThanOrEqual(Math.floor(60_000 / fillMs));
    expect(r.metrics.rpoMs).toBeLessThanOrEqual(fillMs + 100);
    expect(r.metrics.lostAcked).toBeLessThanOrEqual(Math.ceil((16 * MB) / bytes) + 1);
  });

  it('the same volume with a 1 GB segment ships nothing before the loss: the segment size matters too', () => {
    const r = run({ archiveTimeout: '0s', walBytesPerOrder: 32_768, walSegmentSizeMb: 1024 }, 50, 60);
    expect(r.probes['wal.segment-switch'] ?? 0).toBe(0);
    expect(r.metrics.rpoMs).toBeGreaterThan(59_000);
  });

  it('refuses a segment size that is not a power of 2 and a WAL volume below one byte, in one line', () => {
    for (const [name, value] of [['walSegmentSizeMb', '10'], ['walBytesPerOrder', '0'], ['archiveTimeout', '-1s']] as const) expectParamRefused(design, name, value);
  });
});
