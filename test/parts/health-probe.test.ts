/**
 * The external health checker on its own: fixed-rate (Route 53) and check-then-sleep (a
 * monitor script) loops, thresholds in both directions, timeouts for silent targets.
 */
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/sim/simulator.ts';
import type { Msg, NodeContext, TimerHandle } from '../../src/world/actor.ts';
import { HealthProbe, type HealthProbeOptions } from '../../src/parts/health-probe.ts';

const SECOND = 1_000_000;
const RTT_US = 100;

/** The target answers healthy while `answers(t)` is true and stays silent otherwise. */
function probe(answers: (t: number) => boolean, options: Partial<HealthProbeOptions>, until: number): { checks: number[]; events: string[] } {
  const sim = new Simulator({ seed: 1 });
  const checks: number[] = [];
  const events: string[] = [];
  let p: HealthProbe;
  const ctx = {
    send: (_to: string, msg: Msg) => {
      checks.push(sim.now);
      if (answers(sim.now)) sim.after(RTT_US, () => p.handle('t', { type: 'health-result', checkId: msg.checkId, healthy: true }));
    },
    setTimer: (delay: number, kind: string, data?: unknown) => {
      sim.after(delay, () => p.onTimer(kind, data));
      return { kind } as TimerHandle;
    },
  } as unknown as NodeContext;
  p = new HealthProbe(ctx, {
    target: 't',
    intervalUs: 10 * SECOND,
    timeoutUs: 4 * SECOND,
    loop: 'fixed-rate',
    failureThreshold: 3,
    successThreshold: 3,
    onDown: () => events.push(`down@${sim.now / SECOND}`),
    onUp: () => events.push(`up@${sim.now / SECOND}`),
    ...options,
  });
  p.start();
  sim.runUntil(until);
  return { checks, events };
}

describe('HealthProbe', () => {
  it('fixed rate: a check every interval; down after 3 timed-out checks, up after 3 good ones', () => {
    const { checks, events } = probe((t) => t < 25 * SECOND || t > 60 * SECOND, {}, 100 * SECOND);
    expect(checks.slice(0, 4)).toEqual([10, 20, 30, 40].map((s) => s * SECOND));
    // checks at 30, 40, 50 s time out 4 s later; checks at 70, 80, 90 s pass
    expect(events).toEqual(['down@54', `up@${90 + RTT_US / SECOND}`]);
  });

  it('sleep-after: the next check starts an interval after the last verdict', () => {
    const { checks, events } = probe((t) => t < 12 * SECOND, { loop: 'sleep-after', intervalUs: 5 * SECOND, timeoutUs: 3 * SECOND }, 40 * SECOND);
    const s = checks.map((t) => t / SECOND);
    expect(s.slice(0, 3)).toEqual([5, 10.0001, 15.0002]);
    // failures: 15.0002 -> 18.0002, 23.0002 -> 26.0002, 31.0002 -> 34.0002
    expect(events).toEqual(['down@34.0002']);
  });
});
