import { describe, expect, it } from 'vitest';
import { Stonith, type StonithOptions } from '../../src/parts/stonith.ts';
import type { Actor, NodeContext } from '../../src/world/actor.ts';
import { harness, SECOND } from './harness.ts';

/** `a` fences `b` at 1 s; fence events and `onFenced` are logged. */
function fencer(options: Partial<StonithOptions> = {}, targetRunsResources = false, seed = 1) {
  const fenced: number[] = [];
  const gaveUp: number[] = [];
  const h = harness(
    ['a', 'b'],
    (ctx: NodeContext): Actor => {
      const stonith = new Stonith(ctx, {
        action: 'reboot',
        stonithTimeout: 60 * SECOND,
        pcmkDelayBase: 0,
        pcmkDelayMax: 0,
        priorityFencingDelay: 0,
        maxAttempts: 10,
        retryInterval: 5 * SECOND,
        onFenced: () => fenced.push(h.sim.now),
        onGaveUp: () => gaveUp.push(h.sim.now),
        ...options,
      });
      return {
        onStart: () => {
          if (ctx.id === 'a' && ctx.bootCount === 0) ctx.setTimer(SECOND, 'go');
        },
        onMessage: () => {},
        onTimer: (kind: string, data: unknown) => {
          if (kind === 'go') stonith.fence('b', targetRunsResources);
          else stonith.onTimer(kind, data);
        },
      };
    },
    { seed, topology: { bootTime: 30 * SECOND } },
  );
  const fenceEvents = () => h.world.history.events.filter((e) => e.type === 'fence');
  return { h, fenced, gaveUp, fenceEvents };
}

describe('STONITH (Pacemaker semantics over IPMI)', () => {
  it('confirms the fence, powers the target off and reboots it after the boot time', () => {
    const { h, fenced } = fencer();
    h.runUntil(40 * SECOND);
    expect(fenced).toHaveLength(1);
    expect(fenced[0] - SECOND).toBeLessThan(1000); // two hops on the management network
    const states = h.world.history.events.filter((e) => e.type === 'node-state' && e.node === 'b').map((e) => (e as { state: string }).state);
    expect(states).toEqual(['up', 'off', 'up']);
  });

  it('waits pcmk_delay_base plus a random part below pcmk_delay_max, and priority-fencing-delay when the target runs the resources', () => {
    const delays = [1, 2, 3, 4, 5].map((seed) => {
      const { h, fenced } = fencer({ pcmkDelayBase: 2 * SECOND, pcmkDelayMax: 5 * SECOND }, false, seed);
      h.runUntil(20 * SECOND);
      return fenced[0] - SECOND;
    });
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(2 * SECOND);
      expect(d).toBeLessThanOrEqual(5 * SECOND + 1000);
    }
    expect(new Set(delays.map((d) => Math.round(d / 1000))).size).toBeGreaterThan(1); // random

    const { h, fenced } = fencer({ priorityFencingDelay: 10 * SECOND }, true);
    h.runUntil(20 * SECOND);
    expect(fenced[0] - SECOND).toBeGreaterThanOrEqual(10 * SECOND);
  });

  it('a fence that cannot be confirmed (the target\'s BMC has no power) blocks and is retried until it succeeds', () => {
    const { h, fenced, fenceEvents } = fencer();
    const rack = h.world.placement.get('b')!.power;
    h.sim.at(SECOND / 2, () => h.world.powerDomainOff(rack));
    h.sim.at(18 * SECOND, () => h.world.powerDomainOn(rack));
    h.runUntil(30 * SECOND);
    const attempts = fenceEvents();
    // attempts at 1 s, 6 s, 11 s, 16 s fail; the one at 21 s succeeds
    expect(attempts.map((e) => (e as { ok: boolean }).ok)).toEqual([false, false, false, false, true]);
    expect(fenced).toHaveLength(1);
    expect(fenced[0]).toBeGreaterThanOrEqual(21 * SECOND);
  });

  it('gives up after stonith-max-attempts failures', () => {
    const { h, fenced, gaveUp } = fencer({ maxAttempts: 3 });
    h.sim.at(SECOND / 2, () => h.world.powerDomainOff(h.world.placement.get('b')!.power));
    h.runUntil(60 * SECOND);
    expect(fenced).toEqual([]);
    expect(gaveUp).toHaveLength(1);
  });

  it('requestDelay: the fencing request (its note) and the fence come that much after fence() is called', () => {
    const { h, fenced } = fencer({ requestDelay: () => 170_000 });
    h.runUntil(20 * SECOND);
    const note = h.world.history.events.find((e) => e.type === 'note' && /^stonith: fencing b/.test(e.text))!;
    expect(note.time).toBe(SECOND + 170_000);
    expect(fenced[0] - SECOND).toBeGreaterThanOrEqual(170_000);
    expect(fenced[0] - SECOND).toBeLessThan(170_000 + 1000);
  });

  it('requestDelay: a fence cancelled while its request waits never happens', () => {
    const fenced: number[] = [];
    const h = harness(['a', 'b'], (ctx: NodeContext): Actor => {
      const stonith = new Stonith(ctx, { action: 'reboot', stonithTimeout: 60 * SECOND, requestDelay: () => 500_000, pcmkDelayBase: 0, pcmkDelayMax: 0, priorityFencingDelay: 0, maxAttempts: 10, retryInterval: 5 * SECOND, onFenced: () => fenced.push(h.sim.now) });
      return {
        onStart: () => {
          if (ctx.id === 'a' && ctx.bootCount === 0) ctx.setTimer(SECOND, 'go');
        },
        onMessage: () => {},
        onTimer: (kind: string, data: unknown) => {
          if (kind === 'go') {
            stonith.fence('b', false);
            ctx.setTimer(200_000, 'cancel');
          } else if (kind === 'cancel') stonith.cancel('b');
          else stonith.onTimer(kind, data);
        },
      };
    });
    h.runUntil(10 * SECOND);
    expect(fenced).toEqual([]);
    expect(h.world.history.events.filter((e) => e.type === 'fence')).toEqual([]);
  });

  it('agentTime: the command leaves that much after the attempt starts, and a requester powered off meanwhile fences nobody', () => {
    // the agent runs 300 ms; a is powered off 100 ms into it (the peer it races shot it first)
    const raced = fencer({ agentTime: () => 300_000 });
    raced.h.sim.at(SECOND + 100_000, () => raced.h.world.node('a').powerOff('shot by b'));
    raced.h.runUntil(10 * SECOND);
    expect(raced.fenceEvents()).toEqual([]);
    expect(raced.h.world.history.events.some((e) => e.type === 'node-state' && e.node === 'b' && e.state === 'off')).toBe(false);

    // the same death after the command left: the fence goes through (the device acts on its own)
    const late = fencer({ agentTime: () => 300_000 });
    late.h.sim.at(SECOND + 400_000, () => late.h.world.node('a').powerOff('shot by b'));
    late.h.runUntil(10 * SECOND);
    expect(late.h.world.history.events.some((e) => e.type === 'node-state' && e.node === 'b' && e.state === 'off')).toBe(true);

    // without an agent time the command leaves at the attempt: the early death no longer saves b
    const instant = fencer();
    instant.h.sim.at(SECOND + 100_000, () => instant.h.world.node('a').powerOff('shot by b'));
    instant.h.runUntil(10 * SECOND);
    const bOff = instant.h.world.history.events.find((e) => e.type === 'node-state' && e.node === 'b' && e.state === 'off');
    expect(bOff?.time).toBeLessThan(SECOND + 100_000);
  });

  it('confirmTime: the target is off at the device\'s answer, but onFenced comes only when the agent exits, that much later', () => {
    const instant = fencer();
    instant.h.runUntil(10 * SECOND);
    const waiting = fencer({ confirmTime: () => 4_450_000 });
    waiting.h.runUntil(10 * SECOND);
    const offAt = (h: typeof instant.h) => h.world.history.events.find((e) => e.type === 'node-state' && e.node === 'b' && e.state === 'off')?.time;
    // the power-off itself is not delayed
    expect(offAt(waiting.h)).toBe(offAt(instant.h));
    expect(waiting.fenceEvents()).toHaveLength(1);
    expect(waiting.fenced).toHaveLength(1);
    expect(waiting.fenced[0] - instant.fenced[0]).toBe(4_450_000);
  });

  it('confirmTime: a requester that dies while its agent still runs never confirms the fence (the target stays off)', () => {
    const w = fencer({ confirmTime: () => 4_450_000 });
    w.h.sim.at(3 * SECOND, () => w.h.world.node('a').powerOff('the requester dies during the agent\'s power_wait'));
    w.h.runUntil(10 * SECOND);
    expect(w.fenceEvents()).toHaveLength(1); // the device acted
    expect(w.fenced).toEqual([]); // but its requester never saw the agent's exit
  });
});
