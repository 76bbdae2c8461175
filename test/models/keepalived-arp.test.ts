/**
 * keepalived-vrrp's clients with Linux ARP settings (models/keepalived-vrrp.ts header): the
 * backup's gratuitous ARPs move every client at once on a current kernel; on an older kernel
 * with arp_accept 0 a GARP inside the neighbour locktime of the entry's last update is ignored
 * (net/ipv4/arp.c arp_process: `override = time_after(jiffies, n->updated + LOCKTIME) ||
 * is_garp`, is_garp set only under arp_accept), so such a client keeps sending to the dead
 * MASTER's MAC until its entry expires (base_reachable_time). A locktime as long as
 * base_reachable_time makes every client's entry recent enough to refuse both GARP bursts.
 * arp_accept 1 restores the GARP's override on the older kernel.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import keepalived from '../../models/keepalived-vrrp.ts';
import { faultSchedule } from './fault-schedule.ts';
import { expectParamRefused } from './param-errors.ts';

const SECOND = 1_000_000;

function run(params: Record<string, unknown>): RunResult {
  return simulate({ design: keepalived, seed: 1, schedule: faultSchedule(['{ at: 10s, kind: crash, target: a }'], '60s', '10s'), params, workload: { clients: 4, ordersPerSecond: 100 } });
}

/** For each client, how long after b took the VIP its first order was served by b. */
function followDelays(r: RunResult): number[] {
  const vipAt = r.history.events.find((e) => e.type === 'vip' && e.node === 'b')!.time;
  const first = new Map<string, number>();
  for (const e of r.history.events) if (e.type === 'ok' && e.node === 'b' && e.time > vipAt && !first.has(e.client)) first.set(e.client, e.time - vipAt);
  expect(first.size).toBe(4);
  return [...first.values()];
}

describe('keepalived-vrrp clients: arp_accept and locktime', () => {
  const slowLock = { clientKernel: 'legacy', arpLocktime: '30s' };

  it('a current kernel: every client follows the first GARP burst within about a second', () => {
    expect(Math.max(...followDelays(run({ arpLocktime: '30s' })))).toBeLessThan(1.5 * SECOND);
  });

  it('an older kernel with arp_accept 0 and a locktime the entries are younger than: clients keep the dead MAC until their entries expire', () => {
    const delays = followDelays(run(slowLock));
    expect(Math.max(...delays)).toBeGreaterThan(5 * SECOND); // past the second burst (garp_master_delay 5 s)
    expect(Math.max(...delays)).toBeLessThanOrEqual(31 * SECOND); // base_reachable_time 30 s
  });

  it('the same older kernel with arp_accept 1: the GARP overrides again', () => {
    expect(Math.max(...followDelays(run({ ...slowLock, arpAccept: 1 })))).toBeLessThan(1.5 * SECOND);
  });

  it('refuses bad ARP settings in one line', () => {
    for (const [name, value] of [['arpAccept', '3'], ['arpLocktime', 'later'], ['clientKernel', '2.6']] as const) expectParamRefused(keepalived, name, value);
  });
});
