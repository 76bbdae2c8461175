/**
 * hot-standby-sync: the HA document's HotStandbyService with synchronous replication (§4,
 * "Order submitted -> Write to primary AND secondary -> Acknowledge").
 *
 * Stands for: the same hand-rolled active/passive pair as `hot-standby-naive` (1 s heartbeat,
 * self-promotion on one missed heartbeat, VIP by gratuitous ARP, no demotion, no fencing, no
 * quorum), with the replication of MySQL 8 semi-synchronous replication: an order is acked
 * only after the standby has it durably and has answered (+ one round trip and the standby's
 * fsync on every order: the document's "+5-20ms").
 *
 * Mechanisms modelled: everything of `hot-standby-naive` (src/parts/hot-standby-service.ts),
 * plus the primary waiting for the standby's ack of each order. When the standby stops
 * answering, orders wait; `stallPolicy` says what happens after `stallTimeout`:
 * - `async-after-timeout` (default): fall back to asynchronous replication, as MySQL
 *   semi-sync does after `rpl_semi_sync_master_timeout` (10 s), and return to sync once the
 *   standby has caught up. Orders acked meanwhile exist only on the primary.
 * - `block`: keep waiting forever (PostgreSQL with `synchronous_standby_names` and no
 *   fallback): no acked order is ever lost, and the service stops when the standby does.
 *
 * What it shows: a primary crash no longer loses acked orders (the standby has every one),
 * but the pair still splits brain under a partition (the detection is the naive one), and
 * with the default fallback the isolated old primary acks alone after 10 s, so acked orders
 * are lost when the logs are never reconciled: "semi-sync is not enough" (see the MySQL
 * manual on semisynchronous replication: on timeout "the source reverts to asynchronous
 * replication").
 *
 * Left out: the standby's relay log and apply lag (the standby's ack means durable, i.e.
 * MySQL's `AFTER_SYNC` wait point; rpl_semi_sync_master_wait_point default AFTER_SYNC).
 *
 * Defaults and their sources: as hot-standby-naive for the pair; stallTimeout 10 s:
 * `rpl_semi_sync_master_timeout` = 10000 ms (MySQL 8.0 reference manual, semisynchronous
 * replication variables); stallPolicy async-after-timeout: MySQL semi-sync's behaviour.
 */
import { defineDesign } from '../src/world/design.ts';
import { oneOf } from '../src/world/estimate-declaration.ts';
import { HotStandbyService } from '../src/parts/hot-standby-service.ts';
import { SyncReplicator, type StallPolicy } from '../src/parts/sync-replicator.ts';
import naive from './hot-standby-naive.ts';

const params = {
  ...naive.params,
  stallTimeout: { kind: 'duration', default: '10s', doc: 'how long an order waits for the standby before the stall policy applies', source: 'MySQL 8.0: rpl_semi_sync_master_timeout = 10000 ms' },
  stallPolicy: { kind: 'enum', default: 'async-after-timeout', values: ['async-after-timeout', 'block'], doc: 'fall back to async after stallTimeout, or block until the standby answers', source: 'MySQL semi-sync (fallback) vs PostgreSQL synchronous_standby_names (block)' },
} as const;

export default defineDesign({
  name: 'hot-standby-sync',
  description: 'the HotStandbyService with synchronous replication (semi-sync: async fallback after 10 s)',
  params,
  topology: (p) => naive.topology(p),
  createNode: (ctx, p) =>
    new HotStandbyService(ctx, {
      ...p,
      secondaryAcks: true,
      replicator: (node, peer, epoch) =>
        new SyncReplicator(node, { peer, epoch, startAlone: false, stallTimeout: p.stallTimeout, stallPolicy: p.stallPolicy as StallPolicy }),
    }),
  estimate: oneOf('a', 'b'),
});
