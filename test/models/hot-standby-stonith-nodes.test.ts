/**
 * hot-standby-stonith with more than two nodes. corosync.conf(5): the effective token is
 * token + (nodes - 2) x token_coefficient (3000 + 650 ms for three nodes), consensus 1.2 x that;
 * votequorum(5): with three nodes two_node is off and a partition needs a majority of the votes.
 * Pacemaker fences only from a quorate partition (its DC schedules the fence), and with
 * no-quorum-policy=stop a node left in a minority stops its resources: in a 2:1 split the
 * majority fences the minority and keeps serving (or takes over), the minority does nothing,
 * and there are never two primaries.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import { resolveParams } from '../../src/world/params.ts';
import { InputError } from '../../src/sim/input-error.ts';
import { estimateSpecOf } from '../../src/estimate/declarations.ts';
import stonith from '../../models/hot-standby-stonith.ts';
import { faultSchedule } from './fault-schedule.ts';

const SECOND = 1_000_000;

function run(faultLines: string[], params: Record<string, unknown>, seed = 1): RunResult {
  return simulate({ design: stonith, seed, schedule: faultSchedule(faultLines, '60s', '30s'), params });
}

const primaries = (r: RunResult) => r.history.events.flatMap((e) => (e.type === 'role' && e.role === 'primary' && e.time > 0 ? [{ node: e.node, time: e.time }] : []));
const fences = (r: RunResult) => r.history.events.flatMap((e) => (e.type === 'fence' ? [{ by: e.node, target: e.target, ok: e.ok, time: e.time }] : []));
const acksBy = (r: RunResult, node: string) => r.history.events.filter((e) => e.type === 'ack-sent' && e.node === node).map((e) => e.time);
const broken = (r: RunResult) => r.violations.map((v) => v.invariant);

describe('hot-standby-stonith with three nodes', () => {
  it('a crash of the primary: b (the DC of the survivors) fences it after token + 650 ms (from its last token) + consensus + the scheduler round and starts the resources', () => {
    const r = run(['{ at: 10s, kind: crash, target: a }'], { nodes: 3 });
    const [fence] = fences(r);
    expect(fence).toMatchObject({ by: 'b', target: 'a', ok: true });
    const token = 3.65 * SECOND;
    // the token timer restarted up to one idle rotation (hold: 685 ms for token 3650) before the
    // crash, then consensus 1.2 x token, then the DC's scheduler round (transitionDelay 200 ms)
    const hold = 0.685 * SECOND;
    const transition = 0.2 * SECOND;
    expect(fence.time - 10 * SECOND).toBeGreaterThanOrEqual(token - hold + 1.2 * token + transition);
    // (plus 1 s when the DC re-asks for the CIB: cibReaskShare)
    expect(fence.time - 10 * SECOND).toBeLessThan(token + 1.2 * token + transition + 1.1 * SECOND);
    expect(primaries(r).map((p) => p.node)).toEqual(['b']);
    expect(broken(r)).toEqual([]);
  });

  it.each([1, 2])('a 2:1 partition cutting off the primary: the majority fences it and takes over, the minority acks nothing; one primary at a time (seed %i)', (seed) => {
    const r = run(['{ at: 10s, kind: partition, groups: [[a], [b, c]], for: 30s }'], { nodes: 3 }, seed);
    expect(fences(r).filter((f) => f.ok).map((f) => `${f.by}>${f.target}`)).toEqual(['b>a']);
    expect(primaries(r)[0].node).toBe('b');
    // a acks nothing once cut off (sync to every peer), and b only after a is fenced
    const fencedAt = fences(r)[0].time;
    expect(acksBy(r, 'a').filter((t) => t > 10.1 * SECOND)).toEqual([]);
    expect(Math.min(...acksBy(r, 'b'))).toBeGreaterThan(fencedAt);
    expect(acksBy(r, 'b').length).toBeGreaterThan(1000);
    expect(broken(r)).toEqual([]);
  });

  it('with a slow fence the cut-off primary sees its quorum go first and stops its resources (no-quorum-policy=stop)', () => {
    const r = run(['{ at: 10s, kind: partition, groups: [[a], [b, c]], for: 30s }'], { nodes: 3, fencePowerOffTime: '10s' });
    const stopped = r.history.events.find((e) => e.type === 'role' && e.node === 'a' && e.role === 'standby' && e.time > 10 * SECOND)!;
    const off = r.history.events.find((e) => e.type === 'node-state' && e.node === 'a' && e.state === 'off')!;
    expect(stopped.time).toBeLessThan(off.time);
    expect(r.history.events.some((e) => e.type === 'note' && e.node === 'a' && e.text.includes('no-quorum-policy=stop'))).toBe(true);
    expect(broken(r)).toEqual([]);
  });

  it('a 2:1 partition cutting off a standby: the primary fences it and keeps serving; the minority fences nobody', () => {
    const r = run(['{ at: 10s, kind: partition, groups: [[c], [a, b]], for: 30s }'], { nodes: 3 });
    const [fence, ...more] = fences(r);
    expect([fence, ...more].map((f) => `${f.by}>${f.target}`)).toEqual(['a>c']);
    expect(primaries(r)).toEqual([]); // a stays primary throughout
    expect(acksBy(r, 'a').filter((t) => t > fence.time && t < 40 * SECOND).length).toBeGreaterThan(1000);
    expect(acksBy(r, 'c')).toEqual([]);
    expect(broken(r)).toEqual([]);
  });

  it('two of three nodes crash: the survivor has no quorum and stops; when one returns the pair fences the other and the old primary serves again', () => {
    const r = run(['{ at: 10s, kind: crash, target: b }', '{ at: 10s, kind: crash, target: c, for: 20s }'], { nodes: 3 });
    const stopped = r.history.events.find((e) => e.type === 'role' && e.node === 'a' && e.role === 'standby' && e.time > 10 * SECOND);
    expect(stopped).toBeDefined();
    expect(fences(r).filter((f) => f.ok).map((f) => `${f.by}>${f.target}`)).toEqual(['a>b']);
    const resumed = primaries(r).find((p) => p.time > stopped!.time);
    expect(resumed?.node).toBe('a'); // the UpToDate one: c rebooted and is not
    expect(acksBy(r, 'a').some((t) => t > resumed!.time)).toBe(true);
    expect(broken(r)).toEqual([]);
  });

  it('five nodes split 2:3: the three fence both of the two and one of them takes over', () => {
    const r = run(['{ at: 10s, kind: partition, groups: [[a, b], [c, d, e]], for: 30s }'], { nodes: 5 });
    expect(fences(r).filter((f) => f.ok).map((f) => `${f.by}>${f.target}`).sort()).toEqual(['c>a', 'c>b']);
    expect(primaries(r)[0].node).toBe('c');
    expect(broken(r)).toEqual([]);
  });

  it('the estimate needs a majority for quorum and one node to serve', () => {
    expect(estimateSpecOf(stonith, resolveParams(stonith, { nodes: 3 })).structure).toEqual({ all: [{ atLeast: 2, of: ['a', 'b', 'c'] }, { atLeast: 1, of: ['a', 'b', 'c'] }] });
    expect(estimateSpecOf(stonith, resolveParams(stonith, {})).structure).toEqual({ atLeast: 1, of: ['a', 'b'] });
  });

  it('refuses a node count outside 2-9 and per-node delays of the wrong length, in one line', () => {
    const errors: unknown[] = [];
    for (const overrides of [{ nodes: '1' }, { nodes: '10' }]) {
      try {
        resolveParams(stonith, overrides);
      } catch (e) {
        errors.push(e);
      }
    }
    try {
      stonith.topology(resolveParams(stonith, { nodes: 3, pcmkDelayBase: '1s,2s' }) as never);
    } catch (e) {
      errors.push(e);
    }
    expect(errors).toHaveLength(3);
    for (const e of errors) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).not.toContain('\n');
    }
  });
});
