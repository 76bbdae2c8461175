/**
 * The etcd-like DCS (src/parts/dcs.ts) and its client: compare-and-set, TTL expiry on the
 * leader's clock, watches, majority quorum, and the etcd behaviours Patroni depends on
 * (retry_timeout across members; leases restarted at full TTL on a DCS leader change).
 */
import { describe, expect, it } from 'vitest';
import type { Actor, Msg, NodeContext } from '../../src/world/actor.ts';
import { DcsClient } from '../../src/parts/dcs-client.ts';
import { DcsMember, applyTxn, type DcsResult, type DcsTxn } from '../../src/parts/dcs-member.ts';
import { SECOND, harness, type Harness } from './harness.ts';

const MEMBERS = ['dcs1', 'dcs2', 'dcs3'];
const RETRY_TIMEOUT = 10 * SECOND;
const TTL = 30 * SECOND;

class DcsNode implements Actor {
  readonly member: DcsMember;
  constructor(ctx: NodeContext) {
    this.member = new DcsMember(ctx, { members: MEMBERS, heartbeatIntervalUs: 100_000, electionTimeoutUs: SECOND });
  }
  onStart(): void {
    this.member.start();
  }
  onMessage(from: string, msg: Msg): void {
    this.member.handle(from, msg);
  }
  onTimer(kind: string): void {
    this.member.onTimer(kind);
  }
}

class User implements Actor {
  readonly dcs: DcsClient;
  readonly answers: { at: number; result: DcsResult | undefined }[] = [];
  watchFiredAt: number | undefined;
  constructor(private readonly ctx: NodeContext) {
    this.dcs = new DcsClient(ctx, MEMBERS, RETRY_TIMEOUT);
  }
  onMessage(from: string, msg: Msg): void {
    this.dcs.handle(from, msg);
  }
  onTimer(kind: string, data: unknown): void {
    this.dcs.onTimer(kind, data);
  }
  send(txn: DcsTxn): void {
    this.dcs.request(txn, (result) => this.answers.push({ at: this.ctx.monotonic(), result }));
  }
  watch(key: string, value: unknown): void {
    this.dcs.watch({ [key]: value }, () => (this.watchFiredAt = this.ctx.monotonic()));
  }
}

function setup(): Harness {
  return harness([...MEMBERS, 'u1', 'u2'], (ctx) => (MEMBERS.includes(ctx.id) ? new DcsNode(ctx) : new User(ctx)));
}

const user = (h: Harness, id = 'u1') => h.actor<User>(id);
const leaderOf = (h: Harness) => MEMBERS.find((m) => h.actor<DcsNode>(m).member.isLeader);
const acquire = (who: string): DcsTxn => ({ compare: { key: 'leader', value: undefined }, puts: [{ key: 'leader', value: who, ttlUs: TTL }] });

describe('applyTxn', () => {
  it('applies puts and deletes only when the compare holds, keeping create and mod revisions', () => {
    const a = applyTxn({}, acquire('x'), 1);
    expect(a.ok).toBe(true);
    expect(a.keys.leader).toEqual({ value: 'x', createRev: 1, modRev: 1, ttlUs: TTL });
    const renewed = applyTxn(a.keys, { compare: { key: 'leader', value: 'x' }, puts: [{ key: 'leader', value: 'x', ttlUs: TTL }] }, 2);
    expect(renewed.keys.leader).toMatchObject({ createRev: 1, modRev: 2 });
    const lost = applyTxn(a.keys, acquire('y'), 3);
    expect(lost.ok).toBe(false);
    expect(lost.keys).toBe(a.keys);
  });
});

describe('the DCS', () => {
  it('elects a leader and lets exactly one of two racing clients create the leader key', () => {
    const h = setup();
    h.sim.at(3 * SECOND, () => {
      user(h, 'u1').send(acquire('u1'));
      user(h, 'u2').send(acquire('u2'));
    });
    h.runUntil(4 * SECOND);
    expect(leaderOf(h)).toBeDefined();
    const [a, b] = [user(h, 'u1').answers[0].result!, user(h, 'u2').answers[0].result!];
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    expect(a.keys.leader.value).toBe(b.keys.leader.value);
  });

  it('expires a TTL key ttl after its last write and fires a watch on it', () => {
    const h = setup();
    h.sim.at(3 * SECOND, () => user(h).send(acquire('u1')));
    h.sim.at(4 * SECOND, () => user(h, 'u2').watch('leader', 'u1'));
    h.sim.at(10 * SECOND, () => user(h).send({ compare: { key: 'leader', value: 'u1' }, puts: [{ key: 'leader', value: 'u1', ttlUs: TTL }] }));
    h.runUntil(60 * SECOND);
    const fired = user(h, 'u2').watchFiredAt!;
    expect(fired).toBeGreaterThan(40 * SECOND);
    expect(fired).toBeLessThan(40 * SECOND + 10_000);
  });

  it('cannot commit without a majority: a client reaching only a cut-off member gets no answer within retry_timeout', () => {
    const h = setup();
    h.runUntil(3 * SECOND);
    const leader = leaderOf(h)!;
    const others = MEMBERS.filter((m) => m !== leader);
    for (const m of others) {
      h.world.network.cut(leader, m);
      h.world.network.cut(m, leader);
      h.world.network.cut('u1', m);
    }
    h.sim.at(3 * SECOND + 1, () => user(h).send(acquire('u1')));
    h.runUntil(20 * SECOND);
    const answer = user(h).answers[0];
    expect(answer.result).toBeUndefined();
    expect(answer.at - 3 * SECOND).toBeGreaterThanOrEqual(RETRY_TIMEOUT);
    expect(answer.at - 3 * SECOND).toBeLessThan(RETRY_TIMEOUT + 100_000);
    // the majority side elected its own leader meanwhile, and serves a client that reaches it
    expect(others.some((m) => h.actor<DcsNode>(m).member.isLeader)).toBe(true);
    expect(h.actor<DcsNode>(leader).member.isLeader).toBe(false); // CheckQuorum
    h.sim.at(20 * SECOND, () => user(h, 'u2').send(acquire('u2')));
    h.runUntil(21 * SECOND);
    expect(user(h, 'u2').answers[0].result?.ok).toBe(true);
  });

  // etcd's lessor.Promote(electionTimeout): a new leader refreshes every lease to its full TTL
  it('restarts TTLs at full length plus the election timeout when the DCS leader changes', () => {
    const h = setup();
    h.sim.at(3 * SECOND, () => user(h).send(acquire('u1')));
    h.sim.at(3 * SECOND + 100_000, () => user(h, 'u2').watch('leader', 'u1'));
    let crashedAt = 0;
    h.sim.at(20 * SECOND, () => {
      crashedAt = h.sim.now;
      h.world.node(leaderOf(h)!).crashProcess('test');
    });
    // watches live on the DCS leader: re-register with the new one, as Patroni does every loop
    h.sim.at(25 * SECOND, () => user(h, 'u2').dcs.request({}, () => user(h, 'u2').watch('leader', 'u1')));
    h.runUntil(80 * SECOND);
    // without the leader change the key would expire at ~33 s; the new leader restarted it
    expect(user(h, 'u2').watchFiredAt).toBeGreaterThan(crashedAt + TTL);
  });
});
