/**
 * Several processes per host (design.md §3, world/processes.ts): one process killed while the
 * host and its other processes live. Its TCP peers hear a reset naming it, its events stop,
 * its timers of a previous life never fire, its context is inert, the host keeps its
 * addresses; the other process runs on untouched.
 */
import { describe, expect, it } from 'vitest';
import { MS, SECOND } from '../../src/sim/time.ts';
import type { NodeContext } from '../../src/world/actor.ts';
import type { NodeSpec } from '../../src/world/design.ts';
import { testWorld } from './helpers.ts';

const PROCESSES: NodeSpec['processes'] = [
  { name: 'postgres', threads: ['main'] },
  { name: 'patroni', threads: ['patroni'] },
];

/**
 * Hosts a and b, each running `postgres` (thread main: `wal` every 100 ms) and `patroni`
 * (thread patroni: `patroni-ping` every 100 ms), both over TCP; and c, one process, which only
 * pings a's patroni. Records what each side hears.
 */
function twoHosts() {
  const log = {
    resets: [] as { node: string; peer: string; process: string | undefined; at: number }[],
    received: [] as { node: string; type: string; at: number }[],
    ticks: [] as { node: string; kind: string; at: number }[],
    exits: [] as { node: string; process: string; at: number }[],
    starts: [] as { node: string; process: string; at: number }[],
  };
  const world = testWorld({
    nodes: [
      { id: 'a', processes: PROCESSES },
      { id: 'b', processes: PROCESSES },
      { id: 'c' },
    ],
    routing: { kind: 'vip', garpCount: 1, garpInterval: 0, arpCacheTtl: 30 * SECOND },
    workload: { ordersPerSecond: 0 },
    actor: (ctx: NodeContext) => {
      const peer = ctx.id === 'a' ? 'b' : 'a';
      if (ctx.id === 'c') {
        return {
          onStart: () => ctx.setTimer(100 * MS, 'patroni-tick'),
          onTimer: () => {
            ctx.send('a', { type: 'patroni-ping' });
            ctx.setTimer(100 * MS, 'patroni-tick');
          },
          onMessage: () => {},
          onConnectionReset: (from, process) => log.resets.push({ node: ctx.id, peer: from, process, at: world.sim.now }),
        };
      }
      const startPostgres = (pg: NodeContext) => pg.setTimer(100 * MS, 'wal-tick');
      return {
        onStart: () => {
          startPostgres(ctx.forProcess('postgres'));
          ctx.forProcess('patroni').setTimer(100 * MS, 'patroni-tick');
          if (ctx.id === 'a') ctx.forProcess('postgres').takeVip();
        },
        threadOf: (kind) => (kind.startsWith('patroni') ? 'patroni' : 'main'),
        onTimer: (kind) => {
          log.ticks.push({ node: ctx.id, kind, at: world.sim.now });
          const type = kind === 'wal-tick' ? 'wal' : 'patroni-ping';
          const view = ctx.forProcess(kind === 'wal-tick' ? 'postgres' : 'patroni');
          view.send(peer, { type });
          view.setTimer(100 * MS, kind);
        },
        onMessage: (_from, msg) => log.received.push({ node: ctx.id, type: msg.type, at: world.sim.now }),
        onConnectionReset: (from, process) => log.resets.push({ node: ctx.id, peer: from, process, at: world.sim.now }),
        onProcessExit: (process) => log.exits.push({ node: ctx.id, process, at: world.sim.now }),
        onProcessStart: (process) => {
          log.starts.push({ node: ctx.id, process, at: world.sim.now });
          if (process === 'postgres') startPostgres(ctx.forProcess('postgres'));
        },
      };
    },
  });
  world.start();
  return { world, log };
}

const KILL = 1 * SECOND;

describe('several processes per host', () => {
  it('killing one process resets only its peers\' connections, at once, naming it', () => {
    const { world, log } = twoHosts();
    world.sim.at(KILL, () => world.node('a').crashComponent('postgres', 'kill -9', 'never'));
    world.sim.runUntil(2 * SECOND);
    const heardByB = log.resets.filter((r) => r.node === 'b');
    expect(heardByB.length).toBeGreaterThan(0);
    expect(heardByB.every((r) => r.peer === 'a' && r.process === 'postgres')).toBe(true);
    expect(heardByB[0].at - KILL).toBeLessThan(5 * MS);
    // b's later wal segments are refused by a's kernel (more resets); patroni's get through
    expect(heardByB.length).toBeGreaterThan(3);
    expect(log.received.some((r) => r.node === 'a' && r.type === 'wal' && r.at > KILL)).toBe(false);
    expect(log.received.some((r) => r.node === 'a' && r.type === 'patroni-ping' && r.at > KILL + 500 * MS)).toBe(true);
    expect(world.node('a').state).toBe('up');
    // c only ever spoke to a's patroni: its connection lives
    expect(log.resets.filter((r) => r.node === 'c')).toEqual([]);
    expect(log.exits).toEqual([{ node: 'a', process: 'postgres', at: KILL }]);
  });

  it('the dead process\'s timers stop while the other process\'s run on', () => {
    const { world, log } = twoHosts();
    world.sim.at(KILL, () => world.node('a').crashComponent('postgres', 'kill -9', 'never'));
    world.sim.runUntil(2 * SECOND);
    const after = log.ticks.filter((t) => t.node === 'a' && t.at > KILL);
    expect(after.some((t) => t.kind === 'wal-tick')).toBe(false);
    expect(after.filter((t) => t.kind === 'patroni-tick').length).toBeGreaterThanOrEqual(9);
  });

  it('a restarted process starts afresh: timers of its previous life never fire', () => {
    const { world, log } = twoHosts();
    // killed just after a tick armed the next one at +100 ms; restarted 50 ms later
    world.sim.at(KILL + 1, () => world.node('a').crashComponent('postgres', 'kill -9', 50 * MS));
    world.sim.runUntil(KILL + 400 * MS);
    expect(log.starts).toEqual([{ node: 'a', process: 'postgres', at: KILL + 1 + 50 * MS }]);
    const walTicks = log.ticks.filter((t) => t.node === 'a' && t.kind === 'wal-tick' && t.at > KILL).map((t) => t.at);
    // only the new life's ticks: 100 ms after the restart, then every 100 ms
    expect(walTicks[0]).toBe(KILL + 1 + 50 * MS + 100 * MS);
    expect(walTicks.length).toBe(3);
  });

  it('a dead process\'s context is inert: a late callback of it cannot send', () => {
    let late: (() => void) | undefined;
    let pgView: NodeContext | undefined;
    const received: string[] = [];
    const world = testWorld({
      nodes: [{ id: 'a', processes: PROCESSES }, { id: 'b' }],
      routing: { kind: 'direct', targets: ['a'] },
      workload: { ordersPerSecond: 0 },
      actor: (ctx) => ({
        onStart: () => {
          if (ctx.id !== 'a') return;
          pgView = ctx.forProcess('postgres');
          late = () => pgView!.send('b', { type: 'late' });
        },
        onMessage: (_from, msg) => received.push(msg.type),
      }),
    });
    world.start();
    world.sim.at(KILL, () => world.node('a').crashComponent('postgres', 'kill -9', 'never'));
    world.sim.at(KILL + 10 * MS, () => late!());
    world.sim.runUntil(2 * SECOND);
    expect(received).toEqual([]);
    expect(pgView!.processRunning('postgres')).toBe(false);
    expect(pgView!.processRunning('patroni')).toBe(true);
  });

  it('the host keeps the addresses its dead process configured, and still answers ARP', () => {
    const { world } = twoHosts();
    world.sim.at(KILL, () => world.node('a').crashComponent('postgres', 'kill -9', 'never'));
    world.sim.runUntil(2 * SECOND);
    expect(world.routing.holdersOf('vip')).toEqual(['a']);
    expect(world.routing.resolve('client:1')).toBe('a');
  });

  it('a whole-host death ends every process, and the next boot starts them all', () => {
    const { world, log } = twoHosts();
    world.sim.at(KILL, () => world.node('a').crashComponent('postgres', 'kill -9', 'never'));
    world.sim.at(KILL + 100 * MS, () => world.node('a').crashProcess('kill -9', 200 * MS));
    world.sim.runUntil(2 * SECOND);
    expect(world.node('a').processes!.down).toBe(0);
    expect(log.ticks.some((t) => t.node === 'a' && t.kind === 'wal-tick' && t.at > KILL + 400 * MS)).toBe(true);
    expect(log.starts).toEqual([]); // a boot is a new Actor, not onProcessStart
  });
});
