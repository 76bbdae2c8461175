/**
 * One VRRPv2 virtual router instance (RFC 3768), as keepalived 2.x runs it: the state machine
 * that decides which node holds a virtual IP. It knows nothing of the service behind the
 * address; `onMaster` / `onBackup` / `onFault` are keepalived's notify scripts.
 *
 *            advert prio >= mine, or nopreempt, or preempt_delay running: reset the down timer
 *           +------+
 *           v      |          Master_Down_Timer fires
 *   start --> BACKUP ---------------------------------> MASTER --(every advert_int)--> advert
 *             ^   ^  priority-0 advert: timer = Skew_Time  |
 *             |   +----------------------------------------+ higher-priority advert (or equal
 *             |                                              priority from a higher address)
 *             +-- leave FAULT <--- FAULT <-- setFault(true) (a MASTER sends a priority-0 advert)
 *
 * Timing (RFC 3768 §6.1, keepalived's `VRRP_TIMER_SKEW`):
 *   Skew_Time            = advert_int x (256 - priority) / 256
 *   Master_Down_Interval = 3 x advert_int + Skew_Time
 * so a backup of priority 100 with advert_int 1 s takes over 3.609375 s after the last advert
 * it heard, and 0.609375 s after a priority-0 advert.
 *
 * A backup that hears a lower-priority advert with preemption on discards it (its down timer
 * keeps running, so it takes over Master_Down_Interval after the last advert it accepted);
 * with `preempt_delay` it accepts them until the delay, started at startup or at the first such
 * advert, has passed (keepalived `vrrp_state_backup`). A master that hears a lower-priority
 * advert answers with its own advert and a burst of gratuitous ARPs (keepalived
 * `vrrp_state_master_rx`, `vrrp_garp_lower_prio_repeat`), which is how a split brain heals once
 * the peers hear each other again. There is no quorum: two nodes that cannot hear each other
 * are both MASTER, VRRP's well-known split brain.
 *
 * Interface tracking (keepalived tracks the instance's `interface` unless `dont_track_primary`,
 * and any `track_interface`): when the kernel reports the link down the instance enters FAULT,
 * and leaves it for BACKUP when the link is back. keepalived hears the change from netlink at
 * once; here the link state is read every 100 ms.
 *
 * Order of operations on a change of MASTER, as keepalived 2.2.7 does it (keepalived/vrrp/vrrp.c):
 * a new MASTER sends its advert first, then adds the VIP over netlink and only then sends its
 * gratuitous ARPs and runs notify_master (`vrrp_state_master_tx`, lines 2003-2037: the advert at
 * 2009, "the old master needs to remove the VIPs before we send the gratuitous ARPs, so send the
 * advert first", then `vrrp_state_become_master`, lines 1654-1706: the address added at 1671,
 * `kernel_netlink_poll` at 1684, the gratuitous ARPs at 1686, the notifies at 1698). A MASTER
 * that hears a better advert logs "Entering BACKUP STATE", removes the VIP over netlink and then
 * runs notify_backup (`vrrp_state_leave_master`, lines 1785-1819: the log at 1797,
 * `vrrp_restore_interface` at 1809, the notifies at 1812); into FAULT it sends its priority-0
 * advert first, the same way.
 * Each address change takes keepalived's own processing time (`addressChangeUs`, drawn per
 * change): between the new MASTER's advert and its ARPs the clients still send to the old
 * MASTER, which may already have dropped the address, so a request in that window is lost. The
 * window is the race between the two processing times, milliseconds apart at most on a quiet
 * host (calibration/fixtures/keepalived--check-hang-weight-60.jsonl) and tens of ms on a loaded
 * one. keepalived is single-threaded and the netlink call synchronous, so any event that arrives
 * meanwhile first completes the pending change.
 *
 * Everything runs on the `heartbeat` thread: keepalived is its own process, so a deadlock of
 * the service it watches does not stop its adverts. Times are read from the monotonic clock.
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, NodeContext, TimerHandle } from '../world/actor.ts';
import { messageKinds } from '../world/messages.ts';
import { emitsProbe } from '../world/probes.ts';
import { ELECTION_WON as SHARED_WON } from './common-probes.ts';

const ELECTION_WON = emitsProbe(import.meta.url, SHARED_WON);

export type VrrpState = 'BACKUP' | 'MASTER' | 'FAULT';

/** The keepalived thread: VRRP and its track scripts. */
export const VRRP_THREAD = 'heartbeat';

/** Message and timer kinds of this part (all on `VRRP_THREAD`). */
export const VRRP_KINDS: ReadonlySet<string> = new Set(['vrrp-advert', 'vrrp-adver-timer', 'vrrp-down-timer', 'vrrp-garp-delay', 'vrrp-link-poll', 'vrrp-address']);

/** How often the link state is read (keepalived is told by netlink at once). */
const LINK_POLL_US: Micros = 100_000;

/** A VRRP advertisement: the sender's priority (0: it is leaving the MASTER state). */
export interface VrrpAdvert extends Msg {
  type: 'vrrp-advert';
  priority: number;
}
const VRRP_MESSAGES = messageKinds<VrrpAdvert>('vrrp-advert');

export interface VrrpOptions {
  /** The other routers of this virtual router (multicast group members or `unicast_peer`). */
  peers: readonly string[];
  /** The priority this instance starts with (1..254; 255 = address owner). */
  priority: number;
  /** `advert_int`. */
  advertIntUs: Micros;
  /** `preempt` (keepalived's default) or `nopreempt`. */
  preempt: boolean;
  /** Whether the instance enters FAULT while its interface has no carrier (keepalived's default). */
  trackInterface?: boolean;
  /** `preempt_delay` (0: none). */
  preemptDelayUs: Micros;
  /** `garp_master_delay`: the second burst of gratuitous ARPs after becoming MASTER (0: none). */
  garpMasterDelayUs: Micros;
  /** Enter MASTER at once instead of waiting Master_Down_Interval as BACKUP. */
  startAsMaster: boolean;
  /** With `startAsMaster`: when the first periodic advert goes out (the daemon's phase, < advert_int). */
  firstAdvertDelayUs?: Micros;
  /**
   * keepalived's processing time for one address change, drawn per change: from a new MASTER's
   * advert to its VIP added and gratuitous ARPs sent, and from a MASTER's decision to step down
   * to its VIP removed (absent: 0, both at once).
   */
  addressChangeUs?: () => Micros;
  /** notify_master: this node now holds the virtual IP. */
  onMaster(): void;
  /** notify_backup. */
  onBackup(): void;
  /** notify_fault. */
  onFault(): void;
}

export class VrrpInstance {
  state: VrrpState = 'BACKUP';
  private effectivePriority: number;
  /** A track script with weight 0 is failing. */
  private scriptFault = false;
  /** A tracked interface has no carrier. */
  private linkFault = false;
  private started = false;
  private downTimer: TimerHandle | undefined;
  private adverTimer: TimerHandle | undefined;
  private garpTimer: TimerHandle | undefined;
  /** The address change keepalived is still making (netlink), and its timer. */
  private pendingChange: 'add' | 'remove' | undefined;
  private changeTimer: TimerHandle | undefined;
  /** Monotonic time from which a lower-priority master may be preempted (undefined: delay not started). */
  private preemptAt: Micros | undefined;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: VrrpOptions,
  ) {
    this.effectivePriority = options.priority;
  }

  get priority(): number {
    return this.effectivePriority;
  }

  /** Skew_Time for the current priority. */
  skewTime(): Micros {
    return Math.round((this.options.advertIntUs * (256 - this.effectivePriority)) / 256);
  }

  /** Master_Down_Interval for the current priority. */
  masterDownInterval(): Micros {
    return 3 * this.options.advertIntUs + this.skewTime();
  }

  private get faulty(): boolean {
    return this.scriptFault || this.linkFault;
  }

  start(): void {
    this.started = true;
    if (this.options.trackInterface) {
      this.linkFault = !this.ctx.linkUp();
      this.ctx.setTimer(LINK_POLL_US, 'vrrp-link-poll');
    }
    if (this.options.startAsMaster && !this.faulty) return this.becomeMaster(this.options.firstAdvertDelayUs, true);
    // keepalived at startup removes any virtual address a previous life left configured (one
    // killed by SIGKILL could not clean up) before entering BACKUP or FAULT: vrrp_init_state
    // calls vrrp_restore_interface(vrrp, false, true) (keepalived/vrrp/vrrp_scheduler.c), and
    // vrrp_restore_interfaces_startup does the same (vrrp_daemon.c, vrrp.c)
    this.ctx.releaseVip();
    if (this.faulty) return this.enterFault();
    this.enterBackup();
  }

  /**
   * SIGTERM: keepalived's shutdown path. A MASTER sends a priority-0 advert, so the BACKUP takes
   * over after Skew_Time instead of Master_Down_Interval, and removes the virtual address
   * (keepalived/vrrp/vrrp_daemon.c vrrp_terminate_phase1 -> restore_vrrp_interfaces;
   * vrrp.c vrrp_restore_interface(vrrp, true, false) sends VRRP_PRIO_STOP). Then it stops.
   */
  shutdown(): void {
    this.settle();
    if (this.state === 'MASTER') {
      this.sendAdvert(0);
      this.ctx.releaseVip();
    }
    this.cancelTimers();
    this.started = false;
  }

  /** A track script changed the effective priority (clamped to 1..254 as keepalived does). */
  setPriority(priority: number): void {
    this.effectivePriority = Math.min(254, Math.max(1, priority));
  }

  /** A track script with weight 0 failed (true) or recovered (false). */
  setFault(faulty: boolean): void {
    if (this.scriptFault === faulty) return;
    this.settle();
    const was = this.faulty;
    this.scriptFault = faulty;
    this.faultChanged(was);
  }

  private faultChanged(was: boolean): void {
    const faulty = this.faulty;
    if (!this.started || was === faulty) return;
    if (faulty) this.enterFault();
    else if (this.state === 'FAULT') this.enterBackup(); // keepalived leaves FAULT to BACKUP unless it owns the address
  }

  handle(from: string, msg: Msg): boolean {
    if (!VRRP_MESSAGES.has(msg)) return false;
    if (!this.started || !this.options.peers.includes(from)) return true;
    this.settle();
    this.onAdvert(from, msg.priority);
    return true;
  }

  onTimer(kind: string): boolean {
    if (kind === 'vrrp-address') {
      this.changeTimer = undefined;
      if (this.pendingChange !== undefined) this.finishChange(this.pendingChange);
      return true;
    }
    if (VRRP_KINDS.has(kind)) this.settle();
    switch (kind) {
      case 'vrrp-down-timer':
        this.downTimer = undefined;
        if (this.state === 'BACKUP') this.becomeMaster();
        return true;
      case 'vrrp-adver-timer':
        this.adverTimer = undefined;
        if (this.state === 'MASTER') {
          this.sendAdvert(this.effectivePriority);
          this.adverTimer = this.ctx.setTimer(this.options.advertIntUs, 'vrrp-adver-timer');
        }
        return true;
      case 'vrrp-link-poll': {
        this.ctx.setTimer(LINK_POLL_US, 'vrrp-link-poll');
        const down = !this.ctx.linkUp();
        if (down !== this.linkFault) {
          const was = this.faulty;
          this.linkFault = down;
          this.ctx.note(`keepalived: Kernel is reporting: interface ${down ? 'DOWN' : 'UP'}`);
          this.faultChanged(was);
        }
        return true;
      }
      case 'vrrp-garp-delay':
        this.garpTimer = undefined;
        if (this.state === 'MASTER') this.ctx.takeVip(); // the second set of gratuitous ARPs
        return true;
      default:
        return false;
    }
  }

  private onAdvert(from: string, priority: number): void {
    if (this.state === 'BACKUP') return this.backupReceives(priority);
    if (this.state === 'MASTER') return this.masterReceives(from, priority);
    // FAULT: adverts are ignored until the fault clears
  }

  private backupReceives(priority: number): void {
    const mine = this.effectivePriority;
    const now = this.ctx.monotonic();
    if (priority === 0) return this.armDownTimer(this.skewTime());
    const delayRunning = this.options.preemptDelayUs > 0 && (this.preemptAt === undefined || this.preemptAt > now);
    if (!this.options.preempt || priority >= mine || delayRunning) {
      this.armDownTimer(this.masterDownInterval());
      if (this.options.preemptDelayUs > 0) {
        if (priority >= mine) this.preemptAt = undefined;
        else this.preemptAt ??= now + this.options.preemptDelayUs;
      }
    }
    // otherwise: a lower-priority master we may preempt; the advert is discarded and the down
    // timer runs out Master_Down_Interval after the last advert we accepted
  }

  private masterReceives(from: string, priority: number): void {
    const mine = this.effectivePriority;
    if (priority === 0) return this.sendAdvert(mine);
    const theirsWins = priority > mine || (priority === mine && this.rankOf(from) > this.rankOf(this.ctx.id));
    if (theirsWins) return this.enterBackup();
    // a lower-priority master: re-assert ourselves and refresh the clients' ARP caches
    this.sendAdvert(mine);
    this.ctx.takeVip();
  }

  /** Stands in for the primary IP address: on equal priority the higher one wins (RFC 3768 §6.4.3). */
  private rankOf(node: string): number {
    return this.ctx.nodes.indexOf(node);
  }

  /**
   * Enters MASTER: the advert now, the address (and its gratuitous ARPs, the garp_master_delay
   * timer and notify_master) once keepalived has added it. `steadyState`: the run starts with
   * the VIP already in place.
   */
  private becomeMaster(firstAdvertDelay: Micros = this.options.advertIntUs, steadyState = false): void {
    this.cancelTimers();
    this.ctx.probe(ELECTION_WON);
    this.state = 'MASTER';
    // the advert goes first so an old master drops the address before our ARPs arrive
    this.sendAdvert(this.effectivePriority);
    this.adverTimer = this.ctx.setTimer(firstAdvertDelay, 'vrrp-adver-timer');
    this.changeAddress('add', steadyState);
  }

  /** vrrp_state_become_master after the advert: the VIP added, its ARPs, the second-burst timer, notify_master. */
  private addressAdded(): void {
    this.ctx.takeVip();
    if (this.options.garpMasterDelayUs > 0) this.garpTimer = this.ctx.setTimer(this.options.garpMasterDelayUs, 'vrrp-garp-delay');
    this.options.onMaster();
  }

  /** vrrp_restore_interface, then the notify of the state left for (BACKUP or FAULT). */
  private addressRemoved(): void {
    this.ctx.releaseVip();
    if (this.state === 'FAULT') this.options.onFault();
    else this.options.onBackup();
  }

  /** Starts an address change: done at once without a processing time (or `now`), else when its timer fires. */
  private changeAddress(change: 'add' | 'remove', now = false): void {
    const delay = now ? 0 : (this.options.addressChangeUs?.() ?? 0);
    if (delay <= 0) return this.finishChange(change);
    this.pendingChange = change;
    this.changeTimer = this.ctx.setTimer(delay, 'vrrp-address');
  }

  /**
   * keepalived makes the netlink call synchronously in its one thread: an event that arrives
   * while a change is pending is handled once it is complete, so the change completes first.
   */
  private settle(): void {
    const change = this.pendingChange;
    if (change === undefined) return;
    this.ctx.cancelTimer(this.changeTimer);
    this.finishChange(change);
  }

  private finishChange(change: 'add' | 'remove'): void {
    this.pendingChange = undefined;
    this.changeTimer = undefined;
    if (change === 'add') this.addressAdded();
    else this.addressRemoved();
  }

  private enterBackup(): void {
    const wasMaster = this.state === 'MASTER';
    this.cancelTimers();
    this.state = 'BACKUP';
    // keepalived clears the preempt delay when a master steps down and restarts it at startup
    // and when leaving FAULT
    this.preemptAt = !wasMaster && this.options.preemptDelayUs > 0 ? this.ctx.monotonic() + this.options.preemptDelayUs : undefined;
    this.armDownTimer(this.masterDownInterval());
    if (wasMaster) this.changeAddress('remove');
    else this.options.onBackup();
  }

  private enterFault(): void {
    const wasMaster = this.state === 'MASTER';
    // keepalived logs the transition before its priority-0 advert and the address removal
    // (vrrp_state_leave_master, vrrp.c 1800-1802): notify_fault comes after both
    this.ctx.note('keepalived: Entering FAULT STATE');
    // priority 0 so a backup takes over after Skew_Time
    if (wasMaster) this.sendAdvert(0);
    this.cancelTimers();
    this.state = 'FAULT';
    if (wasMaster) this.changeAddress('remove');
    else this.options.onFault();
  }

  private armDownTimer(delay: Micros): void {
    this.ctx.cancelTimer(this.downTimer);
    this.downTimer = this.ctx.setTimer(delay, 'vrrp-down-timer');
  }

  private cancelTimers(): void {
    this.ctx.cancelTimer(this.downTimer);
    this.ctx.cancelTimer(this.adverTimer);
    this.ctx.cancelTimer(this.garpTimer);
    this.downTimer = this.adverTimer = this.garpTimer = undefined;
  }

  private sendAdvert(priority: number): void {
    const advert: VrrpAdvert = { type: 'vrrp-advert', priority };
    for (const peer of this.options.peers) this.ctx.send(peer, advert);
  }
}
