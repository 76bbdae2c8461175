/**
 * `npm run calibrate [system] [-- flags]`: runs the real-system harness of one system, or of
 * every system in turn. Each harness is bounded in time, uses only loopback (or network
 * namespaces it creates and removes) and ends only the processes it started.
 *
 *   npm run calibrate redis-sentinel -- --trials 20    (its partition experiments need root)
 *   npm run calibrate etcd -- --trials 25 --pre-vote true
 *   npm run calibrate keepalived -- --trials 20            (root: network namespaces)
 *   npm run calibrate patroni -- --trials 12               (root: PostgreSQL runs as postgres)
 *   npm run calibrate pacemaker -- --trials 25             (root: network and mount namespaces)
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const HARNESSES: Record<string, string[][]> = {
  'redis-sentinel': [
    ['redis-sentinel.ts'],
    ['redis-sentinel.ts', '--wait', '1'],
    // root: network namespaces and iptables
    ['redis-partition.ts'],
    ['redis-partition.ts', '--min-replicas', '1'],
  ],
  etcd: [['etcd.ts', '--pre-vote', 'false'], ['etcd.ts', '--pre-vote', 'true']],
  keepalived: [
    ['keepalived.ts', '--fault', 'host-death'],
    ['keepalived.ts', '--fault', 'graceful-stop'],
    ['keepalived.ts', '--fault', 'check-hang'],
    ['keepalived.ts', '--fault', 'check-hang', '--weight', '-60'],
    ['keepalived.ts', '--fault', 'preempt-return'],
  ],
  patroni: [
    ['patroni.ts'],
    ['patroni.ts', '--experiment', 'primary-host-death', '--client', 'haproxy'],
    ['patroni.ts', '--experiment', 'async-lag'],
    ['patroni.ts', '--experiment', 'sync-standby-kill'],
  ],
  pacemaker: [
    ['pacemaker.ts', '--fault', 'host-death'],
    ['pacemaker.ts', '--fault', 'graceful-stop'],
    ['pacemaker.ts', '--fault', 'partition'],
    ['pacemaker.ts', '--fault', 'partition', '--delay-a-s', '5'],
  ],
};

const [system, ...rest] = process.argv.slice(2);
if (system !== undefined && !(system in HARNESSES)) {
  console.error(`calibrate: system: expected one of ${Object.keys(HARNESSES).join(', ')}, found '${system}'`);
  process.exit(2);
}
const dir = new URL('.', import.meta.url).pathname;
for (const name of system ? [system] : Object.keys(HARNESSES)) {
  for (const [script, ...args] of HARNESSES[name]) {
    // a harness reads the first occurrence of a flag, so flags given here win over the defaults
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(dir, script), ...rest, ...args], { stdio: 'inherit' });
    if (run.status !== 0) process.exit(run.status ?? 3);
  }
}
