/**
 * The VRRPv2 state machine on its own: two or three instances joined by a lossless 10 us
 * network, timers on a bare simulator. Each case cites the RFC 3768 / keepalived rule it pins.
 */
import { describe, expect, it } from 'vitest';
import { Simulator } from '../../src/sim/simulator.ts';
import type { Msg, NodeContext, TimerHandle } from '../../src/world/actor.ts';
import { VrrpInstance, type VrrpOptions, type VrrpState } from '../../src/parts/vrrp.ts';

const SECOND = 1_000_000;
const LINK_US = 10;

interface Router {
  id: string;
  vrrp: VrrpInstance;
  /** Whether the router's process runs (a dead one neither sends nor receives). */
  alive: boolean;
  log: string[];
}

/** A tiny world: routers by id, messages delivered after LINK_US unless an end is dead or cut. */
class Lan {
  readonly sim = new Simulator({ seed: 1 });
  readonly routers = new Map<string, Router>();
  readonly cut = new Set<string>();
  /** Routers whose interface has lost carrier. */
  readonly noCarrier = new Set<string>();

  add(id: string, options: Partial<VrrpOptions> & { priority: number }): Router {
    const ids = ['a', 'b', 'c'];
    const router: Router = { id, alive: true, log: [], vrrp: undefined as unknown as VrrpInstance };
    const sim = this.sim;
    const ctx = {
      id,
      nodes: ids,
      monotonic: () => sim.now,
      now: () => sim.now,
      send: (to: string, msg: Msg) => {
        if (!router.alive) return;
        router.log.push(`advert${(msg as unknown as { priority: number }).priority}>${to}@${sim.now}`);
        if (this.cut.has(`${id}>${to}`)) return;
        sim.after(LINK_US, () => {
          const peer = this.routers.get(to);
          if (peer?.alive) peer.vrrp.handle(id, msg);
        });
      },
      setTimer: (delay: number, kind: string) => {
        const event = sim.after(delay, () => router.alive && router.vrrp.onTimer(kind));
        return { kind, event } as unknown as TimerHandle;
      },
      cancelTimer: (t: TimerHandle | undefined) => t && sim.cancel((t as unknown as { event: never }).event),
      probe: () => {},
      linkUp: () => !this.noCarrier.has(id),
      note: () => {},
      takeVip: () => router.log.push(`vip@${sim.now}`),
      releaseVip: () => router.log.push(`release@${sim.now}`),
    } as unknown as NodeContext;
    router.vrrp = new VrrpInstance(ctx, {
      peers: ids.filter((x) => x !== id && (options.peers ?? ids).includes(x)),
      advertIntUs: SECOND,
      preempt: true,
      preemptDelayUs: 0,
      garpMasterDelayUs: 5 * SECOND,
      startAsMaster: false,
      onMaster: () => router.log.push(`MASTER@${sim.now}`),
      onBackup: () => router.log.push(`BACKUP@${sim.now}`),
      onFault: () => router.log.push(`FAULT@${sim.now}`),
      ...options,
    });
    this.routers.set(id, router);
    return router;
  }

  kill(id: string): void {
    this.routers.get(id)!.alive = false;
  }

  /** When `router` last entered `state` (log entries `STATE@time`). */
  static entered(router: Router, state: VrrpState): number[] {
    return router.log.filter((l) => l.startsWith(`${state}@`)).map((l) => Number(l.split('@')[1]));
  }
}

describe('VRRP timers (RFC 3768 §6.1)', () => {
  it('Skew_Time = (256 - priority) / 256 s and Master_Down_Interval = 3 x advert_int + Skew_Time', () => {
    const lan = new Lan();
    const b = lan.add('b', { priority: 100 });
    expect(b.vrrp.skewTime()).toBe(609_375);
    expect(b.vrrp.masterDownInterval()).toBe(3_609_375);
    const c = lan.add('c', { priority: 254 });
    expect(c.vrrp.skewTime()).toBe(7_813);
  });

  it('a BACKUP that never hears a MASTER takes over after Master_Down_Interval', () => {
    const lan = new Lan();
    const b = lan.add('b', { priority: 100, peers: [] });
    b.vrrp.start();
    lan.sim.runUntil(10 * SECOND);
    expect(Lan.entered(b, 'MASTER')).toEqual([3_609_375]);
  });

  it('a BACKUP hearing the MASTER every advert_int never takes over; it does Master_Down_Interval after the last advert', () => {
    const lan = new Lan();
    const a = lan.add('a', { priority: 150, startAsMaster: true });
    const b = lan.add('b', { priority: 100 });
    a.vrrp.start();
    b.vrrp.start();
    lan.sim.runUntil(10 * SECOND);
    expect(Lan.entered(b, 'MASTER')).toEqual([]);
    lan.sim.at(10.5 * SECOND, () => lan.kill('a')); // last advert sent at 10 s, heard at 10 s + 10 us
    lan.sim.runUntil(20 * SECOND);
    expect(Lan.entered(b, 'MASTER')).toEqual([10 * SECOND + LINK_US + 3_609_375]);
  });

  it('a MASTER sends one advert at once and then one every advert_int, plus a second GARP burst after garp_master_delay', () => {
    const lan = new Lan();
    const a = lan.add('a', { priority: 150, startAsMaster: true });
    a.vrrp.start();
    lan.sim.runUntil(6 * SECOND);
    expect(a.log.filter((l) => l.startsWith('vip@'))).toEqual(['vip@0', `vip@${5 * SECOND}`]);
  });
});

describe("keepalived's order of operations and processing time (vrrp.c vrrp_state_master_tx, vrrp_state_become_master, vrrp_state_leave_master)", () => {
  const PROCESSING_US = 300;
  /** a MASTER at 150 drops to 90 at 0.5 s (a track script's weight -60): b takes over Master_Down_Interval after a's last priority-150 advert (0 s). */
  function takeover(addressChangeUs?: () => number): { lan: Lan; a: Router; b: Router; at: number } {
    const lan = new Lan();
    const a = lan.add('a', { priority: 150, startAsMaster: true, addressChangeUs, peers: ['b'] });
    const b = lan.add('b', { priority: 100, addressChangeUs, peers: ['a'] });
    a.vrrp.start();
    b.vrrp.start();
    lan.sim.at(0.5 * SECOND, () => a.vrrp.setPriority(90));
    lan.sim.runUntil(5 * SECOND);
    return { lan, a, b, at: LINK_US + 3_609_375 };
  }

  it('the new MASTER sends its advert first, adds the VIP (its ARPs) and runs notify_master a processing time later', () => {
    const { b, at } = takeover(() => PROCESSING_US);
    const after = b.log.filter((l) => Number(l.split('@')[1]) >= at);
    expect(after.slice(0, 3)).toEqual([`advert100>a@${at}`, `vip@${at + PROCESSING_US}`, `MASTER@${at + PROCESSING_US}`]);
  });

  it('the old MASTER removes the VIP and runs notify_backup a processing time after hearing the advert, so the clients still reach it until then', () => {
    const { a, at } = takeover(() => PROCESSING_US);
    const heard = at + LINK_US;
    expect(a.vrrp.state).toBe('BACKUP');
    expect(a.log.filter((l) => /^(release|BACKUP)@/.test(l) && Number(l.split('@')[1]) > 0)).toEqual([`release@${heard + PROCESSING_US}`, `BACKUP@${heard + PROCESSING_US}`]);
  });

  it("a request is lost only when the old MASTER's removal comes before the new one's ARPs: the window is the difference of the two processing times", () => {
    // the new MASTER is slow (5 ms), the old one quick (0.2 ms): the VIP is on neither host
    // from 0.2 ms after the advert reached a until b's ARPs, 4.8 ms - LINK_US later
    const times = new Map([['a', 200], ['b', 5_000]]);
    const lan = new Lan();
    const a = lan.add('a', { priority: 150, startAsMaster: true, addressChangeUs: () => times.get('a')!, peers: ['b'] });
    const b = lan.add('b', { priority: 100, addressChangeUs: () => times.get('b')!, peers: ['a'] });
    a.vrrp.start();
    b.vrrp.start();
    lan.sim.at(0.5 * SECOND, () => a.vrrp.setPriority(90));
    lan.sim.runUntil(5 * SECOND);
    const at = LINK_US + 3_609_375;
    const released = Number(a.log.find((l) => l.startsWith('release@') && l !== 'release@0')!.split('@')[1]);
    const claimed = Number(b.log.find((l) => l.startsWith('vip@'))!.split('@')[1]);
    expect([released, claimed]).toEqual([at + LINK_US + 200, at + 5_000]);
  });

  it('the steady state at the run\'s start has the VIP in place at once', () => {
    const lan = new Lan();
    const a = lan.add('a', { priority: 150, startAsMaster: true, addressChangeUs: () => PROCESSING_US });
    a.vrrp.start();
    expect(a.log.filter((l) => !l.startsWith('advert'))).toEqual(['vip@0', 'MASTER@0']);
  });

  it('an event during a pending change is handled once the change is done (keepalived is single-threaded)', () => {
    // b's address changes take 2 s; its track script fails 1 s into the add: b completes the
    // add (ARPs, notify_master), then sends priority 0 and removes the VIP 2 s later
    const lan = new Lan();
    const a = lan.add('a', { priority: 150, startAsMaster: true, peers: ['b'] });
    const b = lan.add('b', { priority: 100, addressChangeUs: () => 2 * SECOND, peers: ['a'] });
    a.vrrp.start();
    b.vrrp.start();
    lan.sim.at(0.5 * SECOND, () => a.vrrp.setPriority(90));
    const at = LINK_US + 3_609_375;
    lan.sim.at(at + SECOND / 2, () => lan.kill('a')); // nothing else reaches b
    lan.sim.at(at + SECOND, () => b.vrrp.setFault(true));
    lan.sim.runUntil(8 * SECOND);
    const changes = b.log.filter((l) => /^(advert|vip|MASTER|release|FAULT)/.test(l) && Number(l.split('@')[1]) >= at);
    expect(changes).toEqual([`advert100>a@${at}`, `vip@${at + SECOND}`, `MASTER@${at + SECOND}`, `advert0>a@${at + SECOND}`, `release@${at + 3 * SECOND}`, `FAULT@${at + 3 * SECOND}`]);
  });
});

describe('priority 0 and FAULT (keepalived vrrp_state_leave_master)', () => {
  it('a MASTER entering FAULT releases the VIP and sends priority 0: the BACKUP takes over after Skew_Time', () => {
    const lan = new Lan();
    const a = lan.add('a', { priority: 150, startAsMaster: true });
    const b = lan.add('b', { priority: 100 });
    a.vrrp.start();
    b.vrrp.start();
    lan.sim.at(5.5 * SECOND, () => a.vrrp.setFault(true));
    lan.sim.runUntil(10 * SECOND);
    expect(a.log).toContain(`release@${5.5 * SECOND}`);
    expect(Lan.entered(b, 'MASTER')).toEqual([5.5 * SECOND + LINK_US + 609_375]);
  });

  it('leaving FAULT returns to BACKUP, and preemption brings the higher priority back after its Master_Down_Interval', () => {
    const lan = new Lan();
    const a = lan.add('a', { priority: 150, startAsMaster: true });
    const b = lan.add('b', { priority: 100 });
    a.vrrp.start();
    b.vrrp.start();
    lan.sim.at(2 * SECOND, () => a.vrrp.setFault(true));
    lan.sim.at(5 * SECOND, () => a.vrrp.setFault(false));
    lan.sim.runUntil(12 * SECOND);
    expect(Lan.entered(a, 'BACKUP')).toEqual([5 * SECOND]);
    // a discards b's lower-priority adverts, so its down timer (3.414 s from 5 s) runs out
    expect(Lan.entered(a, 'MASTER')).toEqual([0, 5 * SECOND + 3_414_063]);
    expect(b.vrrp.state).toBe('BACKUP');
  });
});

describe('interface tracking (keepalived tracks the instance interface unless dont_track_primary)', () => {
  it('a MASTER whose link loses carrier enters FAULT within a poll and releases the VIP; carrier back, it is BACKUP', () => {
    const lan = new Lan();
    const a = lan.add('a', { priority: 150, startAsMaster: true, trackInterface: true });
    const b = lan.add('b', { priority: 100, trackInterface: true });
    a.vrrp.start();
    b.vrrp.start();
    lan.sim.at(2.05 * SECOND, () => lan.noCarrier.add('a'));
    lan.sim.at(6.05 * SECOND, () => lan.noCarrier.delete('a'));
    lan.sim.runUntil(6.5 * SECOND);
    const fault = Lan.entered(a, 'FAULT');
    expect(fault.length).toBe(1);
    expect(fault[0] - 2.05 * SECOND).toBeGreaterThan(0);
    expect(fault[0] - 2.05 * SECOND).toBeLessThanOrEqual(100_000);
    expect(a.log).toContain(`release@${fault[0]}`);
    expect(Lan.entered(a, 'BACKUP').at(-1)! - 6.05 * SECOND).toBeLessThanOrEqual(100_000);
  });

  it('without tracking, a link without carrier changes nothing: the MASTER stays MASTER', () => {
    const lan = new Lan();
    const a = lan.add('a', { priority: 150, startAsMaster: true });
    a.vrrp.start();
    lan.sim.at(2 * SECOND, () => lan.noCarrier.add('a'));
    lan.sim.runUntil(6 * SECOND);
    expect(a.vrrp.state).toBe('MASTER');
  });
});

describe('preemption (RFC 3768 §6.4.2, keepalived vrrp_state_backup)', () => {
  function lowerMasterRunning(options: Partial<VrrpOptions>): { lan: Lan; a: Router } {
    const lan = new Lan();
    const b = lan.add('b', { priority: 100, startAsMaster: true });
    const a = lan.add('a', { priority: 150, ...options });
    b.vrrp.start();
    lan.sim.at(1.5 * SECOND, () => a.vrrp.start()); // a boots while b is MASTER
    lan.sim.runUntil(60 * SECOND);
    return { lan, a };
  }

  it('preempt: a higher-priority BACKUP ignores a lower MASTER and takes over after its down timer', () => {
    const { a } = lowerMasterRunning({});
    expect(Lan.entered(a, 'MASTER')).toEqual([1.5 * SECOND + 3_414_063]);
  });

  it('nopreempt: it stays BACKUP', () => {
    const { a } = lowerMasterRunning({ preempt: false });
    expect(Lan.entered(a, 'MASTER')).toEqual([]);
  });

  it('preempt_delay: it accepts the lower MASTER until the delay has run, then takes over', () => {
    const { a } = lowerMasterRunning({ preemptDelayUs: 20 * SECOND });
    const [at] = Lan.entered(a, 'MASTER');
    expect(at).toBeGreaterThan(21.5 * SECOND + 2_414_062);
    expect(at).toBeLessThanOrEqual(21.5 * SECOND + 3_414_063 + LINK_US);
  });

  it('equal priorities: the higher address (node rank) keeps MASTER', () => {
    const lan = new Lan();
    const a = lan.add('a', { priority: 100, startAsMaster: true });
    const b = lan.add('b', { priority: 100, startAsMaster: true });
    a.vrrp.start();
    b.vrrp.start();
    lan.sim.runUntil(3 * SECOND);
    expect(a.vrrp.state).toBe('BACKUP');
    expect(b.vrrp.state).toBe('MASTER');
  });
});

describe('no quorum: split brain and its end', () => {
  it('cut apart, both are MASTER; reunited, the lower priority steps down and the higher re-sends GARPs', () => {
    const lan = new Lan();
    const a = lan.add('a', { priority: 150, startAsMaster: true });
    const b = lan.add('b', { priority: 100 });
    a.vrrp.start();
    b.vrrp.start();
    lan.sim.at(2.5 * SECOND, () => lan.cut.add('a>b').add('b>a'));
    lan.sim.at(10.5 * SECOND, () => lan.cut.clear());
    lan.sim.runUntil(9 * SECOND);
    expect([a.vrrp.state, b.vrrp.state]).toEqual(['MASTER', 'MASTER']);
    lan.sim.runUntil(15 * SECOND);
    expect([a.vrrp.state, b.vrrp.state]).toEqual(['MASTER', 'BACKUP']);
  });

  it('a MASTER hearing a lower-priority MASTER answers with its advert and a GARP burst', () => {
    const lan = new Lan();
    const a = lan.add('a', { priority: 150, startAsMaster: true, garpMasterDelayUs: 0 });
    a.vrrp.start();
    a.vrrp.handle('b', { type: 'vrrp-advert', priority: 100 });
    expect(a.log.filter((l) => l.startsWith('vip@'))).toHaveLength(2);
    expect(a.vrrp.state).toBe('MASTER');
  });
});
