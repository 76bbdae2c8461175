/**
 * Patroni's synchronous-replication decisions (parts/patroni-sync.ts): the quorum target keeps
 * every ack set overlapping every quorum a candidate needs (quorum.py's invariant), and the race
 * verdict follows ha.py `_is_healthiest_node`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pickSyncStandbys, quorumTarget, raceVerdict, type MemberStatus, type SyncKey } from '../../src/parts/patroni-sync.ts';

const status = (node: string, walBytes: number, role: 'primary' | 'replica' = 'replica'): MemberStatus => ({ node, role, walBytes });

describe('quorumTarget', () => {
  it('any numsync standbys that ack overlap any quorum + 1 voters a candidate hears (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), (active, wanted) => {
        const names = Array.from({ length: active }, (_, i) => `pg${i + 2}`);
        const { numsync, quorum } = quorumTarget(names, wanted);
        expect(numsync).toBe(Math.min(wanted, active));
        expect(quorum + 1 + numsync).toBeGreaterThan(active); // pigeonhole: the sets must share a node
        expect(quorum === 0 || quorum < active).toBe(true);
      }),
    );
  });

  it('a quorum one smaller would let a candidate miss the only standby with an ack (the planted violation)', () => {
    const { numsync, quorum } = quorumTarget(['pg2', 'pg3', 'pg4'], 1); // ANY 1 of 3: quorum 2
    expect([numsync, quorum]).toEqual([1, 2]);
    expect(quorum - 1 + 1 + numsync).toBeLessThanOrEqual(3);
  });
});

describe('pickSyncStandbys', () => {
  const s = (node: string, flush: number) => ({ node, write: flush, flush, apply: flush });
  it('keeps the current sync standbys while they stream, then takes the furthest ahead, at most count', () => {
    expect(pickSyncStandbys([s('pg2', 5), s('pg3', 9), s('pg4', 7)], ['pg2'], 2)).toEqual(['pg2', 'pg3']);
    expect(pickSyncStandbys([s('pg3', 9), s('pg4', 7)], ['pg2'], 1)).toEqual(['pg3']);
    expect(pickSyncStandbys([], ['pg2'], 1)).toEqual([]);
  });
});

describe('raceVerdict', () => {
  const quorum1: SyncKey = { leader: 'pg1', standbys: ['pg2', 'pg3'], quorum: 1 };
  const base = { me: 'pg2', myWalBytes: 100, iAmPrimary: false, sync: quorum1, quorumMode: true, compareWal: true };

  it('in quorum mode, a voter not behind anyone takes the key with enough votes', () => {
    expect(raceVerdict({ ...base, answers: [status('pg3', 100)] })).toBeUndefined();
  });

  it('stands back when a voter is ahead, or when too few voters answer', () => {
    expect(raceVerdict({ ...base, answers: [status('pg3', 120)] })).toMatch(/pg3 has more WAL/);
    expect(raceVerdict({ ...base, answers: [] })).toMatch(/0 of the 1 quorum votes/);
    expect(raceVerdict({ ...base, answers: [status('pg3', 0)] })).toMatch(/quorum votes/); // PostgreSQL down: no vote
  });

  it('a non-voter needs one vote more than a voter', () => {
    expect(raceVerdict({ ...base, me: 'pg4', answers: [status('pg3', 100)] })).toMatch(/quorum votes/);
    expect(raceVerdict({ ...base, me: 'pg4', answers: [status('pg2', 100), status('pg3', 100)] })).toBeUndefined();
  });

  it('without comparing WAL (the planted flaw) a voter behind takes the key', () => {
    expect(raceVerdict({ ...base, compareWal: false, answers: [status('pg3', 120)] })).toBeUndefined();
  });

  it('stands back while a primary still runs; the former leader being ahead does not disqualify in sync mode', () => {
    expect(raceVerdict({ ...base, answers: [status('pg1', 50, 'primary')] })).toMatch(/pg1 still runs as primary/);
    expect(raceVerdict({ ...base, answers: [status('pg1', 150), status('pg3', 100)] })).toBeUndefined();
    expect(raceVerdict({ ...base, sync: undefined, quorumMode: false, answers: [status('pg1', 150)] })).toMatch(/pg1 has more WAL/);
  });
});
