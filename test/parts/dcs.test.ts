/**
 * The etcd-like DCS (src/parts/dcs-member.ts, dcs-store.ts) and its client: compare-and-set,
 * TTL expiry on the leader's clock, watches, majority quorum, and the etcd behaviours Patroni
 * depends on (retry_timeout across members; leases restarted at full TTL on a DCS leader
 * change; a member exits on a failed disk write and, its disk replaced, rejoins once re-added).
 */
import { describe, expect, it } from 'vitest';
import type { Actor, Msg, NodeContext } from '../../src/world/actor.ts';
import { DcsClient } from '../../src/parts/dcs-client.ts';
import { DcsMember } from '../../src/parts/dcs-member.ts';
import { applyTxn, type DcsResult, type DcsTxn } from '../../src/parts/dcs-store.ts';
import { SECOND, harness, type Harness } from './harness.ts';

const MEMBERS = ['dcs1', 'dcs2', 'dcs3'];
const RETRY_TIMEOUT = 10 * SECOND;
const TTL = 30 * SECOND;
const RESTART_DELAY = 10 * SECOND;

class DcsNode implements Actor {
  readonly member: DcsMember;
  constructor(ctx: NodeContext) {
    this.member = new DcsMember(ctx, { members: MEMBERS, heartbeatIntervalUs: 100_000, electionTimeoutUs: SECOND, restartDelayUs: RESTART_DELAY });
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
  resets = 0;
  onConnectionReset(peer: string): void {
    this.resets++;
    this.dcs.onConnectionReset(peer);
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
const leaderOf = (h: Harness) => MEMBERS.find((m) => (h.actor<DcsNode>(m) as DcsNode | undefined)?.member.isLeader);
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

  // Patroni's etcd client moves to the next machine on a socket error (patroni/dcs/etcd.py)
  it('a client whose member refuses the connection moves on at once, and pauses once every member refused', () => {
    const h = setup();
    h.runUntil(3 * SECOND);
    for (const m of MEMBERS) h.world.node(m).crashProcess('test', 'never');
    h.sim.at(3 * SECOND + 1, () => user(h).send(acquire('u1')));
    h.runUntil(15 * SECOND);
    const answer = user(h).answers[0];
    expect(answer.result).toBeUndefined();
    expect(answer.at - 3 * SECOND).toBeGreaterThanOrEqual(RETRY_TIMEOUT);
    expect(answer.at - 3 * SECOND).toBeLessThan(RETRY_TIMEOUT + 200_000);
    // a pass over the three members, then 100 ms: about 300 refusals in 10 s, not a storm
    expect(user(h).resets).toBeGreaterThan(100);
    expect(user(h).resets).toBeLessThan(400);
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

// etcd exits when a write fails (server/etcdserver/raft.go: `lg.Fatal` on a failed Save) and
// systemd starts it again RestartSec later; a member whose data directory was lost rejoins only
// once re-added (member remove + add), which a majority of the other members must commit
describe('a DCS member whose disk fails', () => {
  const node = (h: Harness, id: string) => h.world.node(id);
  const notes = (h: Harness, id: string, text: string) =>
    h.world.history.events.filter((e) => e.type === 'note' && e.node === id && e.text.includes(text)).map((e) => e.time);

  it('a follower exits at its next write, exits again at each restart on the dead disk, and once the disk is replaced is re-added and counts', () => {
    const h = setup();
    h.runUntil(3 * SECOND);
    const leader = leaderOf(h)!;
    const [f, o] = MEMBERS.filter((m) => m !== leader);
    node(h, f).disk.fail();
    h.sim.at(3 * SECOND + 1, () => user(h).send(acquire('u1')));
    h.runUntil(3 * SECOND + 100_000);
    expect(node(h, f).state).toBe('crashed');
    expect(user(h).answers[0].result?.ok).toBe(true); // the leader and o are a majority
    // started again RestartSec later: it cannot open its data directory and exits at once
    h.runUntil(3 * SECOND + RESTART_DELAY + 100_000);
    expect(node(h, f).bootCount).toBe(2);
    expect(node(h, f).state).toBe('crashed');
    h.sim.at(15 * SECOND, () => node(h, f).disk.replace());
    h.runUntil(3 * SECOND + 2 * RESTART_DELAY + 100_000);
    expect(node(h, f).state).toBe('up');
    expect(notes(h, f, 're-added by')).toHaveLength(1);
    // the re-added member is a voter: with o gone, the leader and f commit
    h.sim.at(25 * SECOND, () => node(h, o).crashProcess('test', 'never'));
    h.sim.at(27 * SECOND, () => user(h, 'u2').send({ puts: [{ key: 'x', value: 1 }] }));
    h.runUntil(28 * SECOND);
    expect(user(h, 'u2').answers[0].result?.ok).toBe(true);
  });

  // etcd's leader sends its entries before saving them (raft.go, thesis 10.2.1): the followers
  // have the write, so the new leader commits it and the client's retry finds it done
  it('a full disk (ENOSPC) ends it at each write while full; with space freed it runs on with its data, no re-add needed', () => {
    const h = setup();
    h.runUntil(3 * SECOND);
    const leader = leaderOf(h)!;
    const [f, o] = MEMBERS.filter((m) => m !== leader);
    node(h, f).disk.fill();
    h.sim.at(3 * SECOND + 1, () => user(h).send(acquire('u1')));
    h.runUntil(4 * SECOND);
    expect(node(h, f).state).toBe('crashed');
    // restarted 10 s later, still full: the next write ends it again
    h.sim.at(14 * SECOND, () => user(h).send({ puts: [{ key: 'x', value: 1 }] }));
    h.runUntil(15 * SECOND);
    expect(node(h, f).bootCount).toBe(2);
    expect(node(h, f).state).toBe('crashed');
    h.sim.at(16 * SECOND, () => node(h, f).disk.unfill());
    h.runUntil(25 * SECOND);
    expect(node(h, f).state).toBe('up');
    expect(notes(h, f, 'waiting to be re-added')).toEqual([]);
    expect(h.world.history.events.filter((e) => e.type === 'node-state' && e.node === f && e.state === 'crashed').map((e) => (e as { reason: string }).reason)).toEqual([
      'etcd: failed to save Raft hard state and entries: no space left on device',
      'etcd: failed to save Raft hard state and entries: no space left on device',
    ]);
    // and it counts: with o gone, the leader and f commit
    h.sim.at(25 * SECOND, () => node(h, o).crashProcess('test', 'never'));
    h.sim.at(26 * SECOND, () => user(h, 'u2').send({ puts: [{ key: 'y', value: 1 }] }));
    h.runUntil(27 * SECOND);
    expect(user(h, 'u2').answers[0].result?.ok).toBe(true);
  });

  it('a leader exits at its next proposal; the other two elect a leader that commits the write it had sent', () => {
    const h = setup();
    h.runUntil(3 * SECOND);
    const leader = leaderOf(h)!;
    node(h, leader).disk.fail();
    h.sim.at(3 * SECOND + 1, () => user(h).send(acquire('u1')));
    h.runUntil(8 * SECOND);
    expect(node(h, leader).state).toBe('crashed');
    expect(leaderOf(h)).not.toBe(leader);
    expect(leaderOf(h)).toBeDefined();
    const answer = user(h).answers[0];
    expect(answer.result?.keys.leader?.value).toBe('u1');
    // the exited etcd resets the client's connection, so the client moves on at once (not after
    // retry_timeout / 3) and is answered once the others have elected a leader: within 2T
    expect(answer.at - 3 * SECOND).toBeLessThan(2 * SECOND + 500_000);
  });

  it('a replaced member cannot restore a lost quorum: the DCS waits for the down member, then re-adds it', () => {
    const h = setup();
    h.runUntil(3 * SECOND);
    const leader = leaderOf(h)!;
    const [f, o] = MEMBERS.filter((m) => m !== leader);
    node(h, o).crashProcess('test', 'never');
    node(h, f).disk.fail();
    h.sim.at(3 * SECOND + 1, () => user(h).send(acquire('u1')));
    h.sim.at(5 * SECOND, () => node(h, f).disk.replace());
    // f is back by 14 s with an empty disk, waiting to be re-added; the leader alone cannot do it
    h.sim.at(20 * SECOND, () => user(h, 'u2').send(acquire('u2')));
    h.runUntil(40 * SECOND);
    expect(notes(h, f, 'waiting to be re-added')).toHaveLength(1);
    expect(user(h).answers[0].result).toBeUndefined();
    expect(user(h, 'u2').answers[0].result).toBeUndefined();
    expect(notes(h, f, 're-added by')).toEqual([]);
    // o returns with its data: a quorum again, and f is re-added at its next request
    h.sim.at(40 * SECOND, () => node(h, o).startProcess('test'));
    h.sim.at(45 * SECOND, () => user(h).send({ puts: [{ key: 'x', value: 1 }] }));
    h.runUntil(55 * SECOND);
    expect(user(h).answers[1].result?.ok).toBe(true);
    const [readded] = notes(h, f, 're-added by');
    expect(readded).toBeGreaterThan(40 * SECOND);
    expect(readded).toBeLessThan(40 * SECOND + RESTART_DELAY + SECOND);
  });
});
