/**
 * hot-standby-stonith: a Pacemaker/Corosync cluster with STONITH, two nodes by default.
 *
 * Stands for: Pacemaker 2.1 on Corosync 3 (votequorum), two nodes `a` and `b` in different
 * racks, the trading service and its virtual IP (ocf:heartbeat:IPaddr2) as one resource group,
 * its order log on DRBD in protocol C (or PostgreSQL synchronous replication) with
 * `fencing resource-and-stonith`, and one IPMI fence device per node (fence_ipmilan),
 * reached over a separate management network unless `fenceNetwork=shared`.
 *
 * Each node is a `PacemakerNode` (src/parts/pacemaker-node.ts, which wires the parts named
 * below; the DC and the placement of the resources: pacemaker-placement.ts; Pacemaker's own
 * times: pacemaker-timing.ts). This file is the design on paper: what is modelled, the
 * parameters with their sources, the topology and the estimate's structure.
 *
 * Mechanisms modelled:
 * - membership (`corosync-membership.ts`, configured by `corosync-cluster.ts`): a node silent for `token` is suspected; the new
 *   membership forms `consensus` later; on the idle ring the token comes round once per
 *   corosync `hold` (561 ms for token 3000), and only its arrival restarts the token timer, so
 *   a dead node is suspected token - [0, hold) after its death (2.44-3.0 s, as measured); `two_node` keeps quorum on each side of a split, and
 *   `wait_for_all` (implied by two_node) withholds it after boot until the peer has been seen;
 * - fencing (`stonith.ts`, `pacemaker-unclean.ts`): a lost peer is unclean and must be fenced (`stonith-action`
 *   reboot) before anything of its is touched: the DC's scheduler round (`transitionDelay`:
 *   CIB updates, a scheduler run, a DC election first if the DC was lost) leads to the fencing
 *   request, and the survivor starts the resources (declares primary, takes the VIP with
 *   IPaddr2's ARP burst) only after a *confirmed* fence, and after the start operations
 *   (`resourceStartTime`); a failed
 *   or timed-out fence (`stonith-timeout`) is retried and meanwhile nothing starts. Both sides
 *   of a split race to fence each other; `pcmk_delay_base`/`pcmk_delay_max` add a (random)
 *   delay, `priority-fencing-delay` makes the side that does not run the resources shoot
 *   later so the active side wins;
 * - synchronous replication (`drbd-peers.ts`, `sync-replicator.ts`): an order is acked once both disks have
 *   it; while the peer is lost, I/O freezes (DRBD's resource-and-stonith) until the fence is
 *   confirmed, then the survivor continues alone;
 * - the fenced node reboots (`bootTime`), rejoins as standby, resyncs (`resync.ts`: its
 *   unacked divergent tail is discarded, as DRBD does) and is synchronous again;
 * - a primary whose log disk fails or fills up stops the resources (a failed resource); the
 *   peer, still in the membership, starts them without fencing since the stop succeeded,
 *   and goes on alone while the peer's disk is out (DRBD Diskless);
 * - a standby may take over alone only if it is UpToDate (the primary told it it had caught
 *   up, since its last boot); when both nodes are up and neither runs the resources (cold
 *   start, or both fenced in a fence race), the one with the newer data starts them (DRBD
 *   compares generations), `a` on a tie (a location preference).
 * - `stonithEnabled=false` (a dangerous, real setting): the survivor starts the resources as
 *   soon as the peer leaves the membership, without fencing: split brain under a partition.
 * Corosync, Pacemaker and the fencer are daemons beside the service: they run on the
 * `heartbeat` thread, which a deadlock of the service leaves running. The secondary's side of
 * replication is DRBD, a kernel module (drbd.ko; its receiver is a kernel thread), declared as
 * the host's kernel (`ProcessSpec.kernel`, pacemaker-config.ts): a deadlock or kill of the
 * service or of the cluster stack on the standby leaves it acking, so the primary's writes go on
 * until the fence cuts the standby off; it stops only with the host.
 *
 * - quorum (`quorumDevice`, `noQuorumPolicy`): with a corosync-qnetd arbiter on a third host
 *   (`qnetd.ts`, ffsplit or lms) two_node is off and the arbiter's vote decides a split:
 *   exactly one side is quorate (corosync-qdevice(8)). A node without quorum does not fence
 *   (Pacemaker fences only from a quorate partition) and, with no-quorum-policy `stop` (the
 *   default), stops its resources; `freeze` keeps what runs but starts nothing; `ignore`
 *   acts as if quorate (Pacemaker Explained, cluster options: no-quorum-policy);
 * - fence races (ClusterLabs, "Fencing" / Pacemaker Explained on pcmk_delay_base: "to avoid
 *   fence races ... both nodes may fence each other"): in a two-node split both lose the token,
 *   keep quorum and schedule the other's fencing; the sitting DC needs no election, so its round
 *   is shorter (`dcTransitionDelay`), but right after the loss it deletes the lost node's
 *   transient attributes from the CIB, and when the scheduler's CIB query returns with that
 *   update pending it sleeps 1 s and asks again (`dcCibReaskShare`, 25 of 40 real partitions);
 *   the fence agent then runs on the requester (`fenceAgentTime`: forking it; then its status
 *   query and the off, `ipmiCommandTime` each) before the target is off, and a requester shot
 *   meanwhile fences nobody; the agent confirms the fence only when it exits, after its
 *   `fencePowerWait` sleeps and polls (and for a reboot the power-on). Measured with
 *   the real software (calibration/fixtures/pacemaker--partition.jsonl): the standby won 14 of
 *   20 races, the active DC 6, never both dead, never both serving; the same shares in hasim.
 *   With a fence that takes seconds to
 *   power its target off (`fencePowerOffTime`, e.g. a cloud or hypervisor agent), both sides of
 *   a two-node split send their power-off before either dies and, with stonith-action `off`,
 *   both end powered off; a `pcmk_delay_base` on the device that fences one node (per node:
 *   `pcmkDelayBase=10s,0s` delays fencing `a`) lets that node shoot first: exactly one
 *   survives (test/models/hot-standby-stonith-knobs.test.ts).
 *
 * - more than two nodes (`nodes`, a..i in order of preference): the effective token grows by
 *   token_coefficient per node beyond two (corosync.conf(5)); two_node and its wait_for_all are
 *   off (votequorum(5): two_node is for two-node clusters), so a partition needs a majority
 *   (or the arbiter's nodes - 1 votes); a node that loses several peers loses them in one ring
 *   change. The partition's DC (its first node) fences the lost nodes and picks where the
 *   resources start (the UpToDate node with the newest data, the preferred one on a tie);
 *   after start-up nothing is decided until every node was seen or dc-deadtime (20 s,
 *   Pacemaker Explained) passed. The primary replicates synchronously to every peer (DRBD 9
 *   protocol C), so a lost peer freezes writes until it is fenced. A 2:1 split: the majority
 *   fences the minority and keeps serving or takes over, the minority stops (no-quorum-policy
 *   stop) and fences nobody (test/models/hot-standby-stonith-nodes.test.ts).
 *
 * - graceful stop (`graceful-stop`: SIGTERM to pacemakerd; `pacemaker-shutdown.ts`, which says
 *   how and cites Pacemaker Explained): the node's resources are stopped (`resourceStopTime`,
 *   after the DC's `transitionDelay`), the DC starts them elsewhere without fencing, and the
 *   node leaves the membership at once (calibration/fixtures/pacemaker--graceful-stop.jsonl).
 *
 * - the resource's monitor operation (`pacemaker-resource.ts`; Pacemaker Explained, "Resource Operations"; each node
 *   runs two processes, the trading service and the cluster stack): every `monitorInterval`
 *   after the start and after each result, the node running the resources checks the service:
 *   its process gone fails at once (OCF_NOT_RUNNING), a hung service fails when the check has
 *   not answered within `monitorTimeout`. A failure (on-fail default restart) raises the
 *   node's fail-count and, after the DC's scheduler round (`transitionDelay`), stops the
 *   service here (SIGTERM then SIGKILL: a hung one is killed; `resourceStopTime` when it runs)
 *   and starts it again here (`resourceStartTime`); the VIP and DRBD stay, so nothing is
 *   fenced and the peer does not move. Once the fail-count reaches `migrationThreshold`
 *   (INFINITY by default: always restarted in place) the resource is stopped here and the DC
 *   starts it on the peer, without fencing (the stop succeeded). A start that fails sets the
 *   fail-count to INFINITY (start-failure-is-fatal). A stop that takes longer than
 *   `resourceStopTimeout` failed: on-fail for stop is fence, so another node fences this one
 *   (a failed node is not the DC: its fencing runs elsewhere) and the resource starts there
 *   only after the confirmed fence; without fencing the resource stays blocked. A kill of
 *   the service alone (`process-crash` `component: trading-service`, the estimate's `process`
 *   failure) is this path: the service only Pacemaker starts; a kill without `component` is
 *   the whole stack's, a lost node (test/models/hot-standby-stonith-monitor.test.ts).
 *
 * Left out: failure-timeout (0 by default: a fail-count never expires until the node
 * restarts, which clears its transient attributes); the cluster stack killed alone and
 * restarted without a fence (a real node is fenced once its corosync is gone; here it stays
 * silent until fenced); the multiple-active
 * recovery after a split with stonith disabled; fence topologies with several levels;
 * resource stickiness and failback policies beyond the tie-break above.
 *
 * Defaults and their sources:
 * - nodes 2: the HA document's pair. token 3000 ms, tokenCoefficient 650 ms: corosync.conf(5)
 *   (Corosync 3): the effective token is token + (nodes - 2) x token_coefficient, i.e. 3000 ms
 *   for two nodes, 3650 ms for three.
 * - consensus 0s = derived: corosync.conf(5): "automatically calculated at 1.2 * token"
 *   (3600 ms here); a positive value overrides it.
 * - tokenRetransmitsBeforeLossConst 4: corosync.conf(5); with the token it sets the idle
 *   ring's token hold (exec/totemconfig.c: token / (4 + 0.2) x 0.8 - 10 ms = 561 ms, which
 *   `corosync-cmapctl runtime.config.totem.hold` shows on corosync 3.1.7).
 * - dcTransitionDelay 130 ms, dcCibReaskShare 0.6: measured on partitions of the same cluster
 *   (calibration/fixtures/pacemaker--partition.jsonl, and -delay-a-5s where a delay on the
 *   device fencing a lets a finish every round): the median of the DC's 15 rounds without a
 *   re-ask (72-320 ms); in 25 of 40 the DC asked after 1.07-1.42 s (the re-ask) or had not
 *   asked when it was shot 246-992 ms after its membership.
 * - fenceAgentTime 170 ms, ipmiCommandTime 150 ms, fencePowerWait 2 s: fence_ipmilan (fence-agents
 *   4.12.1, method onoff) forks (170 ms), queries the power status and sends the off (an
 *   ipmitool lanplus session each, 150 ms): the target is off about 0.47 s after the fencer's
 *   request, and a requester shot before that fences nobody. The agent then sleeps power_wait
 *   (2 s), polls the status until off and, for stonith-action reboot, powers the target on,
 *   sleeps power_wait again and polls until on; only its exit confirms the fence: 4.45 s
 *   after the off for a reboot, 2.15 s for an off (fencing.py fence_action,
 *   async_set_multi_power_fn). The times were measured here (fence_ipmilan's start; ipmitool
 *   against OpenIPMI's ipmi_sim, a simulated BMC that answers at once: real BMCs are slower);
 *   power_wait is the agent's default. The calibration harness's agent (a perl script that
 *   powers its target off at its end) takes 105 ms and confirms at once.
 * - operationTimeSpread 0.5: Pacemaker's own times are medians; each run draws log-normally
 *   around it (src/parts/pacemaker-timing.ts, fitted to the fixtures: IPaddr2's start 76-636 ms
 *   around 280).
 * - highLoadShare 0: a quiet cluster. Pacemaker's controller throttles itself under load
 *   (controld_throttle.c): each node checks its load average every 30 s and broadcasts a change
 *   of mode; while any node reports high load (above load-threshold 80 % x 2.0 per core) the DC
 *   runs a transition's actions one at a time (batch-limit max(1, peers / 2)). After a fence the
 *   transition starts the fenced node's fence device and the resources, unordered: on a quiet
 *   cluster side by side, throttled the device first (`fenceDeviceStartTime`). The calibration
 *   machine (load 12-35 on 2 cores) was always high, but whether a's first report (30 s after its
 *   start) reached b before the fault was the trial's luck: the experiments set the share.
 * - transitionDelay 200 ms, cibReaskShare 0.16 (4 of 25), resourceStartTime 280 ms,
 *   fenceDeviceStartTime 130 ms, resourceStopTime 150 ms: measured on Pacemaker 2.1.5 with an
 *   ocf:heartbeat:IPaddr2 VIP (calibration/pacemaker.ts, fixtures pacemaker--host-death and
 *   pacemaker--graceful-stop): the median of membership to "Requesting fencing" without the
 *   re-ask; of a's stop result to b's start result in a graceful stop; of the fence device's
 *   start in throttled transitions (the harness's perl agent; fence_ipmilan's start is its
 *   monitor, a Python start and an IPMI status query); of SIGTERM to the stop result without a
 *   re-ask, less transitionDelay. Recorded on a loaded 2-core machine (load 26-35), so a quiet
 *   server is likely somewhat faster. cibReaskShare is the share of scheduler rounds where the
 *   controller sleeps 1 s and asks for the CIB again because other CIB updates are pending
 *   (daemons/controld/controld_schedulerd.c, do_pe_invoke_callback, "Re-asking for the CIB"). A
 *   real service's start operation (a database's recovery) takes longer than a VIP's: set it.
 * - twoNode true, waitForAll true: votequorum(5), the standard two-node setup (two_node: 1
 *   enables wait_for_all by default).
 * - stonithEnabled true, stonithTimeout 60 s, stonithAction reboot, stonithMaxAttempts 10:
 *   Pacemaker Explained, cluster options (stonith-enabled, stonith-timeout, stonith-action,
 *   stonith-max-attempts defaults).
 * - pcmkDelayBase 0 s, pcmkDelayMax 0 s, per fenced node (one value: both): Pacemaker
 *   Explained, fencing device options (defaults 0s; Clusters from Scratch and the RHEL guides recommend a delay in two-node
 *   clusters to avoid fence races).
 * - priorityFencingDelay 0 s: Pacemaker Explained (2.0.4+), default 0 = disabled; the docs
 *   advise "significantly greater than, safely twice, the maximum pcmk_delay_base/max".
 * - fenceRetryInterval 5 s: hasim's approximation of the time before the scheduler retries a
 *   failed fencing action (fence_ipmilan's own login timeouts are seconds).
 * - quorumDevice none, noQuorumPolicy stop: votequorum(5) (no device unless configured);
 *   Pacemaker Explained: no-quorum-policy default stop. qdeviceTimeout 10 s: corosync-qdevice(8)
 *   `timeout` default 10 s (a vote not renewed within it is lost).
 * - fencePowerOffTime 0 s: an IPMI hard power-off acts at once; cloud APIs take seconds to
 *   minutes (e.g. fence_aws waits for the instance to reach `stopped`).
 * - fenceNetwork separate: IPMI on a dedicated management network, the recommended layout.
 * - garpCount 5, garpInterval 200 ms: IPaddr2 `arp_count` 5 and `arp_interval` 200 ms.
 * - arpCacheTtl 30 s: Linux base_reachable_time. bootTime 30 s: a fast server or VM reboot
 *   (physical servers often take minutes to POST).
 */
import { defineDesign, type Resolved } from '../src/world/design.ts';
import { majorityOf, oneOf } from '../src/world/estimate-declaration.ts';
import { perNode } from '../src/world/params.ts';
import { Qnetd, type QdeviceAlgorithm } from '../src/parts/qnetd.ts';
import { PacemakerNode } from '../src/parts/pacemaker-node.ts';
import { ARBITER, PACEMAKER_PROCESSES, pacemakerNodeIds } from '../src/parts/pacemaker-config.ts';

const params = {
  nodes: { kind: 'integer', default: 2, min: 2, max: 9, doc: 'cluster nodes a, b, c... (the resources prefer them in this order)', source: 'Pacemaker/Corosync two-node cluster (the HA document); corosync supports more' },
  token: { kind: 'duration', default: '3000ms', doc: 'totem token timeout: silence before a node is suspected', source: 'corosync.conf(5): token 3000 ms (Corosync 3)' },
  tokenCoefficient: { kind: 'duration', default: '650ms', doc: 'added to token for every node beyond two', source: 'corosync.conf(5): token_coefficient 650 ms' },
  tokenRetransmitsBeforeLossConst: { kind: 'integer', default: 4, min: 1, doc: 'token retransmits before loss: sets the token hold of an idle ring (token / (this + 0.2) x 0.8 - 10 ms)', source: 'corosync.conf(5): token_retransmits_before_loss_const 4; exec/totemconfig.c (hold)' },
  consensus: { kind: 'duration', default: '0s', doc: 'time to agree on a new membership after a token loss (0s: 1.2 x token)', source: 'corosync.conf(5): defaults to 1.2 * token' },
  twoNode: { kind: 'boolean', default: true, doc: 'each node of the pair keeps quorum alone', source: 'votequorum(5) two_node: 1 (standard two-node setup)' },
  waitForAll: { kind: 'boolean', default: true, doc: 'after boot, no quorum until the peer has been seen once', source: 'votequorum(5): wait_for_all, enabled by two_node' },
  stonithEnabled: { kind: 'boolean', default: true, doc: 'fence a lost peer before starting its resources', source: 'Pacemaker Explained: stonith-enabled default true' },
  stonithTimeout: { kind: 'duration', default: '60s', doc: 'how long one fencing action may take', source: 'Pacemaker Explained: stonith-timeout default 60s' },
  stonithAction: { kind: 'enum', default: 'reboot', values: ['reboot', 'off'], doc: 'what fencing does to the peer', source: 'Pacemaker Explained: stonith-action default reboot' },
  stonithMaxAttempts: { kind: 'integer', default: 10, min: 1, doc: 'failed fencing attempts before giving up on a target', source: 'Pacemaker Explained: stonith-max-attempts default 10' },
  pcmkDelayBase: { kind: 'duration-list', default: '0s', doc: 'static delay before fencing each node (a, b; one value: both): the device fencing that node waits', source: 'Pacemaker Explained: pcmk_delay_base default 0s' },
  pcmkDelayMax: { kind: 'duration-list', default: '0s', doc: 'per fenced node: base plus a random part, at most this', source: 'Pacemaker Explained: pcmk_delay_max default 0s' },
  fenceAgentTime: { kind: 'duration', default: '170ms', doc: "from the fencer's request to the agent's first IPMI command (forking fence_ipmilan, a Python program); its status query and the off follow (ipmiCommandTime each); a requester shot before the off fences nobody", source: 'measured: fence-agents 4.12.1 fence_ipmilan -o metadata, 0.11-0.25 s wall (50 ms CPU) on this 2-core machine at load 14-19' },
  ipmiCommandTime: { kind: 'duration', default: '150ms', doc: "one ipmitool command of the fence agent (an IPMI v2.0 lanplus session: open, RAKP 1-4, privilege, the command, close): the status query and the off before the target is off, then the status polls (and for a reboot the power-on) before the fence is confirmed", source: 'measured: ipmitool 1.8.19 -I lanplus chassis power status run by fence_ipmilan against OpenIPMI ipmi_sim on loopback, 92-207 ms (median 146) at load 14-19; a BMC that answers at once, so a floor for real BMC firmware' },
  fencePowerWait: { kind: 'duration', default: '2s', doc: "the fence agent's sleep after each power command before it polls the status (after the off; for a reboot after the on too): the fence is confirmed only after it", source: 'fence-agents 4.12.1 fence_ipmilan main(): power_wait default 2; fencing.py async_set_multi_power_fn sleeps power_wait after set_power_fn; fence_action reboot = off then on (method onoff)' },
  fencePowerOffTime: { kind: 'duration', default: '0s', doc: 'from the fence request reaching the device to the target being off (the target runs on meanwhile)', source: 'IPMI hard power-off: immediate; cloud/hypervisor agents: seconds to minutes' },
  quorumDevice: { kind: 'enum', default: 'none', values: ['none', 'ffsplit', 'lms'], doc: 'a corosync-qnetd arbiter on a third host and its algorithm (two_node off when set)', source: 'corosync-qdevice(8): model net, algorithm ffsplit or lms' },
  qdeviceTimeout: { kind: 'duration', positive: true, default: '10s', doc: "how long the arbiter's vote lasts without renewal", source: 'corosync-qdevice(8): timeout default 10 s' },
  noQuorumPolicy: { kind: 'enum', default: 'stop', values: ['stop', 'freeze', 'ignore'], doc: 'what a node without quorum does with its resources', source: 'Pacemaker Explained: no-quorum-policy default stop' },
  priorityFencingDelay: { kind: 'duration', default: '0s', doc: 'extra delay for fencing the node that runs the resources', source: 'Pacemaker Explained: priority-fencing-delay default 0 (disabled)' },
  transitionDelay: { kind: 'duration', default: '200ms', doc: "from a node's loss to the DC's fencing request (DC election if it was the DC, CIB updates, a scheduler run)", source: 'measured: Pacemaker 2.1.5, median membership to "Requesting fencing" (calibration/fixtures/pacemaker--host-death.jsonl)' },
  dcTransitionDelay: { kind: 'duration', default: '130ms', doc: "from a node's loss to the fencing request when this node already was the DC (no election, no join round)", source: 'measured: Pacemaker 2.1.5, partitions of two nodes, median of the DC\'s 15 rounds without a re-ask, membership to "Requesting fencing" (calibration/fixtures/pacemaker--partition.jsonl, pacemaker--partition-delay-a-5s.jsonl)' },
  dcCibReaskShare: { kind: 'number', default: 0.6, min: 0, max: 1, doc: "share of the sitting DC's rounds after a node loss that wait 1 s more for pending CIB updates (its own deletion of the lost node's transient attributes is one)", source: 'Pacemaker controld_schedulerd.c do_pe_invoke_callback ("Re-asking for the CIB"), controld_delete_node_state; share measured: 25 of 40 partitions (calibration/fixtures/pacemaker--partition.jsonl, pacemaker--partition-delay-a-5s.jsonl)' },
  cibReaskShare: { kind: 'number', default: 0.16, min: 0, max: 1, doc: "share of the DC's scheduler rounds that wait 1 s more for pending CIB updates", source: 'Pacemaker controld_schedulerd.c do_pe_invoke_callback ("Re-asking for the CIB", sleep(1)); share measured (calibration/fixtures/pacemaker--host-death.jsonl)' },
  resourceStopTime: { kind: 'duration', default: '150ms', doc: "the stop operations of a node shutting down (IPaddr2's stop), after the DC's scheduler round", source: 'measured: Pacemaker 2.1.5 + ocf:heartbeat:IPaddr2, median SIGTERM to "Result of stop operation for vip" without a CIB re-ask, less transitionDelay (calibration/fixtures/pacemaker--graceful-stop.jsonl)' },
  resourceStartTime: { kind: 'duration', default: '280ms', doc: "the resources' start operations on the node the DC chose (IPaddr2's start) before they answer", source: 'measured: Pacemaker 2.1.5 + ocf:heartbeat:IPaddr2, median a\'s "Result of stop operation" to b\'s "Result of start operation for vip" (calibration/fixtures/pacemaker--graceful-stop.jsonl)' },
  fenceDeviceStartTime: { kind: 'duration', default: '130ms', doc: "after a fence, the fenced node's fence device is started on the survivor in the same transition; it delays the resources' start only when the DC is throttled (highLoadShare)", source: 'measured: Pacemaker 2.1.5, the harness\'s fence device (stonith:fence_dummy, a perl agent): median 132 ms from "Initiating start operation fence-a_start_0" to its result in 8 throttled transitions (64-360 ms; logs of 16 host-death and partition trials, pcmk2-6 report)' },
  highLoadShare: { kind: 'number', default: 0, min: 0, max: 1, doc: "share of runs in which a node's controller has reported high load to the DC (load average above 1.6 per core), so the DC runs a transition's actions one at a time: after a fence the fenced node's device starts before the resources (0: a quiet cluster, the device starts beside them)", source: 'Pacemaker 2.1.5 daemons/controld/controld_throttle.c (load-threshold 80 %, THROTTLE_FACTOR_HIGH 2.0; throttle_get_total_job_limit: max(1, peers / 2) while any node is high), lib/pacemaker/pcmk_graph_consumer.c (batch-limit); seen in 12 of 12 logged trials: serialized exactly when a\'s "New throttle mode: high load" came before the fault' },
  operationTimeSpread: { kind: 'number', default: 0.5, min: 0, max: 2, doc: "log-standard deviation of Pacemaker's own times (transitionDelay, resourceStartTime, resourceStopTime, fenceDeviceStartTime are medians; each run is drawn log-normally around it; 0: constant)", source: 'measured: Pacemaker 2.1.5 + IPaddr2, pooled log-sd 0.5 of five operation times over 50 trials (calibration/fixtures/pacemaker--host-death.jsonl, pacemaker--graceful-stop.jsonl; src/parts/pacemaker-timing.ts)' },
  monitorInterval: { kind: 'duration', default: '10s', doc: "the resource's recurring monitor operation on the node running it (0s: none, a failed or hung service goes unnoticed)", source: 'Pacemaker Explained, "Resource Operations": monitor interval (no default: set per resource; ocf:heartbeat agents\' metadata advise interval 10s, e.g. IPaddr2; pcs falls back to 60s)' },
  monitorTimeout: { kind: 'duration', positive: true, default: '20s', doc: 'a monitor that has not answered within this long failed (a hung service)', source: 'Pacemaker include/crm/common/actions.h PCMK_DEFAULT_ACTION_TIMEOUT_MS 20000 (the default operation timeout)' },
  migrationThreshold: { kind: 'integer', default: 1000000, min: 1, doc: "failures of the resource on a node before it is moved off it (1000000: INFINITY, it is always restarted in place)", source: 'Pacemaker Explained, resource meta-attributes: migration-threshold default INFINITY (1000000, CRM_SCORE_INFINITY); failure-timeout default 0 (fail counts never expire)' },
  resourceStopTimeout: { kind: 'duration', positive: true, default: '20s', doc: "a stop operation that takes longer failed: the node is fenced (on-fail for stop is fence with stonith-enabled; block without)", source: 'Pacemaker Explained, "Resource Operations": on-fail default fence for stop if stonith-enabled, else block; timeout default 20 s (PCMK_DEFAULT_ACTION_TIMEOUT_MS)' },
  fenceRetryInterval: { kind: 'duration', default: '5s', doc: 'pause before retrying a failed fencing action', source: "hasim's approximation of Pacemaker's re-scheduling" },
  fenceNetwork: { kind: 'enum', default: 'separate', values: ['separate', 'shared'], doc: 'IPMI on its own management network, or through the cluster switches', source: 'recommended layout: dedicated management network' },
  garpCount: { kind: 'integer', default: 5, min: 1, doc: 'gratuitous ARPs sent when the VIP starts', source: 'ocf:heartbeat:IPaddr2 arp_count default 5' },
  garpInterval: { kind: 'duration', default: '200ms', doc: 'interval between gratuitous ARPs', source: 'ocf:heartbeat:IPaddr2 arp_interval default 200 ms' },
  arpCacheTtl: { kind: 'duration', default: '30s', doc: 'how long a client trusts an ARP entry', source: 'Linux neigh base_reachable_time_ms = 30000' },
  bootTime: { kind: 'duration', default: '30s', doc: 'how long a fenced (rebooted) node takes to come back', source: 'assumption: a fast server or VM reboot' },
} as const;

type Params = Resolved<typeof params>;
const nodeIdsOf = (p: Params): readonly string[] => pacemakerNodeIds(p.nodes);

/** When the cluster stays down with a node up (the estimate report prints it beside such incidents). */
const STAYS_DOWN =
  "(1) a node that was fenced while its peer went on alone has Outdated data: if that peer then fails, the returning node does not start the resources (DRBD refuses to promote Outdated data), so the service waits for the peer's repair; (2) in two nodes, a node whose cluster stack restarts while its peer is down (the node rebooted: a server crash or a power loss; a crash or hang of the service alone is restarted in place by Pacemaker's monitor) has no quorum until it has seen the peer again (votequorum(5) wait_for_all, enabled by two_node); (3) the active node's power domain is lost: its IPMI fence device is dark with it, every fence fails, and nothing starts until the power is back (a second fencing level, a switched PDU or SBD, would avoid it). All three are what a real Pacemaker + DRBD pair does.";

export default defineDesign({
  name: 'hot-standby-stonith',
  description: 'Pacemaker/Corosync cluster (two nodes by default): token 3 s, consensus 3.6 s, two_node quorum, STONITH (IPMI reboot) before failover, synchronous replication',
  params,
  topology: (p) => {
    const ids = nodeIdsOf(p);
    perNode(p.pcmkDelayBase, ids.length, 'pcmkDelayBase');
    perNode(p.pcmkDelayMax, ids.length, 'pcmkDelayMax');
    return {
      nodes: [
        ...ids.map((id, i) => ({ id, rack: `r${i + 1}`, processes: PACEMAKER_PROCESSES })),
        ...(p.quorumDevice === 'none' ? [] : [{ id: ARBITER, rack: 'r-arbiter', serving: false }]),
      ],
      fencePowerOffTime: p.fencePowerOffTime,
      // corosync's totem runs over UDP (knet or udpu, corosync.conf(5)): a lost beat is lost
      datagramMessages: ['hb-beat'],
      routing: { kind: 'vip', garpCount: p.garpCount, garpInterval: p.garpInterval, arpCacheTtl: p.arpCacheTtl },
      separateFenceNetwork: p.fenceNetwork === 'separate',
      bootTime: p.bootTime,
    };
  },
  createNode: (ctx, p) =>
    ctx.id === ARBITER
      ? new Qnetd(ctx, { clusterNodes: nodeIdsOf(p), algorithm: p.quorumDevice as QdeviceAlgorithm, staleAfter: p.qdeviceTimeout })
      : new PacemakerNode(ctx, p),
  // two nodes: either serves (two_node); more: a majority must be up to keep quorum, and one of it serves
  estimate: (p, t) => {
    const ids = t.nodes.filter((n) => n.serving !== false).map((n) => n.id);
    if (ids.length === 2 || p.noQuorumPolicy === 'ignore') return { ...oneOf(...ids), staysDown: STAYS_DOWN };
    // with a device: a majority, or the arbiter and half the nodes (ffsplit) or any one (lms)
    const withArbiter = { all: [ARBITER, { atLeast: p.quorumDevice === 'lms' ? 1 : Math.ceil(ids.length / 2), of: ids }] };
    const votes = p.quorumDevice === 'none' ? majorityOf(ids) : { any: [majorityOf(ids), withArbiter] };
    return { structure: { all: [votes, { atLeast: 1, of: ids }] }, standby: { need: 1, of: ids }, staysDown: STAYS_DOWN };
  },
});
