/**
 * A tiny world for fault tests: `a` (primary, rack r1) and `b` (standby, rack r2) in dc1, a
 * witness `c` in dc2, one client that sends nothing. Every node beats a `hb` timer on its
 * heartbeat thread and logs what it receives, so tests can see what still runs.
 */
import { Simulator } from '../../src/sim/simulator.ts';
import { MS } from '../../src/sim/time.ts';
import { defineDesign } from '../../src/world/design.ts';
import { World } from '../../src/world/world.ts';
import { installFaults } from '../../src/faults/injector.ts';
import { parseSchedule, type Schedule } from '../../src/faults/schedule.ts';
import { defaultParams } from '../../src/world/params.ts';

export interface Received {
  node: string;
  from: string;
  type: string;
  time: number;
}

export function tinyDesign(log: { received: Received[]; beats: Map<string, number> }, supervisedRestart?: number) {
  return defineDesign({
    name: 'tiny',
    description: 'two nodes and a witness',
    params: {
      priority: { kind: 'integer', default: 100, min: 0, max: 255, doc: 'election priority', source: 'test' },
    },
    topology: () => ({
      nodes: [
        { id: 'a', rack: 'r1', supervisedRestart },
        { id: 'b', rack: 'r2', supervisedRestart },
        { id: 'c', rack: 'r3', dc: 'dc2', serving: false },
      ],
      routing: { kind: 'direct', targets: ['a', 'b'] },
    }),
    createNode: (ctx) => ({
      onStart() {
        if (ctx.id === 'a') ctx.declareRole('primary', 1);
        if (ctx.id === 'b') ctx.declareRole('standby', 1);
        ctx.setTimer(100 * MS, 'hb');
      },
      onMessage(from, msg) {
        log.received.push({ node: ctx.id, from, type: msg.type, time: ctx.now() });
      },
      onTimer(kind) {
        log.beats.set(ctx.id, (log.beats.get(ctx.id) ?? 0) + 1);
        ctx.setTimer(100 * MS, kind);
      },
      threadOf: (kind) => (kind === 'hb' ? 'heartbeat' : 'main'),
    }),
  });
}

/** A started world with `faultsYaml` (the lines under `faults:`) installed; duration 10 s. */
export function worldWith(faultsYaml: string, options: { seed?: number; duration?: string; supervisedRestart?: number } = {}) {
  const log = { received: [] as Received[], beats: new Map<string, number>() };
  const design = tinyDesign(log, options.supervisedRestart);
  const schedule: Schedule = parseSchedule(`duration: ${options.duration ?? '10s'}\nfaults:\n${faultsYaml}`, '<test>');
  const world = new World(new Simulator({ seed: options.seed ?? 1 }), design, defaultParams(design.params), {
    ordersPerSecond: 0,
    clients: 1,
    timeout: 1_000_000,
    session: 'reconnect',
    maxAttempts: 1,
    retryBackoff: 10_000,
    retry: { kind: 'fixed' },
    arrivals: { kind: 'poisson' },
  });
  installFaults(world, schedule);
  world.start();
  return { world, log, schedule };
}

/** The fault events of the history, as compact strings: `begin 0 crash a`. */
export function faultEvents(world: World): string[] {
  return world.history.events.flatMap((e) => {
    if (e.type === 'fault-begin') return [`${e.time / 1e6}s begin ${e.faultId} ${e.kind} ${e.targets.join(',')}`];
    if (e.type === 'fault-end') return [`${e.time / 1e6}s end ${e.faultId} ${e.kind}`];
    if (e.type === 'fault-skipped') return [`${e.time / 1e6}s skipped ${e.faultId} ${e.kind}`];
    return [];
  });
}
