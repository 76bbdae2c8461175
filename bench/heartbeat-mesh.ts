/**
 * A benchmark design: five nodes that each send a heartbeat to every peer every 10 ms and
 * answer each with an ack. No clients, no disk: it measures the simulator's own cost per
 * event (network draw, FIFO link, node dispatch, timers, trace hash).
 */
import { defineDesign } from '../src/world/design.ts';

export default defineDesign({
  name: 'heartbeat-mesh',
  description: 'benchmark: 5-node heartbeat mesh',
  params: {},
  topology: () => ({
    nodes: ['n1', 'n2', 'n3', 'n4', 'n5'].map((id) => ({ id })),
    routing: { kind: 'direct', targets: ['n1'] },
  }),
  createNode: (ctx) => {
    const peers = ctx.nodes.filter((n) => n !== ctx.id);
    const beat = () => {
      for (const peer of peers) ctx.send(peer, { type: 'hb' });
      ctx.setTimer(10_000, 'beat');
    };
    return {
      onStart: beat,
      onTimer: beat,
      onMessage: (from, msg) => {
        if (msg.type === 'hb') ctx.send(from, { type: 'hb-ack' });
      },
    };
  },
});
