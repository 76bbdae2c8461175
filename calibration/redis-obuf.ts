/**
 * Measures real Redis's replica output-buffer limit (client-output-buffer-limit replica) against
 * a stopped replica, on loopback: what hasim's redis-sentinel model needs to know about it.
 *
 * Each trial starts a master and one replica (redis-server, 127.0.0.1), waits for their sync,
 * writes at `--rate` SETs a second of a `--value`-byte value (pipelined every 10 ms), stops the
 * replica with SIGSTOP, and samples the master every 50 ms: master_repl_offset, and the
 * replica connection's `omem` (CLIENT LIST TYPE replica: the shared replication buffer it
 * still references, getClientOutputBufferMemoryUsage). It records
 * - `kernelBytes`: stream bytes written after the stop that never reached the output buffer
 *   (master offset - offset at the stop - omem, averaged once omem passes 1 MB): what the two
 *   kernels' socket buffers absorbed (the replica read in real time until the stop; its last
 *   REPLCONF ACK, `ackAtStop`, is up to a second older);
 * - `bytesPerSecond`: the stream's growth rate;
 * - `softAtMs` / `hardAtMs`: when omem first reached the soft / hard limit (after the stop);
 * - `droppedAtMs`: when the master logged "scheduled to be closed ASAP for overcoming of
 *   output buffer limits" (networking.c closeClientOnOutputBufferLimitReached).
 * The replica is then resumed (SIGCONT) and the trial records whether it resumed by a partial
 * or a full resync.
 *
 * Run (root not needed; on a busy machine at `nice -n -15`):
 *   npx tsx calibration/redis-obuf.ts --trials 5 [--rate 10000 --value 100 --limit '8mb 4mb 3']
 * Writes calibration/fixtures/redis-obuf--<hard>-<soft>-<secs>.jsonl. Ends only the processes it started.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bound, killAll, killPid, nowMs, sleep, start, tempDir, waitFor, type Proc } from './lib/procs.ts';
import { RedisConnection, once, type Reply } from './lib/resp.ts';
import { FIXTURES, flag, loadAvg, versionOf } from './lib/record.ts';

const PORTS = [17379, 17380];
const TRIALS = Number(flag('trials', '3'));
const RATE = Number(flag('rate', '10000'));
const VALUE_BYTES = Number(flag('value', '100'));
const LIMIT = flag('limit', '8mb 4mb 3');
const WATCH_MS = Number(flag('watch-ms', '20000'));

bound(Number(flag('limit-s', '600')) * 1000);

function field(info: Reply, name: string): string | undefined {
  if (typeof info !== 'string') return undefined;
  const m = info.match(new RegExp(`^${name}:(.*)$`, 'm'));
  return m?.[1].trim();
}

function bytesOf(size: string): number {
  const m = size.match(/^(\d+)(kb|mb|gb)?$/i);
  if (!m) throw new Error(`--limit: expected sizes like 8mb, got ${size}`);
  const unit = { kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? '').toLowerCase() as 'kb' | 'mb' | 'gb'] ?? 1;
  return Number(m[1]) * unit;
}

function conf(dir: string, port: number, master?: number): string {
  const path = join(dir, `redis-${port}.conf`);
  const lines = [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, 'save ""', 'appendonly no', `dbfilename dump-${port}.rdb`, 'protected-mode no', `client-output-buffer-limit replica ${LIMIT}`, 'repl-timeout 600'];
  if (master) lines.push(`replicaof 127.0.0.1 ${master}`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

async function trial(index: number): Promise<Record<string, unknown>> {
  const dir = tempDir(`calib-obuf-${index}-`);
  const procs: Proc[] = [];
  const [hard, soft, softSeconds] = LIMIT.split(/\s+/);
  let droppedAtMs: number | undefined;
  let stoppedAt = 0;
  procs.push(start('master', 'redis-server', [conf(dir, PORTS[0])], join(dir, 'master.log'), {
    onLine: (line, ms) => {
      if (line.includes('overcoming of output buffer limits') && droppedAtMs === undefined) droppedAtMs = ms - stoppedAt;
    },
  }));
  procs.push(start('replica', 'redis-server', [conf(dir, PORTS[1], PORTS[0])], join(dir, 'replica.log')));
  try {
    const synced = await waitFor(async () => field(await once(PORTS[1], ['INFO', 'replication']), 'master_link_status') === 'up', 30_000, 100);
    if (!synced) throw new Error('replica did not sync');
    const writer = await RedisConnection.open(PORTS[0]);
    const value = 'x'.repeat(VALUE_BYTES);
    let n = 0;
    let writing = true;
    const writeStart = nowMs();
    const loop = (async () => {
      while (writing) {
        const due = Math.floor(((nowMs() - writeStart) * RATE) / 1000);
        const batch: Promise<Reply>[] = [];
        for (; n < due; n++) batch.push(writer.command(['SET', `k${n % 100_000}`, value], 5000));
        await Promise.all(batch);
        await sleep(10);
      }
    })();
    await sleep(2000);
    const info0 = await once(PORTS[0], ['INFO', 'replication']);
    const ackAtStop = Number(field(info0, 'slave0')?.match(/offset=(\d+)/)?.[1]);
    killPid(procs[1], 'SIGSTOP');
    stoppedAt = nowMs();
    const offset0 = Number(field(info0, 'master_repl_offset'));
    const samples: { ms: number; offset: number; omem: number }[] = [];
    while (nowMs() - stoppedAt < WATCH_MS && droppedAtMs === undefined) {
      const info = await once(PORTS[0], ['INFO', 'replication']);
      const list = await once(PORTS[0], ['CLIENT', 'LIST', 'TYPE', 'replica']);
      const omem = typeof list === 'string' ? Number(list.match(/omem=(\d+)/)?.[1] ?? 0) : 0;
      samples.push({ ms: nowMs() - stoppedAt, offset: Number(field(info, 'master_repl_offset')), omem });
      await sleep(50);
    }
    await sleep(500);
    const last = samples[samples.length - 1];
    const bytesPerSecond = ((last.offset - offset0) * 1000) / last.ms;
    // kernel absorption: once omem is growing, the stream written since the stop (the replica
    // kept up until then) minus what Redis holds
    const growing = samples.filter((s) => s.omem > 1024 * 1024);
    const kernelBytes = growing.length ? Math.round(growing.reduce((a, s) => a + (s.offset - offset0 - s.omem), 0) / growing.length) : undefined;
    const softAtMs = samples.find((s) => s.omem >= bytesOf(soft))?.ms;
    const hardAtMs = samples.find((s) => s.omem >= bytesOf(hard))?.ms;
    killPid(procs[1], 'SIGCONT');
    await sleep(3000);
    writing = false;
    await loop.catch(() => undefined);
    writer.close();
    const replicaLog = readFileSync(join(dir, 'replica.log'), 'utf8');
    const resync = replicaLog.includes('Successful partial resynchronization') ? 'partial' : replicaLog.match(/Full resync from master|MASTER <-> REPLICA sync: Finished with success/g)?.length! > 1 ? 'full' : 'none';
    return { trial: index, load: loadAvg()[0], rate: RATE, valueBytes: VALUE_BYTES, limit: LIMIT, softSeconds: Number(softSeconds), bytesPerSecond: Math.round(bytesPerSecond), ackAtStop, offsetAtStop: offset0, kernelBytes, softAtMs, hardAtMs, droppedAtMs, resync, samples: samples.filter((_, i) => i % 10 === 0) };
  } finally {
    for (const p of procs) killPid(p, 'SIGCONT');
    for (const p of procs) killPid(p, 'SIGKILL');
    await sleep(200);
  }
}

const out = join(FIXTURES, `redis-obuf--${LIMIT.replace(/\s+/g, '-')}.jsonl`);
const lines = [JSON.stringify({ header: true, system: 'redis', experiment: 'obuf', description: 'a SIGSTOPped replica: when the master drops it for its output buffer', versions: { 'redis-server': versionOf('redis-server') }, settings: { rate: RATE, valueBytes: VALUE_BYTES, limit: LIMIT, watchMs: WATCH_MS }, recordedAt: new Date().toISOString(), loadAvgAtStart: loadAvg() })];
for (let i = 0; i < TRIALS; i++) {
  const r = await trial(i);
  console.log(JSON.stringify({ ...r, samples: undefined }));
  lines.push(JSON.stringify(r));
}
writeFileSync(out, lines.join('\n') + '\n');
await killAll();
process.exit(0);
