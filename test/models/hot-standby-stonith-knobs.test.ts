/**
 * hot-standby-stonith's quorum and fencing knobs, each against the behaviour it exists for:
 * - corosync-qdevice(8), ffsplit: in a 50:50 split the arbiter's vote makes exactly one side
 *   quorate (tie_breaker lowest: `a`), and only that side fences;
 * - Pacemaker Explained, no-quorum-policy=stop (default): a partition without quorum stops its
 *   resources, so nothing is active in the minority; `ignore` keeps acting;
 * - fence races (Pacemaker Explained, pcmk_delay_base; ClusterLabs "Fencing"): a two-node
 *   split whose fencing takes seconds can end with both nodes powered off; a pcmk_delay_base on
 *   the device fencing one node lets that node shoot first and exactly one survives.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import { resolveParams } from '../../src/world/params.ts';
import stonith from '../../models/hot-standby-stonith.ts';
import { faultSchedule } from './fault-schedule.ts';

const SECOND = 1_000_000;
const SPLIT_AT = 10 * SECOND;

function run(faultLines: string[], params: Record<string, unknown>, seed = 1): RunResult {
  return simulate({ design: stonith, seed, schedule: faultSchedule(faultLines, '50s', '10s'), params });
}

/** Each node's `votequorum: quorate` / `not quorate` notes as [time, quorate]. */
function quorumChanges(r: RunResult, node: string): [number, boolean][] {
  return r.history.events.flatMap((e) => (e.type === 'note' && e.node === node && e.text.startsWith('votequorum:') ? [[e.time, e.text.endsWith(' quorate') && !e.text.includes('not')] as [number, boolean]] : []));
}

/** Whether `node` was quorate at `time` by its last note before it. */
function quorateAt(r: RunResult, node: string, time: number): boolean {
  const before = quorumChanges(r, node).filter(([t]) => t <= time);
  return before.length > 0 && before[before.length - 1][1];
}

function acksBy(r: RunResult, node: string, from: number, to: number): number {
  return r.history.events.filter((e) => e.type === 'ack-sent' && e.node === node && e.time >= from && e.time < to).length;
}

function fencesBy(r: RunResult, node: string): string[] {
  return r.history.events.flatMap((e) => (e.type === 'fence' && e.node === node ? [e.target] : []));
}

describe('hot-standby-stonith with a quorum device (corosync-qnetd)', () => {
  const split = '{ at: 10s, kind: partition, groups: [[a], [b]], for: 30s }';

  it.each(['ffsplit', 'lms'])('%s: in a 50:50 split with the arbiter reaching both, exactly one side is quorate and only it fences', (algorithm) => {
    const r = run([split], { quorumDevice: algorithm });
    for (const t of [20, 25, 30, 35].map((s) => s * SECOND)) {
      expect([quorateAt(r, 'a', t), quorateAt(r, 'b', t)]).toEqual([true, false]); // tie_breaker lowest
    }
    expect(fencesBy(r, 'b')).toEqual([]);
    expect(fencesBy(r, 'a')).toContain('b');
    expect(r.violations).toEqual([]);
  });

  it('no-quorum-policy=stop: the primary cut off with the minority stops its resources; the quorate side fences it and takes over', () => {
    const r = run(['{ at: 10s, kind: partition, groups: [[a], [b, qnetd]], for: 30s }'], { quorumDevice: 'ffsplit' });
    const stopped = r.history.events.find((e) => e.type === 'note' && e.node === 'a' && e.text.includes('no-quorum-policy=stop'))!;
    expect(stopped).toBeDefined();
    expect(acksBy(r, 'a', stopped.time, 40 * SECOND)).toBe(0);
    expect(quorateAt(r, 'b', 30 * SECOND)).toBe(true);
    expect(fencesBy(r, 'b')).toContain('a');
    expect(r.history.events.some((e) => e.type === 'role' && e.node === 'b' && e.role === 'primary' && e.time > SPLIT_AT)).toBe(true);
    expect(fencesBy(r, 'a')).toEqual([]);
    expect(r.violations).toEqual([]);
  });

  it('no-quorum-policy=ignore: neither side waits for quorum; the fence comes at the membership change, not once the arbiter decides', () => {
    const minority = '{ at: 10s, kind: partition, groups: [[a], [b, qnetd]], for: 30s }';
    // with ignore both sides race to fence each other (either may win); with stop only b fences
    const firstFence = (r: RunResult) => r.history.events.find((e) => e.type === 'fence')!.time;
    const ignore = run([minority], { quorumDevice: 'ffsplit', noQuorumPolicy: 'ignore' });
    const stop = run([minority], { quorumDevice: 'ffsplit' });
    expect(ignore.history.events.some((e) => e.type === 'note' && e.text.includes('no-quorum-policy=stop'))).toBe(false);
    // token 3 s + consensus 3.6 s after the split, and b's scheduler round (a second more if it re-asks for the CIB)
    expect(firstFence(ignore) - SPLIT_AT).toBeLessThan(8.6 * SECOND);
    // with quorum required, b waits until a's last report to the arbiter is qdeviceTimeout (10 s) old
    expect(firstFence(stop) - SPLIT_AT).toBeGreaterThan(9 * SECOND);
  });
});

describe('hot-standby-stonith fence races (stonith-action off)', () => {
  const split = '{ at: 10s, kind: partition, groups: [[a], [b]], for: 30s }';
  const slowFence = { stonithAction: 'off', fencePowerOffTime: '5s' };
  const offNodes = (r: RunResult) => [...new Set(r.history.events.flatMap((e) => (e.type === 'node-state' && e.state === 'off' ? [e.node] : [])))].sort();

  it.each([1, 2, 3])('with seconds-long fencing and no delay both nodes end powered off (seed %i)', (seed) => {
    const r = run([split], slowFence, seed);
    expect(offNodes(r)).toEqual(['a', 'b']);
    expect(r.history.final.every((f) => f.state === 'off')).toBe(true);
  });

  it.each([1, 2, 3])('with pcmk_delay_base on the device fencing a, a shoots first and exactly one survives (seed %i)', (seed) => {
    const r = run([split], { ...slowFence, pcmkDelayBase: '10s,0s' }, seed);
    expect(offNodes(r)).toEqual(['b']);
    expect(r.history.final.find((f) => f.node === 'a')!.state).toBe('up');
  });

  it('with an instant (IPMI) power-off the first fencer wins and one survives even without a delay', () => {
    const r = run([split], { stonithAction: 'off' });
    expect(offNodes(r).length).toBe(1);
  });

  it('refuses a pcmkDelayBase list of the wrong length', () => {
    expect(() => stonith.topology(resolveParams(stonith, { pcmkDelayBase: '1s,2s,3s' }) as never)).toThrow(/pcmkDelayBase: expected one value, or 2 comma-separated values/);
  });
});
