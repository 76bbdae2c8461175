/**
 * A benchmark design: n nodes (`--set nodes=n`, default 5) that each send a heartbeat to every
 * peer every 100 ms and answer each with an ack, over links with exponential latency (mean
 * 100 us). No clients, no disk: it measures the simulator's own cost per message (network draw,
 * FIFO link, node dispatch, timers, trace hash) in deliveries per second, beside a bare
 * event-heap loop in the same process (bench/run.ts).
 */
import { defineDesign } from '../src/world/design.ts';

export const HEARTBEAT_INTERVAL_US = 100_000;

export default defineDesign({
  name: 'heartbeat-mesh',
  description: 'benchmark: n-node heartbeat mesh, 100 ms heartbeats, exponential latency',
  params: {
    nodes: { kind: 'integer', default: 5, min: 2, max: 200, doc: 'nodes in the mesh', source: 'benchmark' },
  },
  topology: (p) => ({
    nodes: Array.from({ length: p.nodes }, (_, i) => ({ id: `n${i + 1}` })),
    routing: { kind: 'direct', targets: ['n1'] },
    linkLatency: { exponential: { mean: 100 } },
  }),
  createNode: (ctx) => {
    const peers = ctx.nodes.filter((n) => n !== ctx.id);
    const beat = () => {
      for (const peer of peers) ctx.send(peer, { type: 'hb' });
      ctx.setTimer(HEARTBEAT_INTERVAL_US, 'beat');
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
