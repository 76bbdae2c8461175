/**
 * A design's own supervisor starting a dead process of its host (`ctx.startProcess`: Patroni
 * starting PostgreSQL): it starts one killed with a restart policy left to the supervisor, and
 * cannot start one a fault keeps down (`process-crash` without `restartAfter`) until the fault
 * ends. A process that ends by itself (`ctx.exitProcess`: PostgreSQL's PANIC) is not restarted
 * by the world; the design's supervisor may start it again. One that exits with `restartAfter`
 * (etcd's Fatal under systemd's Restart=always) is started again that long later, also on a
 * host with a single process.
 */
import { describe, expect, it } from 'vitest';
import { MS, SECOND } from '../../src/sim/time.ts';
import type { NodeContext } from '../../src/world/actor.ts';
import { testWorld } from './helpers.ts';

const KILL = SECOND;

function supervisedHost() {
  let ctxA: NodeContext | undefined;
  const starts: number[] = [];
  const world = testWorld({
    nodes: [{ id: 'a', processes: [{ name: 'postgres', threads: ['main'], supervisedRestart: 5 * SECOND }, { name: 'patroni', threads: ['patroni'] }] }, { id: 'b' }],
    routing: { kind: 'direct', targets: ['a'] },
    workload: { ordersPerSecond: 0 },
    actor: (ctx) => ({
      onStart: () => {
        if (ctx.id === 'a') ctxA = ctx;
      },
      onMessage: () => {},
      threadOf: (kind) => (kind.startsWith('patroni') ? 'patroni' : 'main'),
      onProcessStart: (name) => {
        if (name === 'postgres') starts.push(world.sim.now);
      },
    }),
  });
  world.start();
  return { world, starts, ctx: () => ctxA! };
}

describe('a supervisor in the design starts a dead process', () => {
  it('starts one killed for the supervisor to restart, and onProcessStart follows at once', () => {
    const { world, starts, ctx } = supervisedHost();
    const results: boolean[] = [];
    world.sim.at(KILL, () => world.node('a').crashComponent('postgres', 'kill -9', 'supervisor'));
    world.sim.at(KILL + 500 * MS, () => results.push(ctx().processRunning('postgres'), ctx().startProcess('postgres'), ctx().processRunning('postgres')));
    world.sim.runUntil(3 * SECOND);
    expect(results).toEqual([false, true, true]);
    expect(starts).toEqual([KILL + 500 * MS]);
  });

  it('cannot start one a fault keeps down, until the fault ends', () => {
    const { world, starts, ctx } = supervisedHost();
    const results: boolean[] = [];
    world.sim.at(KILL, () => world.node('a').crashComponent('postgres', 'kill -9', 'never'));
    world.sim.at(KILL + 500 * MS, () => results.push(ctx().startProcess('postgres')));
    world.sim.at(KILL + 1000 * MS, () => world.node('a').startComponent('postgres', 'fault ended'));
    world.sim.at(KILL + 1500 * MS, () => world.node('a').crashComponent('postgres', 'kill -9 again', 'supervisor'));
    world.sim.at(KILL + 1600 * MS, () => results.push(ctx().startProcess('postgres')));
    world.sim.runUntil(4 * SECOND);
    expect(results).toEqual([false, true]);
    expect(starts).toEqual([KILL + 1000 * MS, KILL + 1600 * MS]);
  });

  it('a process that exits by itself stays down until the supervisor starts it, which it may at once', () => {
    const { world, starts, ctx } = supervisedHost();
    const exits: string[] = [];
    const results: boolean[] = [];
    world.sim.at(KILL, () => ctx().exitProcess('postgres', 'PANIC'));
    world.sim.at(KILL + 1, () => results.push(ctx().processRunning('postgres'), ctx().processRunning('patroni')));
    // no automatic restart: still down after the supervised-restart delay of any policy
    world.sim.at(KILL + 30 * SECOND, () => results.push(ctx().processRunning('postgres'), ctx().startProcess('postgres')));
    world.sim.runUntil(KILL + 31 * SECOND);
    for (const e of world.history.events) if (e.type === 'note' && e.node === 'a' && e.text.includes('postgres died')) exits.push(e.text);
    expect(results).toEqual([false, true, false, true]);
    expect(exits).toEqual(['postgres died: PANIC']);
    expect(starts).toEqual([KILL + 30 * SECOND]);
  });

  it('a process that exits with restartAfter is started again that long later, on a single-process host too', () => {
    const { world, starts, ctx } = supervisedHost();
    let ctxB: NodeContext | undefined;
    let bootsB = 0;
    const single = testWorld({
      nodes: [{ id: 'b' }],
      routing: { kind: 'direct', targets: ['b'] },
      workload: { ordersPerSecond: 0 },
      actor: (c) => ({
        onStart: () => {
          ctxB = c;
          bootsB++;
        },
        onMessage: () => {},
      }),
    });
    single.start();
    world.sim.at(KILL, () => ctx().exitProcess('postgres', 'FATAL', 10 * SECOND));
    single.sim.at(KILL, () => ctxB!.exitProcess('etcd', 'FATAL', 10 * SECOND));
    world.sim.runUntil(KILL + 20 * SECOND);
    single.sim.runUntil(KILL + 10 * SECOND - 1);
    expect(single.node('b').state).toBe('crashed');
    single.sim.runUntil(KILL + 10 * SECOND + 1);
    expect(starts).toEqual([KILL + 10 * SECOND]);
    expect(single.node('b').state).toBe('up');
    expect(bootsB).toBe(2);
  });
});

describe("a hung process killed by the design's supervisor", () => {
  it('ends the deadlock when the stuck threads were its own: started again, it runs; the deadlock fault\'s end then leaves the host alone', () => {
    const { world, starts, ctx } = supervisedHost();
    const node = world.node('a');
    let hung: number | undefined;
    world.sim.at(KILL, () => (hung = node.hang(['patroni'])));
    world.sim.at(KILL + 100 * MS, () => ctx().exitProcess('postgres', 'killed by its supervisor'));
    world.sim.at(KILL + 200 * MS, () => ctx().startProcess('postgres'));
    world.sim.at(KILL + 300 * MS, () => node.killHung(hung!, 'watchdog', 'supervisor'));
    world.sim.runUntil(2 * SECOND);
    expect(node.runningThreads).toBeUndefined();
    expect(starts).toEqual([KILL + 200 * MS]);
    expect(node.state).toBe('up');
    expect(node.incarnation).toBe(hung);
  });

  it("the deadlock's end (the watchdog) kills only the hung process when another runs on: the host and that one live", () => {
    const { world, starts } = supervisedHost();
    const node = world.node('a');
    const procs = node.processes!;
    let hung: number | undefined;
    let patroniLife: number | undefined;
    world.sim.at(KILL, () => {
      hung = node.hang(['patroni']);
      patroniLife = procs.incarnations[procs.indexOf('patroni')];
    });
    world.sim.at(KILL + SECOND, () => node.killHung(hung!, 'watchdog', 0));
    world.sim.runUntil(3 * SECOND);
    expect(node.incarnation).toBe(hung);
    expect(node.runningThreads).toBeUndefined();
    expect(procs.incarnations[procs.indexOf('patroni')]).toBe(patroniLife);
    expect(procs.isRunning(procs.indexOf('postgres'))).toBe(true);
    expect(starts).toEqual([KILL + SECOND]);
  });

  it('leaves the deadlock when another process is stuck too: the host stays hung until the watchdog', () => {
    const { world, ctx } = supervisedHost();
    const node = world.node('a');
    let hung: number | undefined;
    world.sim.at(KILL, () => (hung = node.hang([])));
    world.sim.at(KILL + 100 * MS, () => ctx().exitProcess('postgres', 'killed by its supervisor'));
    world.sim.runUntil(2 * SECOND);
    expect(node.runningThreads).toEqual(new Set());
    node.killHung(hung!, 'watchdog', 'supervisor');
    expect(node.incarnation).toBeGreaterThan(hung!);
  });
});
