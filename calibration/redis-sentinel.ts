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
 * Run: `npm run calibrate redis-sentinel -- --trials 20` (root not needed). Writes
 * calibration/fixtures/redis-sentinel--master-kill.jsonl. Ends only the processes it started.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bound, killAll, killPid, nowMs, sleep, start, tempDir, waitFor, type Proc } from './lib/procs.ts';
import { RedisConnection, RedisError, once, type Reply } from './lib/resp.ts';
import { FixtureWriter, flag, versionOf, recordTrials } from './lib/record.ts';

const REDIS_PORTS = [16379, 16380, 16381];
const SENTINEL_PORTS = [26379, 26380, 26381];
const SETTINGS = {
  downAfterMilliseconds: Number(flag('down-after', '5000')),
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

/** SENTINEL MASTER mymaster as a map. */
async function sentinelMaster(port: number, timeoutMs = 1000): Promise<Map<string, string>> {
  const r = await once(port, ['SENTINEL', 'MASTER', 'mymaster'], timeoutMs);
  const out = new Map<string, string>();
  if (Array.isArray(r)) for (let i = 0; i + 1 < r.length; i += 2) out.set(String(r[i]), String(r[i + 1]));
  return out;
}

/** The client: learns the master from the Sentinels and asks again after any error. */
class SentinelClient {
  private conn: RedisConnection | undefined;
  private masterPort: number | undefined;
  private stopped = false;
  private seq = 0;
  readonly acked = new Set<string>();
  /** Wall-clock times of failed and served requests (ms). */
  readonly fails: number[] = [];
  readonly served: { ms: number; port: number }[] = [];

  /** The Sentinels in the order asked; the one that answered moves to the front (redis-py). */
  private readonly sentinels = [...SENTINEL_PORTS];

  /**
   * redis-py's Sentinel.discover_master: ask each Sentinel for SENTINEL MASTERS' entry of the
   * service and take the first whose master is flagged master and neither s_down nor o_down
   * (check_master_state); move that Sentinel to the front. No usable answer: MasterNotFoundError,
   * which the application retries after its back-off.
   */
  private async discover(): Promise<void> {
    this.conn?.close();
    this.conn = undefined;
    for (const [i, port] of this.sentinels.entries()) {
      try {
        const state = await sentinelMaster(port, 300);
        const flags = (state.get('flags') ?? '').split(',');
        if (!flags.includes('master') || flags.includes('s_down') || flags.includes('o_down')) continue;
        [this.sentinels[0], this.sentinels[i]] = [this.sentinels[i], this.sentinels[0]];
        this.masterPort = Number(state.get('port'));
        this.conn = await RedisConnection.open(this.masterPort, '127.0.0.1', SETTINGS.requestTimeoutMs);
        return;
      } catch {
        // next Sentinel
      }
    }
  }

  async run(): Promise<void> {
    const gapMs = 1000 / SETTINGS.writesPerSecond;
    let next = nowMs();
    while (!this.stopped) {
      const id = `w${++this.seq}`;
      for (;;) {
        if (this.stopped) return;
        try {
          if (!this.conn || this.conn.closed) await this.discover();
          if (!this.conn) throw new Error('no master known');
          const reply = await this.conn.command(['RPUSH', 'orders', id], SETTINGS.requestTimeoutMs);
          if (reply instanceof RedisError) throw new Error(reply.message);
          this.acked.add(id);
          this.served.push({ ms: nowMs(), port: this.masterPort! });
          break;
        } catch {
          this.fails.push(nowMs());
          this.conn?.close();
          this.conn = undefined;
          await sleep(SETTINGS.retryBackoffMs);
        }
      }
      next += gapMs;
      const wait = next - nowMs();
      if (wait > 0) await sleep(wait);
      else next = nowMs();
    }
  }

  stop(): void {
    this.stopped = true;
    this.conn?.close();
  }
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
      const m = await sentinelMaster(port);
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
  const client = new SentinelClient();
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
  if (done && newMaster) {
    const list = await once(newMaster, ['LRANGE', 'orders', 0, -1], 3000);
    const have = new Set(Array.isArray(list) ? list.map(String) : []);
    lostIds = [...client.acked].filter((id) => !have.has(id));
    lost = lostIds.length;
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
    lostIds: lostIds.slice(0, 20),
  };
}

async function main(): Promise<void> {
  const writer = new FixtureWriter({
    system: 'redis-sentinel',
    experiment: `master-kill${SETTINGS.downAfterMilliseconds === 5000 ? '' : '-' + SETTINGS.downAfterMilliseconds}`,
    description: 'kill -9 of the Redis master process (its host lives: connections reset at once); 3 Redis + 3 Sentinels on loopback; a Sentinel-following client with redis-py discovery (skips Sentinels that flag the master down)',
    versions: { 'redis-server': versionOf('redis-server'), 'redis-sentinel': versionOf('redis-sentinel') },
    settings: SETTINGS,
  });
  await recordTrials(writer, TRIALS, trial, (record, s) => `sdown ${s.sdown} odown ${s.odown} promoted ${s.promoted} switch ${s.switchMaster} served ${s.clientFirstServed} lost ${record.lostAckedWrites}`);
}

await main();
process.exit(0);
