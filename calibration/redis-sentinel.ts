/**
 * Calibration of hasim's redis-sentinel model against real Redis + Sentinel on loopback.
 *
 * Each trial starts a fresh set: three redis-server (a master and two replicas) and three
 * redis-sentinel, all on 127.0.0.1, as in the Sentinel docs' three-box example. A
 * Sentinel-following client writes (RPUSH of a unique id) at ~200/s to the master it learned
 * from the Sentinels, and on any error asks the Sentinels again, exactly as redis-py's
 * SentinelConnectionPool does (Sentinel.discover_master, check_master_state). After a random delay (a random phase of Sentinel's 1 s
 * PING and 10 s INFO periods) the master's process is killed with SIGKILL; its host (this
 * machine) lives on, so the kernel resets its connections at once. Protocol steps are read from
 * the Sentinels' own event channel (PSUBSCRIBE * on each Sentinel: +sdown, +odown,
 * +try-failover, +elected-leader, +selected-slave, +failover-state-wait-promotion,
 * +promoted-slave, +switch-master); the client records its first failed and first served
 * write after the kill; acked writes missing from the new master's list after the failover are
 * the lost ones.
 *
 * `--wait 1`: each write is followed by `WAIT 1 1000` (acked whatever it returns; the writes WAIT
 * confirmed and lost are counted apart), fixture redis-sentinel--master-kill-wait1.jsonl.
 *
 * Run: `npx tsx calibration/redis-sentinel.ts --trials 20 [--wait 1]` (root not needed). Writes
 * calibration/fixtures/redis-sentinel--master-kill[-wait1].jsonl. Ends only the processes it started.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bound, killAll, killPid, nowMs, sleep, start, tempDir, waitFor, type Proc } from './lib/procs.ts';
import { RedisConnection, once, type Reply } from './lib/resp.ts';
import { SentinelClient, sentinelMaster } from './lib/sentinel-client.ts';
import { FixtureWriter, flag, versionOf, recordTrials } from './lib/record.ts';

const REDIS_PORTS = [16379, 16380, 16381];
const SENTINEL_PORTS = [26379, 26380, 26381];
const SETTINGS = {
  downAfterMilliseconds: Number(flag('down-after', '5000')),
  /** `--wait N`: each write is followed by WAIT N 1000 (the HA document's WAIT 1 1000); 0: none. */
  waitNumreplicas: Number(flag('wait', '0')),
  waitTimeoutMs: 1000,
  quorum: 2,
  failoverTimeoutMs: 180_000,
  parallelSyncs: 1,
  /** Writes per second of the one client (hasim's default workload: 200 orders/s). */
  writesPerSecond: 200,
  /** Per-request timeout and pause before retrying, as hasim's client. */
  requestTimeoutMs: 1000,
  retryBackoffMs: 20,
  /** The kill comes uniformly in this window after the set is steady (random phase). */
  faultWindowMs: [2000, 12000],
};
const TRIALS = Number(flag('trials', '20'));
const EVENTS = ['+sdown', '+odown', '+try-failover', '+elected-leader', '+selected-slave', '+failover-state-wait-promotion', '+promoted-slave', '+failover-end', '+switch-master'];

bound(Number(flag('limit-s', '1500')) * 1000);

interface Trial {
  killAtMs: number;
  events: Record<string, { sentinel: number; ms: number }[]>;
  acked: Set<string>;
  firstFailMs?: number;
  firstServedMs?: number;
  servedBy?: number;
}

function redisConf(dir: string, port: number, master?: number): string {
  const path = join(dir, `redis-${port}.conf`);
  const lines = [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, 'save ""', 'appendonly no', `dbfilename dump-${port}.rdb`, 'protected-mode no'];
  if (master) lines.push(`replicaof 127.0.0.1 ${master}`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function sentinelConf(dir: string, port: number): string {
  const path = join(dir, `sentinel-${port}.conf`);
  writeFileSync(
    path,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      'protected-mode no',
      `dir ${dir}`,
      `sentinel monitor mymaster 127.0.0.1 ${REDIS_PORTS[0]} ${SETTINGS.quorum}`,
      `sentinel down-after-milliseconds mymaster ${SETTINGS.downAfterMilliseconds}`,
      `sentinel failover-timeout mymaster ${SETTINGS.failoverTimeoutMs}`,
      `sentinel parallel-syncs mymaster ${SETTINGS.parallelSyncs}`,
    ].join('\n') + '\n',
  );
  return path;
}

function field(info: Reply, name: string): string | undefined {
  if (typeof info !== 'string') return undefined;
  const m = info.match(new RegExp(`^${name}:(.*)$`, 'm'));
  return m?.[1].trim();
}

async function trial(index: number, rng: () => number): Promise<Record<string, unknown>> {
  const dir = tempDir(`calib-redis-${index}-`);
  const procs: Proc[] = [];
  const redisVersion = versionOf('redis-server');
  void redisVersion;
  procs.push(start('redis1', 'redis-server', [redisConf(dir, REDIS_PORTS[0])], join(dir, 'redis1.log')));
  procs.push(start('redis2', 'redis-server', [redisConf(dir, REDIS_PORTS[1], REDIS_PORTS[0])], join(dir, 'redis2.log')));
  procs.push(start('redis3', 'redis-server', [redisConf(dir, REDIS_PORTS[2], REDIS_PORTS[0])], join(dir, 'redis3.log')));
  // wait until both replicas have finished their initial (diskless, delayed 5 s) full sync:
  // a replica promoted mid-sync has an empty dataset, which is a real hazard but not this experiment
  const replicasUp = await waitFor(async () => {
    for (const port of REDIS_PORTS.slice(1)) {
      const info = await once(port, ['INFO', 'replication']);
      if (field(info, 'master_link_status') !== 'up' || field(info, 'master_sync_in_progress') !== '0') return false;
    }
    return true;
  }, 30_000, 100);
  if (!replicasUp) throw new Error('replicas did not sync');
  for (const [i, port] of SENTINEL_PORTS.entries()) procs.push(start(`sentinel${i + 1}`, 'redis-sentinel', [sentinelConf(dir, port)], join(dir, `sentinel${i + 1}.log`)));
  const discovered = await waitFor(async () => {
    for (const port of SENTINEL_PORTS) {
      const m = await sentinelMaster({ host: '127.0.0.1', port });
      if (m.get('num-slaves') !== '2' || m.get('num-other-sentinels') !== '2') return false;
    }
    return true;
  }, 20_000, 100);
  if (!discovered) throw new Error('Sentinels did not discover each other');

  const t: Trial = { killAtMs: 0, events: {}, acked: new Set() };
  const subs: RedisConnection[] = [];
  for (const [i, port] of SENTINEL_PORTS.entries()) {
    const c = await RedisConnection.open(port);
    await c.psubscribe('*', (msg) => {
      const channel = String(msg[2]);
      if (!EVENTS.includes(channel) || t.killAtMs === 0) return;
      const payload = String(msg[3]);
      if ((channel === '+sdown' || channel === '+odown') && !payload.startsWith('master ')) return;
      (t.events[channel] ??= []).push({ sentinel: i + 1, ms: nowMs() - t.killAtMs });
    });
    subs.push(c);
  }
  const client = new SentinelClient({
    sentinels: SENTINEL_PORTS.map((port) => ({ host: '127.0.0.1', port })),
    writesPerSecond: SETTINGS.writesPerSecond,
    requestTimeoutMs: SETTINGS.requestTimeoutMs,
    retryBackoffMs: SETTINGS.retryBackoffMs,
    wait: SETTINGS.waitNumreplicas > 0 ? { replicas: SETTINGS.waitNumreplicas, timeoutMs: SETTINGS.waitTimeoutMs } : undefined,
  });
  const running = client.run();
  const [lo, hi] = SETTINGS.faultWindowMs;
  await sleep(lo + rng() * (hi - lo));

  t.killAtMs = nowMs();
  killPid(procs[0], 'SIGKILL');
  const done = await waitFor(
    () => (t.events['+switch-master']?.length ?? 0) >= 3 && client.served.some((s) => s.ms > t.killAtMs && s.port !== REDIS_PORTS[0]),
    SETTINGS.downAfterMilliseconds + 40_000,
    20,
  );
  await sleep(1500);
  client.stop();
  await running;
  const newMaster = client.served.at(-1)?.port;
  let lost: number | undefined;
  let lostIds: string[] = [];
  let lostConfirmed: number | null = null;
  if (done && newMaster) {
    const list = await once(newMaster, ['LRANGE', 'orders', 0, -1], 3000);
    const have = new Set(Array.isArray(list) ? list.map(String) : []);
    lostIds = [...client.acked].filter((id) => !have.has(id));
    lost = lostIds.length;
    lostConfirmed = client.acks.filter((a) => (a.replicas ?? 0) >= 1 && !have.has(a.id)).length;
  }
  const firstFail = client.fails.find((ms) => ms >= t.killAtMs);
  const firstServed = client.served.find((s) => s.ms > t.killAtMs && s.port !== REDIS_PORTS[0]);
  for (const c of subs) c.close();
  await killAll();
  const first = (name: string) => (t.events[name] ? Math.min(...t.events[name].map((e) => e.ms)) : null);
  const last = (name: string) => (t.events[name] ? Math.max(...t.events[name].map((e) => e.ms)) : null);
  const round = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round(x * 10) / 10);
  return {
    trial: index,
    completed: done,
    steps: {
      sdown: round(first('+sdown')),
      odown: round(first('+odown')),
      tryFailover: round(first('+try-failover')),
      electedLeader: round(first('+elected-leader')),
      selectedReplica: round(first('+selected-slave')),
      replicaofNoOne: round(first('+failover-state-wait-promotion')),
      promoted: round(first('+promoted-slave')),
      failoverEnd: round(first('+failover-end')),
      switchMaster: round(first('+switch-master')),
      switchMasterAll: round(last('+switch-master')),
      clientFirstFailed: round(firstFail === undefined ? null : firstFail - t.killAtMs),
      clientFirstServed: round(firstServed ? firstServed.ms - t.killAtMs : null),
    },
    elections: t.events['+try-failover']?.length ?? 0,
    ackedWrites: client.acked.size,
    lostAckedWrites: lost ?? null,
    ...(SETTINGS.waitNumreplicas > 0 ? { waitConfirmedWrites: client.acks.filter((a) => (a.replicas ?? 0) >= 1).length, lostWaitConfirmed: lostConfirmed } : {}),
    lostIds: lostIds.slice(0, 20),
  };
}

async function main(): Promise<void> {
  const writer = new FixtureWriter({
    system: 'redis-sentinel',
    experiment: `master-kill${SETTINGS.downAfterMilliseconds === 5000 ? '' : '-' + SETTINGS.downAfterMilliseconds}${SETTINGS.waitNumreplicas > 0 ? `-wait${SETTINGS.waitNumreplicas}` : ''}`,
    description: `kill -9 of the Redis master process (its host lives: connections reset at once); 3 Redis + 3 Sentinels on loopback; a Sentinel-following client with redis-py discovery (skips Sentinels that flag the master down)${SETTINGS.waitNumreplicas > 0 ? `; each write followed by WAIT ${SETTINGS.waitNumreplicas} ${SETTINGS.waitTimeoutMs}, acked whatever WAIT returns (lostWaitConfirmed: lost writes WAIT had confirmed on a replica)` : ''}`,
    versions: { 'redis-server': versionOf('redis-server'), 'redis-sentinel': versionOf('redis-sentinel') },
    settings: SETTINGS,
  });
  await recordTrials(writer, TRIALS, trial, (record, s) => `sdown ${s.sdown} odown ${s.odown} promoted ${s.promoted} switch ${s.switchMaster} served ${s.clientFirstServed} lost ${record.lostAckedWrites} (WAIT-confirmed ${record.lostWaitConfirmed})`);
}

await main();
process.exit(0);
