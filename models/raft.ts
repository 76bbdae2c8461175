/**
 * raft: a 3-, 5- or 7-node Raft cluster serving orders, as etcd (v3.5, etcd-io/raft) runs it,
 * optionally with learners (non-voting members that receive the log).
 *
 * Stands for: any order service built on a Raft log (etcd, or an embedded etcd-io/raft), nodes
 * n1..nN in separate racks, learners learner1..learnerK beside them (clients do not use them). Clients talk to the nodes directly: a follower refuses with
 * `not-primary` and names the leader; a client that times out tries the next node.
 *
 * Modelled (src/parts/raft-*.ts): time counted in ticks of a free-running ticker per node, each
 * with its own phase (etcd; see `raft-ticker.ts`), so timeouts are quantised and a vote can reach
 * a voter whose lease is a tick from its end; leader election with randomised timeouts in
 * [T, max) ticks, max 2T by default (etcd) or set to run the Raft paper's Figure 16 lines; learners that replicate
 * but neither vote, campaign nor count for commit, lease or CheckQuorum (etcd learners); a
 * candidate needs a majority of votes; optional PreVote; CheckQuorum with leader stickiness
 * (a node that heard from a leader within T ignores vote requests); log replication with
 * pipelining and batching as etcd's Ready loop does it (one fsync and one AppendEntries per
 * follower for everything that arrived during the previous fsync; an inflight window per
 * follower; see `raft-replication.ts`); commit on a
 * majority of durable copies, entries of the current term only (§5.4.2), a no-op at the start
 * of each term; currentTerm and votedFor fsynced before a vote is answered; log appends
 * fsynced before an AppendEntries is acknowledged, the leader counting itself only after its
 * own fsync; clients acked only after commit, the acks of one apply pass to one client in one
 * reply (etcd answers the requests of the entries it applies together, and gRPC writes a
 * connection's queued replies in one flush; see `raft-order-path.ts`); orders sent to the exchange by the leader that
 * commits them, with the term as fencing token, and reconciled by (mass) order-status queries,
 * so that each committed order reaches the exchange exactly once across failovers and lost
 * messages (see `raft-order-path.ts`); a leader acts only within a lease from its majority's last
 * answers (see `raft-node.ts`).
 *
 * Proposal forwarding (`forwardProposals`, on as in etcd): a follower passes a client's request
 * to the leader it knows and the leader answers; right after a leader dies its followers still
 * forward to it, so those requests are lost and the client moves on only after its timeout
 * (calibrated against etcd 3.4, calibration/fixtures/etcd--*). A candidate refuses at once.
 * A follower forwards with its Ready, as etcd's does: its messages go out only after its WAL
 * save, so requests that reach it while its fsync is in flight wait for the end of an fsync and
 * go to the leader together, one message (etcdserver/raft.go `raftNode.start`; see
 * `raft-order-path.ts`).
 * `forwardProposals=false` makes followers refuse with the leader's id instead.
 *
 * Graceful stop (SIGTERM, `graceful-stop`): a leader hands over its leadership before it exits,
 * as etcd's `EtcdServer.Stop` does (`TryTransferLeadershipOnShutdown` → `MoveLeader`; raft
 * `MsgTransferLeader` / `MsgTimeoutNow`, the transferee campaigning at once with votes that
 * ignore the lease; see `raft-transfer.ts`), so a planned restart of the leader costs a round
 * trip or two instead of an election timeout. A follower just exits.
 *
 * Log compaction and snapshots (`raft-snapshots.ts`): every `snapshotCount` applied entries a
 * node snapshots and compacts its log to `snapshotCatchUpEntries` before the snapshot; a
 * follower that needs compacted entries gets the leader's snapshot (MsgSnap), so a long run's
 * logs stay bounded.
 *
 * Left out: membership changes (joint consensus, promoting a
 * learner), ReadIndex and lease reads, operator-requested leadership transfer (`etcdctl
 * move-leader`; only the one on shutdown), and flow control beyond the batch size. And the
 * leader's commit broadcast: when its commit index advances etcd's leader sends every follower
 * an AppendEntries at once, with no entries if it has none (etcd-io/raft raft.go `stepLeader`,
 * MsgAppResp: `if r.maybeCommit() { releasePendingReadIndexMessages(r); r.bcastAppend() }`,
 * `bcastAppend` -> `maybeSendAppend(to, sendIfEmpty=true)`); here followers learn the commit
 * index from the next AppendEntries or heartbeat (within 100 ms). Only a follower's own view
 * lags (its compaction; the commit index it starts from if elected, where a new leader's acks
 * wait for its no-op's commit, one round of answers, as they would wait for its lease). At 200
 * orders/s etcd sends two more AppendEntries and two more answers per order than hasim.
 *
 * Defaults and sources:
 * - heartbeatInterval 100 ms, electionTimeout 1000 ms: etcd's `--heartbeat-interval=100` and
 *   `--election-timeout=1000` (etcd docs, op-guide/configuration and tuning);
 * - ticker `heartbeat`: the etcd server's tick is its heartbeat interval (embed/config.go: `TickMs`
 *   is `--heartbeat-interval`; `ElectionTicks() = ElectionMs / TickMs`, integer division), the
 *   leader sends a heartbeat every tick (etcdserver/raft.go: `HeartbeatTick: 1`), and raft counts
 *   every timeout in ticks (etcd-io/raft raft.go: `tickElection`, `tickHeartbeat`,
 *   `pastElectionTimeout`, the lease check `r.electionElapsed < r.electionTimeout` in `Step`).
 *   So electionTimeout is rounded down to whole heartbeats, as etcd does, and must be at least two
 *   (raft's Config.validate: "election tick must be greater than heartbeat tick"). `none`: timers
 *   run continuously (to the simulator's microsecond), as in the Raft paper's LogCabin, which
 *   the Figure 16 test reproduces;
 * - the timeout is drawn uniformly in [electionTimeout, 2 x electionTimeout): etcd raft's
 *   `randomizedElectionTimeout` (raft.go, `resetRandomizedElectionTimeout`); for the paper's
 *   150-300 ms (Raft paper §5.2 and §9.3) set `electionTimeout=150ms` with a shorter heartbeat;
 * - checkQuorum true: etcd server always sets raft `Config.CheckQuorum` (etcdserver/raft.go);
 * - preVote true: the etcd server's `--pre-vote` flag, default true since v3.5 (the bare raft
 *   library's `Config.PreVote` defaults to false: `--set preVote=false` models that);
 * - maxEntriesPerAppend 1024: a stand-in for etcd's per-message byte budget (the server's
 *   `MaxSizePerMsg` is 1 MiB, about a thousand order-sized entries);
 * - maxInflightAppends 512: etcdserver/raft.go `maxInflightMsgs = 4096 / 8` ("never overflow
 *   the rafthttp buffer"), raft's `Config.MaxInflightMsgs`;
 * - walFsyncMedian 2 ms, walFsyncP99 10 ms (lognormal): etcd docs, op-guide/hardware.md ("etcd
 *   is very sensitive to disk write latency"; "500 sequential IOPS (e.g., a typical local SSD
 *   ...) is recommended" for loaded clusters: 2 ms per fdatasync), and etcd's guidance that the
 *   99th percentile of `etcd_disk_wal_fsync_duration_seconds` stay below 10 ms for a disk to be
 *   fast enough (as Red Hat's OpenShift docs, "Recommended etcd practices", restate it). A 7200
 *   RPM disk ("50 sequential IOPS") is walFsyncMedian=20ms with a higher p99;
 * - electionTimeoutMax 0 (= 2 x electionTimeout): etcd raft's [T, 2T). The Raft paper's
 *   Figure 16 (§9.3, five servers, broadcast time ~15 ms, leader crashed within its heartbeat
 *   interval of half the minimum timeout) measures the time to elect a new leader per range:
 *   150-150 ms "consistently took longer than 10 seconds" (split votes), 150-155 ms has a median
 *   of 287 ms, 150-200 ms a worst case of 513 ms, 12-24 ms an average of 35 ms
 *   (test/models/raft-figure16.test.ts reproduces those lines);
 * - nodes up to 7 and learners: etcd docs (faq): "an etcd cluster probably should have no more
 *   than seven nodes"; etcd docs, "Learner" (v3.4+): a learner "does not vote" and is not counted
 *   in the quorum;
 * - snapshotCount 100,000 and snapshotCatchUpEntries 5,000: etcd v3.5 `DefaultSnapshotCount`
 *   and `DefaultSnapshotCatchUpEntries` (server/etcdserver/server.go, v3.5.17 lines 74 and 81;
 *   `--snapshot-count`; v3.6 lowered the count to 10,000);
 * - restartSec 10 s: etcd's own systemd unit (contrib/systemd/etcd.service: `Restart=always`,
 *   `RestartSec=10s`) restarts a crashed etcd, and one that stopped on a disk error.
 */
import { lognormalFromP99 } from '../src/sim/distributions.ts';
import { InputError } from '../src/sim/input-error.ts';
import { formatDuration, type Micros } from '../src/sim/time.ts';
import { defineDesign } from '../src/world/design.ts';
import { majorityOf } from '../src/world/estimate-declaration.ts';
import { RaftNode } from '../src/parts/raft-node.ts';

const voterIds = (n: number) => Array.from({ length: n }, (_, i) => `n${i + 1}`);
const learnerIds = (n: number) => Array.from({ length: n }, (_, i) => `learner${i + 1}`);

/**
 * The timeouts as the ticker counts them: etcd's tick is the heartbeat interval and the election
 * timeout a whole number of them (rounded down, as etcd's integer division); without a ticker
 * every count is in microseconds.
 */
function timeoutsInTicks(p: { ticker: string; heartbeatInterval: Micros; electionTimeout: Micros; electionTimeoutMax: Micros }) {
  const tickUs = p.ticker === 'heartbeat' ? p.heartbeatInterval : 1;
  const electionTicks = Math.floor(p.electionTimeout / tickUs);
  const electionTicksMax = p.electionTimeoutMax === 0 ? 2 * electionTicks : Math.max(electionTicks, Math.floor(p.electionTimeoutMax / tickUs));
  return { tickUs, heartbeatTicks: Math.floor(p.heartbeatInterval / tickUs), electionTicks, electionTicksMax };
}

export default defineDesign({
  name: 'raft',
  description: 'Raft (etcd): a 3-, 5- or 7-node cluster (+ learners), commit on a majority, elections with randomised timeouts',
  params: {
    nodes: { kind: 'integer', default: 3, oneOf: [3, 5, 7], doc: 'voting members (3, 5 or 7)', source: 'etcd docs (faq): an odd size; "no more than seven nodes"' },
    learners: { kind: 'integer', default: 0, min: 0, max: 3, doc: 'non-voting members that receive the log (etcd learners)', source: 'etcd docs, Learner (v3.4): a learner does not vote and is not counted in the quorum' },
    heartbeatInterval: { kind: 'duration', default: '100ms', positive: true, doc: 'leader -> follower AppendEntries period', source: 'etcd --heartbeat-interval (default 100 ms)' },
    electionTimeout: { kind: 'duration', default: '1000ms', positive: true, doc: 'base election timeout T; each timeout is drawn in [T, electionTimeoutMax)', source: 'etcd --election-timeout (default 1000 ms); etcd raft randomizedElectionTimeout in [T, 2T); Raft paper §9.3: 150-300 ms' },
    electionTimeoutMax: { kind: 'duration', default: '0s', doc: 'upper end of the randomised timeout, at least electionTimeout (equal: no randomness); 0: 2 x electionTimeout', source: 'etcd raft randomizedElectionTimeout: [T, 2T); Raft paper Figure 16 ranges (150-150 ... 150-300 ms, 12-24 ms)' },
    preVote: { kind: 'boolean', default: true, doc: 'poll for a majority before raising the term', source: 'etcd server --pre-vote, default true since v3.5 (etcd raft library Config.PreVote defaults to false)' },
    checkQuorum: { kind: 'boolean', default: true, doc: 'a leader without a majority for T steps down; nodes that heard a leader within T ignore votes', source: 'etcd server sets raft Config.CheckQuorum = true' },
    maxEntriesPerAppend: { kind: 'integer', default: 1024, min: 1, doc: 'most entries per AppendEntries', source: 'stands in for etcd MaxSizePerMsg (1 MiB)' },
    maxInflightAppends: { kind: 'integer', default: 512, min: 1, doc: 'most unanswered AppendEntries with entries per follower before the leader sends only heartbeats to it', source: 'etcdserver/raft.go maxInflightMsgs = 4096 / 8; etcd-io/raft Config.MaxInflightMsgs' },
    walFsyncMedian: { kind: 'duration', default: '2ms', positive: true, doc: 'median WAL fsync (fdatasync) latency of every member\'s disk', source: 'etcd op-guide/hardware.md: 500 sequential IOPS (a typical local SSD) recommended, i.e. 2 ms per fsync' },
    walFsyncP99: { kind: 'duration', default: '10ms', positive: true, doc: '99th percentile of the WAL fsync latency (lognormal between the two)', source: 'etcd guidance: p99 of etcd_disk_wal_fsync_duration_seconds below 10 ms for a fast-enough disk' },
    forwardProposals: { kind: 'boolean', default: true, doc: 'a follower forwards a client request to the leader it knows (false: it refuses, naming the leader)', source: 'etcd raft.go stepFollower: MsgProp is sent on to r.lead; with no leader the proposal is dropped (ErrProposalDropped)' },
    ticker: { kind: 'enum', default: 'heartbeat', values: ['heartbeat', 'none'], doc: 'heartbeat: timeouts counted in ticks of heartbeatInterval, each node\'s ticker at its own phase (etcd); none: continuous timers (the Raft paper\'s LogCabin)', source: 'etcd: TickMs = --heartbeat-interval, HeartbeatTick 1, ElectionTicks = election-timeout / heartbeat-interval (embed/config.go, etcdserver/raft.go); etcd-io/raft raft.go tickElection/tickHeartbeat' },
    snapshotCount: { kind: 'integer', default: 100_000, min: 1, doc: 'a member snapshots and compacts its log every this many applied entries', source: 'etcd --snapshot-count: DefaultSnapshotCount = 100000 in v3.5 (10000 from v3.6), server/etcdserver/server.go' },
    snapshotCatchUpEntries: { kind: 'integer', default: 5_000, min: 0, doc: 'entries kept before the snapshot index for slow followers; one further behind gets the snapshot', source: 'etcd DefaultSnapshotCatchUpEntries = 5000, server/etcdserver/server.go compactRaftLog' },
    restartSec: { kind: 'duration', default: '10s', doc: 'the supervisor restarts a crashed or stopped etcd after this long', source: 'etcd contrib/systemd/etcd.service: Restart=always, RestartSec=10s' },
  },
  topology: (p) => {
    if (p.electionTimeoutMax !== 0 && p.electionTimeoutMax < p.electionTimeout) {
      throw new InputError('--set', 'electionTimeoutMax', `0 (2 x electionTimeout) or at least electionTimeout (${formatDuration(p.electionTimeout)})`, formatDuration(p.electionTimeoutMax));
    }
    if (p.heartbeatInterval >= p.electionTimeout) {
      throw new InputError('--set', 'heartbeatInterval', `a duration shorter than electionTimeout (${formatDuration(p.electionTimeout)})`, formatDuration(p.heartbeatInterval));
    }
    if (p.ticker === 'heartbeat' && Math.floor(p.electionTimeout / p.heartbeatInterval) < 2) {
      throw new InputError('--set', 'electionTimeout', `at least 2 x heartbeatInterval (${formatDuration(2 * p.heartbeatInterval)}): etcd counts it in heartbeat ticks and needs more than one`, formatDuration(p.electionTimeout));
    }
    if (p.walFsyncP99 < p.walFsyncMedian) {
      throw new InputError('--set', 'walFsyncP99', `at least walFsyncMedian (${formatDuration(p.walFsyncMedian)})`, formatDuration(p.walFsyncP99));
    }
    const ids = voterIds(p.nodes);
    return {
      nodes: [...ids, ...learnerIds(p.learners)].map((id) => ({ id, rack: `rack-${id}`, supervisedRestart: p.restartSec })),
      fsyncLatency: lognormalFromP99(p.walFsyncMedian, p.walFsyncP99),
      routing: { kind: 'direct', targets: ids },
      exchangeChecksTokens: true,
    };
  },
  createNode: (ctx, p) =>
    new RaftNode(ctx, {
      ...timeoutsInTicks(p),
      voters: voterIds(p.nodes),
      learners: learnerIds(p.learners),
      preVote: p.preVote,
      checkQuorum: p.checkQuorum,
      maxEntriesPerAppend: p.maxEntriesPerAppend,
      maxInflightAppends: p.maxInflightAppends,
      restartAfterHaltUs: p.restartSec,
      forwardProposals: p.forwardProposals,
      snapshotCount: p.snapshotCount,
      snapshotCatchUpEntries: p.snapshotCatchUpEntries,
    }),
  // a majority of the voters must be up; every node works all the time; learners are not needed.
  // Silent reaction: the longest etcd goes without a recorded event while the clients are served
  // is a member that crashed or halted (a fault event) being restarted by systemd RestartSec
  // later (supervisedRestart), then a randomised election timeout, below 2 x electionTimeout
  // (or electionTimeoutMax), and a heartbeat before it campaigns or hears its leader (raft.go
  // tickElection, resetRandomizedElectionTimeout; a pre-candidate is a declared role); a leader
  // cut from its quorum steps down within an election timeout (checkQuorum). Taken as their sum.
  estimate: (p) => ({
    structure: majorityOf(voterIds(p.nodes)),
    silentReaction: p.restartSec + (p.electionTimeoutMax === 0 ? 2 * p.electionTimeout : Math.max(p.electionTimeout, p.electionTimeoutMax)) + p.heartbeatInterval,
  }),
});
