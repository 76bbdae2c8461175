/**
 * keepalived's vrrp_script on its own: runs every interval, a run that never exits fails at
 * its timeout, `fall` failures in a row go KO and `rise` successes OK (keepalived.conf(5)).
 */
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/sim/simulator.ts';
import type { NodeContext, TimerHandle } from '../../src/world/actor.ts';
import { VrrpScript, type VrrpScriptOptions } from '../../src/parts/vrrp-script.ts';

const SECOND = 1_000_000;

/** `health(t)`: what a run started at time t reports, or 'hang' (never exits). */
function runScript(health: (t: number) => boolean | 'hang', options: Partial<VrrpScriptOptions>, until: number): { sim: Simulator; changes: string[] } {
  const sim = new Simulator({ seed: 1 });
  const changes: string[] = [];
  let script: VrrpScript;
  const ctx = {
    setTimer: (delay: number, kind: string, data?: unknown) => {
      sim.after(delay, () => script.onTimer(kind, data));
      return { kind } as TimerHandle;
    },
  } as unknown as NodeContext;
  script = new VrrpScript(ctx, {
    intervalUs: SECOND,
    timeoutUs: SECOND,
    fall: 1,
    rise: 1,
    check: (done) => {
      const result = health(sim.now);
      if (result !== 'hang') sim.after(1_000, () => done(result));
    },
    onStatus: (ok) => changes.push(`${ok ? 'OK' : 'KO'}@${sim.now / SECOND}`),
    ...options,
  });
  script.start();
  sim.runUntil(until);
  return { sim, changes };
}

describe('vrrp_script', () => {
  it('fall 1: the first failed run marks it KO, the first good one OK again (keepalived defaults)', () => {
    const { changes } = runScript((t) => t < 3 * SECOND || t > 5 * SECOND, {}, 10 * SECOND);
    expect(changes).toEqual(['KO@3.001', 'OK@6.001']);
  });

  it('a run that never exits fails when its timeout expires', () => {
    const { changes } = runScript((t) => (t >= 3 * SECOND ? 'hang' : true), { timeoutUs: 500_000 }, 10 * SECOND);
    expect(changes).toEqual(['KO@3.5']);
  });

  it('fall 3 / rise 2 need that many results in a row', () => {
    const { changes } = runScript((t) => !(t >= 3 * SECOND && t <= 7 * SECOND), { fall: 3, rise: 2 }, 12 * SECOND);
    expect(changes).toEqual(['KO@5.001', 'OK@9.001']);
  });
});
