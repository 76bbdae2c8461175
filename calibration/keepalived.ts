/**
 * Calibration of hasim's keepalived-vrrp model against real keepalived (VRRPv2) in network
 * namespaces this script creates and removes: `calib-lan` holds a bridge; `calib-a` (priority
 * 150, the MASTER), `calib-b` (priority 100) and `calib-c` (the client) each have one veth on it
 * (10.99.0.1, .2, .10; the VIP is 10.99.0.100). Each host also runs the "trading service", a UDP
 * echo answering with its host name; the client sends a request to the VIP every 5 ms.
 *
 * Faults (`--fault`), at a random phase of the 1 s advert period:
 * - `host-death` (default): keepalived and the service of `a` SIGKILLed at once, as hasim's
 *   process-crash of a keepalived node (one process per host). The VIP stays configured on a's
 *   interface, but nothing answers behind it; `b` takes over after Master_Down_Interval.
 * - `graceful-stop`: SIGTERM to a's keepalived only: it sends a priority-0 advert and drops the
 *   VIP; `b` takes over after Skew_Time. The service on `a` keeps running.
 *
 * Steps come from keepalived's own log lines, read as they are written (stamped on arrival):
 * b's "Entering MASTER STATE"; the client's first failed request (sent after the fault, no
 * answer within 1 s: failed at send + 1 s) and first request served by `b`.
 *
 * Run as root: `npm run calibrate keepalived -- --trials 20 [--fault graceful-stop]`.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bound, descendants, killAll, killPid, nowMs, onCleanup, sleep, start, tempDir, waitFor, type Proc } from './lib/procs.ts';
import { FixtureWriter, flag, versionOf, recordTrials } from './lib/record.ts';

const FAULT = flag('fault', 'host-death');
if (FAULT !== 'host-death' && FAULT !== 'graceful-stop') {
  console.error(`keepalived: --fault: expected host-death or graceful-stop, found '${FAULT}'`);
  process.exit(2);
}
const SETTINGS = {
  fault: FAULT,
  advertIntS: 1,
  priorityA: 150,
  priorityB: 100,
  requestsPerSecond: 200,
  requestTimeoutMs: 1000,
  garpMasterDelayS: 5,
  garpMasterRepeat: 5,
  faultWindowMs: [2000, 5000],
};
const TRIALS = Number(flag('trials', '20'));
const NS = { lan: 'calib-lan', a: 'calib-a', b: 'calib-b', c: 'calib-c' };
const ADDR = { a: '10.99.0.1', b: '10.99.0.2', c: '10.99.0.10' };
const VIP = '10.99.0.100';
const PORT = 9000;
bound(Number(flag('limit-s', '1200')) * 1000);

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });

function makeNetwork(): void {
  for (const ns of Object.values(NS)) ip('netns', 'add', ns);
  onCleanup(() => {
    for (const ns of Object.values(NS)) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // not there
      }
    }
  });
  ip('-n', NS.lan, 'link', 'add', 'br0', 'type', 'bridge');
  ip('-n', NS.lan, 'link', 'set', 'br0', 'up');
  for (const host of ['a', 'b', 'c'] as const) {
    ip('-n', NS[host], 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `p-${host}`, 'netns', NS.lan);
    ip('-n', NS.lan, 'link', 'set', `p-${host}`, 'master', 'br0');
    ip('-n', NS.lan, 'link', 'set', `p-${host}`, 'up');
    ip('-n', NS[host], 'addr', 'add', `${ADDR[host]}/24`, 'dev', 'eth0');
    ip('-n', NS[host], 'link', 'set', 'eth0', 'up');
    ip('-n', NS[host], 'link', 'set', 'lo', 'up');
  }
}

function keepalivedConf(dir: string, host: 'a' | 'b'): string {
  const path = join(dir, `keepalived-${host}.conf`);
  writeFileSync(
    path,
    `global_defs {
  router_id calib_${host}
  vrrp_garp_master_delay ${SETTINGS.garpMasterDelayS}
  vrrp_garp_master_repeat ${SETTINGS.garpMasterRepeat}
}
vrrp_instance VI_1 {
  state ${host === 'a' ? 'MASTER' : 'BACKUP'}
  interface eth0
  virtual_router_id 51
  priority ${host === 'a' ? SETTINGS.priorityA : SETTINGS.priorityB}
  advert_int ${SETTINGS.advertIntS}
  virtual_ipaddress {
    ${VIP}/24 dev eth0
  }
}
`,
  );
  return path;
}

const SERVICE = `const d=require('dgram').createSocket('udp4');d.on('message',(m,r)=>d.send(Buffer.concat([Buffer.from(process.argv[1]+' '),m]),r.port,r.address));d.bind(${PORT});`;
const CLIENT = `const d=require('dgram').createSocket('udp4');let s=0;d.on('message',(m)=>{const [h,q]=m.toString().split(' ');process.stdout.write('R '+q+' '+h+'\\n')});d.bind(()=>{setInterval(()=>{s++;process.stdout.write('S '+s+'\\n');d.send(String(s),${PORT},'${VIP}')},${1000 / SETTINGS.requestsPerSecond})});`;

async function trial(index: number, rng: () => number): Promise<Record<string, unknown>> {
  const dir = tempDir(`calib-ka-${index}-`);
  const lines: { host: string; ms: number; text: string }[] = [];
  const sent = new Map<number, number>();
  const replies: { seq: number; host: string; ms: number }[] = [];
  const ka = (host: 'a' | 'b') =>
    start(`keepalived-${host}`, 'ip', ['netns', 'exec', NS[host], 'keepalived', '-n', '-l', '-D', '-P', '-f', keepalivedConf(dir, host), '-p', join(dir, `${host}.pid`), '-r', join(dir, `${host}-vrrp.pid`)], join(dir, `ka-${host}.log`), {
      onLine: (text, ms) => lines.push({ host, ms, text }),
    });
  const services: Record<string, Proc> = {};
  for (const host of ['a', 'b'] as const) services[host] = start(`service-${host}`, 'ip', ['netns', 'exec', NS[host], process.execPath, '-e', SERVICE, host], join(dir, `svc-${host}.log`));
  const kaA = ka('a');
  await sleep(200);
  const kaB = ka('b');
  const ready = await waitFor(() => lines.some((l) => l.host === 'a' && /Entering MASTER STATE/.test(l.text)) && lines.some((l) => l.host === 'b' && /Entering BACKUP STATE/.test(l.text)), 15_000, 50);
  if (!ready) throw new Error('keepalived did not settle (a MASTER, b BACKUP)');
  start('client', 'ip', ['netns', 'exec', NS.c, process.execPath, '-e', CLIENT], join(dir, 'client.log'), {
    onLine: (text, ms) => {
      const [kind, seq, host] = text.split(' ');
      if (kind === 'S') sent.set(Number(seq), ms);
      else if (kind === 'R') replies.push({ seq: Number(seq), host, ms });
    },
  });
  await waitFor(() => replies.some((r) => r.host === 'a'), 5000, 20);
  const [lo, hi] = SETTINGS.faultWindowMs;
  await sleep(lo + rng() * (hi - lo));

  const faultAtMs = nowMs();
  if (FAULT === 'host-death') {
    const pids = [...descendants(kaA.pid), kaA.pid, services.a.pid];
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  } else {
    killPid(kaA, 'SIGTERM');
  }
  const taken = await waitFor(() => replies.some((r) => r.host === 'b' && r.ms > faultAtMs), 15_000, 20);
  await sleep(SETTINGS.requestTimeoutMs + 200);
  await killAll();

  const after = (l: { ms: number }) => l.ms >= faultAtMs;
  const bMaster = lines.find((l) => l.host === 'b' && after(l) && /Entering MASTER STATE/.test(l.text));
  const bPrio0 = lines.find((l) => l.host === 'b' && after(l) && /priority 0 advert/i.test(l.text));
  const answered = new Set(replies.map((r) => r.seq));
  const firstUnanswered = [...sent].filter(([seq, ms]) => ms >= faultAtMs && !answered.has(seq)).map(([, ms]) => ms).sort((x, y) => x - y)[0];
  const firstFail = firstUnanswered === undefined ? undefined : firstUnanswered + SETTINGS.requestTimeoutMs;
  const firstServedByB = replies.find((r) => r.host === 'b' && r.ms > faultAtMs);
  const rel = (ms: number | undefined) => (ms === undefined ? null : Math.round((ms - faultAtMs) * 10) / 10);
  void kaB;
  return {
    trial: index,
    completed: taken && bMaster !== undefined,
    steps: {
      backupSawPriority0: rel(bPrio0?.ms),
      backupMaster: rel(bMaster?.ms),
      clientFirstFailed: rel(firstFail),
      clientFirstServed: rel(firstServedByB?.ms),
    },
    unansweredRequests: [...sent].filter(([seq, ms]) => ms >= faultAtMs && !answered.has(seq) && (firstServedByB === undefined || ms < firstServedByB.ms)).length,
    lostAckedWrites: 0,
  };
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error('keepalived: needs root (network namespaces)');
    process.exit(2);
  }
  makeNetwork();
  const writer = new FixtureWriter({
    system: 'keepalived',
    experiment: FAULT,
    description:
      FAULT === 'host-death'
        ? 'keepalived and the service of the MASTER host SIGKILLed at once (hasim process-crash); 2 hosts + a client in network namespaces on one bridge'
        : "SIGTERM to the MASTER's keepalived (priority-0 advert), its service kept running; 2 hosts + a client in network namespaces on one bridge",
    versions: { keepalived: versionOf('keepalived', ['--version']), kernel: execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim() },
    settings: SETTINGS,
  });
  await recordTrials(writer, TRIALS, trial, (record, s) => `b master ${s.backupMaster} (prio0 ${s.backupSawPriority0}) failed ${s.clientFirstFailed} served ${s.clientFirstServed}`);
}

await main();
process.exit(0);
