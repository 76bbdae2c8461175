/**
 * raft: a graceful stop (SIGTERM) of the leader transfers leadership before the process exits,
 * as etcd's `Stop` does (TryTransferLeadershipOnShutdown → MoveLeader; raft MsgTimeoutNow): a
 * new leader within a few heartbeats, far below the 1 s election timeout, and no acked order
 * lost. A kill -9 of the leader still costs an election timeout, and SIGTERM to a follower does
 * not move the leadership.
 */
import { describe, expect, it } from 'vitest';
import { exchangeExactlyOnceProblems, leaderDeclarations, MS, runRaft, schedule, SECOND } from './raft-helpers.ts';
import type { RunResult } from '../../src/campaign/simulate.ts';

const STOP = 10 * SECOND;

function leaderAt(r: RunResult, at: number): string {
  const before = leaderDeclarations(r).filter((d) => d.time <= at);
  return before[before.length - 1].node;
}

function nextLeader(r: RunResult, after: number, old: string) {
  return leaderDeclarations(r).find((d) => d.time > after && d.node !== old);
}

function downAt(r: RunResult, node: string, after: number): number | undefined {
  return r.history.events.find((e) => e.type === 'node-state' && e.node === node && e.state === 'crashed' && e.time >= after)?.time;
}

describe('raft: graceful stop of the leader', () => {
  it.each([1, 2, 3])('seed %i: leadership moves within a few heartbeats, then the old leader exits; nothing acked is lost', (seed) => {
    const r = runRaft(schedule('stop', ['- { at: 10s, kind: graceful-stop, target: primary }']), {}, seed);
    const old = leaderAt(r, STOP);
    const next = nextLeader(r, STOP, old)!;
    expect(next).toBeDefined();
    expect(next.time - STOP).toBeLessThan(50 * MS); // a TimeoutNow, a vote round and fsyncs: no timeout
    const exited = downAt(r, old, STOP)!;
    expect(exited).toBeGreaterThanOrEqual(next.time); // MoveLeader waits to see the new leader
    expect(exited - STOP).toBeLessThanOrEqual(300 * MS); // ... polling every tick (100 ms)
    expect(r.violations).toEqual([]);
    expect(r.metrics.lostAcked).toBe(0);
    expect(exchangeExactlyOnceProblems(r)).toEqual([]);
  });

  it('the contrast: a kill -9 of the leader waits for the election timeout (1 s)', () => {
    const r = runRaft(schedule('kill', ['- { at: 10s, kind: process-crash, target: primary }']), {}, 1);
    const next = nextLeader(r, STOP, leaderAt(r, STOP))!;
    expect(next.time - STOP).toBeGreaterThan(900 * MS);
  });

  it('SIGTERM to a follower exits at once and leaves the leader in place', () => {
    const probe = runRaft(schedule('none', []), {}, 1);
    const leader = leaderAt(probe, STOP);
    const follower = ['n1', 'n2', 'n3'].find((n) => n !== leader)!;
    const r = runRaft(schedule('stop-follower', [`- { at: 10s, kind: graceful-stop, target: ${follower} }`]), {}, 1);
    expect(downAt(r, follower, STOP)).toBe(STOP);
    expect(nextLeader(r, STOP, leader)).toBeUndefined();
    expect(r.violations).toEqual([]);
  });
});
