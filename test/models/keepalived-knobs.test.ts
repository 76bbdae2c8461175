/**
 * keepalived-vrrp with more hosts and per-host settings (keepalived.conf(5): `priority`,
 * `nopreempt`, `preempt_delay` per vrrp_instance; the instance `interface` tracked unless
 * `dont_track_primary`). RFC 3768 §6.4.2: a BACKUP only takes over when it hears nothing from a
 * MASTER of higher (or equal) priority for Master_Down_Interval, and a lower priority has the
 * longer Master_Down_Interval, so with priorities 150/100/50 the priority-50 host never becomes
 * MASTER while the priority-100 one lives.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import { resolveParams } from '../../src/world/params.ts';
import type { Micros } from '../../src/sim/time.ts';
import keepalived from '../../models/keepalived-vrrp.ts';
import { faultSchedule } from './fault-schedule.ts';

const SECOND = 1_000_000;

function run(faultLines: string[], params: Record<string, unknown> = {}, seed = 1): RunResult {
  return simulate({ design: keepalived, seed, schedule: faultSchedule(faultLines, '40s', '10s'), params });
}

function masterships(r: RunResult, node: string): Micros[] {
  return r.history.events.flatMap((e) => (e.type === 'role' && e.role === 'primary' && e.node === node ? [e.time] : []));
}

describe('keepalived-vrrp with three hosts of their own priorities', () => {
  it.each([1, 2, 3, 4])('the priority-50 host never becomes MASTER while the priority-100 one lives (seed %i)', (seed) => {
    const r = run(['{ at: 10s, kind: crash, target: a, for: 15s }'], { priorities: '150,100,50' }, seed);
    expect(masterships(r, 'c')).toEqual([]);
    const b = masterships(r, 'b');
    expect(b.length).toBe(1);
    // Master_Down_Interval (3 s + 156/256 s) after a's last advert, sent up to advert_int before the crash
    expect(b[0] - 10 * SECOND).toBeGreaterThan(2.6 * SECOND);
    expect(b[0] - 10 * SECOND).toBeLessThan(3.7 * SECOND);
  });

  it('the priority-50 host takes over only when both higher ones are gone, after its own longer Master_Down_Interval', () => {
    const r = run(['{ at: 10s, kind: crash, target: a, for: 20s }', '{ at: 10s, kind: crash, target: b, for: 20s }'], { priorities: '150,100,50' });
    const c = masterships(r, 'c');
    expect(c.length).toBeGreaterThan(0);
    expect(c[0] - 10 * SECOND).toBeGreaterThan(2.8 * SECOND); // 3 s + 206/256 s after the last advert
    expect(c[0] - 10 * SECOND).toBeLessThan(3.9 * SECOND);
    expect(r.metrics.lostAcked).toBeLessThan(50); // async replication: only what was in flight
  });
});

describe('keepalived-vrrp preemption per host', () => {
  const crashA = '{ at: 10s, kind: process-crash, target: a, for: 5s }';
  it('nopreempt on the returning host keeps it BACKUP; nopreempt on the other host does not stop it preempting', () => {
    expect(masterships(run([crashA], { nopreempt: '1,0', restartSec: '1s' }), 'a').length).toBe(1); // only its initial mastership
    expect(masterships(run([crashA], { nopreempt: '0,1', restartSec: '1s' }), 'a').length).toBe(2);
  });

  it('preempt_delay on the returning host postpones its takeover by the delay', () => {
    const plain = masterships(run([crashA], { restartSec: '1s' }), 'a');
    const delayed = masterships(run([crashA], { preemptDelay: '10s,0s', restartSec: '1s' }), 'a');
    expect(delayed[1] - plain[1]).toBeGreaterThan(6 * SECOND);
  });
});

describe('keepalived-vrrp interface tracking', () => {
  const nicDown = '{ at: 10s, kind: nic-down, target: a, for: 10s }';
  it('a MASTER whose NIC fails sees FAULT, returns as BACKUP and resyncs: the acks b took meanwhile survive', () => {
    const r = run([nicDown]);
    const fault = r.history.events.find((e) => e.type === 'note' && e.node === 'a' && e.text.includes('interface DOWN'))!;
    expect(fault.time - 10 * SECOND).toBeLessThanOrEqual(100_000);
    expect(masterships(r, 'b').length).toBe(1);
    expect(r.metrics.lostAcked).toBe(0);
  });

  it('without tracking (dont_track_primary) the cut-off MASTER stays MASTER and on reconnection b steps down: its acks are lost', () => {
    const r = run([nicDown], { trackInterface: false });
    expect(r.history.events.some((e) => e.type === 'note' && e.text.includes('interface DOWN'))).toBe(false);
    expect(r.metrics.lostAcked).toBeGreaterThan(100);
  });
});

describe('keepalived-vrrp parameter checks', () => {
  const topology = (params: Record<string, unknown>) => keepalived.topology(resolveParams(keepalived, params) as never);
  it('takes 2 to 9 priorities, and per-host lists of the same length', () => {
    expect(topology({ priorities: '150,100,50' }).nodes.map((n) => n.id)).toEqual(['a', 'b', 'c']);
    expect(() => topology({ priorities: '150' })).toThrow(/priorities: expected 2 to 9 priorities/);
    expect(() => topology({ priorities: '150,100', nopreempt: '1,0,0' })).toThrow(/nopreempt: expected one value, or 2 comma-separated values/);
    expect(() => resolveParams(keepalived, { nopreempt: '2' })).toThrow(/nopreempt: expected one integer >= 0 and <= 1 per node/);
    expect(() => resolveParams(keepalived, { preemptDelay: '5s,x' })).toThrow(/preemptDelay: expected one non-negative duration/);
  });
});
