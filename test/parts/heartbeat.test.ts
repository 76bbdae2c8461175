import { describe, expect, it } from 'vitest';
import { PingMonitor, SilenceDetector, answerPing, heartbeatThreadOf } from '../../src/parts/heartbeat.ts';
import type { Actor, Msg, NodeContext } from '../../src/world/actor.ts';
import { harness, LINK_US, MS, SECOND } from './harness.ts';

/** `a` monitors `b` with the HA document's loop; `b` only answers. Verdicts are logged. */
function pingPair(options: { interval?: number; answerTimeout?: number } = {}) {
  const verdicts: { at: number; answered: boolean }[] = [];
  const h = harness(['a', 'b'], (ctx: NodeContext): Actor => {
    const monitor =
      ctx.id === 'a'
        ? new PingMonitor(ctx, {
            peer: 'b',
            interval: options.interval ?? SECOND,
            answerTimeout: options.answerTimeout ?? SECOND,
                  onVerdict: (answered) => verdicts.push({ at: h.sim.now, answered }),
          })
        : undefined;
    return {
      onStart: () => monitor?.start(),
      threadOf: heartbeatThreadOf,
      onMessage: (from: string, msg: Msg) => {
        if (!answerPing(ctx, from, msg)) monitor?.handle(from, msg);
      },
      onTimer: (kind: string, data: unknown) => monitor?.onTimer(kind, data),
    };
  });
  return { h, verdicts };
}

describe('PingMonitor (the document\'s monitorPeer loop)', () => {
  it('pings once per interval plus round trip while the peer answers', () => {
    const { h, verdicts } = pingPair();
    h.runUntil(5 * SECOND);
    expect(verdicts.every((v) => v.answered)).toBe(true);
    // ping, answer after a round trip, sleep 1 s, ping again
    expect(verdicts.map((v) => v.at)).toEqual([1, 2, 3, 4, 5].map((k) => k * 2 * LINK_US + (k - 1) * SECOND));
  });

  it('condemns a dead peer on the first unanswered ping: between 1 and 2 intervals after the death', () => {
    const { h, verdicts } = pingPair();
    const crashAt = 2.5 * SECOND;
    h.sim.at(crashAt, () => h.world.node('b').crashProcess('test'));
    h.runUntil(6 * SECOND);
    const firstMiss = verdicts.find((v) => !v.answered)!;
    // the next ping leaves up to 1 s after the death and waits 1 s for its answer
    expect(firstMiss.at - crashAt).toBeGreaterThan(1 * SECOND);
    expect(firstMiss.at - crashAt).toBeLessThanOrEqual(2 * SECOND + 2 * LINK_US);
  });

  it('keeps hearing a peer whose main thread is deadlocked: its heartbeat thread still answers (gray failure)', () => {
    const { h, verdicts } = pingPair();
    h.sim.at(1.5 * SECOND, () => h.world.node('b').hang(['heartbeat']));
    h.runUntil(6 * SECOND);
    expect(verdicts.filter((v) => v.at > 1.5 * SECOND).every((v) => v.answered)).toBe(true);
  });

  it('condemns the peer when every thread of it is stuck', () => {
    const { h, verdicts } = pingPair();
    h.sim.at(1.5 * SECOND, () => h.world.node('b').hang([]));
    h.runUntil(6 * SECOND);
    expect(verdicts.some((v) => !v.answered)).toBe(true);
  });
});

describe('SilenceDetector', () => {
  function silencePair(rearmEvery?: number) {
    const events: { at: number; what: string }[] = [];
    const h = harness(['a', 'b'], (ctx: NodeContext): Actor => {
      const detector = new SilenceDetector(ctx, {
        peers: [ctx.id === 'a' ? 'b' : 'a'],
        beatInterval: 100 * MS,
        timeout: 3 * SECOND,
        rearmEvery,
        onHeard: (peer, _payload, wasLost) => wasLost && ctx.id === 'a' && events.push({ at: h.sim.now, what: `heard ${peer}` }),
        onLost: (peer) => ctx.id === 'a' && events.push({ at: h.sim.now, what: `lost ${peer}` }),
      });
      return {
        onStart: () => detector.start(),
        onMessage: (from: string, msg: Msg) => detector.handle(from, msg),
        onTimer: (kind: string, data: unknown) => detector.onTimer(kind, data),
      };
    });
    return { h, events };
  }

  it('loses a peer after `timeout` of silence and finds it again at its next beat', () => {
    const { h, events } = silencePair();
    const cutAt = 10 * SECOND + 50 * MS;
    h.sim.at(cutAt, () => h.world.network.cut('b', 'a'));
    h.sim.at(20 * SECOND, () => h.world.network.uncut('b', 'a'));
    h.runUntil(25 * SECOND);
    expect(events.map((e) => e.what)).toEqual(['heard b', 'lost b', 'heard b']);
    const lost = events[1].at;
    // the last beat heard left b at most one beat interval before the cut
    expect(lost - cutAt).toBeGreaterThan(3 * SECOND - 100 * MS);
    expect(lost - cutAt).toBeLessThanOrEqual(3 * SECOND + LINK_US);
    expect(events[2].at).toBeGreaterThanOrEqual(20 * SECOND);
    expect(events[2].at).toBeLessThanOrEqual(20 * SECOND + 100 * MS + LINK_US);
  });

  // corosync's idle ring: the token, which alone restarts the token timer, comes round once per
  // `hold` (561 ms for token 3000), so a peer is lost token - [0, hold) after it fell silent
  it('with rearmEvery, the timer restarts only once per period: a silence is caught up to one period early', () => {
    const lostAfter = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => {
      const { h, events } = silencePair(561 * MS);
      const cutAt = 10 * SECOND + i * 70 * MS;
      h.sim.at(cutAt, () => h.world.network.cut('b', 'a'));
      h.runUntil(16 * SECOND);
      return events.find((e) => e.what === 'lost b')!.at - cutAt;
    });
    for (const d of lostAfter) {
      expect(d).toBeGreaterThan(3 * SECOND - 561 * MS - 100 * MS);
      expect(d).toBeLessThanOrEqual(3 * SECOND + LINK_US);
    }
    // the cut meets the rotation at different phases: the delays spread over most of a period
    expect(Math.max(...lostAfter) - Math.min(...lostAfter)).toBeGreaterThan(350 * MS);
  });

  it('with rearmEvery, a peer heard on every beat is never lost', () => {
    const { h, events } = silencePair(561 * MS);
    h.runUntil(30 * SECOND);
    expect(events.map((e) => e.what)).toEqual(['heard b']);
  });
});
