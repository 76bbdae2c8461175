/**
 * raft's proposal forwarding as etcd's follower Ready loop does it: a follower sends its
 * messages, forwarded proposals (MsgProp) included, only after its Ready's WAL save, and takes
 * the next Ready only after that (etcdserver/raft.go `raftNode.start`; raft node.go `run`). So
 * a client request that reaches a follower while its fsync is in flight waits for the end of
 * an fsync, and the requests that piled up go to the leader in one message.
 */
import { describe, expect, it } from 'vitest';
import raft from '../../models/raft.ts';
import { simulate } from '../../src/campaign/simulate.ts';
import type { RaftNode } from '../../src/parts/raft-node.ts';
import type { OrderRequest } from '../../src/world/actor.ts';
import { buildRun } from '../../src/run/run.ts';
import { DEFAULT_WORKLOAD } from '../../src/world/client.ts';
import { resolveParams } from '../../src/world/params.ts';
import { schedule, SECOND } from './raft-helpers.ts';

describe('raft: a follower forwards client requests with its Ready', () => {
  it('sends a request stepped during its fsync when an fsync completes, never earlier; one stepped while idle at once', () => {
    const run = buildRun({ design: raft, params: resolveParams(raft, {}), seed: 1, workload: { ...DEFAULT_WORKLOAD, ordersPerSecond: 2000 } });
    run.step(SECOND);
    // every node's fsync completions and the client requests it stepped (no node restarts here)
    const syncedAt = new Map<string, number[]>();
    const stepped = new Map<string, { at: number; whileSyncing: boolean }>();
    for (const id of ['n1', 'n2', 'n3']) {
      const node = run.world.node(id).actor as RaftNode;
      const times: number[] = [];
      syncedAt.set(id, times);
      const synced = node.log.onSynced;
      node.log.onSynced = () => {
        times.push(run.sim.now);
        synced();
      };
      const onOrder = node.orders.onOrder.bind(node.orders);
      node.orders.onOrder = (order: OrderRequest) => {
        if (order.forwardedBy === undefined) stepped.set(`${id}/${order.orderId}#${order.attempt}`, { at: run.sim.now, whileSyncing: node.log.syncing });
        onOrder(order);
      };
    }
    const sends: { from: string; at: number; keys: string[] }[] = [];
    // nodes send from their port (Network.sendFrom)
    const send = run.world.network.sendFrom.bind(run.world.network);
    run.world.network.sendFrom = (port, to, msg) => {
      const from = port.endpoint.id;
      if (msg.type === 'raft-forward') sends.push({ from, at: run.sim.now, keys: (msg.orders as OrderRequest[]).map((o) => `${from}/${o.orderId}#${o.attempt}`) });
      send(port, to, msg);
    };
    // the clients go to the leader once they know it: a leader crash sends them to a follower
    run.step(1.5 * SECOND);
    const leader = ['n1', 'n2', 'n3'].find((id) => (run.world.node(id).actor as RaftNode).role === 'leader')!;
    run.world.node(leader).crashProcess('test', 'never');
    run.step(5 * SECOND);

    let immediate = 0;
    let waited = 0;
    let before = 0;
    for (const { from, at, keys } of sends) {
      for (const key of keys) {
        const s = stepped.get(key);
        if (s === undefined) {
          before++; // stepped before the instrumentation
          continue;
        }
        if (!s.whileSyncing) {
          expect(at).toBe(s.at);
          immediate++;
          continue;
        }
        // the first fsync completion after it was stepped is the earliest it may leave; it leaves at one
        const times = syncedAt.get(from)!;
        expect(at).toBeGreaterThanOrEqual(times.find((t) => t > s.at)!);
        expect(times).toContain(at);
        waited++;
      }
    }
    expect(before).toBeLessThan(20);
    expect(waited).toBeGreaterThan(100);
    expect(immediate).toBeGreaterThan(0);
  });

  it('batches: under load several requests share a message, with a fast disk about one each', () => {
    const perMessage = (params: Record<string, unknown>) => {
      const r = simulate({ design: raft, seed: 1, schedule: schedule('steady', [], '3s', '1s'), params, workload: { ordersPerSecond: 2000 }, recordMessages: true });
      let messages = 0;
      let forwardedAcks = 0;
      for (let i = 0; i < r.messages!.length; i++) if (r.messages!.entry(i).type === 'raft-forward') messages++;
      for (const e of r.history.events) if (e.type === 'ok' && e.node === 'n2') forwardedAcks++;
      expect(r.violations).toEqual([]);
      return forwardedAcks / messages;
    };
    expect(perMessage({})).toBeGreaterThan(2);
    expect(perMessage({ walFsyncMedian: '20us', walFsyncP99: '40us' })).toBeLessThan(1.3);
  });
});
