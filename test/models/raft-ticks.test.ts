/**
 * raft on etcd's ticker: every timeout counts ticks of a node's own free-running ticker, so
 * elections start on tick instants (each node at its own phase), and CheckQuorum's lease, also
 * counted in ticks, ignores a vote that arrives a tick early. Against etcd 3.4 (3 members,
 * leader killed at a random phase, calibration/fixtures/etcd--leader-kill-prevote-*.jsonl):
 * with pre-vote off 3 of 30 leader kills needed a second election round (a second candidate
 * term), with pre-vote on 0 of 30.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import { wilson } from '../../src/calibration/compare.ts';
import { loadFixture } from '../../src/calibration/fixture.ts';
import raft from '../../models/raft.ts';
import { MS, schedule } from './raft-helpers.ts';

const TICK = 100 * MS;
/** Where `t` falls within its tick (history times before the end of boot are negative). */
const phaseOf = (t: number) => ((t % TICK) + TICK) % TICK;

/** Each node's candidacies (declarations of `candidate`) per boot, in µs. */
function candidaciesPerBoot(r: RunResult): number[][] {
  const boots = new Map<string, number>();
  const out = new Map<string, number[]>();
  for (const e of r.history.events) {
    if (e.type === 'node-state' && e.state === 'up') boots.set(e.node, (boots.get(e.node) ?? 0) + 1);
    if (e.type !== 'role' || e.role !== 'candidate') continue;
    const key = `${e.node}#${boots.get(e.node) ?? 0}`;
    out.set(key, [...(out.get(key) ?? []), e.time]);
  }
  return [...out.values()];
}

/**
 * A follower cut off for 20 s campaigns again at every timeout (no PreVote), in one boot; the
 * others elect leaders on crashes. Few orders: the ticker, not the load, is under test.
 */
function isolatedFollowerRun(ticker: string, seed: number): RunResult {
  const faults = ['- { at: 5s, kind: partition, groups: [[n1], [n2, n3]], for: 20s }', '- { at: 30s, kind: process-crash, target: primary, for: 3s }'];
  return simulate({ design: raft, seed, schedule: schedule('isolated-follower', faults, '40s', '2s'), params: { preVote: false, ticker }, workload: { ordersPerSecond: 10 } });
}

describe('raft: elections on the ticker', () => {
  it("a node campaigns only on its own ticks: every candidacy in one boot has the same phase modulo the tick, and nodes' phases differ", () => {
    const residues = new Set<number>();
    let repeated = 0;
    for (const seed of [1, 2, 3]) {
      for (const times of candidaciesPerBoot(isolatedFollowerRun('heartbeat', seed))) {
        const phase = phaseOf(times[0]);
        for (const t of times) expect(phaseOf(t), `candidacies ${times.join(', ')}`).toBe(phase);
        residues.add(phase);
        if (times.length > 1) repeated++;
      }
    }
    expect(repeated).toBeGreaterThanOrEqual(3);
    expect(residues.size).toBeGreaterThan(3);
  });

  it('without a ticker the same candidacies fall at any phase (continuous timers)', () => {
    let repeated = 0;
    let samePhase = 0;
    for (const seed of [1, 2, 3]) {
      for (const times of candidaciesPerBoot(isolatedFollowerRun('none', seed))) {
        if (times.length < 2) continue;
        repeated++;
        if (new Set(times.map(phaseOf)).size === 1) samePhase++;
      }
    }
    expect(repeated).toBeGreaterThanOrEqual(3);
    expect(samePhase).toBe(0);
  });
});

/** Distinct candidate terms after a leader crash at a random phase (etcd harness: 3 members, 1 000 ms / 100 ms). */
function roundsAfterLeaderCrash(preVote: boolean, seed: number): number {
  const at = 3000 + ((seed * 7919) % 1000) * 3; // ms: a random phase of the ticks and heartbeats
  const sched = schedule('leader-kill', [`- { at: ${at}ms, kind: process-crash, target: primary }`], `${at + 6000}ms`, '0s');
  const r = simulate({ design: raft, seed, schedule: sched, params: { preVote, checkQuorum: true }, workload: { ordersPerSecond: 10 } });
  const terms = new Set<number>();
  const lastTerm = new Map<string, number>();
  for (const e of r.history.events) {
    if (e.type !== 'role') continue;
    if (e.time >= at * MS && e.role === 'candidate' && e.epoch !== lastTerm.get(e.node)) terms.add(e.epoch);
    lastTerm.set(e.node, e.epoch);
  }
  return terms.size;
}

function realShare(id: string): { withSecond: number; trials: number } {
  const trials = loadFixture(id).trials.filter((t) => t.completed);
  return { withSecond: trials.filter((t) => (t.rounds ?? 0) > 1).length, trials: trials.length };
}

describe("raft: CheckQuorum's lease and second election rounds (etcd 3.4, leader killed)", () => {
  const TRIALS = 60;
  let off: number[] = [];
  let on: number[] = [];
  beforeAll(() => {
    // 120 short runs: about a second on a quiet machine
    off = Array.from({ length: TRIALS }, (_, i) => roundsAfterLeaderCrash(false, i + 1));
    on = Array.from({ length: TRIALS }, (_, i) => roundsAfterLeaderCrash(true, i + 1));
  }, 60_000);
  const share = (rounds: number[]) => rounds.filter((n) => n > 1).length;

  it('pre-vote off: a vote reaching a voter a tick before its lease ends is ignored, and a share of crashes needs a second round, as in etcd', () => {
    const real = realShare('etcd--leader-kill-prevote-off');
    expect(real.withSecond).toBeGreaterThan(0);
    const [lo, hi] = wilson(real.withSecond, real.trials);
    const hasim = share(off) / TRIALS;
    expect(hasim).toBeGreaterThanOrEqual(lo);
    expect(hasim).toBeLessThanOrEqual(hi);
    expect(off.every((n) => n >= 1)).toBe(true);
  });

  it('pre-vote on: the ignored poll costs no term, so far fewer crashes need a second candidate term', () => {
    const real = realShare('etcd--leader-kill-prevote-on');
    expect(real.withSecond).toBe(0);
    expect(share(on)).toBeLessThanOrEqual(share(off) / 4);
    expect(share(on) / TRIALS).toBeLessThanOrEqual(wilson(real.withSecond, real.trials)[1]);
  });
});
