/**
 * Calibration of hasim's redis-sentinel model under a Jepsen-style partition: the master's box
 * is cut off from the rest of the cluster together with one of the two clients (Redis Sentinel
 * docs, "Example 2: basic setup with three boxes"; Kyle Kingsbury, "Jepsen: Redis", 2013).
 *
 * Network namespaces this script creates and removes: `calib-rs-lan` holds a bridge; boxes
 * `calib-rs-1..3` (10.98.0.1-3) each run redis-server (6379; box 1 the master) and
 * redis-sentinel (26379, quorum 2, down-after 5000); clients `calib-rs-c1` (10.98.0.11, with the
 * master) and `calib-rs-c2` (10.98.0.12, with the majority) each run a Sentinel-following writer
 * (lib/sentinel-client.ts: redis-py's discovery) at 200 writes/s, optionally with
 * `WAIT --wait 1000` after each write. Redis runs with `min-replicas-to-write --min-replicas`
 * (min-replicas-max-lag 10).
 *
 * Fault, at a random phase of Sentinel's periods: the partition {box 1, c1} | {box 2, box 3, c2},
 * made with iptables DROP rules in box 1's and c1's namespaces (this kernel has no sch_netem, so
 * tc netem cannot be used; iptables is the other tool the issue names), healed
 * `--partition-s` (16) later. Steps (ms from the partition), from the Sentinels' own event
 * channels (PSUBSCRIBE * from inside each box) and the clients' lines:
 * - sdown / odown / promoted / switchMaster: the majority's Sentinels failing over;
 * - majorityClientServed: c2 first served by the new master;
 * - isolatedMasterRefuses: c1's first -NOREPLICAS (min-replicas-to-write on);
 * - isolatedLastAck: c1's last write acked by the old master during the partition;
 * - oldMasterConverted: after the heal, +convert-to-slave (the old master made a replica);
 * - isolatedClientServedNew: c1 first served by the new master after the heal;
 * - lost acked writes (both clients; and the WAIT-confirmed ones) against the final master.
 *
 * Run as root: `npm run calibrate redis-partition -- --trials 15 [--min-replicas 1] [--wait 1]`.
 * Ends only the processes it started (by PID); removes its namespaces at exit.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bound, killAll, killTree, nowMs, sleep, start, tempDir, waitFor, type Proc } from './lib/procs.ts';
import { FixtureWriter, SetupError, flag, recordTrials, versionOf } from './lib/record.ts';
import { makeLan } from './lib/netns-lan.ts';

const MIN_REPLICAS = Number(flag('min-replicas', '0'));
const WAIT = Number(flag('wait', '0'));
const PARTITION_S = Number(flag('partition-s', '16'));
for (const [name, value, ok] of [
  ['min-replicas', MIN_REPLICAS, [0, 1, 2].includes(MIN_REPLICAS)],
  ['wait', WAIT, [0, 1, 2].includes(WAIT)],
  ['partition-s', PARTITION_S, PARTITION_S >= 8 && PARTITION_S <= 120],
] as const) {
  if (!ok) {
    console.error(`redis-partition: --${name}: expected ${name === 'partition-s' ? '8 to 120 seconds' : '0, 1 or 2'}, found '${value}'`);
    process.exit(2);
  }
}
const SETTINGS = {
  downAfterMilliseconds: 5000,
  quorum: 2,
  failoverTimeoutMs: 180_000,
  parallelSyncs: 1,
  minReplicasToWrite: MIN_REPLICAS,
  minReplicasMaxLagS: 10,
  waitNumreplicas: WAIT,
  waitTimeoutMs: 1000,
  clients: 2,
  writesPerSecondPerClient: 200,
  requestTimeoutMs: 1000,
  retryBackoffMs: 20,
  partition: '{redis1, sentinel1, client 1} | {redis2, sentinel2, redis3, sentinel3, client 2} by iptables DROP',
  partitionS: PARTITION_S,
  faultWindowMs: [2000, 12000],
};
const TRIALS = Number(flag('trials', '15'));
const NS = { lan: 'calib-rs-lan', boxes: ['calib-rs-1', 'calib-rs-2', 'calib-rs-3'], c1: 'calib-rs-c1', c2: 'calib-rs-c2' };
const BOX_ADDR = ['10.98.0.1', '10.98.0.2', '10.98.0.3'];
const C_ADDR = { c1: '10.98.0.11', c2: '10.98.0.12' };
const SENTINELS = BOX_ADDR.map((a) => `${a}:26379`).join(',');
const AGENT = join(new URL('.', import.meta.url).pathname, 'lib', 'redis-ns-agent.ts');
bound(Number(flag('limit-s', '2400')) * 1000);

const run = (...args: string[]) => execFileSync(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const inNs = (ns: string, ...args: string[]) => run('ip', 'netns', 'exec', ns, ...args);

function makeNetwork(): void {
  makeLan(NS.lan, [...NS.boxes.map((ns, i) => ({ ns, addr: BOX_ADDR[i] })), { ns: NS.c1, addr: C_ADDR.c1 }, { ns: NS.c2, addr: C_ADDR.c2 }]);
}

/** The partition: DROP both ways, in box 1's and c1's namespaces, to and from the other side. */
function cut(): void {
  for (const ns of [NS.boxes[0], NS.c1]) {
    for (const other of [BOX_ADDR[1], BOX_ADDR[2], C_ADDR.c2]) {
      inNs(ns, 'iptables', '-A', 'INPUT', '-s', other, '-j', 'DROP');
      inNs(ns, 'iptables', '-A', 'OUTPUT', '-d', other, '-j', 'DROP');
    }
  }
}

function heal(): void {
  for (const ns of [NS.boxes[0], NS.c1]) inNs(ns, 'iptables', '-F');
}

function redisConf(dir: string, box: number): string {
  const path = join(dir, `redis-${box + 1}.conf`);
  const lines = ['port 6379', 'bind 0.0.0.0', `dir ${dir}`, 'save ""', 'appendonly no', `dbfilename dump-${box + 1}.rdb`, 'protected-mode no', `pidfile ${join(dir, `redis-${box + 1}.pid`)}`];
  if (MIN_REPLICAS > 0) lines.push(`min-replicas-to-write ${MIN_REPLICAS}`, `min-replicas-max-lag ${SETTINGS.minReplicasMaxLagS}`);
  if (box > 0) lines.push(`replicaof ${BOX_ADDR[0]} 6379`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function sentinelConf(dir: string, box: number): string {
  const path = join(dir, `sentinel-${box + 1}.conf`);
  writeFileSync(
    path,
    [
      'port 26379',
      'bind 0.0.0.0',
      'protected-mode no',
      `dir ${dir}`,
      `sentinel monitor mymaster ${BOX_ADDR[0]} 6379 ${SETTINGS.quorum}`,
      `sentinel down-after-milliseconds mymaster ${SETTINGS.downAfterMilliseconds}`,
      `sentinel failover-timeout mymaster ${SETTINGS.failoverTimeoutMs}`,
      `sentinel parallel-syncs mymaster ${SETTINGS.parallelSyncs}`,
    ].join('\n') + '\n',
  );
  return path;
}

/** `redis-cli` from inside box `box` against its own server (port) or Sentinel. */
function cli(box: number, port: number, ...args: string[]): string {
  return inNs(NS.boxes[box], 'redis-cli', '-p', String(port), ...args);
}

function field(info: string, name: string): string | undefined {
  return info.match(new RegExp(`^${name}:(.*)$`, 'm'))?.[1].trim();
}

interface Ack {
  id: string;
  ms: number;
  master: string;
  replicas: number;
}

interface ClientLog {
  acks: Ack[];
  fails: { ms: number; reason: string }[];
}

function startClient(dir: string, name: 'c1' | 'c2'): ClientLog & { proc: Proc } {
  const log: ClientLog = { acks: [], fails: [] };
  const proc = start(`client-${name}`, 'ip', ['netns', 'exec', NS[name], process.execPath, '--import', 'tsx', AGENT, 'client', SENTINELS, `${name}-`, String(SETTINGS.writesPerSecondPerClient), String(WAIT)], join(dir, `${name}.log`), {
    onLine: (text) => {
      const [kind, a, b, c, d] = text.split(' ');
      if (kind === 'A') log.acks.push({ id: a, ms: Number(b), master: c, replicas: Number(d) });
      else if (kind === 'F') log.fails.push({ ms: Number(a), reason: b });
    },
  });
  return { ...log, proc };
}

async function trial(index: number, rng: () => number): Promise<Record<string, unknown>> {
  const dir = tempDir(`calib-rs-${index}-`);
  heal();
  for (const box of [0, 1, 2]) start(`redis${box + 1}`, 'ip', ['netns', 'exec', NS.boxes[box], 'redis-server', redisConf(dir, box)], join(dir, `redis${box + 1}.log`));
  // both replicas fully synced (a replica promoted mid-sync is another experiment)
  const synced = await waitFor(() => [1, 2].every((box) => {
    const info = cli(box, 6379, 'INFO', 'replication');
    return field(info, 'master_link_status') === 'up' && field(info, 'master_sync_in_progress') === '0';
  }), 30_000, 200);
  if (!synced) throw new SetupError('replicas did not sync');
  for (const box of [0, 1, 2]) start(`sentinel${box + 1}`, 'ip', ['netns', 'exec', NS.boxes[box], 'redis-sentinel', sentinelConf(dir, box)], join(dir, `sentinel${box + 1}.log`));
  const events: { box: number; ms: number; channel: string; payload: string }[] = [];
  const watching = new Set<number>();
  for (const box of [0, 1, 2]) {
    start(`watch${box + 1}`, 'ip', ['netns', 'exec', NS.boxes[box], process.execPath, '--import', 'tsx', AGENT, 'watch', '127.0.0.1:26379'], join(dir, `watch${box + 1}.log`), {
      onLine: (text) => {
        const [kind, ms, channel, ...payload] = text.split(' ');
        if (kind === 'W') watching.add(box);
        if (kind === 'E') events.push({ box, ms: Number(ms), channel, payload: payload.join(' ') });
      },
    });
  }
  const discovered = await waitFor(() => [0, 1, 2].every((box) => {
    const out = cli(box, 26379, 'SENTINEL', 'MASTER', 'mymaster').split('\n');
    const get = (k: string) => out[out.indexOf(k) + 1];
    return get('num-slaves') === '2' && get('num-other-sentinels') === '2';
  }) && watching.size === 3, 30_000, 250);
  if (!discovered) throw new SetupError('Sentinels did not discover each other');
  const c1 = startClient(dir, 'c1');
  const c2 = startClient(dir, 'c2');
  if (!(await waitFor(() => c1.acks.length > 0 && c2.acks.length > 0, 15_000, 50))) throw new SetupError('clients never served');
  const [lo, hi] = SETTINGS.faultWindowMs;
  await sleep(lo + rng() * (hi - lo));

  const faultAtMs = nowMs();
  cut();
  const oldMaster = `${BOX_ADDR[0]}:6379`;
  await sleep(faultAtMs + PARTITION_S * 1000 - nowMs());
  const healAtMs = nowMs();
  heal();
  const settled = await waitFor(() => c1.acks.some((a) => a.ms > healAtMs && a.master !== oldMaster) && c2.acks.some((a) => a.ms > healAtMs && a.master !== oldMaster), 30_000, 50);
  // the old master is a replica again and has resynced
  const converted = await waitFor(() => field(cli(0, 6379, 'INFO', 'replication'), 'role') === 'slave' && field(cli(0, 6379, 'INFO', 'replication'), 'master_link_status') === 'up', 20_000, 200);
  await sleep(1000);
  // stop the writers first: every ack they reported is then one the final read must hold
  for (const c of [c1, c2]) killTree(c.proc);
  await Promise.all([c1.proc.exited, c2.proc.exited]);
  const newMaster = c2.acks.at(-1)?.master;
  let lost: number | null = null;
  let lostConfirmed: number | null = null;
  let lostIds: string[] = [];
  const allAcks = [...c1.acks, ...c2.acks];
  if (settled && newMaster) {
    const box = BOX_ADDR.indexOf(newMaster.split(':')[0]);
    const have = new Set(cli(box, 6379, 'LRANGE', 'orders', '0', '-1').split('\n').filter((x) => x !== ''));
    // acks after the clients are stopped cannot be checked: only count those before the read
    lostIds = allAcks.filter((a) => !have.has(a.id)).map((a) => a.id);
    lost = lostIds.length;
    lostConfirmed = allAcks.filter((a) => a.replicas >= 1 && !have.has(a.id)).length;
  }
  await killAll();

  const rel = (ms: number | undefined) => (ms === undefined ? null : Math.round((ms - faultAtMs) * 10) / 10);
  const firstEvent = (channel: string, boxes: number[], test = (_: string) => true, from = faultAtMs) => events.find((e) => e.channel === channel && boxes.includes(e.box) && e.ms >= from && test(e.payload))?.ms;
  const master = (p: string) => p.startsWith('master ');
  const inPartition = (a: { ms: number }) => a.ms >= faultAtMs && a.ms < healAtMs;
  const c1AcksByOld = c1.acks.filter((a) => inPartition(a) && a.master === oldMaster);
  return {
    trial: index,
    completed: settled && converted,
    steps: {
      sdown: rel(firstEvent('+sdown', [1, 2], master)),
      odown: rel(firstEvent('+odown', [1, 2], master)),
      electedLeader: rel(firstEvent('+elected-leader', [1, 2])),
      promoted: rel(firstEvent('+promoted-slave', [1, 2])),
      switchMaster: rel(firstEvent('+switch-master', [1, 2])),
      majorityClientFirstFailed: rel(c2.fails.find((f) => f.ms >= faultAtMs)?.ms),
      majorityClientServed: rel(c2.acks.find((a) => a.ms >= faultAtMs && a.master !== oldMaster)?.ms),
      isolatedMasterRefuses: rel(c1.fails.find((f) => inPartition(f) && /NOREPLICAS/.test(f.reason))?.ms),
      isolatedLastAck: rel(c1AcksByOld.at(-1)?.ms),
      heal: rel(healAtMs),
      oldMasterConverted: rel(firstEvent('+convert-to-slave', [0, 1, 2], () => true, healAtMs)),
      isolatedClientServedNew: rel(c1.acks.find((a) => a.ms >= healAtMs && a.master !== oldMaster)?.ms),
    },
    newMaster: newMaster ?? null,
    isolatedAcksByOldMaster: c1AcksByOld.length,
    ackedWrites: allAcks.length,
    lostAckedWrites: lost,
    ...(WAIT > 0 ? { waitConfirmedWrites: allAcks.filter((a) => a.replicas >= 1).length, lostWaitConfirmed: lostConfirmed } : {}),
    lostIds: lostIds.slice(0, 10),
  };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('redis-partition: needs root (network namespaces, iptables)');
    process.exit(2);
  }
  makeNetwork();
  const name = `partition${MIN_REPLICAS > 0 ? `-min-replicas${MIN_REPLICAS}` : ''}${WAIT > 0 ? `-wait${WAIT}` : ''}`;
  const writer = new FixtureWriter({
    system: 'redis-sentinel',
    experiment: name,
    description: `Jepsen-style partition for ${PARTITION_S} s: the master's box (redis1 + sentinel1) and one client cut off (iptables DROP) from the other two boxes and the other client; 3 boxes + 2 clients in network namespaces on one bridge; redis-py-style Sentinel clients, 200 writes/s each${WAIT > 0 ? `, WAIT ${WAIT} 1000 after each write` : ''}; min-replicas-to-write ${MIN_REPLICAS}`,
    versions: { 'redis-server': versionOf('redis-server'), 'redis-sentinel': versionOf('redis-sentinel'), iptables: versionOf('iptables'), kernel: run('uname', '-r').trim() },
    settings: SETTINGS,
  });
  await recordTrials(writer, TRIALS, trial, (record, s) => `switch ${s.switchMaster} c2 served ${s.majorityClientServed} refuses ${s.isolatedMasterRefuses} last old ack ${s.isolatedLastAck} converted ${s.oldMasterConverted} c1 new ${s.isolatedClientServedNew} lost ${record.lostAckedWrites}`);
}

await main();
process.exit(0);
