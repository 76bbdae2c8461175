import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/campaign/simulate.ts';
import { epochsOf, leaderDeclarations, MS, PAPER_TIMING, runRaft, schedule, SECOND } from './raft-helpers.ts';

const CRASH_AT = 10 * SECOND;
/** Vote round trips and fsyncs (lognormal, median 200 us, p99 2 ms) on top of the timeout. */
const ELECTION_WORK = 20 * MS;

describe('raft: election timing after the leader crashes at t', () => {
  // the followers last heard the leader within one heartbeat before t; the first of them times
  // out after its randomised R in [T, 2T) ticks of its own ticker (one tick = one heartbeat, as
  // etcd), the first of which may come at once: R - 1 ticks and a fraction after it heard
  it.each([
    ['etcd defaults (T = 1000 ms, heartbeat 100 ms)', {}, 1000 * MS, 100 * MS],
    ["the paper's 150-300 ms (heartbeat 50 ms)", PAPER_TIMING, 150 * MS, 50 * MS],
  ])('a new leader is declared within [t + T - heartbeat - tick, t + 2T + a few ms]: %s', (_, timing, T, heartbeat) => {
    const tick = heartbeat;
    const delays: number[] = [];
    for (const nodes of [3, 5]) {
      for (let seed = 1; seed <= 10; seed++) {
        const r = runRaft(schedule('crash', ['- { at: 10s, kind: process-crash, target: primary, for: 10s }'], '20s', '10s'), { ...timing, nodes }, seed);
        const next = leaderDeclarations(r).find((d) => d.time > CRASH_AT);
        expect(next, `${nodes} nodes, seed ${seed}: a new leader`).toBeDefined();
        const delay = next!.time - CRASH_AT;
        expect(delay, `${nodes} nodes, seed ${seed}`).toBeGreaterThanOrEqual(T - heartbeat - tick);
        expect(delay, `${nodes} nodes, seed ${seed}`).toBeLessThanOrEqual(2 * T + ELECTION_WORK);
        delays.push(delay);
      }
    }
    // the randomisation shows: the delays spread over the window rather than bunching at T
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(T / 4);
  });
});

/** The follower cut off by a partition that began at `at` (the fault's first group). */
function isolatedNodes(r: RunResult): string[] {
  const begin = r.history.events.find((e) => e.type === 'fault-begin' && e.kind === 'partition');
  return begin && begin.type === 'fault-begin' ? begin.targets : [];
}

/** The leader a run elects first (the same run, without faults, up to the fault). */
function firstLeader(params: Record<string, unknown>, seed: number): string {
  return leaderDeclarations(runRaft(schedule('warmup', [], '5s', '1s'), params, seed))[0].node;
}

const PARTITION_FROM = 10 * SECOND;
const PARTITION_UNTIL = 30 * SECOND;

function partitionRun(params: Record<string, unknown>, seed: number, groups: string): RunResult {
  return runRaft(schedule('minority', [`- { at: 10s, kind: partition, groups: ${groups}, for: 20s }`], '40s', '15s'), params, seed);
}

describe('raft: a minority partition', () => {
  it.each([
    ['3 nodes, one follower cut off', 3],
    ['5 nodes, two followers cut off', 5],
  ])('cannot elect a leader, and the majority keeps its leader (%s)', (_, nodes) => {
    for (const preVote of [false, true]) {
      for (const seed of [1, 2, 3]) {
        const leader = firstLeader({ nodes }, seed);
        const followers = Array.from({ length: nodes }, (_, i) => `n${i + 1}`).filter((n) => n !== leader);
        const cut = followers.slice(0, nodes === 3 ? 1 : 2);
        const r = partitionRun({ nodes, preVote }, seed, `[[${cut.join(', ')}], [others]]`);
        const label = `preVote ${preVote}, seed ${seed}`;
        expect(isolatedNodes(r), label).toEqual(cut);
        const during = leaderDeclarations(r).filter((d) => d.time >= PARTITION_FROM && d.time < PARTITION_UNTIL);
        expect(during, label).toEqual([]);
        for (const node of cut) expect(leaderDeclarations(r).some((d) => d.node === node && d.time >= PARTITION_FROM), label).toBe(false);
        expect(r.violations, label).toEqual([]);
      }
    }
  });
});

describe('raft: PreVote and the rejoining node', () => {
  const isolateOneFollower = '[[standby], [others]]';

  it('without PreVote, the isolated node inflates its term and deposes the leader when it rejoins', () => {
    for (const seed of [1, 2, 3]) {
      const r = partitionRun({ preVote: false }, seed, isolateOneFollower);
      const [isolated] = isolatedNodes(r);
      const [first] = leaderDeclarations(r);
      // a new candidacy roughly every 1.5 s for 20 s
      expect(Math.max(...epochsOf(r, isolated)), `seed ${seed}`).toBeGreaterThan(first.epoch + 5);
      const after = leaderDeclarations(r).filter((d) => d.time >= PARTITION_UNTIL);
      expect(after.length, `seed ${seed}: a disruptive election after the heal`).toBeGreaterThan(0);
      expect(after[0].epoch).toBeGreaterThan(first.epoch + 5);
      expect(r.violations).toEqual([]);
    }
  });

  it('with PreVote, the isolated node keeps its term and the leader is undisturbed', () => {
    for (const seed of [1, 2, 3]) {
      const r = partitionRun({ preVote: true }, seed, isolateOneFollower);
      const [isolated] = isolatedNodes(r);
      const declarations = leaderDeclarations(r);
      expect(declarations, `seed ${seed}`).toHaveLength(1);
      expect(Math.max(...epochsOf(r, isolated)), `seed ${seed}`).toBe(declarations[0].epoch);
      expect(r.violations).toEqual([]);
    }
  });
});

describe('raft: CheckQuorum', () => {
  it('a leader cut off from every peer steps down within about two election timeouts', () => {
    const r = runRaft(schedule('isolated', ['- { at: 10s, kind: partition, groups: [[primary], [others]], for: 10s }'], '25s', '10s'));
    const [first] = leaderDeclarations(r);
    const stepDown = r.history.events.find((e) => e.type === 'role' && e.node === first.node && e.time > PARTITION_FROM && e.role !== 'primary');
    expect(stepDown).toBeDefined();
    expect(stepDown!.time - PARTITION_FROM).toBeLessThanOrEqual(2 * SECOND + ELECTION_WORK);
  });

  it('without CheckQuorum, a leader cut off from every peer believes it leads until it hears a higher term', () => {
    const r = runRaft(schedule('isolated', ['- { at: 10s, kind: partition, groups: [[primary], [others]], for: 10s }'], '25s', '10s'), { checkQuorum: false });
    const [first] = leaderDeclarations(r);
    const stepDown = r.history.events.find((e) => e.type === 'role' && e.node === first.node && e.time > PARTITION_FROM && e.role !== 'primary');
    expect(stepDown!.time).toBeGreaterThanOrEqual(20 * SECOND);
    expect(r.violations).toEqual([]);
  });
});
