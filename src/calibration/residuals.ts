/**
 * Documented residuals: calibrated steps where hasim does not yet agree with the real system,
 * each with its cause (the report prints the measured figures next to it, from the fixture and
 * the runs, so they cannot go stale). The fidelity test (test/calibration/) fails on
 * any disagreement not listed here, and on any listing whose step now agrees, so keeping a
 * residual, or dropping one the world has fixed, is a visible decision in this file.
 */

export interface Residual {
  /** The experiment (fixture stem) and the step, as in experiments.ts; step `*`: every step. */
  experiment: string;
  step: string;
  /** Why hasim differs, in a sentence. */
  cause: string;
  /** The issue that will fix it, if any. */
  issue?: string;
}

const SENTINEL = 'redis-sentinel--master-kill';
const WAIT1 = 'redis-sentinel--master-kill-wait1';
const PARTITION = 'redis-sentinel--partition';

const UDP_CLIENT =
  "the harness's service and client speak UDP, so a request to the host whose processes were killed gets no answer and fails at its 1 s timeout; hasim's clients ride TCP, and the living kernel refuses them at once (a TCP service behind the VIP would fail as fast)";

export const RESIDUALS: Residual[] = [
  {
    experiment: SENTINEL,
    step: 'clientFirstFailed',
    cause: 'the real client has a request in flight on its connection and sees the reset at once (4 ms); hasim\'s client, one order every 5 ms on average (Poisson), learns of the reset only with its next order after the kill and its retry (about 40 ms)',
  },
  {
    experiment: SENTINEL,
    step: 'sdown→odown',
    cause: 'with the kill now seen at once, hasim\'s Sentinels reach ODOWN about 20 ms sooner after SDOWN than the real ones (median 95 vs 114 ms, p90 119 vs 162); not established why (the is-master-down-by-addr round trip, or late ticks on the loaded machine)',
  },
  {
    experiment: WAIT1,
    step: 'clientFirstFailed',
    cause: 'as without WAIT: the real client has a request in flight and sees the reset at once; hasim\'s learns of it with its next order and retry (about 40 ms)',
  },
  {
    experiment: WAIT1,
    step: 'sdown→odown',
    cause: 'as without WAIT (median 130 vs 95 ms, p90 220 vs 121): hasim\'s Sentinels reach ODOWN sooner after SDOWN; not established why',
  },
  {
    experiment: WAIT1,
    step: 'odown→electedLeader',
    cause:
      'medians agree (82 vs 74 ms) but the real p90 is 217 ms against 100: this recording ran at load 30-37 on 2 cores, where Sentinel\'s 100 ms cron and the vote round trips run late; the same interval agreed in the master-kill recording at load 12-20. Likely the machine, not the model: re-record on a quiet machine',
  },
  {
    experiment: 'etcd--leader-kill-prevote-on',
    step: 'clientFirstServed',
    cause:
      "the median agrees; the p90 is short (real 1808, hasim ~1560 ms): the real client is first served a median 20 ms but a p90 ~200 ms after the new leader (puts issued while no leader was known finish or fail first, through etcd's gRPC gateway, which is not modelled), hasim's within a few ms. With the elections on ticks the leader's own p90 agrees, so this tail shows; before, hasim's late continuous timeouts hid it",
  },
  {
    experiment: 'keepalived--host-death',
    step: 'clientFirstFailed',
    cause: UDP_CLIENT,
  },
  {
    experiment: 'patroni--primary-host-death',
    step: 'clientFirstFailed',
    cause: 'medians agree (42 ms) but the real first failure spreads wider (p90 64 vs 44 ms): the harness client is sequential (one INSERT at a time through libpq-style reconnects) while hasim\'s is open-loop; the 20 ms margin is exceeded by a fraction of a millisecond',
  },
  {
    experiment: 'patroni--primary-host-death',
    step: 'clientFirstServed',
    cause: 'the routing differs: the harness\'s client connects to the hosts directly as libpq does (target_session_attrs=read-write) and finds the new primary within a retry, while hasim\'s postgres-patroni sends clients through its HAProxy model, which needs rise 2 checks 3 s apart (HAProxy was left out of the harness: see calibration/patroni.ts)',
  },
  {
    experiment: 'keepalived--check-hang-weight-60',
    step: 'clientFirstFailed',
    cause:
      "with weight -60 a stays MASTER at priority 90 and keeps its VIP until b's first advert after b took over (Master_Down_Interval): the real client's failures are a few requests in flight when a drops the VIP, or a stray unanswered request later (the recording ran at load 30+; 1 s UDP timeouts), in every trial; hasim's client sees a failure in about half the runs (10 of seeds 1-20): the orders in flight to a when it drops the VIP at b's first advert, timing out 1 s later. Not established which; re-record on a quiet machine",
  },
  {
    experiment: 'keepalived--check-hang-weight-60',
    step: 'lostAckedWrites',
    cause:
      "hasim's a keeps acking the orders that reach it until it hears b, and one run in 30 loses one; the real a drops the VIP at b's first advert as well, but the harness's stateless echo service cannot count lost writes (the real 0 is not a count)",
  },
  {
    experiment: 'keepalived--preempt-return',
    step: 'clientFirstFailed',
    cause: UDP_CLIENT,
  },
  {
    experiment: 'keepalived--preempt-return',
    step: 'returnedMaster→backupBackToBackup',
    cause:
      "b steps down on a's first advert, within a millisecond in both; the real p90 of 27 ms is the harness's stamping: keepalived's log lines are stamped when the harness reads them from the pipe, late at load 20-35",
  },
  {
    experiment: 'keepalived--preempt-return',
    step: 'lostAckedWrites',
    cause:
      "hasim's returning a takes the VIP back while b's last acked orders are still on their way to it (asynchronous replication), and one run in 20 loses one: a real hazard of preemption with async state. The harness's stateless echo service cannot count lost writes (its 0 is not a count)",
  },
  {
    experiment: PARTITION,
    step: 'majorityClientFirstFailed',
    cause:
      "the majority-side client's request to the cut-off master fails at its 1 s timeout in both, but the real client's timer fires late: the recording ran at load 20-35 on 2 cores, where a Node timer in the client's namespace process runs hundreds of ms late (median 1.42 s vs 1.00 s). keepalived's client stamps a failure at send + 1 s and shows no such delay. Re-record on a quiet machine",
  },
  {
    experiment: PARTITION,
    step: 'sdown→odown',
    cause:
      "hasim's majority Sentinels agree on ODOWN sooner after the first SDOWN than the real ones (median 155 vs 444 ms, p90 248 vs 1158): with a partition nothing resets, each Sentinel's SDOWN comes at its own PING phase, and the real one learns the other's view through is-master-down-by-addr asked once a second (SENTINEL_ASK_PERIOD); the same gap shows, smaller, after a kill. Not established whether hasim asks more often or draws the phases closer",
  },
  {
    experiment: PARTITION,
    step: 'promoted→switchMaster',
    cause: 'medians agree (82 vs 59 ms) but the real p90 is 143 ms against 91: the hello that announces the new configuration rides the loaded machine (load 20-35); it agreed in the master-kill recordings',
  },
  {
    experiment: `${PARTITION}-min-replicas1`,
    step: 'majorityClientFirstFailed',
    cause: 'as without min-replicas: the real client\'s 1 s timer fires late at load 20-35 (median 1.28 s vs 1.00 s)',
  },
  ...['odown→electedLeader', 'promoted→switchMaster'].map(
    (step): Residual => ({
      experiment: `${PARTITION}-min-replicas1`,
      step,
      cause:
        'medians within 20-30 ms, real p90 about 60 ms longer (159 vs 92, 143 vs 85): the vote round trips and the hello that announces the switch run late on the loaded machine (load 20-35); both intervals agreed in the master-kill recording at load 12-20',
    }),
  ),
  {
    experiment: 'keepalived--advert-loss-50',
    step: 'takeovers',
    cause:
      "sampling, not the model: over seeds 1-200 hasim's b takes over more than twice in 45 runs (22.5 %; 0/1/2/3+ takeovers in 9.5/31.5/36.5/22.5 % of runs against the real 15/25/35/25 %), but the test's seeds 1-20 happen to draw none (0.6 % likely at 22.5 %). The stale-ARP drop left the share unchanged (44/200 before it): fewer replies from b after it gives the VIP back shift the shared network stream's latency and loss draws, so each seed's adverts are lost differently. At 20 seeds hasim's own sampling error (±9 pp) is as wide as the real interval, so a faithful model falls outside it about one seed set in seven; settling it wants more seeds (200 run in ~25 s) or a two-sample test of the shares",
  },
  {
    experiment: 'keepalived--advert-loss-50',
    step: 'lostAckedWrites',
    cause:
      "hasim's false takeovers are real split brains: b, MASTER while a still is, acks the orders of the clients its gratuitous ARP moved, and a's preemption discards them (asynchronous state), in most runs. Real keepalived does the same to a stateful service; the harness's stateless echo service cannot count lost writes (its 0 is not a count)",
  },
  ...['primary-host-death-haproxy', 'async-lag'].flatMap((id): Residual[] => [
    {
      experiment: `patroni--${id}`,
      step: 'leaderKeyTaken→promoted',
      cause:
        "the steps differ in what they see: the harness's `promoted` is the new leader's REST /primary answering 200, which Patroni 3.0 returns once it holds the key and has asked PostgreSQL to promote (about the time of its log line), while hasim's role event comes when the promotion completes, the model's 500 ms later",
    },
    {
      experiment: `patroni--${id}`,
      step: 'haproxyRoutesNew→clientFirstServed',
      cause:
        "once HAProxy marks the new primary UP, the real client is served 40-50 ms later (p90 60-170): its retry cycle is a TCP connection through HAProxy, PostgreSQL's start-up handshake and a 20 ms back-off, slow at load 20-35; hasim's client is served within a few ms of the check, without the connection set-up",
    },
  ]),
  {
    experiment: 'patroni--primary-host-death-haproxy',
    step: 'promoted→haproxyRoutesNew',
    cause:
      "medians agree (4395 vs 4194 ms) but 8 real trials cannot pin a p90: HAProxy marks the new primary UP at its second good check, 3 s apart, so the catch-up is uniform on 3-6 s (p90 5.7 s, hasim 5994 ms), and the real p90 of 4945 ms is the largest of 8 draws (the p90's confidence bound is clamped to the sample's maximum). Re-record with more trials",
  },
  {
    experiment: 'patroni--sync-standby-kill',
    step: 'clientFirstFailed',
    cause:
      "the first commit after the kill blocks and fails at the client's 1 s timeout in both, but the real client's timer fires late on the loaded machine (load 20-35: median 1.15 s, p90 1.47 s vs 1.00 s)",
  },
  ...['syncStandbyDropped', 'syncReassigned'].map(
    (step): Residual => ({
      experiment: 'patroni--sync-standby-kill',
      step,
      cause:
        "who ends the blocking differs: the real killed PostgreSQL takes about 4 s to start again and stream (start-up, crash recovery), so the primary's next HA loop always finds the sync standby gone and moves synchronous_standby_names (10/10 trials, a median 5.4 s after the kill: loop_wait / 2); hasim's restarted PostgreSQL streams again at once, so its primary's loop finds the standby missing in 2 runs of 8, and commits resume when the standby is back. A start-up time for a restarted PostgreSQL belongs in the postgres-patroni model (the patroni helper)",
    }),
  ),
];

export function residualFor(experiment: string, step: string): Residual | undefined {
  return RESIDUALS.find((r) => r.experiment === experiment && (r.step === step || r.step === '*'));
}
