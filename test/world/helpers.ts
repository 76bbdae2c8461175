/**
 * A small world for tests of the world layer: a design built from a routing spec and an actor
 * factory, with the clients' workload given explicitly.
 */
import { Simulator } from '../../src/sim/simulator.ts';
import type { Actor, NodeContext } from '../../src/world/actor.ts';
import { DEFAULT_WORKLOAD, type Workload } from '../../src/world/client.ts';
import { defineDesign, type NodeSpec, type RoutingSpec, type Topology } from '../../src/world/design.ts';
import { World } from '../../src/world/world.ts';

export function testWorld(options: {
  nodes: NodeSpec[];
  routing: RoutingSpec;
  actor: (ctx: NodeContext) => Actor;
  workload?: Partial<Workload>;
  topology?: Partial<Topology>;
  seed?: number;
}): World {
  const design = defineDesign({
    name: 'world-test',
    description: 'a design for world tests',
    params: {},
    topology: () => ({ nodes: options.nodes, routing: options.routing, ...options.topology }),
    createNode: (ctx) => options.actor(ctx),
  });
  return new World(new Simulator({ seed: options.seed ?? 1 }), design, {}, { ...DEFAULT_WORKLOAD, ...options.workload });
}

/** An actor that acks every order it gets when it believes it is primary. */
export function acker(ctx: NodeContext, primary: (ctx: NodeContext) => boolean): Actor {
  return {
    onStart: () => ctx.declareRole(primary(ctx) ? 'primary' : 'standby', 1),
    onMessage: (_from, msg) => {
      if (msg.type !== 'order') return;
      if (primary(ctx)) ctx.ackOrder(msg as never);
      else ctx.rejectOrder(msg as never, 'not-primary');
    },
  };
}
