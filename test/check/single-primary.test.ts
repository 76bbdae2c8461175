import { describe, expect, it } from 'vitest';
import { primaryIntervals, singlePrimary, splitBrainIntervals } from '../../src/check/single-primary.ts';
import type { HistoryEvent, Role } from '../../src/history/history.ts';
import { ackSent, acked, crash, exchange, history, ms, nodeState, role } from './helpers.ts';

describe('primaryIntervals', () => {
  it('runs from a primary declaration to the next other role', () => {
    const h = history([role(0, 'a', 'primary', 1), role(100, 'a', 'standby', 1), role(100, 'b', 'primary', 2)]);
    expect(primaryIntervals(h).map(({ node, epoch, start, end }) => ({ node, epoch, start, end }))).toEqual([
      { node: 'a', epoch: 1, start: 0, end: ms(100) },
      { node: 'b', epoch: 2, start: ms(100), end: h.endAt },
    ]);
  });

  it('is ended by a crash or power-off but not by a pause', () => {
    const h = history([
      role(0, 'a', 'primary'), nodeState(50, 'a', 'paused'), nodeState(80, 'a', 'up'), crash(120, 'a'),
      role(200, 'b', 'primary'), nodeState(300, 'b', 'off'),
    ]);
    expect(primaryIntervals(h).map((i) => [i.node, i.start, i.end])).toEqual([['a', 0, ms(120)], ['b', ms(200), ms(300)]]);
  });

  it('restarts on a new epoch and ignores a repeated declaration of the same epoch', () => {
    const h = history([role(0, 'a', 'primary', 1), role(10, 'a', 'primary', 1), role(20, 'a', 'primary', 3)]);
    expect(primaryIntervals(h).map((i) => [i.epoch, i.start, i.end])).toEqual([[1, 0, ms(20)], [3, ms(20), h.endAt]]);
  });
});

describe('single-primary', () => {
  it('stays quiet for a clean handover', () => {
    const h = history([
      role(0, 'a', 'primary', 1), acked('o1', 10, 'a'),
      role(100, 'a', 'standby', 1), role(100, 'b', 'primary', 2), acked('o2', 110, 'b'),
    ]);
    expect(singlePrimary.check(h)).toEqual([]);
    expect(splitBrainIntervals(h)).toEqual([]);
  });

  it('catches two primaries both acking, at the instant both had acted', () => {
    const h = history([
      role(0, 'a', 'primary', 1), role(100, 'b', 'primary', 2),
      ackSent(150, 'a', 'o1'), ackSent(200, 'b', 'o2'), ackSent(300, 'a', 'o3'),
    ]);
    const violations = singlePrimary.check(h);
    expect(violations).toHaveLength(1);
    expect(violations[0].invariant).toBe('single-primary');
    expect(violations[0].time).toBe(ms(200));
    expect(violations[0].detail).toContain('a (epoch 1)');
    expect(violations[0].detail).toContain('b (epoch 2)');
    expect(violations[0].detail).toContain('from 0.100s to 91.000s');
  });

  it('does not count a belief-only overlap, where one side never acts', () => {
    const h = history([role(0, 'a', 'primary', 1), role(100, 'b', 'primary', 2), ackSent(150, 'b', 'o1'), role(400, 'a', 'standby', 1)]);
    expect(singlePrimary.check(h)).toEqual([]);
    const [pair] = splitBrainIntervals(h);
    expect(pair.belief).toEqual({ start: ms(100), end: ms(400) });
    expect(pair.effective).toBeNull();
  });

  it('counts an order accepted by the exchange as an effect but not a rejected one', () => {
    const base = [role(0, 'a', 'primary', 1), role(100, 'b', 'primary', 2), exchange(150, 'a', 'o1')];
    expect(singlePrimary.check(history([...base, exchange(160, 'b', 'o2', false)]))).toEqual([]);
    expect(singlePrimary.check(history([...base, exchange(160, 'b', 'o2', true)])).map((v) => v.time)).toEqual([ms(160)]);
  });

  it('ignores effects outside the overlap, such as a stale ack after a crash', () => {
    const h = history([
      role(0, 'a', 'primary', 1), ackSent(20, 'a', 'o1'), crash(50, 'a'), nodeState(60, 'a', 'up'),
      role(55, 'b', 'primary', 2), ackSent(80, 'a', 'o2'), ackSent(90, 'b', 'o3'),
    ]);
    expect(singlePrimary.check(h)).toEqual([]);
  });

  it('keeps a paused primary primary: it acks when it wakes up', () => {
    const h = history([
      role(0, 'a', 'primary', 1), nodeState(50, 'a', 'paused'), role(60, 'b', 'primary', 2), ackSent(70, 'b', 'o1'),
      nodeState(100, 'a', 'up'), ackSent(110, 'a', 'o2'),
    ]);
    expect(singlePrimary.check(h).map((v) => v.time)).toEqual([ms(110)]);
  });

  it('orders same-instant events as recorded: an ack before the crash is in, one after is out', () => {
    const before = history([role(0, 'a', 'primary'), role(0, 'b', 'primary', 2), ackSent(5, 'b', 'x'), ackSent(10, 'a', 'o'), crash(10, 'a')]);
    const after = history([role(0, 'a', 'primary'), role(0, 'b', 'primary', 2), ackSent(5, 'b', 'x'), crash(10, 'a'), ackSent(10, 'a', 'o')]);
    expect(singlePrimary.check(before).map((v) => v.time)).toEqual([ms(10)]);
    expect(singlePrimary.check(after)).toEqual([]);
  });

  it('measures the effective span as the stray side\'s acting span: b stops acting first, at 250 ms, after acting from 200 ms while a acted too', () => {
    const h = history([
      role(0, 'a', 'primary', 1), role(100, 'b', 'primary', 2),
      ackSent(150, 'a', 'o1'), ackSent(200, 'b', 'o2'), ackSent(250, 'b', 'o3'), ackSent(300, 'a', 'o4'), role(500, 'b', 'standby', 2),
    ]);
    expect(splitBrainIntervals(h)[0]).toMatchObject({ belief: { start: ms(100), end: ms(500) }, effective: { start: ms(200), end: ms(250), bothAt: ms(200) } });
  });

  it('is effective when the old primary acts only before the new one and the new one only after: its ack went to the wrong side', () => {
    // b is primary from 100 ms; a acks o1 at 150 ms while b is primary, b acks o2 at 200 ms
    const h = history([role(0, 'a', 'primary', 1), role(100, 'b', 'primary', 2), ackSent(150, 'a', 'o1'), ackSent(200, 'b', 'o2')]);
    // the stray side, a, acted at one instant: 0 ms of acting, still an effective split brain
    expect(splitBrainIntervals(h)[0].effective).toEqual({ start: ms(150), end: ms(150), bothAt: ms(200) });
    const [violation, ...rest] = singlePrimary.check(h);
    expect(rest).toEqual([]);
    expect(violation.time).toBe(ms(200));
    expect(violation.detail).toContain('stray effects at 0.150s');
    expect(violation.detail).not.toContain('0us');
  });

  it('does not count an instantaneous handover, even with both acting at that instant (zero-length overlap)', () => {
    // b declared primary at 100 ms, recorded before a steps down at the same instant; both ack at that instant
    const h = history([
      role(0, 'a', 'primary', 1), ackSent(50, 'a', 'o0'),
      role(100, 'b', 'primary', 2), ackSent(100, 'a', 'o1'), ackSent(100, 'b', 'o2'), role(100, 'a', 'standby', 1), ackSent(150, 'b', 'o3'),
    ]);
    const [pair] = splitBrainIntervals(h);
    expect(pair.belief).toEqual({ start: ms(100), end: ms(100) });
    expect(pair.effective).toBeNull();
    expect(singlePrimary.check(h)).toEqual([]);
  });

  it('counts the same acts once the overlap lasts longer than an instant (positive-length overlap)', () => {
    const h = history([
      role(0, 'a', 'primary', 1), ackSent(50, 'a', 'o0'),
      role(100, 'b', 'primary', 2), ackSent(100, 'a', 'o1'), ackSent(100, 'b', 'o2'), role(100.001, 'a', 'standby', 1), ackSent(150, 'b', 'o3'),
    ]);
    const [pair] = splitBrainIntervals(h);
    expect(pair.belief).toEqual({ start: ms(100), end: ms(100.001) });
    expect(pair.effective).toEqual({ start: ms(100), end: ms(100), bothAt: ms(100) });
    expect(singlePrimary.check(h).map((v) => [v.time, v.detail.includes('effects at 0.100s')])).toEqual([[ms(100), true]]);
  });

  it('reports each overlapping pair of three primaries', () => {
    const h = history(
      [role(0, 'a', 'primary', 1), role(10, 'b', 'primary', 2), role(20, 'c', 'primary', 3), ackSent(30, 'a', 'x'), ackSent(31, 'b', 'y'), ackSent(32, 'c', 'z')],
      { nodes: ['a', 'b', 'c'] },
    );
    expect(singlePrimary.check(h).map((v) => v.time)).toEqual([ms(31), ms(32), ms(32)]);
  });
});

describe('single-primary with scopes (one primary per shard)', () => {
  const scoped = (atMs: number, node: string, r: Role, epoch: number, scope: string): HistoryEvent => ({ ...role(atMs, node, r, epoch), scope } as HistoryEvent);

  it('does not count primaries of different shards as a split brain', () => {
    const h = history(
      [scoped(0, 'a1', 'primary', 1, 'shard1'), scoped(0, 'a2', 'primary', 1, 'shard2'), ackSent(10, 'a1', 'o1'), ackSent(11, 'a2', 'o2')],
      { nodes: ['a1', 'a2', 's'] },
    );
    expect(singlePrimary.check(h)).toEqual([]);
    expect(splitBrainIntervals(h)).toEqual([]);
  });

  it('catches two primaries of the same shard, both acting', () => {
    const h = history(
      [
        scoped(0, 'a1', 'primary', 1, 'shard1'), scoped(0, 'a2', 'primary', 1, 'shard2'),
        scoped(100, 's', 'primary', 2, 'shard1'), ackSent(150, 's', 'o1'), ackSent(160, 'a1', 'o2'), ackSent(170, 'a2', 'o3'),
      ],
      { nodes: ['a1', 'a2', 's'] },
    );
    const violations = singlePrimary.check(h);
    expect(violations.map((v) => v.time)).toEqual([ms(160)]);
    expect(violations[0].detail).toContain('a1 (epoch 1) and s (epoch 2)');
  });

  it('ends only the interval of the scope a role names, and every interval at a crash', () => {
    const h = history(
      [scoped(0, 's', 'primary', 2, 'shard1'), scoped(10, 's', 'primary', 2, 'shard2'), scoped(20, 's', 'standby', 2, 'shard1'), crash(30, 's')],
      { nodes: ['s'] },
    );
    expect(primaryIntervals(h).map((i) => [i.scope, i.start, i.end])).toEqual([['shard1', 0, ms(20)], ['shard2', ms(10), ms(30)]]);
  });
});
