/**
 * Calibration of hasim's postgres-patroni model against real Patroni 3.0 + PostgreSQL 15 +
 * etcd 3.4, all on loopback: one etcd member (the DCS), three Patroni nodes (pg1 bootstraps and
 * leads; pg2, pg3 stream from it, asynchronously). ttl 30, loop_wait 10, retry_timeout 10
 * (Patroni's defaults). The client connects as libpq does with several hosts and
 * target_session_attrs=read-write. HAProxy is not in front yet: tried while the harness still
 * left the old primary's PostgreSQL running (see `killHost`), it never marked the promoted node
 * UP, and it has not been tried since.
 *
 * Experiments (`--experiment`), each fault at a random phase of loop_wait:
 * - `primary-host-death` (default): pg1's Patroni and every PostgreSQL process SIGKILLed at
 *   once. Steps: the new leader's Patroni log line "promoted self to leader by acquiring session
 *   lock" (the key expired and it won the race; Patroni's own timestamp), its REST API answering
 *   `/primary` with 200 (PostgreSQL promoted), HAProxy marking it UP (`--client haproxy`), and
 *   the client's first failed and first served INSERT; acked INSERTs missing afterwards are lost
 *   commits.
 * - `async-lag`: as primary-host-death, but pg1's replication stream has been held back for
 *   `--lag-ms` (2000) when its host dies, so the replicas lag by that much WAL: the acked
 *   commits of those last 2 s are lost. The hold-back is a user-space delay line on loopback:
 *   every node's `connect_address` (which replicas stream from) is a proxy in this script that
 *   forwards to the node's PostgreSQL; at fault - lag-ms pg1's proxy stops forwarding towards
 *   the replicas (a stalled link: the WAL sits in pg1's socket buffers), and it dies with pg1's
 *   host. (tc netem on the machine's shared loopback is not ours to touch.)
 * - `sync-standby-kill`: synchronous_mode on (synchronous_node_count 1); the PostgreSQL of the
 *   current sync standby (found by its REST `/sync` answering 200) SIGKILLed, its Patroni left
 *   running. Commits block (synchronous_commit on) until the primary's HA loop moves
 *   synchronous_standby_names to the other replica ("Assigning synchronous standby status to",
 *   Patroni's timestamp) or the killed standby is restarted by its own Patroni and streams
 *   again; about loop_wait / 2 on average (Patroni docs, Replication modes). Steps: the client's
 *   first failed INSERT (its 1 s timeout), the reassignment, the standby's PostgreSQL back
 *   ("starting as a secondary" on it) and the first INSERT served again.
 *
 * Clients (`--client`): `libpq` (default for primary-host-death, as recorded first): libpq
 * multi-host with target_session_attrs=read-write; `haproxy` (default for the others): through
 * HAProxy configured as Patroni's example haproxy.cfg (option httpchk on the REST port, expect
 * 200 from `/primary`, inter 3s fall 3 rise 2, on-marked-down shutdown-sessions), whose
 * "Server ... is UP" log line is the HAProxy catch-up step.
 *
 * Run as root (PostgreSQL runs as the `postgres` user): `npm run calibrate patroni -- --trials 15`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bound, descendants, killAll, nowMs, onCleanup, sleep, start, tempDir, waitFor, type Proc } from './lib/procs.ts';
import { pacedWrites } from './lib/paced-writes.ts';
import { PgConnection } from './lib/pg.ts';
import { DelayLine } from './lib/delay-line.ts';
import { FixtureWriter, flag, versionOf, trialRng } from './lib/record.ts';

const NODES = ['pg1', 'pg2', 'pg3'];
const PG_PORTS = [25431, 25432, 25433];
const REST_PORTS = [28008, 28009, 28010];
const ETCD_PORTS = [23991, 23992];
const PROXY_PORTS = [25441, 25442, 25443];
const HAPROXY_PORT = 25400;
const EXPERIMENTS = ['primary-host-death', 'async-lag', 'sync-standby-kill'];
const EXPERIMENT = flag('experiment', 'primary-host-death');
if (!EXPERIMENTS.includes(EXPERIMENT)) {
  console.error(`patroni: --experiment: expected one of ${EXPERIMENTS.join(', ')}, found '${EXPERIMENT}'`);
  process.exit(2);
}
const CLIENT = flag('client', EXPERIMENT === 'primary-host-death' ? 'libpq' : 'haproxy');
if (CLIENT !== 'libpq' && CLIENT !== 'haproxy') {
  console.error(`patroni: --client: expected libpq or haproxy, found '${CLIENT}'`);
  process.exit(2);
}
const LAG_MS = Number(flag('lag-ms', '2000'));
if (!(LAG_MS > 0 && LAG_MS < 5000)) {
  console.error(`patroni: --lag-ms: expected a number of ms between 0 and 5000, found '${flag('lag-ms', '2000')}'`);
  process.exit(2);
}
const SETTINGS = {
  experiment: EXPERIMENT,
  ttlS: 30,
  loopWaitS: 10,
  retryTimeoutS: 10,
  maximumLagOnFailover: 1048576,
  synchronousMode: EXPERIMENT === 'sync-standby-kill',
  synchronousNodeCount: 1,
  synchronousCommit: 'on',
  ...(EXPERIMENT === 'async-lag' ? { replicationHeldBackMs: LAG_MS } : {}),
  client: CLIENT === 'libpq' ? 'libpq multi-host, target_session_attrs=read-write (no HAProxy)' : 'through HAProxy (Patroni example haproxy.cfg: httpchk /primary, inter 3s fall 3 rise 2, on-marked-down shutdown-sessions)',
  ...(CLIENT === 'haproxy' ? { haproxy: { inter: '3s', fall: 3, rise: 2, check: 'OPTIONS /primary on the REST port, expect 200' } } : {}),
  writesPerSecond: 200,
  requestTimeoutMs: 1000,
  retryBackoffMs: 20,
  /** The kill comes this long after the cluster is steady: a random phase of loop_wait. */
  faultWindowMs: [5000, 15000],
};
const TRIALS = Number(flag('trials', '15'));
bound(Number(flag('limit-s', '2400')) * 1000);

const PG_UID = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
const PG_GID = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());

/**
 * Patroni starts PostgreSQL detached (the postmaster is re-parented to init), so it is not a
 * descendant of the Patroni we started: its PID comes from the data directory's postmaster.pid.
 */
function postmasterPid(dir: string, i: number): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, NODES[i], 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A node's Patroni, its PostgreSQL postmaster and every child of either. */
function hostPids(dir: string, i: number, patroni: Proc): number[] {
  const postmaster = postmasterPid(dir, i);
  return [...descendants(patroni.pid), patroni.pid, ...(postmaster ? [...descendants(postmaster), postmaster] : [])];
}

/**
 * SIGKILL to every process of a node: host death. The PIDs are read first (walking /proc takes
 * a while on a loaded machine) and the signals then sent back to back.
 */
function killHost(dir: string, i: number, patroni: Proc, pids = hostPids(dir, i, patroni)): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

function patroniConf(dir: string, i: number): string {
  const name = NODES[i];
  const path = join(dir, `${name}.yml`);
  writeFileSync(
    path,
    `scope: calib
name: ${name}
log:
  level: INFO
  format: '%(asctime)s %(levelname)s: %(message)s'
restapi:
  listen: 127.0.0.1:${REST_PORTS[i]}
  connect_address: 127.0.0.1:${REST_PORTS[i]}
etcd3:
  hosts: 127.0.0.1:${ETCD_PORTS[0]}
bootstrap:
  dcs:
    ttl: ${SETTINGS.ttlS}
    loop_wait: ${SETTINGS.loopWaitS}
    retry_timeout: ${SETTINGS.retryTimeoutS}
    maximum_lag_on_failover: ${SETTINGS.maximumLagOnFailover}
    synchronous_mode: ${SETTINGS.synchronousMode}
    synchronous_node_count: ${SETTINGS.synchronousNodeCount}
    postgresql:
      use_pg_rewind: false
      parameters:
        wal_level: replica
        hot_standby: 'on'
        max_wal_senders: 10
        max_replication_slots: 10
        wal_keep_size: 64MB
  initdb:
    - encoding: UTF8
  pg_hba:
    - local all all trust
    - host all all 127.0.0.1/32 trust
    - host replication all 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:${PG_PORTS[i]}
  connect_address: 127.0.0.1:${EXPERIMENT === 'async-lag' ? PROXY_PORTS[i] : PG_PORTS[i]}
  data_dir: ${join(dir, name)}
  bin_dir: /usr/lib/postgresql/15/bin
  pgpass: ${join(dir, `pgpass-${name}`)}
  authentication:
    superuser: { username: postgres, password: calib }
    replication: { username: postgres, password: calib }
  parameters:
    unix_socket_directories: '${dir}'
    fsync: 'on'
    synchronous_commit: '${SETTINGS.synchronousCommit}'
`,
  );
  return path;
}

function haproxyConf(dir: string): string {
  const path = join(dir, 'haproxy.cfg');
  writeFileSync(
    path,
    `global
    maxconn 100
    log stdout format raw local0 info

defaults
    log global
    mode tcp
    retries 2
    timeout client 30m
    timeout connect 4s
    timeout server 30m
    timeout check 5s

listen calib
    bind 127.0.0.1:${HAPROXY_PORT}
    option httpchk OPTIONS /primary
    http-check expect status 200
    default-server inter 3s fall 3 rise 2 on-marked-down shutdown-sessions
${NODES.map((n, i) => `    server ${n} 127.0.0.1:${PG_PORTS[i]} maxconn 100 check port ${REST_PORTS[i]}`).join('\n')}
`,
  );
  return path;
}

async function restPrimary(i: number): Promise<boolean> {
  return restIs(i, 'primary');
}

async function restIs(i: number, path: string): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${REST_PORTS[i]}/${path}`, { signal: AbortSignal.timeout(300) });
  await res.arrayBuffer();
  return res.status === 200;
}

class PgClient {
  private conn: PgConnection | undefined;
  private stopped = false;
  readonly acked: number[] = [];
  readonly fails: number[] = [];
  readonly served: number[] = [];

  /**
   * libpq's multi-host connection with target_session_attrs=read-write: try each host in turn
   * and keep the first that is not in recovery.
   */
  private async connectReadWrite(): Promise<PgConnection> {
    // through HAProxy: it routes to the node whose /primary answers 200
    if (CLIENT === 'haproxy') return PgConnection.open(HAPROXY_PORT, 'postgres', 'postgres', SETTINGS.requestTimeoutMs);
    for (const port of PG_PORTS) {
      let c: PgConnection | undefined;
      try {
        c = await PgConnection.open(port, 'postgres', 'postgres', SETTINGS.requestTimeoutMs);
        const [inRecovery] = await c.query('SELECT pg_is_in_recovery()', SETTINGS.requestTimeoutMs);
        if (inRecovery === 'f') return c;
      } catch {
        // next host
      }
      c?.close();
    }
    throw new Error('no read-write host');
  }

  async run(): Promise<void> {
    await pacedWrites({
      writesPerSecond: SETTINGS.writesPerSecond,
      retryBackoffMs: SETTINGS.retryBackoffMs,
      stopped: () => this.stopped,
      attempt: async (id) => {
        if (!this.conn || this.conn.closed) this.conn = await this.connectReadWrite();
        try {
          await this.conn.query(`INSERT INTO orders VALUES (${id})`, SETTINGS.requestTimeoutMs);
        } catch (error) {
          // a retry of an INSERT whose earlier attempt committed (it timed out waiting for the
          // sync standby, then became visible): the write is there, the retry is served
          if (!/duplicate key/.test((error as Error).message)) throw error;
        }
        this.acked.push(id);
        this.served.push(nowMs());
      },
      failed: (error) => {
        if (process.argv.includes('--keep') && this.fails.length % 200 === 0) console.error(`client: ${error.message}`);
        this.fails.push(nowMs());
        this.conn?.close();
        this.conn = undefined;
      },
    });
  }

  stop(): void {
    this.stopped = true;
    this.conn?.close();
  }
}

/** async-lag's relays at the nodes' connect_address; closed after each trial, so the ports are free again. */
const proxies: DelayLine[] = [];
onCleanup(() => proxies.splice(0).forEach((p) => p.close()));

async function trial(index: number, rng: () => number): Promise<Record<string, unknown>> {
  const started: Proc[] = [];
  const dirs: string[] = [];
  try {
    return await runTrial(index, rng, started, dirs);
  } catch (error) {
    // a failed set-up leaves detached postmasters holding the ports: end them before retrying
    for (const dir of dirs) NODES.forEach((_, i) => started[i] && killHost(dir, i, started[i]));
    throw error;
  } finally {
    proxies.splice(0).forEach((p) => p.close());
  }
}

async function runTrial(index: number, rng: () => number, started: Proc[], dirs: string[]): Promise<Record<string, unknown>> {
  const dir = tempDir(`calib-patroni-${index}-`);
  // the postmasters are not our children: kill them by their PID files before the directory goes
  onCleanup(() => NODES.forEach((_, i) => {
    const pid = postmasterPid(dir, i);
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }));
  chownSync(dir, PG_UID, PG_GID);
  chmodSync(dir, 0o700);
  const lines: { node: string; ms: number; text: string }[] = [];
  start('etcd', 'etcd', ['--name', 'dcs', '--data-dir', join(dir, 'etcd'), '--listen-client-urls', `http://127.0.0.1:${ETCD_PORTS[0]}`, '--advertise-client-urls', `http://127.0.0.1:${ETCD_PORTS[0]}`, '--listen-peer-urls', `http://127.0.0.1:${ETCD_PORTS[1]}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${ETCD_PORTS[1]}`, '--initial-cluster', `dcs=http://127.0.0.1:${ETCD_PORTS[1]}`, '--enable-v2=true'], join(dir, 'etcd.log'));
  const etcdUp = await waitFor(async () => (await fetch(`http://127.0.0.1:${ETCD_PORTS[0]}/health`, { signal: AbortSignal.timeout(300) })).ok, 20_000, 100);
  if (!etcdUp) throw new Error('etcd did not start');
  dirs.push(dir);
  const patroni = started;
  if (EXPERIMENT === 'async-lag') for (const [i, port] of PROXY_PORTS.entries()) proxies.push(await DelayLine.open(port, PG_PORTS[i]));
  const startNode = (i: number) =>
    start(NODES[i], 'setpriv', ['--reuid', String(PG_UID), '--regid', String(PG_GID), '--init-groups', '--', 'patroni', patroniConf(dir, i)], join(dir, `${NODES[i]}.log`), {
      onLine: (text, ms) => lines.push({ node: NODES[i], ms, text }),
    });
  patroni.push(startNode(0));
  if (!(await waitFor(() => restPrimary(0), 60_000, 200))) throw new Error('pg1 did not become primary');
  patroni.push(startNode(1), startNode(2));
  const replicasUp = await waitFor(async () => {
    for (const i of [1, 2]) {
      const res = await fetch(`http://127.0.0.1:${REST_PORTS[i]}/replica`, { signal: AbortSignal.timeout(300) });
      await res.arrayBuffer();
      if (res.status !== 200) return false;
    }
    return true;
  }, 150_000, 250);
  if (!replicasUp) throw new Error('replicas did not start streaming');
  const haproxyLines: { ms: number; text: string }[] = [];
  if (CLIENT === 'haproxy') {
    start('haproxy', 'haproxy', ['-db', '-f', haproxyConf(dir)], join(dir, 'haproxy.log'), { onLine: (text, ms) => haproxyLines.push({ ms, text }) });
  }
  if (SETTINGS.synchronousMode) {
    const syncUp = await waitFor(async () => (await restIs(1, 'sync')) || (await restIs(2, 'sync')), 60_000, 250);
    if (!syncUp) throw new Error('no synchronous standby');
  }
  const setup = await PgConnection.open(PG_PORTS[0], 'postgres', 'postgres', 2000);
  await setup.query('CREATE TABLE orders (id integer primary key)', 5000);
  setup.close();
  const client = new PgClient();
  const running = client.run();
  // HAProxy needs rise (2) checks, 3 s apart, before pg1 is UP
  if (!(await waitFor(() => client.served.length > 0, 15_000, 50))) throw new Error('client never served');
  const [lo, hi] = SETTINGS.faultWindowMs;
  const delayMs = lo + rng() * (hi - lo);
  if (EXPERIMENT === 'async-lag') {
    await sleep(delayMs - LAG_MS);
    proxies[0].hold();
    await sleep(LAG_MS);
  } else {
    await sleep(delayMs);
  }

  // the victims are listed before the fault's time is taken, so the kill itself is at once
  const victims = EXPERIMENT === 'sync-standby-kill' ? [] : hostPids(dir, 0, patroni[0]);
  const faultAtMs = nowMs();
  let killedStandby = -1;
  if (EXPERIMENT === 'sync-standby-kill') {
    for (const i of [1, 2]) if (killedStandby < 0 && (await restIs(i, 'sync').catch(() => false))) killedStandby = i;
    if (killedStandby < 0) throw new Error('no sync standby to kill');
    const postmaster = postmasterPid(dir, killedStandby);
    if (!postmaster) throw new Error('no postmaster.pid on the sync standby');
    for (const pid of [postmaster, ...descendants(postmaster)]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    return finishSyncTrial(index, { faultAtMs, killedStandby, client, running, lines, haproxyLines, dir, patroni });
  }
  killHost(dir, 0, patroni[0], victims);
  proxies[0]?.cut();
  let newPrimary = -1;
  let promotedAt: number | undefined;
  await waitFor(async () => {
    for (const i of [1, 2]) {
      try {
        if (await restPrimary(i)) {
          newPrimary = i;
          promotedAt = nowMs();
          return true;
        }
      } catch {
        // not yet
      }
    }
    return false;
  }, 60_000, 20);
  // served again after a failure: by the new primary (through HAProxy once it marked it UP)
  const served = await waitFor(() => {
    const firstFail = client.fails.find((ms) => ms >= faultAtMs);
    return firstFail !== undefined && client.served.some((ms) => ms > firstFail);
  }, 15_000, 20);
  await sleep(1000);
  client.stop();
  await running;

  let lost: number | null = null;
  if (newPrimary > 0) {
    try {
      const c = await PgConnection.open(PG_PORTS[newPrimary], 'postgres', 'postgres', 2000);
      const rows = new Set(await c.query('SELECT id FROM orders', 5000));
      c.close();
      lost = client.acked.filter((id) => !rows.has(String(id))).length;
    } catch {
      lost = null;
    }
  }
  for (const [i, proc] of patroni.entries()) killHost(dir, i, proc);
  await killAll();
  const after = (l: { ms: number }) => l.ms >= faultAtMs;
  // Patroni's own timestamp (UTC, ms) of the line, not its arrival through the pipe
  const wonLine = lines.find((l) => after(l) && /promoted self to leader by acquiring session lock/.test(l.text));
  const haproxyUp = haproxyLines.find((l) => after(l) && newPrimary > 0 && new RegExp(`Server calib/${NODES[newPrimary]} is UP`).test(l.text));
  const haproxyDown = haproxyLines.find((l) => after(l) && /Server calib\/pg1 is DOWN/.test(l.text));
  const won = wonLine ? { ms: stamp(wonLine.text) ?? wonLine.ms } : undefined;
  const firstFail = client.fails.find((ms) => ms >= faultAtMs);
  const firstServed = client.served.find((ms) => ms > (firstFail ?? faultAtMs));
  const rel = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms - faultAtMs));
  return {
    trial: index,
    completed: newPrimary > 0 && won !== undefined,
    clientServed: served,
    steps: {
      leaderKeyTaken: rel(won?.ms),
      promoted: rel(promotedAt),
      ...(CLIENT === 'haproxy' ? { haproxyOldDown: rel(haproxyDown?.ms), haproxyRoutesNew: rel(haproxyUp?.ms) } : {}),
      clientFirstFailed: rel(firstFail),
      clientFirstServed: rel(firstServed),
    },
    newPrimary: NODES[newPrimary] ?? null,
    ackedWrites: client.acked.length,
    lostAckedWrites: lost,
  };
}

/** Patroni's own timestamp (UTC, ms) of a log line, not its arrival through the pipe. */
function stamp(text: string): number | undefined {
  // Patroni's "2026-12-05 15:15:42,954 INFO", PostgreSQL's "2026-12-05 15:15:47.248 UTC"
  const m = text.match(/^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)[.,](\d{3})/);
  return m ? Date.parse(`${m[1]}T${m[2]}.${m[3]}Z`) : undefined;
}

interface SyncTrial {
  faultAtMs: number;
  killedStandby: number;
  client: PgClient;
  running: Promise<void>;
  lines: { node: string; ms: number; text: string }[];
  haproxyLines: { ms: number; text: string }[];
  dir: string;
  patroni: Proc[];
}

/**
 * sync-standby-kill after the kill: wait until commits are served again (the primary moved
 * synchronous_standby_names, or the standby came back), then read the steps.
 */
async function finishSyncTrial(index: number, t: SyncTrial): Promise<Record<string, unknown>> {
  const { faultAtMs, client } = t;
  const resumed = await waitFor(() => {
    const firstFail = client.fails.find((ms) => ms >= faultAtMs);
    return firstFail !== undefined && client.served.some((ms) => ms > firstFail);
  }, 40_000, 20);
  await sleep(1000);
  client.stop();
  await t.running;
  let lost: number | null = null;
  try {
    const c = await PgConnection.open(PG_PORTS[0], 'postgres', 'postgres', 2000);
    const rows = new Set(await c.query('SELECT id FROM orders', 5000));
    c.close();
    lost = client.acked.filter((id) => !rows.has(String(id))).length;
  } catch {
    lost = null;
  }
  for (const [i, proc] of t.patroni.entries()) killHost(t.dir, i, proc);
  await killAll();
  const rel = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms - faultAtMs));
  const logged = (node: string, pattern: RegExp) => {
    const l = t.lines.find((x) => x.node === node && x.ms >= faultAtMs && pattern.test(x.text));
    return l ? (stamp(l.text) ?? l.ms) : undefined;
  };
  const standby = NODES[t.killedStandby];
  const other = NODES[3 - t.killedStandby];
  const reassigned = logged('pg1', new RegExp(`Assigning synchronous standby status to \\['${other}'\\]`));
  const standbyBack = logged(standby, /starting as a secondary/);
  const standbyStreaming = logged(standby, /started streaming WAL from primary/);
  const firstFail = client.fails.find((ms) => ms >= faultAtMs);
  const firstServed = client.served.find((ms) => ms > (firstFail ?? faultAtMs));
  return {
    trial: index,
    completed: resumed,
    steps: {
      clientFirstFailed: rel(firstFail),
      syncReassigned: rel(reassigned),
      syncStandbyDropped: rel(logged('pg1', /Updating synchronous privilege temporarily/)),
      standbyRestarted: rel(standbyBack),
      standbyStreaming: rel(standbyStreaming),
      clientFirstServed: rel(firstServed),
    },
    killedStandby: standby,
    resumedBy: reassigned !== undefined && (standbyStreaming === undefined || reassigned <= standbyStreaming) ? 'reassigned' : 'standby-returned',
    ackedWrites: client.acked.length,
    lostAckedWrites: lost,
  };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('patroni: needs root (PostgreSQL runs as the postgres user)');
    process.exit(2);
  }
  const writer = new FixtureWriter({
    system: 'patroni',
    experiment: EXPERIMENT === 'primary-host-death' && CLIENT === 'haproxy' ? 'primary-host-death-haproxy' : EXPERIMENT,
    description: {
      'primary-host-death': `host death of the primary (Patroni and PostgreSQL SIGKILLed at once) at a random phase of loop_wait; 3 Patroni nodes (async) and etcd on loopback; one ${CLIENT === 'libpq' ? 'libpq-style multi-host read-write' : 'HAProxy'} client`,
      'async-lag': `host death of the primary at a random phase of loop_wait, its replication stream held back for the last ${LAG_MS} ms (replicas lag); 3 Patroni nodes (async) and etcd on loopback; one ${CLIENT === 'libpq' ? 'libpq-style' : 'HAProxy'} client`,
      'sync-standby-kill': `the sync standby's PostgreSQL SIGKILLed (its Patroni lives) at a random phase of loop_wait; synchronous_mode on, synchronous_commit on; 3 Patroni nodes and etcd on loopback; one ${CLIENT === 'libpq' ? 'libpq-style' : 'HAProxy'} client`,
    }[EXPERIMENT]!,
    versions: { patroni: versionOf('patroni'), postgresql: versionOf('/usr/lib/postgresql/15/bin/postgres'), etcd: versionOf('etcd'), ...(CLIENT === 'haproxy' ? { haproxy: versionOf('haproxy', ['-v']) } : {}) },
    settings: SETTINGS,
  });
  const rng = trialRng();
  for (let i = 1, attempts = 0; i <= TRIALS && attempts < 2 * TRIALS; attempts++) {
    let record: Record<string, unknown>;
    try {
      record = await trial(i, rng);
    } catch (error) {
      // a cluster that did not come up (slow initdb or base backup on a loaded machine): no fault
      // was injected, so the trial is retried from scratch rather than recorded
      console.error(`trial ${i}: set-up failed (${(error as Error).message}); retrying`);
      await killAll();
      continue;
    }
    i++;
    writer.trial(record);
    const s = record.steps as Record<string, number | null>;
    console.log(`trial ${i - 1}/${TRIALS}: ${Object.entries(s).map(([k, v]) => `${k} ${v}`).join(' ')} lost ${record.lostAckedWrites}`);
  }
  writer.finish();
  console.log(`wrote ${writer.path}`);
}

await main();
process.exit(0);
