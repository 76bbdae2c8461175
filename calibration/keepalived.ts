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
 * - `check-hang`: a's `vrrp_script` (every host runs one: interval 1 s, timeout 1 s, fall 1,
 *   rise 1, `--weight` 0 by default) starts hanging (it sleeps, as a `curl` to a stuck health
 *   endpoint does), so each run is killed at its timeout and fails. With weight 0 `a` enters FAULT
 *   and sends a priority-0 advert (`b` takes over after Skew_Time); with a negative weight its
 *   priority drops below b's and `b`, discarding the lower-priority adverts, takes over after
 *   Master_Down_Interval. The service on `a` keeps answering throughout.
 * - `preempt-return`: a's keepalived and service SIGKILLed and the VIP taken off its interface
 *   (a host that reboots loses its addresses), then `--return-after-ms` (8000) later both start
 *   again: `a` (priority 150, preempt on) comes back as BACKUP and takes the VIP back from `b`.
 *   Steps of the return are timed from the fault like the others.
 * - `advert-loss`: every packet into or out of `a`'s namespace dropped with probability `--loss`
 *   (0.5) for `--loss-s` (30) seconds, by iptables' statistic match (this kernel has no
 *   sch_netem, so `tc netem loss` is not available): VRRP adverts are datagrams, so `b` takes
 *   over whenever three in a row are lost (Master_Down_Interval 3.61 s) and gives the VIP back
 *   when it next hears `a` (preemption): steps are b's first false takeover, and the count of
 *   takeovers in the window (`takeovers`).
 *
 * Steps come from keepalived's own log lines, read as they are written (stamped on arrival):
 * b's "Entering MASTER STATE"; the client's first failed request (sent after the fault, no
 * answer within 1 s: failed at send + 1 s; only requests sent at least 1 s before the client is
 * stopped count) and first request served by `b`; a's last answer (`masterLastServed`), and
 * under a negative weight a's "Entering BACKUP STATE" (`masterBackup`).
 *
 * Run as root: `npm run calibrate keepalived -- --trials 20` (every fault in turn), or one:
 * `npx tsx calibration/keepalived.ts --fault host-death|graceful-stop|check-hang|preempt-return|advert-loss
 * [--weight -60] [--return-after-ms 8000] [--loss 0.5 --loss-s 30] [--sniff true] [--client tcp] --trials 20`.
 *
 * `--client tcp` runs the Pacemaker harness's TCP service and client instead of the UDP ones
 * (lib/tcp-echo.ts: one connection per request, not retried; failures are the client's own:
 * a reset, a refused connect or the timeout); the experiment's name gets `-tcp`.
 *
 * `--sniff true` also watches the client's bridge port (lib/wire-sniff.py, kernel timestamps)
 * and adds the switch-over as the wire saw it to each trial (lib/wire-steps.ts): b's first
 * advert as MASTER and first gratuitous ARP, a's last reply, and the requests sent to a's MAC
 * that were never answered (`wire` counts); and each host's address changes from netlink
 * (`ip -ts monitor address`): when b added the VIP (`addrBackupVipAdded`) and a removed it
 * (`addrMasterVipRemoved`). These steps are to the hundredth of a ms.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bound, descendants, killAll, killPid, nowMs, sleep, start, tempDir, waitFor, type Proc } from './lib/procs.ts';
import { FixtureWriter, flag, versionOf, recordTrials } from './lib/record.ts';
import { ip, makeLan } from './lib/netns-lan.ts';
import { parseAddressChange, summariseWire, type AddressChange, type WireFrame } from './lib/wire-steps.ts';
import { TCP_ECHO_CLIENT, TCP_ECHO_SERVICE } from './lib/tcp-echo.ts';

const FAULT = flag('fault', 'host-death');
const FAULTS = ['host-death', 'graceful-stop', 'check-hang', 'preempt-return', 'advert-loss'];
if (!FAULTS.includes(FAULT)) {
  console.error(`keepalived: --fault: expected one of ${FAULTS.join(', ')}, found '${FAULT}'`);
  process.exit(2);
}
const WEIGHT = Number(flag('weight', '0'));
if (!Number.isInteger(WEIGHT) || WEIGHT > 0 || WEIGHT < -253) {
  console.error(`keepalived: --weight: expected an integer from -253 to 0, found '${flag('weight', '0')}'`);
  process.exit(2);
}
/**
 * `--client tcp`: the service and client of the Pacemaker harness (lib/tcp-echo.ts: one TCP
 * connection per request, not retried), as hasim's clients ride TCP: a request to a host whose
 * service was killed is refused by its living kernel instead of waiting out its timeout.
 */
const CLIENT_KIND = flag('client', 'udp');
if (CLIENT_KIND !== 'udp' && CLIENT_KIND !== 'tcp') {
  console.error(`keepalived: --client: expected udp or tcp, found '${CLIENT_KIND}'`);
  process.exit(2);
}
const TCP = CLIENT_KIND === 'tcp';
const RETURN_AFTER_MS = Number(flag('return-after-ms', '8000'));
if (!(RETURN_AFTER_MS >= 5000)) {
  console.error(`keepalived: --return-after-ms: expected at least 5000 (b must have taken over), found '${flag('return-after-ms', '8000')}'`);
  process.exit(2);
}
const LOSS = Number(flag('loss', '0.5'));
const LOSS_S = Number(flag('loss-s', '30'));
if (!(LOSS > 0 && LOSS < 1) || !(LOSS_S >= 5 && LOSS_S <= 300)) {
  console.error(`keepalived: --loss: expected a probability between 0 and 1 and --loss-s 5 to 300 seconds, found '${LOSS}' and '${LOSS_S}'`);
  process.exit(2);
}
/** The fixture's experiment name: the fault, with a non-default weight. */
const EXPERIMENT = (FAULT === 'check-hang' && WEIGHT !== 0 ? `check-hang-weight${WEIGHT}` : FAULT === 'advert-loss' ? `advert-loss-${Math.round(LOSS * 100)}` : FAULT) + (TCP ? '-tcp' : '');
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
  ...(TCP ? { client: 'TCP, one connection per request, not retried (lib/tcp-echo.ts)' } : {}),
  ...(FAULT === 'check-hang' ? { vrrpScript: { intervalS: 1, timeoutS: 1, fall: 1, rise: 1, weight: WEIGHT } } : {}),
  ...(FAULT === 'preempt-return' ? { returnAfterMs: RETURN_AFTER_MS, preempt: true, preemptDelayS: 0 } : {}),
  ...(FAULT === 'advert-loss' ? { lossProbability: LOSS, lossS: LOSS_S, loss: "iptables -m statistic --mode random on INPUT and OUTPUT of a's namespace" } : {}),
};
const TRIALS = Number(flag('trials', '20'));
/** `--sniff`: watch the client's wire (lib/wire-sniff.py) and add the switch-over's frames to each trial. */
const SNIFF = flag('sniff', 'false') === 'true';
const NS = { lan: 'calib-lan', a: 'calib-a', b: 'calib-b', c: 'calib-c' };
const ADDR = { a: '10.99.0.1', b: '10.99.0.2', c: '10.99.0.10' };
const VIP = '10.99.0.100';
const PORT = 9000;
bound(Number(flag('limit-s', '1200')) * 1000);

function makeNetwork(): void {
  makeLan(NS.lan, [
    { ns: NS.a, addr: ADDR.a },
    { ns: NS.b, addr: ADDR.b },
    { ns: NS.c, addr: ADDR.c },
  ]);
}

/** A host's MAC address (its eth0). */
function macOf(ns: string): string {
  const [link] = JSON.parse(ip('-n', ns, '-j', 'link', 'show', 'eth0').toString()) as { address: string }[];
  return link.address;
}

function keepalivedConf(dir: string, host: 'a' | 'b'): string {
  const path = join(dir, `keepalived-${host}.conf`);
  // check-hang: the check sleeps while its host's hang file exists (a curl to a stuck endpoint)
  const check = join(dir, `check-${host}.sh`);
  writeFileSync(check, `#!/bin/sh\nif [ -e ${join(dir, `hang-${host}`)} ]; then sleep 100; fi\nexit 0\n`, { mode: 0o755 });
  const script =
    FAULT === 'check-hang'
      ? `vrrp_script chk {
  script "${check}"
  interval 1
  timeout 1
  fall 1
  rise 1
  weight ${WEIGHT}
}
`
      : '';
  writeFileSync(
    path,
    `global_defs {
  router_id calib_${host}
  vrrp_garp_master_delay ${SETTINGS.garpMasterDelayS}
  vrrp_garp_master_repeat ${SETTINGS.garpMasterRepeat}
  script_user root
  enable_script_security
}
${script}vrrp_instance VI_1 {
  state ${host === 'a' ? 'MASTER' : 'BACKUP'}
  interface eth0
  virtual_router_id 51
  priority ${host === 'a' ? SETTINGS.priorityA : SETTINGS.priorityB}
  advert_int ${SETTINGS.advertIntS}
  virtual_ipaddress {
    ${VIP}/24 dev eth0
  }
${FAULT === 'check-hang' ? '  track_script {\n    chk\n  }\n' : ''}}
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
  const failures: { seq: number; ms: number }[] = [];
  const service = (host: 'a' | 'b') =>
    start(`service-${host}`, 'ip', ['netns', 'exec', NS[host], process.execPath, '-e', TCP ? TCP_ECHO_SERVICE : SERVICE, host, ...(TCP ? [String(PORT)] : [])], join(dir, `svc-${host}.log`));
  const services: Record<string, Proc> = {};
  for (const host of ['a', 'b'] as const) services[host] = service(host);
  const kaA = ka('a');
  await sleep(200);
  const kaB = ka('b');
  const ready = await waitFor(() => lines.some((l) => l.host === 'a' && /Entering MASTER STATE/.test(l.text)) && lines.some((l) => l.host === 'b' && /Entering BACKUP STATE/.test(l.text)), 15_000, 50);
  if (!ready) throw new Error('keepalived did not settle (a MASTER, b BACKUP)');
  const clientArgs = TCP ? ['-e', TCP_ECHO_CLIENT, VIP, String(PORT), String(SETTINGS.requestsPerSecond), String(SETTINGS.requestTimeoutMs)] : ['-e', CLIENT];
  start('client', 'ip', ['netns', 'exec', NS.c, process.execPath, ...clientArgs], join(dir, 'client.log'), {
    onLine: (text, ms) => {
      const [kind, seq, a, b] = text.split(' ');
      // the TCP client stamps its own lines (S seq ms, R seq host ms, F seq ms reason)
      if (kind === 'S') sent.set(Number(seq), TCP ? Number(a) : ms);
      else if (kind === 'R') replies.push({ seq: Number(seq), host: a, ms: TCP ? Number(b) : ms });
      else if (kind === 'F') failures.push({ seq: Number(seq), ms: Number(a) });
    },
  });
  await waitFor(() => replies.some((r) => r.host === 'a'), 5000, 20);
  // the client's bridge port (hosts a, b, c are p0, p1, p2): every frame to or from it
  const wire: WireFrame[] = [];
  // and each host's address changes as netlink announces them (`ip -ts monitor address`, stamped
  // by ip as it reads each message: local time to the microsecond): when keepalived's netlink
  // call added or removed the VIP, which the wire cannot show for the old MASTER
  const addressChanges: AddressChange[] = [];
  if (SNIFF) {
    for (const host of ['a', 'b'] as const) {
      start(`addr-monitor-${host}`, 'ip', ['-n', NS[host], '-ts', 'monitor', 'address'], join(dir, `addr-${host}.log`), {
        onLine: (text) => {
          const change = parseAddressChange(text, VIP);
          if (change) addressChanges.push({ ...change, host });
        },
      });
    }
    start('sniffer', 'ip', ['netns', 'exec', NS.lan, 'python3', new URL('./lib/wire-sniff.py', import.meta.url).pathname, 'p2', String(PORT)], join(dir, 'wire.log'), {
      onLine: (text) => {
        const [ms, kind, ...fields] = text.split(' ');
        if (kind) wire.push({ ms: Number(ms), kind, fields });
      },
    });
    await sleep(300);
  }
  const [lo, hi] = SETTINGS.faultWindowMs;
  await sleep(lo + rng() * (hi - lo));

  // a's PIDs first, then the fault's time and the kills at once: walking /proc takes tens of ms
  // at load, which stamped the fault that much early (host death's UDP failure at 1033 ms, not
  // the timeout's 1000 + half a request interval). Every one is stopped before any is killed:
  // keepalived's parent respawns a VRRP child it sees die ("Respawning": with the child killed
  // first, at load a new one was forked before the parent's own kill and outlived the trial
  // advertising priority 150, so b never took over in the trials after), and the VRRP child
  // gets SIGTERM when its parent dies (vrrp_daemon.c: prctl(PR_SET_PDEATHSIG, SIGTERM)), which runs its shutdown path: a
  // priority-0 advert, a graceful stop instead of a host death
  const victimsOfA = [...descendants(kaA.pid), kaA.pid, services.a.pid];
  const faultAtMs = nowMs();
  const killHostA = () => {
    for (const signal of ['SIGSTOP', 'SIGKILL'] as const) {
      for (const pid of victimsOfA) {
        try {
          process.kill(pid, signal);
        } catch {
          // gone
        }
      }
    }
  };
  let returnedAtMs: number | undefined;
  if (FAULT === 'host-death') killHostA();
  else if (FAULT === 'graceful-stop') killPid(kaA, 'SIGTERM');
  else if (FAULT === 'check-hang') writeFileSync(join(dir, 'hang-a'), '');
  else if (FAULT === 'advert-loss') {
    for (const chain of ['INPUT', 'OUTPUT']) ip('netns', 'exec', NS.a, 'iptables', '-A', chain, '-m', 'statistic', '--mode', 'random', '--probability', String(LOSS), '-j', 'DROP');
  }
  else {
    killHostA();
    // a reboot: the host comes back without the address keepalived had configured
    try {
      ip('-n', NS.a, 'addr', 'del', `${VIP}/24`, 'dev', 'eth0');
    } catch {
      // not configured
    }
  }
  let lossEndMs: number | undefined;
  if (FAULT === 'advert-loss') {
    await sleep(faultAtMs + LOSS_S * 1000 - nowMs());
    ip('netns', 'exec', NS.a, 'iptables', '-F');
    lossEndMs = nowMs();
  }
  const taken = FAULT === 'advert-loss' || (await waitFor(() => replies.some((r) => r.host === 'b' && r.ms > faultAtMs), 15_000, 20));
  let returned = true;
  if (FAULT === 'preempt-return') {
    await sleep(faultAtMs + RETURN_AFTER_MS - nowMs());
    returnedAtMs = nowMs();
    services.a = service('a');
    ka('a');
    returned = await waitFor(() => replies.some((r) => r.host === 'a' && r.ms > (returnedAtMs ?? 0)), 15_000, 20);
  }
  await sleep(SETTINGS.requestTimeoutMs + 200);
  // the client stops with the processes: a request sent less than a timeout before then was
  // never given its chance to fail (before, the requests sent while killAll ran counted as
  // failures 1 s later, a failure in every trial that had none)
  const stopAtMs = nowMs();
  await killAll();

  const after = (l: { ms: number }, from = faultAtMs) => l.ms >= from;
  const line = (host: string, pattern: RegExp, from = faultAtMs) => lines.find((l) => l.host === host && after(l, from) && pattern.test(l.text));
  const bMaster = line('b', /Entering MASTER STATE/);
  const bPrio0 = line('b', /priority 0 advert/i);
  const aFault = line('a', /Entering FAULT STATE/);
  const aScriptFailed = line('a', /Script.*(failed|timed out)/i);
  const answered = new Set(replies.map((r) => r.seq));
  const judged = (ms: number) => ms >= faultAtMs && ms + SETTINGS.requestTimeoutMs <= stopAtMs;
  const firstUnanswered = [...sent].filter(([seq, ms]) => judged(ms) && !answered.has(seq)).map(([, ms]) => ms).sort((x, y) => x - y)[0];
  // TCP: the client's own failure lines (a reset, a refused connect, its timeout), up to the stop
  const tcpFailures = failures.filter((f) => f.ms >= faultAtMs && f.ms <= stopAtMs).map((f) => f.ms);
  const firstFail = TCP ? (tcpFailures.length ? Math.min(...tcpFailures) : undefined) : firstUnanswered === undefined ? undefined : firstUnanswered + SETTINGS.requestTimeoutMs;
  const firstServedByB = replies.find((r) => r.host === 'b' && r.ms > faultAtMs);
  const rel = (ms: number | undefined) => (ms === undefined ? null : Math.round((ms - faultAtMs) * 10) / 10);
  const steps: Record<string, number | null> = {
    backupSawPriority0: rel(bPrio0?.ms),
    backupMaster: rel(bMaster?.ms),
    clientFirstFailed: rel(firstFail),
    clientFirstServed: rel(firstServedByB?.ms),
  };
  // a's last answer after the fault: requests sent after it and before b's first answer are
  // the ones the switch loses
  const lastServedByA = replies.filter((r) => r.host === 'a' && r.ms > faultAtMs).at(-1);
  steps.masterLastServed = rel(lastServedByA?.ms);
  if (FAULT === 'check-hang') {
    steps.masterScriptFailed = rel(aScriptFailed?.ms);
    steps.masterFault = rel(aFault?.ms);
    // weight < 0: a, MASTER at a lower priority, steps down when it hears b's first advert
    if (WEIGHT !== 0) steps.masterBackup = rel(line('a', /Entering BACKUP STATE/)?.ms);
  }
  if (returnedAtMs !== undefined) {
    const from = returnedAtMs;
    steps.returned = rel(from);
    steps.returnedBackup = rel(line('a', /Entering BACKUP STATE/, from)?.ms);
    steps.returnedMaster = rel(line('a', /Entering MASTER STATE/, from)?.ms);
    steps.backupBackToBackup = rel(line('b', /Entering BACKUP STATE/, from)?.ms);
    steps.clientServedByReturned = rel(replies.find((r) => r.host === 'a' && r.ms > from)?.ms);
  }
  const wireSteps = SNIFF ? summariseWire(wire, { a: macOf(NS.a), b: macOf(NS.b) }, VIP, faultAtMs) : undefined;
  // kernel and netlink stamps, to the hundredth of a ms (the gaps between them are fractions of one)
  const fine = (ms: number | undefined) => (ms === undefined ? null : Math.round((ms - faultAtMs) * 100) / 100);
  for (const [name, ms] of Object.entries(wireSteps?.steps ?? {})) steps[name] = fine(ms);
  if (SNIFF) {
    const change = (host: 'a' | 'b', deleted: boolean) => addressChanges.find((c) => c.host === host && c.deleted === deleted && c.ms >= faultAtMs)?.ms;
    steps.addrBackupVipAdded = fine(change('b', false));
    steps.addrMasterVipRemoved = fine(change('a', true));
  }
  if (lossEndMs !== undefined) {
    // a takeover that began in the window counts
    steps.firstFalseTakeover = steps.backupMaster;
    return {
      trial: index,
      completed: true,
      steps,
      takeovers: lines.filter((l) => l.host === 'b' && l.ms >= faultAtMs && l.ms < lossEndMs! && /Entering MASTER STATE/.test(l.text)).length,
      backupReturns: lines.filter((l) => l.host === 'b' && l.ms >= faultAtMs && l.ms < lossEndMs! && /Entering BACKUP STATE/.test(l.text)).length,
      lostAckedWrites: 0,
    };
  }
  void kaB;
  return {
    trial: index,
    completed: taken && returned && bMaster !== undefined,
    steps,
    unansweredRequests: TCP
      ? tcpFailures.filter((ms) => firstServedByB === undefined || ms < firstServedByB.ms).length
      : [...sent].filter(([seq, ms]) => judged(ms) && !answered.has(seq) && (firstServedByB === undefined || ms < firstServedByB.ms)).length,
    ...(wireSteps ? { wire: wireSteps.counts } : {}),
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
    experiment: EXPERIMENT,
    description: {
      'host-death': 'keepalived and the service of the MASTER host SIGKILLed at once (hasim process-crash); 2 hosts + a client in network namespaces on one bridge',
      'graceful-stop': "SIGTERM to the MASTER's keepalived (priority-0 advert), its service kept running; 2 hosts + a client in network namespaces on one bridge",
      'check-hang': `the MASTER's vrrp_script starts hanging (killed at its 1 s timeout: failed), weight ${WEIGHT}; its service keeps answering; 2 hosts + a client in network namespaces on one bridge`,
      'advert-loss': `every packet into or out of the MASTER's namespace dropped with probability ${LOSS} for ${LOSS_S} s (iptables statistic); 2 hosts + a client in network namespaces on one bridge`,
      'preempt-return': `keepalived and the service of the MASTER host SIGKILLed and the VIP removed (host reboot), both restarted ${RETURN_AFTER_MS} ms later: the returning priority-150 host preempts; 2 hosts + a client in network namespaces on one bridge`,
    }[FAULT]! + (TCP ? '; the service and client on TCP, one connection per request' : ''),
    versions: { keepalived: versionOf('keepalived', ['--version']), kernel: execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim() },
    settings: SETTINGS,
  });
  await recordTrials(writer, TRIALS, trial, (record, s) => `b master ${s.backupMaster} (prio0 ${s.backupSawPriority0}, a fault ${s.masterFault}) failed ${s.clientFirstFailed} served ${s.clientFirstServed} a back master ${s.returnedMaster} served ${s.clientServedByReturned}`);
}

await main();
process.exit(0);
