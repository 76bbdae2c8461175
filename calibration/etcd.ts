/**
 * Calibration of hasim's raft model against a real 3-member etcd cluster on loopback.
 *
 * Each trial starts a fresh cluster (fresh data dirs), waits for a leader, runs a client that
 * puts a unique key ~200 times a second through the members' HTTP/JSON gateway (on an error
 * or a 1 s timeout it moves to the next member, as clientv3's balancer does), and after a
 * random delay (a random phase of the 100 ms tick and of the heartbeats) kills the leader's
 * process with SIGKILL. Protocol steps come from the members' own raft log lines and their
 * millisecond timestamps (zap logger): the first "is starting a new election", each "became
 * pre-candidate" / "became candidate" (rounds = distinct candidate terms), "became leader".
 * The client records its first failed and first served put after the kill; acked puts absent
 * from the cluster afterwards are lost.
 *
 * Run: `npm run calibrate etcd -- --trials 20 [--pre-vote true|false]`. Writes
 * calibration/fixtures/etcd--leader-kill-prevote-{on,off}.jsonl.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bound, killAll, killPid, nowMs, sleep, start, tempDir, waitFor, type Proc } from './lib/procs.ts';
import { FixtureWriter, flag, versionOf, recordTrials } from './lib/record.ts';

const NAMES = ['e1', 'e2', 'e3'];
const CLIENT_PORTS = [23791, 23792, 23793];
const PEER_PORTS = [23801, 23802, 23803];
const SETTINGS = {
  heartbeatIntervalMs: 100,
  electionTimeoutMs: 1000,
  preVote: flag('pre-vote', 'false') === 'true',
  writesPerSecond: 200,
  requestTimeoutMs: 1000,
  retryBackoffMs: 20,
  faultWindowMs: [1000, 4000],
};
const TRIALS = Number(flag('trials', '20'));
bound(Number(flag('limit-s', '1200')) * 1000);

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function post(port: number, path: string, body: unknown, timeoutMs: number): Promise<any> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  const json = (await res.json()) as any;
  if (!res.ok || json.error) throw new Error(json.error ?? `HTTP ${res.status}`);
  return json;
}

/**
 * An open-loop client, as hasim's: a put every 5 ms whatever happened to the previous ones; each
 * put has its own 1 s timeout and up to 3 attempts; a failed attempt (an error, or no answer in
 * 1 s) moves the client to the next member (clientv3's balancer) and retries after 20 ms.
 */
class EtcdClient {
  private stopped = false;
  private member = 0;
  private seq = 0;
  private readonly inFlight = new Set<Promise<void>>();
  readonly acked: string[] = [];
  readonly fails: number[] = [];
  readonly served: number[] = [];

  private async put(key: string): Promise<void> {
    for (let attempt = 1; attempt <= 3 && !this.stopped; attempt++) {
      const member = this.member;
      try {
        await post(CLIENT_PORTS[member], '/v3/kv/put', { key: b64(key), value: b64('x') }, SETTINGS.requestTimeoutMs);
        this.acked.push(key);
        this.served.push(nowMs());
        return;
      } catch {
        this.fails.push(nowMs());
        if (this.member === member) this.member = (member + 1) % CLIENT_PORTS.length;
        await sleep(SETTINGS.retryBackoffMs);
      }
    }
  }

  async run(): Promise<void> {
    const gapMs = 1000 / SETTINGS.writesPerSecond;
    let next = nowMs();
    while (!this.stopped) {
      const p = this.put(`o/${String(++this.seq).padStart(7, '0')}`);
      this.inFlight.add(p);
      void p.then(() => this.inFlight.delete(p));
      next += gapMs;
      const wait = next - nowMs();
      if (wait > 0) await sleep(wait);
      else next = nowMs();
    }
    await Promise.all(this.inFlight);
  }

  stop(): void {
    this.stopped = true;
  }
}

interface LogLine {
  ms: number;
  member: number;
  msg: string;
}

function readLog(path: string, member: number): LogLine[] {
  const out: LogLine[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const j = JSON.parse(line);
      out.push({ ms: Date.parse(j.ts), member, msg: String(j.msg) });
    } catch {
      // partial line at a kill
    }
  }
  return out;
}

async function trial(index: number, rng: () => number): Promise<Record<string, unknown>> {
  const dir = tempDir(`calib-etcd-${index}-`);
  const cluster = NAMES.map((n, i) => `${n}=http://127.0.0.1:${PEER_PORTS[i]}`).join(',');
  const procs: Proc[] = NAMES.map((name, i) =>
    start(name, 'etcd', [
      '--name', name, '--data-dir', join(dir, name), '--logger', 'zap', '--log-outputs', 'stderr',
      '--listen-client-urls', `http://127.0.0.1:${CLIENT_PORTS[i]}`, '--advertise-client-urls', `http://127.0.0.1:${CLIENT_PORTS[i]}`,
      '--listen-peer-urls', `http://127.0.0.1:${PEER_PORTS[i]}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${PEER_PORTS[i]}`,
      '--initial-cluster', cluster, '--initial-cluster-state', 'new', '--initial-cluster-token', `calib-${index}`,
      '--heartbeat-interval', String(SETTINGS.heartbeatIntervalMs), '--election-timeout', String(SETTINGS.electionTimeoutMs),
      `--pre-vote=${SETTINGS.preVote}`,
    ], join(dir, `${name}.log`)),
  );
  let leader = -1;
  const ready = await waitFor(async () => {
    const ids: string[] = [];
    let leaderId = '';
    for (const port of CLIENT_PORTS) {
      const s = await post(port, '/v3/maintenance/status', {}, 500);
      ids.push(s.header.member_id);
      leaderId = s.leader;
    }
    leader = ids.indexOf(leaderId);
    return leader >= 0;
  }, 20_000, 100);
  if (!ready) throw new Error('etcd cluster did not elect a leader');
  const client = new EtcdClient();
  const running = client.run();
  const [lo, hi] = SETTINGS.faultWindowMs;
  await sleep(lo + rng() * (hi - lo));

  const killAtMs = nowMs();
  killPid(procs[leader], 'SIGKILL');
  const survivors = [0, 1, 2].filter((i) => i !== leader);
  const elected = await waitFor(async () => {
    for (const i of survivors) {
      const s = await post(CLIENT_PORTS[i], '/v3/maintenance/status', {}, 300);
      if (s.leader && s.leader !== '0') {
        for (const j of survivors) {
          const t = await post(CLIENT_PORTS[j], '/v3/maintenance/status', {}, 300);
          if (t.header.member_id === s.leader) return true;
        }
      }
    }
    return false;
  }, 20_000, 50);
  await waitFor(() => client.served.some((ms) => ms > killAtMs), 10_000, 20);
  await sleep(1000);
  client.stop();
  await running;
  client.served.sort((a, b) => a - b);
  client.fails.sort((a, b) => a - b);

  let lost: number | null = null;
  try {
    const r = await post(CLIENT_PORTS[survivors[0]], '/v3/kv/range', { key: b64('o/'), range_end: b64('o0'), keys_only: true }, 5000);
    const have = new Set<string>((r.kvs ?? []).map((kv: { key: string }) => Buffer.from(kv.key, 'base64').toString()));
    lost = client.acked.filter((k) => !have.has(k)).length;
  } catch {
    lost = null;
  }
  await killAll();

  const lines = survivors.flatMap((i) => readLog(join(dir, `${NAMES[i]}.log`), i)).filter((l) => l.ms >= Math.floor(killAtMs) - 1).sort((a, b) => a.ms - b.ms);
  const rel = (l: LogLine | undefined) => (l ? Math.round(l.ms - killAtMs) : null);
  const firstElection = lines.find((l) => /is starting a new election at term/.test(l.msg));
  const preCandidates = lines.filter((l) => /became pre-candidate at term/.test(l.msg));
  const candidates = lines.filter((l) => /became candidate at term/.test(l.msg));
  const newLeader = lines.find((l) => /became leader at term/.test(l.msg));
  const candidateTerms = new Set(candidates.map((l) => l.msg.match(/term (\d+)/)![1]));
  const firstFail = client.fails.find((ms) => ms >= killAtMs);
  // the first put served after the first failure (a put acked just as the leader died is not it)
  const firstServed = client.served.find((ms) => ms > (firstFail ?? killAtMs));
  const round = (x: number | undefined) => (x === undefined ? null : Math.round(x));
  return {
    trial: index,
    completed: elected && newLeader !== undefined,
    steps: {
      electionStart: rel(firstElection),
      preCandidate: rel(preCandidates[0]),
      candidate: rel(candidates[0]),
      leaderElected: rel(newLeader),
      clientFirstFailed: round(firstFail === undefined ? undefined : firstFail - killAtMs),
      clientFirstServed: round(firstServed === undefined ? undefined : firstServed - killAtMs),
    },
    rounds: candidateTerms.size,
    preVoteRounds: preCandidates.length,
    ackedWrites: client.acked.length,
    lostAckedWrites: lost,
  };
}

async function main(): Promise<void> {
  const writer = new FixtureWriter({
    system: 'etcd',
    experiment: `leader-kill-prevote-${SETTINGS.preVote ? 'on' : 'off'}`,
    description: 'kill -9 of the etcd leader process; 3 members on loopback; an open-loop client (200 puts/s) through one member at a time, moving to the next after an error or a 1 s timeout',
    versions: { etcd: versionOf('etcd') },
    settings: SETTINGS,
  });
  await recordTrials(writer, TRIALS, trial, (record, s) => `election ${s.electionStart} leader ${s.leaderElected} rounds ${record.rounds} served ${s.clientFirstServed} lost ${record.lostAckedWrites}`);
}

await main();
process.exit(0);
