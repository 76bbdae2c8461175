/**
 * hot-standby-naive: the HA document's `HotStandbyService` (§2, "ACTIVE-PASSIVE (HOT
 * STANDBY)"), exactly as written, bugs included.
 *
 * Stands for: a hand-rolled active/passive pair as the document's C++ sketch implements it, on
 * two Linux hosts in different racks sharing a virtual IP (`ip addr add` + `arping -c 3`).
 *
 * Mechanisms modelled, line by line from the document:
 * - `HotStandbyService(initial_role, peer)`: node `a` is configured PRIMARY, `b` SECONDARY. The
 *   role comes from the configuration at every start, so a restarted `a` believes it is
 *   PRIMARY again, whatever happened meanwhile. The deployment gives the configured primary
 *   the VIP when its service starts (`assignVipOnStart`, an `ExecStartPre=ip addr add` plus
 *   arping), so a restarted `a` also announces the VIP again.
 * - `monitorPeer` runs on its own `heartbeat_thread_` on both nodes: send a heartbeat, wait for
 *   the answer (`heartbeatTimeout`), sleep `heartbeatInterval` (1 s), repeat. The SECONDARY
 *   promotes itself the first time one heartbeat goes unanswered: no retry, no quorum, no
 *   fencing. `promoteToePrimary` sets `is_primary_`, then `assignVirtualIP` (gratuitous ARP).
 *   Failover therefore happens 1 to 2 heartbeat intervals after the primary dies.
 * - Nothing ever demotes a PRIMARY: after a partition, or when `a` restarts, both stay primary.
 * - `processOrder`: refuse unless primary, `doProcessOrder` (durable locally, then the ack and
 *   the order to the exchange), then `replicateToSecondary` -> `asyncSendToSecondary`: async
 *   replication handed to a sender thread, modelled as draining its queue every
 *   `replicationFlushInterval`; a kill -9 loses what it has not sent yet.
 * - The secondary appends whatever replication arrives, in arrival order (the document has no
 *   positions, epochs or catch-up); a node that believes it is primary ignores it. So after a
 *   failover the two logs diverge and are never reconciled.
 * - The heartbeat is answered on the heartbeat thread: a deadlocked order thread leaves it
 *   beating, the standby never takes over and the service is down (gray failure).
 *
 * Left out: the document does not say how the secondary applies `asyncSendToSecondary`
 * beyond "send state update", so it is a plain append; there is no epoch, so every role is
 * declared with epoch 1.
 *
 * Defaults and their sources:
 * - heartbeatInterval 1 s: `std::this_thread::sleep_for(std::chrono::seconds(1))` in monitorPeer.
 * - heartbeatTimeout 1 s: the document leaves `checkPeerHealth`'s timeout open; we take the
 *   loop's only time constant, so one iteration lasts at most 2 s. A shorter timeout fails
 *   over faster and falsely more often (sweep it).
 * - garpCount 3: `arping -c 3` in assignVirtualIP; garpInterval 1 s: arping(8)'s default
 *   interval between packets.
 * - arpCacheTtl 30 s: Linux `net.ipv4.neigh.default.base_reachable_time_ms` = 30000.
 * - restartSec 5 s: the service runs under systemd with `Restart=always`, `RestartSec=5s` (as
 *   for `single`).
 * - replicationFlushInterval 1 ms: an assumption (the document gives no figure); a sender
 *   thread that sleeps 1 ms between drains of its queue, in the style of the document's own
 *   sleep-based loops. 0 sends each order as soon as it is handed over.
 * - assignVipOnStart true: the document's deployment, where the initial primary holds the VIP.
 */
import { defineDesign } from '../src/world/design.ts';
import { oneOf } from '../src/world/estimate-declaration.ts';
import { AsyncReplicator } from '../src/parts/async-replicator.ts';
import { HotStandbyService } from '../src/parts/hot-standby-service.ts';

const params = {
  heartbeatInterval: { kind: 'duration', default: '1s', doc: 'sleep between two heartbeats of monitorPeer', source: 'HA document: sleep_for(std::chrono::seconds(1)) in monitorPeer' },
  heartbeatTimeout: { kind: 'duration', default: '1s', doc: 'how long sendHeartbeat waits for the peer to answer', source: 'unspecified by the document; set to the loop period (see header)' },
  garpCount: { kind: 'integer', default: 3, min: 1, doc: 'gratuitous ARPs sent when taking the VIP', source: 'HA document: arping -c 3' },
  garpInterval: { kind: 'duration', default: '1s', doc: 'interval between gratuitous ARPs', source: 'arping(8): default interval 1 s' },
  arpCacheTtl: { kind: 'duration', default: '30s', doc: 'how long a client trusts an ARP entry', source: 'Linux neigh base_reachable_time_ms = 30000' },
  restartSec: { kind: 'duration', default: '5s', doc: 'supervised restart delay after a process crash', source: 'systemd.service(5) Restart=always, RestartSec=5s (common operator setting)' },
  replicationFlushInterval: { kind: 'duration', default: '1ms', doc: 'how often the async sender thread drains its queue (0: send at once)', source: 'assumption: the document gives no figure for asyncSendToSecondary' },
  assignVipOnStart: { kind: 'boolean', default: true, doc: 'the configured primary takes the VIP whenever its service starts', source: 'HA document deployment: the initial primary holds the VIP' },
} as const;

export default defineDesign({
  name: 'hot-standby-naive',
  description: "the HA document's HotStandbyService as written: 1 s heartbeat, self-promotion on one miss, VIP, async replication, no fencing",
  params,
  topology: (p) => ({
    nodes: [
      { id: 'a', rack: 'r1', supervisedRestart: p.restartSec },
      { id: 'b', rack: 'r2', supervisedRestart: p.restartSec },
    ],
    routing: { kind: 'vip', garpCount: p.garpCount, garpInterval: p.garpInterval, arpCacheTtl: p.arpCacheTtl },
  }),
  createNode: (ctx, p) =>
    new HotStandbyService(ctx, {
      ...p,
      secondaryAcks: false,
      replicator: (node, peer, epoch) => new AsyncReplicator(node, { peer, epoch, flushInterval: p.replicationFlushInterval }),
    }),
  estimate: oneOf('a', 'b'),
});
