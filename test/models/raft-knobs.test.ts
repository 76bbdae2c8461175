/**
 * raft's cluster shapes: seven voters (etcd docs, faq: "no more than seven"), learners (etcd
 * docs, "Learner": a learner receives the log but does not vote and is not counted in the
 * quorum), and the election-timeout range's validation.
 */
import { describe, expect, it } from 'vitest';
import { resolveParams } from '../../src/world/params.ts';
import raft from '../../models/raft.ts';
import { SECOND, leaderDeclarations, runRaft, schedule } from './raft-helpers.ts';

const crash = (node: string) => `- { at: 10s, kind: crash, target: ${node} }`;

describe('raft with seven voters', () => {
  it('keeps serving with three of seven down (a majority of four is left), and stops with four down', () => {
    const three = runRaft(schedule('seven-3', ['n1', 'n2', 'n3'].map(crash), '18s', '3s'), { nodes: 7 });
    expect(three.violations).toEqual([]);
    expect(three.history.events.filter((e) => e.type === 'ok' && e.time > 12 * SECOND && e.time < 18 * SECOND).length).toBeGreaterThan(1000);
    const four = runRaft(schedule('seven-4', ['n1', 'n2', 'n3', 'n4'].map(crash), '18s', '3s'), { nodes: 7 });
    expect(four.history.events.filter((e) => e.type === 'ok' && e.time > 12 * SECOND && e.time < 18 * SECOND)).toEqual([]);
  });
});

describe('raft learners', () => {
  it('a learner receives every committed order but never campaigns or leads', () => {
    const r = runRaft(schedule('learner', [crash('primary')], '25s', '5s'), { learners: 1 });
    expect(r.violations).toEqual([]);
    const roles = r.history.events.filter((e) => e.type === 'role' && e.node === 'learner1').map((e) => (e.type === 'role' ? e.role : ''));
    expect(roles.every((role) => role === 'follower')).toBe(true);
    expect(leaderDeclarations(r).map((d) => d.node)).not.toContain('learner1');
    const final = Object.fromEntries(r.history.final.map((f) => [f.node, f.durableLog.length]));
    expect(final.learner1).toBeGreaterThan(3000);
    expect(final.learner1).toBeGreaterThanOrEqual(Math.min(final.n2, final.n3) - 50);
  });

  it('does not count towards the quorum: two of three voters down stops the cluster although the learner is up', () => {
    const r = runRaft(schedule('learner-quorum', [crash('n1'), crash('n2')], '25s', '5s'), { learners: 1 });
    expect(r.history.events.filter((e) => e.type === 'ok' && e.time > 13 * SECOND && e.time < 25 * SECOND)).toEqual([]);
    expect(leaderDeclarations(r).filter((d) => d.time > 10 * SECOND && d.time < 25 * SECOND)).toEqual([]);
  });
});

describe('raft parameter checks', () => {
  const topology = (params: Record<string, unknown>) => raft.topology(resolveParams(raft, params) as never);
  it('refuses an even cluster and an election-timeout range whose top is below its bottom', () => {
    expect(() => topology({ nodes: 4 })).toThrow(/nodes: expected/);
    expect(() => topology({ nodes: 9 })).toThrow(/nodes: expected/);
    expect(() => topology({ electionTimeout: '150ms', electionTimeoutMax: '100ms', heartbeatInterval: '50ms' })).toThrow(/electionTimeoutMax: expected 0 \(2 x electionTimeout\) or at least electionTimeout/);
    expect(() => topology({ electionTimeout: '150ms', electionTimeoutMax: '150ms', heartbeatInterval: '50ms' })).not.toThrow();
  });
});
