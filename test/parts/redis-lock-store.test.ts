/**
 * The Redis-like lock service and its client: the semantics the active-active design relies
 * on, each from the Redis documentation (SET NX PX, the compare-and-delete release script,
 * expiry by absolute wall-clock times, appendfsync, asynchronous replication with full resync)
 * or from Kleppmann's fencing tokens.
 */
import { describe, expect, it } from 'vitest';
import { RedisClient, type LockResult } from '../../src/parts/lock-client.ts';
import { RedisLockStore, type AppendFsync, type RedisReply } from '../../src/parts/redis-lock-store.ts';
import type { Actor, Msg, NodeContext } from '../../src/world/actor.ts';
import { harness, SECOND } from './harness.ts';

class TestClient implements Actor {
  readonly redis: RedisClient;
  readonly replies: (RedisReply | undefined)[] = [];

  constructor(ctx: NodeContext) {
    this.redis = new RedisClient(ctx, { master: 'r1', sentinels: [], timeout: SECOND });
  }

  onMessage(from: string, msg: Msg): void {
    this.redis.handle(from, msg);
  }

  onTimer(kind: string, data: unknown): void {
    this.redis.onTimer(kind, data);
  }
}

function setup(options: { appendfsync?: AppendFsync; checkTokens?: boolean; replica?: boolean } = {}) {
  const nodes = options.replica ? ['c', 'r1', 'r2'] : ['c', 'r1'];
  const h = harness(nodes, (ctx) => {
    if (ctx.id === 'c') return new TestClient(ctx);
    return new RedisLockStore(ctx, {
      initialRole: ctx.id === 'r1' ? 'master' : 'replica',
      initialMaster: ctx.id === 'r1' ? undefined : 'r1',
      appendfsync: options.appendfsync ?? 'everysec',
      checkTokens: options.checkTokens ?? false,
      replTimeout: 60 * SECOND,
      replPingPeriod: 10 * SECOND,
    });
  });
  const client = () => h.actor<TestClient>('c');
  /** Runs `command` at `at` and returns a box the reply lands in. */
  const call = (at: number, command: Parameters<RedisClient['call']>[0]) => {
    const box: { reply?: RedisReply } = {};
    h.sim.at(at, () => client().redis.call(command, (reply) => (box.reply = reply)));
    return box;
  };
  const lock = (at: number, key: string, owner: string) => call(at, { op: 'lock', key, owner, px: 5 * SECOND });
  return { h, call, lock, client };
}

describe('lock service: SET key owner NX PX', () => {
  it('grants a free lock with an increasing fencing token and refuses a held one', () => {
    const { h, lock } = setup();
    const a = lock(SECOND, 'k', 'A');
    const b = lock(1.1 * SECOND, 'k', 'B');
    const other = lock(1.2 * SECOND, 'k2', 'B');
    h.runUntil(2 * SECOND);
    expect(a.reply).toMatchObject({ ok: true, token: 1 });
    expect(b.reply).toMatchObject({ ok: false, error: 'busy' });
    expect(other.reply).toMatchObject({ ok: true, token: 2 });
  });

  it('releases only for the owner (the compare-and-delete script)', () => {
    const { h, lock, call } = setup();
    lock(SECOND, 'k', 'A');
    call(1.1 * SECOND, { op: 'unlock', key: 'k', owner: 'B' });
    const stillHeld = lock(1.2 * SECOND, 'k', 'B');
    call(1.3 * SECOND, { op: 'unlock', key: 'k', owner: 'A' });
    const free = lock(1.4 * SECOND, 'k', 'B');
    h.runUntil(2 * SECOND);
    expect(stillHeld.reply).toMatchObject({ ok: false, error: 'busy' });
    expect(free.reply).toMatchObject({ ok: true });
  });

  it('expires the lease by the server clock, and early when that clock jumps forward', () => {
    const plain = setup();
    plain.lock(SECOND, 'k', 'A');
    const before = plain.lock(5.9 * SECOND, 'k', 'B');
    const after = plain.lock(6.1 * SECOND, 'k', 'B');
    plain.h.runUntil(7 * SECOND);
    expect(before.reply?.ok).toBe(false);
    expect(after.reply?.ok).toBe(true);

    const jumped = setup();
    jumped.lock(SECOND, 'k', 'A');
    jumped.h.sim.at(2 * SECOND, () => jumped.h.world.node('r1').clock.jump(2 * SECOND, 10 * SECOND));
    const early = jumped.lock(2.1 * SECOND, 'k', 'B');
    jumped.h.runUntil(3 * SECOND);
    expect(early.reply?.ok).toBe(true);
  });

  it('acquire retries a busy lock until the holder releases it, or gives up after the wait', () => {
    const { h, lock, call, client } = setup();
    lock(SECOND, 'k', 'A');
    const results: { at: number; result: LockResult }[] = [];
    const opts = { lease: 5 * SECOND, retryInterval: 100_000, waitTimeout: 10 * SECOND };
    h.sim.at(1.1 * SECOND, () => client().redis.acquire('k', 'B', opts, (result) => results.push({ at: h.sim.now, result })));
    call(1.55 * SECOND, { op: 'unlock', key: 'k', owner: 'A' });
    h.sim.at(1.7 * SECOND, () => client().redis.acquire('k', 'C', { ...opts, waitTimeout: 300_000 }, (result) => results.push({ at: h.sim.now, result })));
    h.runUntil(3 * SECOND);
    expect(results[0].result).toMatchObject({ granted: true });
    expect(results[0].at).toBeGreaterThan(1.55 * SECOND);
    expect(results[0].at).toBeLessThan(1.7 * SECOND);
    expect(results[1].result).toEqual({ granted: false, reason: 'lock-timeout' });
  });
});

describe('lock service: order records', () => {
  it('with token checks refuses a record write carrying a lower token than the stored one', () => {
    const { h, call } = setup({ checkTokens: true });
    call(SECOND, { op: 'record', orderId: 'o1', token: 7 });
    const stale = call(1.1 * SECOND, { op: 'record', orderId: 'o1', token: 6 });
    const found = call(1.2 * SECOND, { op: 'get', orderId: 'o1' });
    const missing = call(1.2 * SECOND, { op: 'get', orderId: 'o2' });
    h.runUntil(2 * SECOND);
    expect(stale.reply).toMatchObject({ ok: false, error: 'stale-token' });
    expect(found.reply).toMatchObject({ ok: true, found: true });
    expect(missing.reply).toMatchObject({ ok: true, found: false });
  });

  it('appendfsync everysec loses the records of the last second in a crash; always loses none', () => {
    for (const [policy, kept] of [['everysec', ['o1']], ['always', ['o1', 'o2']]] as const) {
      const { h, call } = setup({ appendfsync: policy });
      call(0.5 * SECOND, { op: 'record', orderId: 'o1' });
      call(1.5 * SECOND, { op: 'record', orderId: 'o2' });
      h.sim.at(1.9 * SECOND, () => h.world.node('r1').powerOff('test'));
      h.runUntil(2 * SECOND);
      expect(h.world.node('r1').disk.durableEntries().map((e) => e.orderId)).toEqual(kept);
    }
  });
});

describe('lock service: AOF write errors', () => {
  it('refuses writes while the AOF cannot be written, then rewrites it from memory', () => {
    const { h, call } = setup();
    call(0.5 * SECOND, { op: 'record', orderId: 'o1' });
    h.sim.at(1.2 * SECOND, () => h.world.node('r1').disk.fail());
    call(1.5 * SECOND, { op: 'record', orderId: 'o2' }); // still accepted: the error shows at the next fsync
    const refused = call(2.5 * SECOND, { op: 'record', orderId: 'o3' });
    h.sim.at(3 * SECOND, () => h.world.node('r1').disk.replace());
    const accepted = call(4.5 * SECOND, { op: 'record', orderId: 'o4' });
    h.runUntil(6 * SECOND);
    expect(refused.reply).toMatchObject({ ok: false, error: 'MISCONF' });
    expect(accepted.reply).toMatchObject({ ok: true });
    expect(h.world.node('r1').disk.durableEntries().map((e) => e.orderId)).toEqual(['o1', 'o2', 'o4']);
  });
});

describe('lock service: asynchronous replication', () => {
  it('streams writes to the replica, which refuses writes itself', () => {
    const { h, call } = setup({ replica: true });
    call(SECOND, { op: 'record', orderId: 'o1' });
    h.runUntil(3 * SECOND);
    expect(h.world.node('r2').disk.durableEntries().map((e) => e.orderId)).toEqual(['o1']);
    const refused = call(3.5 * SECOND, { op: 'record', orderId: 'o2' });
    h.sim.at(3.4 * SECOND, () => (h.actor<TestClient>('c').redis.master = 'r2'));
    h.runUntil(4 * SECOND);
    expect(refused.reply).toMatchObject({ ok: false, error: 'READONLY' });
  });

  it('a promoted replica lacks what it never received; the demoted master resyncs and drops it', () => {
    const { h, call } = setup({ replica: true });
    call(SECOND, { op: 'record', orderId: 'o1' });
    const lock = call(SECOND, { op: 'lock', key: 'k', owner: 'A', px: 5 * SECOND });
    h.sim.at(2 * SECOND, () => h.world.network.cut('r1', 'r2'));
    call(2.5 * SECOND, { op: 'record', orderId: 'o2' });
    h.sim.at(3 * SECOND, () => h.world.node('r2').actor!.onMessage('sentinel', { type: 'redis-replicaof-no-one', epoch: 2 }));
    h.sim.at(3 * SECOND, () => (h.actor<TestClient>('c').redis.master = 'r2'));
    const relock = call(3.1 * SECOND, { op: 'lock', key: 'k', owner: 'B', px: 5 * SECOND });
    h.sim.at(4 * SECOND, () => {
      h.world.network.uncut('r1', 'r2');
      h.world.node('r1').actor!.onMessage('sentinel', { type: 'redis-replicaof', master: 'r2', epoch: 2 });
    });
    h.runUntil(6 * SECOND);
    expect(lock.reply).toMatchObject({ ok: true, token: 1 });
    // the lock was replicated before the cut, so the new master still refuses it...
    expect(relock.reply).toMatchObject({ ok: false, error: 'busy' });
    // ...but o2 reached only the old master: gone from both once it resynced
    expect(h.world.node('r2').disk.entries.map((e) => e.orderId)).toEqual(['o1']);
    expect(h.world.node('r1').disk.entries.map((e) => e.orderId)).toEqual(['o1']);
    const roles = h.world.history.events.flatMap((e) => (e.type === 'role' ? [`${e.node}:${e.role}:${e.epoch}`] : []));
    expect(roles).toEqual(['r1:primary:1', 'r2:standby:1', 'r2:primary:2', 'r1:standby:2']);
  });
});
