/**
 * A bare world for testing one part at a time: a few nodes running an actor the test writes,
 * constant link latency (100 us) and fsync latency (200 us) so timings are exact, and clients
 * that submit orders only when asked (direct routing to the first node).
 */
import { Simulator } from '../../src/sim/simulator.ts';
import { MS, SECOND, type Micros } from '../../src/sim/time.ts';
import type { Actor, NodeContext } from '../../src/world/actor.ts';
import { DEFAULT_WORKLOAD } from '../../src/world/client.ts';
import { defineDesign, type Topology } from '../../src/world/design.ts';
import { World } from '../../src/world/world.ts';

export const LINK_US = 100;
export const FSYNC_US = 200;
export { MS, SECOND };

export interface HarnessOptions {
  /** Orders per second from the clients (default 0: none). */
  ordersPerSecond?: number;
  seed?: number;
  topology?: Partial<Topology>;
}

export interface Harness {
  sim: Simulator;
  world: World;
  /** The current actor of a node (a new one after every boot). */
  actor<T extends Actor>(id: string): T;
  /** Runs the simulation up to virtual time `until` (booting the nodes on the first call). */
  runUntil(until: Micros): void;
}

export function harness(nodes: string[], createNode: (ctx: NodeContext) => Actor, options: HarnessOptions = {}): Harness {
  const design = defineDesign({
    name: 'harness',
    description: 'a test harness',
    params: {},
    topology: () => ({
      nodes: nodes.map((id) => ({ id, rack: `r-${id}` })),
      routing: { kind: 'direct', targets: [nodes[0]] },
      linkLatency: { constant: LINK_US },
      fsyncLatency: { constant: FSYNC_US },
      ...options.topology,
    }),
    createNode: (ctx) => createNode(ctx),
  });
  const sim = new Simulator({ seed: options.seed ?? 1 });
  const world = new World(sim, design, {}, { ...DEFAULT_WORKLOAD, ordersPerSecond: options.ordersPerSecond ?? 0 });
  let started = false;
  return {
    sim,
    world,
    actor: <T extends Actor>(id: string) => world.node(id).actor as T,
    runUntil: (until) => {
      if (!started) world.start();
      started = true;
      sim.runUntil(until);
    },
  };
}
