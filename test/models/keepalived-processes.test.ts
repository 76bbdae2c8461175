/**
 * keepalived-vrrp with keepalived and the trading service as two processes of each host
 * (NodeSpec.processes): one can die while the host and the other live.
 *
 * - keepalived killed alone (SIGKILL): nothing runs its shutdown path, so the VIP stays
 *   configured on the old master, whose kernel keeps answering ARP for it, and the trading
 *   service keeps serving there; the BACKUP hears no advert and takes over after its
 *   Master_Down_Interval (3.609375 s for priority 100). When keepalived restarts it removes the
 *   leftover VIP and enters BACKUP (keepalived vrrp_scheduler.c vrrp_init_state:
 *   vrrp_restore_interface(vrrp, false, true)), then preempts with priority 150.
 * - the trading service killed alone: keepalived's check fails (pgrep) within a script
 *   interval, the instance enters FAULT and sends a priority-0 advert: the BACKUP takes over
 *   Skew_Time (0.609375 s) later.
 */
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/sim/simulator.ts';
import { MS, SECOND, type Micros } from '../../src/sim/time.ts';
import { DEFAULT_WORKLOAD } from '../../src/world/client.ts';
import { resolveParams } from '../../src/world/params.ts';
import { World } from '../../src/world/world.ts';
import keepalived from '../../models/keepalived-vrrp.ts';

const SKEW_B = 609_375;
const MASTER_DOWN_B = 3 * SECOND + SKEW_B;
const KILL = 5 * SECOND;

function world(seed = 1): World {
  const w = new World(new Simulator({ seed }), keepalived, resolveParams(keepalived, {}), DEFAULT_WORKLOAD);
  w.start();
  return w;
}

function primaryAt(w: World, node: string): Micros | undefined {
  return w.history.events.find((e) => e.type === 'role' && e.role === 'primary' && e.node === node)?.time;
}

describe('keepalived-vrrp: one process of a host killed', () => {
  it('keepalived killed alone leaves the VIP answering on the old master, which keeps serving, until keepalived restarts', () => {
    for (const seed of [1, 2, 3]) {
      const w = world(seed);
      w.sim.at(KILL, () => w.node('a').crashComponent('keepalived', 'kill -9', 10 * SECOND));
      // before the BACKUP's timer runs out: only a holds the VIP, and it answers
      w.sim.runUntil(KILL + 2_500 * MS);
      expect(w.routing.holdersOf('vip'), `seed ${seed}`).toEqual(['a']);
      expect(w.routing.resolve('client:1')).toBe('a');
      const served = w.history.events.filter((e) => e.type === 'ok' && e.node === 'a' && e.time > KILL);
      expect(served.length).toBeGreaterThan(300); // 200 orders/s, none refused
      expect(w.history.events.some((e) => (e.type === 'fail' || e.type === 'info') && e.time > KILL)).toBe(false);
      // the BACKUP takes over Master_Down_Interval after the last advert it heard (within one advert_int before the kill)
      w.sim.runUntil(KILL + 8 * SECOND);
      const bTookOver = primaryAt(w, 'b')! - KILL;
      expect(bTookOver).toBeGreaterThan(MASTER_DOWN_B - 1 * SECOND);
      expect(bTookOver).toBeLessThanOrEqual(MASTER_DOWN_B + 1 * MS);
      // the old master still has the address configured: both hosts answer for it
      expect(w.routing.holdersOf('vip').sort()).toEqual(['a', 'b']);
      expect(w.node('a').processes!.isRunning(0)).toBe(true);
      // keepalived restarts at KILL + 10 s: it removes the leftover VIP at once
      w.sim.runUntil(KILL + 10 * SECOND + 1 * MS);
      expect(w.routing.holdersOf('vip')).toEqual(['b']);
    }
  });

  it('a whole-host process crash takes the service down at once (the contrast)', () => {
    const w = world();
    w.sim.at(KILL, () => w.node('a').crashProcess('kill -9', 'never'));
    w.sim.runUntil(KILL + 2_500 * MS);
    expect(w.history.events.some((e) => e.type === 'ok' && e.node === 'a' && e.time > KILL + 5 * MS)).toBe(false);
  });

  it('the trading service killed alone: FAULT, a priority-0 advert, the BACKUP takes over Skew_Time later', () => {
    const w = world();
    w.sim.at(KILL, () => w.node('a').crashComponent('trading-service', 'kill -9', 'never'));
    w.sim.runUntil(KILL + 5 * SECOND);
    const fault = w.history.events.find((e) => e.type === 'note' && e.node === 'a' && e.text.includes('FAULT') && e.time > KILL)!.time;
    expect(fault - KILL).toBeLessThanOrEqual(1 * SECOND + 1 * MS); // the next script run (interval 1 s)
    const taken = primaryAt(w, 'b')! - fault;
    expect(taken).toBeGreaterThanOrEqual(SKEW_B);
    expect(taken).toBeLessThan(SKEW_B + 5 * MS); // + b's processing time (the VIP add before notify_master)
    expect(w.routing.holdersOf('vip')).toEqual(['b']);
  });
});

describe('keepalived-vrrp: graceful stop (SIGTERM)', () => {
  // RFC 3768 §6.1 / RFC 5798 §6.1: Skew_Time = ((256 - Priority) / 256) x advert_int; a
  // BACKUP that receives a priority-0 advert sets its Master_Down_Timer to Skew_Time
  // (RFC 3768 §6.4.2), so b (priority 100, advert_int 1 s) takes over 0.609375 s after a's stop
  for (const component of ['keepalived', undefined]) {
    it(`stopping ${component ?? 'the whole host\'s services'}: b is MASTER Skew_Time after the priority-0 advert, and a has dropped the VIP`, () => {
      for (const seed of [1, 2, 3]) {
        const w = world(seed);
        w.sim.at(KILL, () => w.node('a').stopProcess('systemctl stop', 'never', 90 * SECOND, component));
        w.sim.runUntil(KILL + 3 * SECOND);
        const taken = primaryAt(w, 'b')! - KILL;
        expect(taken, `seed ${seed}`).toBeGreaterThanOrEqual(SKEW_B);
        expect(taken).toBeLessThan(SKEW_B + 5 * MS); // + one link latency for the advert and b's processing time (median 0.3 ms)
        expect(w.routing.holdersOf('vip')).toEqual(['b']);
      }
    });
  }
});
