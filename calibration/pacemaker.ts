/**
 * Calibration of hasim's hot-standby-stonith model against real Corosync 3 + Pacemaker 2.1 in
 * network namespaces this script creates and removes: `calib-pcmk-lan` holds a bridge;
 * `calib-pcmk-a` and `calib-pcmk-b` are the two cluster nodes (10.98.0.1, .2) and
 * `calib-pcmk-c` the client (10.98.0.10). Each node also runs in its own mount and UTS
 * namespace, where per-trial directories are bind-mounted over the fixed paths Corosync and
 * Pacemaker use (/etc/corosync, /var/lib/corosync, /var/lib/pacemaker, /var/log/pacemaker,
 * /run, and a private /dev/shm for libqb's IPC rings; libqb's abstract unix sockets are per
 * network namespace already), so two full stacks run side by side on one machine.
 *
 * The cluster is the model's defaults: corosync knet over the veths, totem token 3000 ms
 * (consensus derived: 3600 ms), votequorum two_node; Pacemaker with stonith-enabled, one fence
 * device per node (calibration/lib/fence-ns-agent.pl, bind-mounted over fence_dummy: a hard
 * power-off of the target namespace, its interface down and every process SIGKILLed), and the
 * resource, an ocf:heartbeat:IPaddr2 VIP (10.98.0.100, arp_count 5 / 200 ms, its defaults) with a
 * location preference for `a`. Behind the VIP every node runs a TCP echo service; the client
 * sends a request to the VIP 200 times a second, each on its own connection (calibration/lib/tcp-echo.ts). Every other cluster option
 * is Pacemaker's default, dc-deadtime included (20 s: a trial's set-up waits for it).
 *
 * Faults (`--fault`), at a random time 2-5 s after the client is first served by `a`:
 * - `host-death` (default): every process of host `a` (the DC, running the VIP) SIGKILLed at
 *   once, its kernel left alive (hasim's process-crash): `b` loses the token, forms a new
 *   membership after consensus, fences `a` and starts the VIP.
 * - `graceful-stop`: SIGTERM to a's pacemakerd, then, once it has exited, to its corosync (what
 *   `pcs cluster stop` does): a asks to shut down, its VIP is stopped and b's started, a's
 *   controller exits and corosync announces the leave. No fencing. Steps: a's "Result of stop
 *   operation for vip on a: ok" (vipStopped), b's start as above, b's corosync "Members left: 1"
 *   (membership), and the client's view. a's echo service keeps running.
 * - `partition`: a and b cut from each other (iptables DROP of b's address on INPUT and OUTPUT
 *   in a's namespace), the client still reaching both, the fence devices acting out of band (as
 *   IPMI on a management network). Both lose the token at once, keep quorum (two_node) and race
 *   to fence each other: a, the DC, runs its scheduler at once; b first elects itself DC. Steps
 *   per node (tokenLostA/B, membershipA/B, b's election, fenceRequestedA/B, each fence agent's
 *   begin and done, fencedA/B), b's VIP start, the client's last reply from a and first from b;
 *   per trial who survived (`aSurvived`, `bSurvived`: its corosync still runs) and whether the
 *   client was served by a after b (`bothServed`). `--delay-a-s N` / `--delay-b-s N` set
 *   pcmk_delay_base on the device that fences a / b, `--priority-fencing-delay-s N` the cluster's
 *   priority-fencing-delay (with priority 10 on the VIP); the experiment's name carries them
 *   (`partition-delay-a-5s`).
 *
 * Steps (ms from the fault) come from the systems' own logs, which carry millisecond timestamps
 * of this machine's clock: corosync on b "A processor failed, forming new configuration"
 * (tokenLost) and "A new membership ... was formed. Members left: 1" (membership), b's
 * pacemaker-controld "Requesting fencing (reboot) of node a" (fenceRequested), the fencer's
 * "Operation 'reboot' targeting a ... OK" (fenced), "Result of start operation for vip on b: ok"
 * (vipStarted); the fence agent's own log (fenceAgentDone), and the client's first failed
 * attempt after the fault and first request served by b. Per host-death and partition trial,
 * `throttled`: some node's controller had reported high load before the fault (its "New
 * throttle mode" line), so the DC ran the transition one action at a time (controld_throttle.c).
 *
 * Run as root: `npm run calibrate pacemaker -- --trials 25`, or
 * `npx tsx calibration/pacemaker.ts --fault host-death|graceful-stop|partition --trials 25 [--delay-a-s 5]
 * [--seed N] [--keep]`.
 * Prerequisites (Debian): corosync, pacemaker, resource-agents (IPaddr2), perl, util-linux
 * (unshare, nsenter), iproute2.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, copyFileSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { bound, killAll, nowMs, onCleanup, sleep, start, tempDir, waitFor } from './lib/procs.ts';
import { FixtureWriter, SetupError, flag, recordTrials, versionOf } from './lib/record.ts';
import { ip, makeLan } from './lib/netns-lan.ts';
import { TCP_ECHO_CLIENT, TCP_ECHO_SERVICE } from './lib/tcp-echo.ts';
import { readStamped, type Stamped } from './lib/stamped-log.ts';

const FAULT = flag('fault', 'host-death');
const FAULTS = ['host-death', 'graceful-stop', 'partition'];
if (!FAULTS.includes(FAULT)) {
  console.error(`pacemaker: --fault: expected one of ${FAULTS.join(', ')}, found '${FAULT}'`);
  process.exit(2);
}
const TRIALS = Number(flag('trials', '20'));
if (!Number.isInteger(TRIALS) || TRIALS < 1) {
  console.error(`pacemaker: --trials: expected a positive integer, found '${flag('trials', '20')}'`);
  process.exit(2);
}
/** A duration flag in seconds (`--delay-a-s 5`), checked before any work. */
function secondsFlag(name: string): number {
  const value = Number(flag(name, '0'));
  if (!Number.isFinite(value) || value < 0) {
    console.error(`pacemaker: --${name}: expected a non-negative number of seconds, found '${flag(name, '0')}'`);
    process.exit(2);
  }
  return value;
}
/** pcmk_delay_base of the device fencing each node (`--delay-a-s`, `--delay-b-s`), and priority-fencing-delay. */
const DELAY_BASE_S = { a: secondsFlag('delay-a-s'), b: secondsFlag('delay-b-s') };
const PRIORITY_FENCING_DELAY_S = secondsFlag('priority-fencing-delay-s');
/** The fixture's experiment name: the fault, and the fencing delays when set. */
const EXPERIMENT = [
  FAULT,
  ...(['a', 'b'] as const).filter((n) => DELAY_BASE_S[n] > 0).map((n) => `delay-${n}-${DELAY_BASE_S[n]}s`),
  ...(PRIORITY_FENCING_DELAY_S > 0 ? [`priority-delay-${PRIORITY_FENCING_DELAY_S}s`] : []),
].join('-');
const SETTINGS = {
  fault: FAULT,
  nodes: 2,
  transport: 'knet',
  tokenMs: 3000,
  consensusMs: 'derived (1.2 x token = 3600)',
  twoNode: true,
  stonithEnabled: true,
  stonithAction: 'reboot',
  fenceAgent: 'namespace power-off (interface down, every process SIGKILLed), perl',
  resource: 'ocf:heartbeat:IPaddr2 (arp_count 5, arp_interval 200 ms), location a 100',
  dcDeadtime: 'default (20 s)',
  requestsPerSecond: 200,
  requestTimeoutMs: 1000,
  client: 'TCP, open loop: one connection per request, not retried',
  faultWindowMs: [2000, 5000],
  pcmkDelayBaseS: DELAY_BASE_S,
  priorityFencingDelayS: PRIORITY_FENCING_DELAY_S,
  ...(FAULT === 'partition' ? { partition: "a | b: iptables DROP of b's address on INPUT and OUTPUT in a's namespace (the client reaches both); the fence devices act out of band" } : {}),
};
const NS = { lan: 'calib-pcmk-lan', a: 'calib-pcmk-a', b: 'calib-pcmk-b', c: 'calib-pcmk-c' };
const ADDR = { a: '10.98.0.1', b: '10.98.0.2', c: '10.98.0.10' };
const VIP = '10.98.0.100';
const PORT = 9000;
const NODES = ['a', 'b'] as const;
type NodeName = (typeof NODES)[number];
bound(Number(flag('limit-s', '3600')) * 1000);


/** The namespaces' `net:[inode]` links, and the paths through which the fence agent enters them. */
const netnsIno: Record<string, string> = {};
const NS_HOSTS = ['a', 'b', 'c'] as const;
const netnsPath: Record<string, string> = {};

function makeNetwork(): void {
  makeLan(NS.lan, [
    { ns: NS.a, addr: ADDR.a },
    { ns: NS.b, addr: ADDR.b },
    { ns: NS.c, addr: ADDR.c },
  ]);
  // registered after the namespaces' deletion, so it runs before it: whatever still runs in the
  // namespaces (a daemon pacemakerd respawned while its tree was being killed, a detached
  // send_arp) is ours: end it, or it keeps the namespace alive
  onCleanup(() => {
    for (const host of NS_HOSTS) if (netnsIno[host]) killHost(host);
  });
  for (const host of NS_HOSTS) netnsIno[host] = execFileSync('ip', ['netns', 'exec', NS[host], 'readlink', '/proc/self/ns/net'], { encoding: 'utf8' }).trim();
  for (const host of NODES) {
    // held open for the whole run: the fence agent enters the namespace through this fd, which
    // every mount namespace sees (the nodes' private /run hides /run/netns)
    const fd = openSync(`/run/netns/${NS[host]}`, 'r');
    netnsPath[host] = `/proc/${process.pid}/fd/${fd}`;
  }
}

/** Every process in `host`'s network namespace (its whole "host"), walked from /proc. */
function pidsOf(host: NodeName | 'c'): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/ns/net`) === netnsIno[host]) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** A process's command name, or undefined once it is gone. */
function commOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function killHost(host: NodeName | 'c'): void {
  for (const pid of pidsOf(host)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/**
 * Ends everything in the namespaces (IPaddr2's send_arp runs detached, outside any tree this
 * script started) and then what it started, and waits until the namespaces are empty, so the
 * next trial's daemons find their abstract sockets free.
 */
async function clearHosts(): Promise<void> {
  for (const host of ['a', 'b', 'c'] as const) killHost(host);
  await killAll();
  await waitFor(() => (['a', 'b', 'c'] as const).every((h) => pidsOf(h).length === 0), 5000, 50);
}

const COROSYNC_CONF = `totem {
  version: 2
  cluster_name: calib
  transport: knet
  crypto_cipher: none
  crypto_hash: none
  token: ${SETTINGS.tokenMs}
}
logging {
  to_stderr: yes
  to_logfile: no
  to_syslog: no
  timestamp: hires
}
quorum {
  provider: corosync_votequorum
  two_node: 1
}
nodelist {
${NODES.map((n, i) => `  node {\n    name: ${n}\n    nodeid: ${i + 1}\n    ring0_addr: ${ADDR[n]}\n  }`).join('\n')}
}
`;

function cibXml(dir: string): string {
  const fence = (n: NodeName) => `      <primitive id="fence-${n}" class="stonith" type="fence_dummy">
        <instance_attributes id="fence-${n}-i">
          <nvpair id="fence-${n}-h" name="pcmk_host_list" value="${n}"/>
          <nvpair id="fence-${n}-d" name="calib_dir" value="${dir}"/>${DELAY_BASE_S[n] > 0 ? `\n          <nvpair id="fence-${n}-delay" name="pcmk_delay_base" value="${DELAY_BASE_S[n]}s"/>` : ''}
        </instance_attributes>
      </primitive>`;
  return `<cib validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="o-stonith" name="stonith-enabled" value="true"/>
        <nvpair id="o-name" name="cluster-name" value="calib"/>${PRIORITY_FENCING_DELAY_S > 0 ? `\n        <nvpair id="o-pfd" name="priority-fencing-delay" value="${PRIORITY_FENCING_DELAY_S}s"/>` : ''}
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
${NODES.map(fence).join('\n')}
      <primitive id="vip" class="ocf" provider="heartbeat" type="IPaddr2">
        <instance_attributes id="vip-i">
          <nvpair id="vip-ip" name="ip" value="${VIP}"/>
          <nvpair id="vip-m" name="cidr_netmask" value="24"/>
          <nvpair id="vip-n" name="nic" value="eth0"/>
        </instance_attributes>
        <operations><op id="vip-mon" name="monitor" interval="10s"/></operations>${PRIORITY_FENCING_DELAY_S > 0 ? '\n        <meta_attributes id="vip-meta"><nvpair id="vip-prio" name="priority" value="10"/></meta_attributes>' : ''}
      </primitive>
    </resources>
    <constraints>
      <rsc_location id="vip-prefers-a" rsc="vip" node="a" score="100"/>
    </constraints>
  </configuration>
  <status/>
</cib>
`;
}

const HACLUSTER = { uid: Number(execFileSync('id', ['-u', 'hacluster'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'hacluster'], { encoding: 'utf8' })) };

/** A node's directories (fresh each trial) and the shell that mounts them and starts its stack. */
function nodeLauncher(dir: string, host: NodeName): string[] {
  const d = join(dir, host);
  const sub = (p: string) => join(d, p);
  for (const p of ['etc', 'var-lib-corosync', 'var-lib-pacemaker/cib', 'var-lib-pacemaker/pengine', 'var-lib-pacemaker/blackbox', 'var-lib-pacemaker/cores', 'log-pacemaker', 'run/crm', 'run/resource-agents']) mkdirSync(sub(p), { recursive: true });
  writeFileSync(sub('etc/corosync.conf'), COROSYNC_CONF);
  writeFileSync(sub('var-lib-pacemaker/cib/cib.xml'), cibXml(dir), { mode: 0o600 });
  for (const p of ['var-lib-pacemaker', 'var-lib-pacemaker/cib', 'var-lib-pacemaker/pengine', 'var-lib-pacemaker/blackbox', 'var-lib-pacemaker/cores', 'var-lib-pacemaker/cib/cib.xml', 'log-pacemaker', 'run/crm']) chownSync(sub(p), HACLUSTER.uid, HACLUSTER.gid);
  chmodSync(sub('var-lib-pacemaker/cib'), 0o750);
  const script = [
    'set -e',
    `hostname ${host}`,
    `mount --bind ${sub('etc')} /etc/corosync`,
    `mount --bind ${sub('var-lib-corosync')} /var/lib/corosync`,
    `mount --bind ${sub('var-lib-pacemaker')} /var/lib/pacemaker`,
    `mount --bind ${sub('log-pacemaker')} /var/log/pacemaker`,
    `mount --bind ${sub('run')} /run`,
    'mount -t tmpfs tmpfs /dev/shm',
    `mount --bind ${join(dir, 'fence-agent')} /usr/sbin/fence_dummy`,
    'corosync -f &',
    // pacemakerd retries its CMAP connection for 5 s; give corosync a head start
    'sleep 1',
    'PCMK_logfile=/var/log/pacemaker/pacemaker.log PCMK_logfacility=none pacemakerd -f &',
    'wait',
  ].join('\n');
  return ['netns', 'exec', NS[host], 'nice', '-n', '-15', 'unshare', '--mount', '--uts', '--propagation', 'private', 'sh', '-c', script];
}

async function trial(index: number, rng: () => number): Promise<Record<string, unknown>> {
  try {
    return await runTrial(index, rng);
  } finally {
    await clearHosts();
  }
}

async function runTrial(index: number, rng: () => number): Promise<Record<string, unknown>> {
  const dir = tempDir(`calib-pcmk-${index}-`);
  chmodSync(dir, 0o755);
  copyFileSync(join(dirname(), 'lib', 'fence-ns-agent.pl'), join(dir, 'fence-agent'));
  chmodSync(join(dir, 'fence-agent'), 0o755);
  for (const host of NODES) {
    writeFileSync(join(dir, `target-${host}.ino`), netnsIno[host] + '\n');
    writeFileSync(join(dir, `target-${host}.ns`), netnsPath[host] + '\n');
  }
  // a fenced host's interface is down: bring both up for the new trial
  for (const host of NODES) ip('-n', NS[host], 'link', 'set', 'eth0', 'up');
  // and the last trial's partition is healed
  ip('netns', 'exec', NS.a, 'iptables', '-F');
  const pcmkLog = (host: NodeName) => join(dir, host, 'log-pacemaker', 'pacemaker.log');
  const csLog = (host: NodeName) => join(dir, `stack-${host}.log`);

  for (const host of NODES) start(`service-${host}`, 'ip', ['netns', 'exec', NS[host], 'nice', '-n', '-15', process.execPath, '-e', TCP_ECHO_SERVICE, host, String(PORT)], join(dir, `svc-${host}.log`));
  // a alone first, until it has elected itself DC (after dc-deadtime), then b joins it: the DC is
  // `a`, as in the model (started together, either may win: the election compares CPU time used)
  const t0 = nowMs();
  start('stack-a', 'ip', nodeLauncher(dir, 'a'), csLog('a'));
  const aIsDc = () => readStamped(pcmkLog('a'), t0).some((l) => /S_ELECTION -> S_INTEGRATION/.test(l.text));
  if (!(await waitFor(aIsDc, 60_000, 200))) throw new SetupError('a did not become DC within 60 s');
  start('stack-b', 'ip', nodeLauncher(dir, 'b'), csLog('b'));
  const vipOnA = () => readStamped(pcmkLog('a'), t0).some((l) => /Result of start operation for vip on a: ok/.test(l.text));
  // dc-deadtime (20 s) passes before the first election, then the first transition starts the VIP
  if (!(await waitFor(vipOnA, 60_000, 200))) throw new SetupError('the VIP did not start on a within 60 s');

  const sent = new Map<number, number>();
  const replies: { seq: number; host: string; ms: number }[] = [];
  const failures: { seq: number; ms: number; reason: string }[] = [];
  start(
    'client',
    'ip',
    ['netns', 'exec', NS.c, 'nice', '-n', '-15', process.execPath, '-e', TCP_ECHO_CLIENT, VIP, String(PORT), String(SETTINGS.requestsPerSecond), String(SETTINGS.requestTimeoutMs)],
    join(dir, 'client.log'),
    {
      onLine: (text) => {
        const [kind, seq, a, b, reason] = text.split(' ');
        if (kind === 'S') sent.set(Number(seq), Number(a));
        else if (kind === 'R') replies.push({ seq: Number(seq), host: a, ms: Number(b) });
        else if (kind === 'F') failures.push({ seq: Number(seq), ms: Number(a), reason: [b, reason].filter(Boolean).join(' ') });
      },
    },
  );
  if (!(await waitFor(() => replies.some((r) => r.host === 'a'), 10_000, 20))) throw new SetupError('the client was not served by a');
  const [lo, hi] = SETTINGS.faultWindowMs;
  await sleep(lo + rng() * (hi - lo));

  // the PIDs first, then the fault's time and the kills at once (walking /proc takes a while)
  const victims = pidsOf('a');
  const named = (comm: string) => victims.find((pid) => commOf(pid) === comm);
  const pacemakerd = named('pacemakerd');
  const corosync = named('corosync');
  const faultAtMs = nowMs();
  if (FAULT === 'host-death') {
    for (const pid of victims) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  } else if (FAULT === 'partition') {
    // a's namespace drops everything from and to b: a full cut between the nodes (corosync's
    // knet and Pacemaker's traffic), while the client reaches both and the fence devices act
    // out of band, as IPMI on a management network
    ip('netns', 'exec', NS.a, 'sh', '-c', `iptables -A INPUT -s ${ADDR.b} -j DROP && iptables -A OUTPUT -d ${ADDR.b} -j DROP`);
  } else {
    if (pacemakerd === undefined || corosync === undefined) throw new SetupError('pacemakerd or corosync not found on a');
    process.kill(pacemakerd, 'SIGTERM');
    // pcs cluster stop: corosync is stopped once pacemaker has exited
    if (await waitFor(() => commOf(pacemakerd) !== 'pacemakerd', 60_000, 20)) process.kill(corosync, 'SIGTERM');
  }
  if (FAULT === 'partition') return partitionOutcome(dir, faultAtMs, index, { sent, replies, failures });
  const servedByB = await waitFor(() => replies.some((r) => r.host === 'b' && r.ms > faultAtMs), 30_000, 50);
  await sleep(SETTINGS.requestTimeoutMs + 200);
  await clearHosts();

  const near = faultAtMs;
  const cs = readStamped(csLog('b'), near);
  const pb = readStamped(pcmkLog('b'), near);
  const pa = readStamped(pcmkLog('a'), near);
  const first = (lines: Stamped[], pattern: RegExp) => lines.find((l) => l.ms >= faultAtMs - 1 && pattern.test(l.text))?.ms;
  const fenceLog = existsSync(join(dir, 'fence.log')) ? readFileSync(join(dir, 'fence.log'), 'utf8').split('\n').filter(Boolean) : [];
  const fenceAt = (what: string) => {
    const line = fenceLog.find((l) => l.split(' ')[1] === what && l.split(' ')[3] === 'a');
    return line === undefined ? undefined : Number(line.split(' ')[0]);
  };
  const firstFail = failures.find((f) => (sent.get(f.seq) ?? 0) >= faultAtMs || f.ms >= faultAtMs);
  const firstServedByB = replies.find((r) => r.host === 'b' && r.ms > faultAtMs);
  const rel = (ms: number | undefined) => (ms === undefined ? null : Math.round((ms - faultAtMs) * 10) / 10);
  const dcBefore = [...pa.filter((l) => l.ms < faultAtMs && /S_ELECTION -> S_INTEGRATION/.test(l.text)).map(() => 'a'), ...readStamped(pcmkLog('b'), near).filter((l) => l.ms < faultAtMs && /S_ELECTION -> S_INTEGRATION/.test(l.text)).map(() => 'b')];
  if (FAULT === 'graceful-stop') {
    const steps: Record<string, number | null> = {
      vipStopped: rel(first(pa, /Result of stop operation for vip on a: ok/)),
      vipStartBegin: rel(first(pb, /Requesting local execution of start operation for vip on b/)),
      vipStarted: rel(first(pb, /Result of start operation for vip on b: ok/)),
      membership: rel(first(cs, /A new membership .* was formed\. Members left: 1/)),
      clientFirstFailed: rel(firstFail?.ms),
      clientFirstServed: rel(firstServedByB?.ms),
    };
    return {
      trial: index,
      completed: servedByB && steps.vipStarted !== null && steps.vipStopped !== null,
      steps,
      dc: dcBefore.at(-1) ?? null,
      fenced: fenceLog.length > 0,
      firstFailure: firstFail?.reason ?? null,
      lostAckedWrites: 0,
    };
  }
  const steps: Record<string, number | null> = {
    tokenLost: rel(first(cs, /A processor failed, forming new configuration/)),
    membership: rel(first(cs, /A new membership .* was formed\. Members left: 1/)),
    fenceRequested: rel(first(pb, /Requesting fencing \(reboot\) of node a/)),
    fenceAgentDone: rel(fenceAt('done')),
    fenced: rel(first(pb, /Operation 'reboot' targeting a by b .*: OK/)),
    vipStartBegin: rel(first(pb, /Requesting local execution of start operation for vip on b/)),
    vipStarted: rel(first(pb, /Result of start operation for vip on b: ok/)),
    clientFirstFailed: rel(firstFail?.ms),
    clientFirstServed: rel(firstServedByB?.ms),
  };
  return {
    trial: index,
    completed: servedByB && steps.vipStarted !== null && steps.fenced !== null,
    steps,
    dc: dcBefore.at(-1) ?? null,
    throttled: throttledAtFault(dir, faultAtMs),
    killedPids: victims.length,
    firstFailure: firstFail?.reason ?? null,
    failedAttempts: failures.filter((f) => f.ms >= faultAtMs && (firstServedByB === undefined || f.ms <= firstServedByB.ms)).length,
    lostAckedWrites: 0,
  };
}

interface ClientLog {
  sent: Map<number, number>;
  replies: { seq: number; host: string; ms: number }[];
  failures: { seq: number; ms: number; reason: string }[];
}

/**
 * 1 when, at the fault, some node's controller had last reported high (or extreme) load: each
 * controller checks its load every 30 s and broadcasts a change of mode ("New throttle mode",
 * controld_throttle.c), and while any node's last mode is high the DC runs a transition's
 * actions one at a time (throttle_get_total_job_limit: max(1, peers / 2)), so after a fence the
 * fenced node's fence device starts before the VIP, not beside it. Whether a's first report (30
 * s after its controller started) came before the fault is an accident of the trial's timing.
 */
function throttledAtFault(dir: string, faultAtMs: number): 0 | 1 {
  for (const host of NODES) {
    const modes = readStamped(join(dir, host, 'log-pacemaker', 'pacemaker.log'), faultAtMs).filter((l) => l.ms < faultAtMs && /New throttle mode: /.test(l.text));
    if (/New throttle mode: (high|extreme) load/.test(modes.at(-1)?.text ?? '')) return 1;
  }
  return 0;
}

/** Whether `host`'s cluster stack still runs (a fenced node's processes are all killed). */
function stackAlive(host: NodeName): boolean {
  return pidsOf(host).some((pid) => commOf(pid) === 'corosync');
}

/**
 * A partition's fence race, to its end: both nodes lose the token and form a membership of
 * their own (two_node keeps quorum on each side); a, the DC, schedules the fencing of b at
 * once, while b first elects itself DC. Waits until a fence agent has acted (plus time for a
 * second one racing it, and for b to start the VIP if it won), then reads each node's steps
 * from its own logs, who survived, and whether the client was ever served by both.
 */
async function partitionOutcome(dir: string, faultAtMs: number, index: number, client: ClientLog): Promise<Record<string, unknown>> {
  const fenceLines = () => (existsSync(join(dir, 'fence.log')) ? readFileSync(join(dir, 'fence.log'), 'utf8').split('\n').filter(Boolean) : []);
  const someFenceDone = () => fenceLines().some((l) => l.split(' ')[1] === 'done');
  // the token (3 s), consensus (3.6 s), a round, and the longest delay configured
  const limitMs = 20_000 + 1000 * Math.max(DELAY_BASE_S.a, DELAY_BASE_S.b, PRIORITY_FENCING_DELAY_S);
  const fenced = await waitFor(someFenceDone, limitMs, 50);
  // a fence racing the first one, and the winner's resources
  await sleep(2000);
  const bAlive = stackAlive('b');
  const aAlive = stackAlive('a');
  if (bAlive && !aAlive) await waitFor(() => client.replies.some((r) => r.host === 'b' && r.ms > faultAtMs), 10_000, 50);
  await sleep(SETTINGS.requestTimeoutMs + 200);
  const survivor = aAlive && bAlive ? 'both' : aAlive ? 'a' : bAlive ? 'b' : 'none';
  // the client's view ends here: the teardown kills the survivor's service too
  const endMs = nowMs();
  await clearHosts();

  const pa = readStamped(join(dir, 'a', 'log-pacemaker', 'pacemaker.log'), faultAtMs);
  const pb = readStamped(join(dir, 'b', 'log-pacemaker', 'pacemaker.log'), faultAtMs);
  const csA = readStamped(join(dir, 'stack-a.log'), faultAtMs);
  const csB = readStamped(join(dir, 'stack-b.log'), faultAtMs);
  const first = (lines: Stamped[], pattern: RegExp) => lines.find((l) => l.ms >= faultAtMs - 1 && pattern.test(l.text))?.ms;
  const agent = (what: 'begin' | 'done', target: NodeName) => {
    const line = fenceLines().find((l) => l.split(' ')[1] === what && l.split(' ')[3] === target);
    return line === undefined ? undefined : Number(line.split(' ')[0]);
  };
  const rel = (ms: number | undefined) => (ms === undefined ? null : Math.round((ms - faultAtMs) * 10) / 10);
  const after = client.replies.filter((r) => r.ms > faultAtMs && r.ms < endMs);
  const firstByB = after.find((r) => r.host === 'b');
  const lastByA = after.filter((r) => r.host === 'a').at(-1);
  const firstFail = client.failures.find((f) => ((client.sent.get(f.seq) ?? 0) >= faultAtMs || f.ms >= faultAtMs) && (client.sent.get(f.seq) ?? f.ms) < endMs - SETTINGS.requestTimeoutMs);
  const steps: Record<string, number | null> = {
    tokenLostA: rel(first(csA, /A processor failed, forming new configuration/)),
    tokenLostB: rel(first(csB, /A processor failed, forming new configuration/)),
    membershipA: rel(first(csA, /A new membership .* was formed/)),
    membershipB: rel(first(csB, /A new membership .* was formed/)),
    electedDcB: rel(first(pb, /S_ELECTION -> S_INTEGRATION/)),
    fenceRequestedA: rel(first(pa, /Requesting fencing \(reboot\) of node b/)),
    fenceRequestedB: rel(first(pb, /Requesting fencing \(reboot\) of node a/)),
    fenceAgentBeginB: rel(agent('begin', 'b')),
    fenceAgentDoneB: rel(agent('done', 'b')),
    fenceAgentBeginA: rel(agent('begin', 'a')),
    fenceAgentDoneA: rel(agent('done', 'a')),
    fencedB: rel(first(pa, /Operation 'reboot' targeting b by a .*: OK/)),
    fencedA: rel(first(pb, /Operation 'reboot' targeting a by b .*: OK/)),
    vipStartedB: rel(first(pb, /Result of start operation for vip on b: ok/)),
    clientFirstFailed: rel(firstFail?.ms),
    clientLastServedA: rel(lastByA?.ms),
    clientFirstServedB: rel(firstByB?.ms),
  };
  return {
    trial: index,
    completed: fenced && survivor !== 'both' && (survivor !== 'b' || firstByB !== undefined),
    steps,
    survivor,
    throttled: throttledAtFault(dir, faultAtMs),
    aSurvived: aAlive ? 1 : 0,
    bSurvived: bAlive ? 1 : 0,
    // the client served by a after b had served it: both nodes ran the VIP at once
    bothServed: firstByB !== undefined && lastByA !== undefined && lastByA.ms > firstByB.ms ? 1 : 0,
    firstFailure: firstFail?.reason ?? null,
    failedAttempts: client.failures.filter((f) => f.ms >= faultAtMs && (client.sent.get(f.seq) ?? f.ms) < endMs - SETTINGS.requestTimeoutMs).length,
    lostAckedWrites: 0,
  };
}

function dirname(): string {
  return new URL('.', import.meta.url).pathname;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('pacemaker: needs root (network and mount namespaces)');
    process.exit(2);
  }
  for (const [tool, args] of [['corosync', ['-v']], ['pacemakerd', ['--version']], ['perl', ['-e', 'print $^V']], ['nsenter', ['--version']]] as const) {
    if (versionOf(tool, [...args]) === 'unknown') {
      console.error(`pacemaker: '${tool}' not found: install corosync, pacemaker, resource-agents, perl and util-linux`);
      process.exit(2);
    }
  }
  if (!existsSync('/usr/lib/ocf/resource.d/heartbeat/IPaddr2') || !existsSync('/usr/sbin/fence_dummy')) {
    console.error('pacemaker: needs resource-agents (ocf:heartbeat:IPaddr2) and fence-agents (/usr/sbin/fence_dummy, the mount point of the harness agent)');
    process.exit(2);
  }
  makeNetwork();
  const writer = new FixtureWriter({
    system: 'pacemaker',
    experiment: EXPERIMENT,
    description: {
      'graceful-stop': "SIGTERM to a's pacemakerd (a is the DC, running the VIP), then to its corosync once pacemakerd exited (pcs cluster stop); the VIP moves to b without fencing; 2 nodes + a TCP client in network namespaces on one bridge, each node in its own mount namespace",
      'host-death': "every process of host a (the DC, running the VIP) SIGKILLed at once, its kernel alive; b fences it (namespace power-off) and starts the IPaddr2 VIP; 2 nodes + a TCP client in network namespaces on one bridge, each node in its own mount namespace",
      partition: `a (the DC, running the VIP) and b cut from each other (iptables in a's namespace), the client reaching both: both lose the token, keep quorum (two_node) and race to fence each other (namespace power-off, out of band); pcmk_delay_base a ${DELAY_BASE_S.a} s, b ${DELAY_BASE_S.b} s, priority-fencing-delay ${PRIORITY_FENCING_DELAY_S} s; 2 nodes + a TCP client in network namespaces on one bridge, each node in its own mount namespace`,
    }[FAULT]!,
    versions: {
      corosync: versionOf('corosync', ['-v']),
      pacemaker: versionOf('pacemakerd', ['--version']),
      'resource-agents': execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'resource-agents'], { encoding: 'utf8' }),
      kernel: execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim(),
    },
    settings: SETTINGS,
  });
  await recordTrials(writer, TRIALS, trial, (record, s) => FAULT === 'partition' ? `survivor ${record.survivor} token a ${s.tokenLostA} b ${s.tokenLostB} dc b ${s.electedDcB} fence req a ${s.fenceRequestedA} b ${s.fenceRequestedB} agent done b ${s.fenceAgentDoneB} a ${s.fenceAgentDoneA} vip b ${s.vipStartedB} failed ${s.clientFirstFailed} last a ${s.clientLastServedA} served b ${s.clientFirstServedB} both ${record.bothServed}` : FAULT === 'graceful-stop' ? `dc ${record.dc} vip stopped ${s.vipStopped} started ${s.vipStarted} membership ${s.membership} failed ${s.clientFirstFailed} served ${s.clientFirstServed}` : `dc ${record.dc} token ${s.tokenLost} membership ${s.membership} fence req ${s.fenceRequested} fenced ${s.fenced} vip ${s.vipStarted} failed ${s.clientFirstFailed} served ${s.clientFirstServed}`);
}

await main();
process.exit(0);
