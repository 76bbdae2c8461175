/**
 * keepalived-vrrp: the VRRP timing that follows from advert_int and the priorities, the
 * notify/track_script behaviour of keepalived 2.x, and VRRP's known failure modes (split brain
 * without quorum, a health check that does not test the order path).
 *
 * Priorities 150 (a) / 100 (b), advert_int 1 s, so for the BACKUP b:
 *   Skew_Time = (256 - 100) / 256 s = 0.609375 s,  Master_Down_Interval = 3 s + Skew_Time = 3.609375 s
 * and for a returning a: Master_Down_Interval = 3 s + (256 - 150) / 256 s = 3.4140625 s.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import type { History } from '../../src/history/history.ts';
import { checkAll } from '../../src/check/index.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { DEFAULT_WORKLOAD } from '../../src/world/client.ts';
import { resolveParams } from '../../src/world/params.ts';
import { World } from '../../src/world/world.ts';
import type { Schedule } from '../../src/faults/schedule.ts';
import { InputError } from '../../src/sim/input-error.ts';
import type { Micros } from '../../src/sim/time.ts';
import keepalived from '../../models/keepalived-vrrp.ts';
import { faultSchedule } from './fault-schedule.ts';

const SECOND = 1_000_000;
const MS = 1_000;
const SKEW_B = 609_375;
const MASTER_DOWN_B = 3 * SECOND + SKEW_B;
const MASTER_DOWN_A = 3 * SECOND + 414_062.5;

function schedule(faultLines: string[], duration = '40s', settle = '15s'): Schedule {
  return faultSchedule(faultLines, duration, settle);
}

function run(faultLines: string[], params: Record<string, unknown> = {}, seed = 1, duration?: string): RunResult {
  return simulate({ design: keepalived, seed, schedule: schedule(faultLines, duration), params });
}

/** When `node` declared itself primary, in order. */
function promotions(r: RunResult, node: string): Micros[] {
  return r.history.events.flatMap((e) => (e.type === 'role' && e.role === 'primary' && e.node === node ? [e.time] : []));
}

function noteTime(r: RunResult, node: string, text: string): Micros | undefined {
  return r.history.events.find((e) => e.type === 'note' && e.node === node && e.text.includes(text))?.time;
}

/**
 * A run whose network splits in two between `from` and `to`: {a, client:1} | {b, client:2}.
 * Built by hand because a schedule's partition groups cannot name single clients.
 */
function runWithSplitSwitches(from: Micros, to: Micros, seed = 1): History {
  const sim = new Simulator({ seed });
  const world = new World(sim, keepalived, resolveParams(keepalived, {}), DEFAULT_WORKLOAD);
  const links: [string, string][] = [['a', 'b'], ['a', 'client:2'], ['b', 'client:1']];
  sim.at(from, () => links.forEach(([x, y]) => (world.network.cut(x, y), world.network.cut(y, x))));
  sim.at(to, () => links.forEach(([x, y]) => (world.network.uncut(x, y), world.network.uncut(y, x))));
  const endAt = to + 10 * SECOND;
  sim.at(endAt - 2 * SECOND, () => world.stopClients());
  world.start();
  sim.runUntil(endAt);
  return {
    boot: 0,
    events: world.history.events,
    final: world.finalState(),
    nodes: [...world.nodeIds],
    healAt: to,
    settleEndAt: endAt - 2 * SECOND,
    endAt,
    clientTimeout: DEFAULT_WORKLOAD.timeout,
    rtoTarget: 60 * SECOND,
  };
}

function invariantsViolated(r: RunResult): string[] {
  return [...new Set(r.violations.map((v) => v.invariant))].sort();
}

describe('keepalived-vrrp: a quiet run', () => {
  it('keeps a as MASTER, serves every order and violates nothing', () => {
    const r = run([], {}, 1, '30s');
    expect(promotions(r, 'a').map((t) => t < 0)).toEqual([true]); // once, during boot
    expect(promotions(r, 'b')).toEqual([]);
    expect(r.violations).toEqual([]);
    expect(r.metrics.availability).toBe(1);
  });
});

describe('keepalived-vrrp: takeover timing (RFC 3768 §6.1, §6.4.2)', () => {
  // RFC 3768: a Backup that hears no advertisement for Master_Down_Interval (3 x advert_int +
  // Skew_Time, from its own priority) becomes Master. The last advert arrived up to one
  // advert_int before the master died, so takeover comes MDI - advert_int .. MDI after it.
  for (const kind of ['crash', 'process-crash'] as const) {
    it(`after a ${kind} of the MASTER the BACKUP takes over within Master_Down_Interval (3.609 s)`, () => {
      for (const seed of [1, 2, 3]) {
        const r = run([`{ at: 10s, kind: ${kind}, target: a, for: 20s }`], {}, seed);
        const [takeover] = promotions(r, 'b');
        expect(takeover - 10 * SECOND).toBeGreaterThan(MASTER_DOWN_B - SECOND);
        expect(takeover - 10 * SECOND).toBeLessThanOrEqual(MASTER_DOWN_B + MS);
      }
    });
  }

  it('a MASTER whose service hangs enters FAULT, sends priority 0, and the BACKUP takes over after Skew_Time', () => {
    // keepalived vrrp_state_leave_master(): entering FAULT sends an advert with priority 0
    // (VRRP_PRIO_STOP); RFC 3768 §6.4.2: on priority 0 a Backup sets Master_Down_Timer to
    // Skew_Time. The hung health endpoint makes curl run into the script timeout (1 s).
    for (const seed of [1, 2]) {
      const r = run(['{ at: 10s, kind: deadlock, target: a, threads: [heartbeat], for: 20s }'], {}, seed);
      const fault = noteTime(r, 'a', 'FAULT')!;
      expect(fault - 10 * SECOND).toBeLessThanOrEqual(2 * SECOND); // next run of the script + its 1 s timeout
      const [takeover] = promotions(r, 'b');
      expect(takeover - fault).toBeGreaterThanOrEqual(SKEW_B);
      // + a link latency and b's processing time (the VIP add before notify_master: median 0.3 ms)
      expect(takeover - fault).toBeLessThanOrEqual(SKEW_B + 5 * MS);
      expect(r.metrics.rtoMaxMs).toBeLessThan(3_000);
    }
  });
});

describe('keepalived-vrrp: preemption (keepalived.conf(5) preempt, nopreempt, preempt_delay)', () => {
  const crashA = '{ at: 10s, kind: crash, target: a, for: 10s }'; // a boots again at 20 s

  it('preempt (the default): the returning higher-priority node takes the VIP back after its own Master_Down_Interval', () => {
    // keepalived starts `state MASTER` below priority 255 as BACKUP and waits "between 3 and 4
    // advert intervals" (keepalived.conf(5)); it discards b's lower-priority adverts meanwhile.
    const r = run([crashA]);
    const back = promotions(r, 'a')[1];
    expect(back - 20 * SECOND).toBeGreaterThanOrEqual(MASTER_DOWN_A);
    expect(back - 20 * SECOND).toBeLessThanOrEqual(MASTER_DOWN_A + MS);
    expect(r.history.final.find((f) => f.node === 'b')!.lastRole).toBe('standby');
  });

  it('nopreempt: the returning node stays BACKUP and b keeps the VIP', () => {
    const r = run([crashA], { nopreempt: '1' });
    expect(promotions(r, 'a').map((t) => t < 0)).toEqual([true]); // once, during boot
    expect(r.history.final.find((f) => f.node === 'b')!.lastRole).toBe('primary');
  });

  it('preempt_delay 10 s: preemption waits 10 s after startup, then Master_Down_Interval from the last advert it accepted', () => {
    const r = run([crashA], { preemptDelay: '10s' });
    const back = promotions(r, 'a')[1];
    expect(back - 30 * SECOND).toBeGreaterThan(MASTER_DOWN_A - SECOND);
    expect(back - 30 * SECOND).toBeLessThanOrEqual(MASTER_DOWN_A + MS);
  });
});

describe('keepalived-vrrp: what the health-check script sees', () => {
  it("gray failure: a deadlocked order thread whose health endpoint answers is never failed over", () => {
    // The document's check_trading_service.sh tests pgrep and `curl /health`, not the order path.
    const r = run(['{ at: 10s, kind: deadlock, target: a, threads: [heartbeat, health], for: 20s }']);
    expect(promotions(r, 'b').filter((t) => t < 30 * SECOND)).toEqual([]);
    expect(r.metrics.rtoMaxMs).toBeGreaterThan(19_000);
  });

  it("the document's weight -20 is smaller than the priority gap 150/100: a hung service keeps the VIP", () => {
    // keepalived.conf(5): a negative weight only lowers the priority (150 - 20 = 130 > 100).
    const r = run(['{ at: 10s, kind: deadlock, target: a, threads: [heartbeat], for: 20s }'], { weight: -20 });
    expect(promotions(r, 'b').filter((t) => t < 30 * SECOND)).toEqual([]);
  });

  it('a weight that drops the MASTER below the BACKUP (150 - 60 < 100) fails over Master_Down_Interval after the last higher advert', () => {
    const r = run(['{ at: 10s, kind: deadlock, target: a, threads: [heartbeat], for: 20s }'], { weight: -60 });
    const [takeover] = promotions(r, 'b');
    expect(takeover - 10 * SECOND).toBeGreaterThan(MASTER_DOWN_B - SECOND);
    expect(takeover - 10 * SECOND).toBeLessThanOrEqual(2 * SECOND + MASTER_DOWN_B + MS);
  });

  it('become_backup.sh as written (stop the service) puts the BACKUP in FAULT: it never takes over', () => {
    // With the service stopped on the BACKUP its own pgrep fails; weight 0 means FAULT.
    const r = run(['{ at: 10s, kind: crash, target: a, for: 20s }'], { notifyBackup: 'stop' });
    expect(noteTime(r, 'b', 'FAULT')).toBeLessThan(10 * SECOND);
    expect(promotions(r, 'b')).toEqual([]);
    expect(r.metrics.rtoMaxMs).toBeGreaterThan(19_000);
  });
});

describe('keepalived-vrrp: no quorum, so partitions split the brain', () => {
  it('a partition between the two hosts makes both MASTER; when it heals b steps down and the orders it acked are lost', () => {
    // VRRP has no quorum: each side sees no adverts and becomes Master (keepalived's
    // documented split brain). On healing the lower priority returns to BACKUP and resyncs
    // from the winner, dropping what it acked meanwhile.
    const r = run(['{ at: 10s, kind: partition, groups: [[a], [b]], for: 15s }']);
    const [takeover] = promotions(r, 'b');
    expect(takeover).toBeLessThan(10 * SECOND + MASTER_DOWN_B + MS);
    expect(r.metrics.splitBrainMs.belief).toBeGreaterThan(11_000);
    expect(r.history.final.find((f) => f.node === 'a')!.lastRole).toBe('primary');
    expect(r.history.final.find((f) => f.node === 'b')!.lastRole).toBe('standby');
    expect(invariantsViolated(r)).toContain('no-lost-ack');
    expect(r.metrics.lostAcked).toBeGreaterThan(1_000);
  });

  it('the switches split (a with client 1, b with client 2): two MASTERs each serve the clients that reach them, single-primary is violated', () => {
    // The textbook VRRP split brain: the inter-switch link fails, each host keeps the clients
    // on its own switch; b's gratuitous ARPs reach only client 2, client 1's ARP cache still
    // points at a. (Cut link by link: a schedule's partition cannot split the clients.)
    const history = runWithSplitSwitches(10 * SECOND, 25 * SECOND);
    const violations = checkAll(history, ['single-primary']);
    expect(violations).not.toEqual([]);
    const acksAfterSplit = (node: string) => history.events.filter((e) => e.type === 'ack-sent' && e.node === node && e.time > 15 * SECOND && e.time < 25 * SECOND).length;
    expect(acksAfterSplit('a')).toBeGreaterThan(500);
    expect(acksAfterSplit('b')).toBeGreaterThan(500);
  });

  it('a VM stall of the MASTER longer than Master_Down_Interval: on resume it still believes it is MASTER and sends retried orders to the exchange again', () => {
    // The process-pause hazard (Kleppmann, "How to do distributed locking", 2016): the paused
    // MASTER cannot know it was replaced, and works off the orders queued during the stall,
    // which the clients meanwhile retried through b.
    const r = run(['{ at: 10s, kind: pause, target: a, for: 6s }']);
    expect(promotions(r, 'b')).toHaveLength(1);
    expect(invariantsViolated(r)).toContain('no-duplicate-order');
  });
});

describe('keepalived-vrrp: determinism', () => {
  it('the same seed gives the same trace hash', () => {
    const lines = ['{ at: 5s, kind: crash, target: a, for: 5s }'];
    expect(run(lines, {}, 7, '15s').traceHash).toBe(run(lines, {}, 7, '15s').traceHash);
  });
});

describe('parameters', () => {
  it('refuses values the real system would not take', () => {
    expect(() => run([], { advertInt: '0s' })).toThrow(InputError);
    expect(() => run([], { notifyBackup: 'restart' })).toThrow(InputError);
  });
});
