/**
 * dr-site's `drDetection: health-check`: an HTTP health check of each site's service, Amazon
 * Route 53 style, from outside both sites, whose verdict starts the DR runbook (a CloudWatch
 * alarm on the health check running `dr_failover.sh`).
 *
 * The check targets a site's service address, which whichever node of the site serves answers
 * (a VIP or a local balancer in front of the pair): every `intervalUs` the checker sends the
 * world's `health-check` to every node of each site, and a site passes that check when one of
 * its nodes answers healthy within `timeoutUs`. A node answers on its order thread and says
 * healthy only while it serves (dr-site's `healthy()`: a standby answers like a 503), so a
 * primary deadlocked behind a beating heartbeat thread fails the check, as does a site with no
 * primary, a dead site, or a site this checker cannot reach. `failureThreshold` failed checks in
 * a row make the site unhealthy, as many passed ones healthy again (Route 53's FailureThreshold
 * works both ways). After every check the checker tells every data node each site's status
 * (`dr-health`): the alarm's state, which the runbook reads.
 *
 *   round:  health-check -> p1, p2, d1     ...timeout...   verdict per site -> RiseFall -> dr-health to all
 *
 * The data nodes read those reports through `SiteHealthAlarm`: the runbook starts on an alarm,
 * a site turning from healthy to unhealthy, not on a state (below).
 *
 * Like any monitor it sees only what its probes see: a site alive for the clients but cut off
 * from the checker is failed over (dr-site.ts says what that does). While its own interface
 * has no carrier it judges nothing and reports nothing. Route 53's checkers are
 * about fifteen, in several regions, none coordinated, and the endpoint is healthy while more
 * than 18 % of them say so; one checker stands for them here, with a random phase.
 */
import type { Micros } from '../sim/time.ts';
import type { Actor, Msg, NodeContext } from '../world/actor.ts';
import { messageKinds } from '../world/messages.ts';
import { RiseFall } from '../world/rise-fall.ts';
import type { DrSite } from './dr-observer.ts';

/** Each site's status after a check, as the checker tells the data nodes, and that check's own result. */
export interface DrHealth extends Msg {
  type: 'dr-health';
  healthy: Record<DrSite, boolean>;
  /** Whether the site passed this check (the status lags it by the threshold's checks). */
  passed: Record<DrSite, boolean>;
}
export const DR_HEALTH = messageKinds<DrHealth>('dr-health');

export interface SiteHealthCheckOptions {
  /** The data nodes of each site (the nodes behind each site's service address). */
  sites: Record<DrSite, string[]>;
  /** Time between two checks (fixed rate), and how long one waits for an answer. */
  intervalUs: Micros;
  timeoutUs: Micros;
  /** Checks in a row that must fail (or pass) to change a site's status. */
  failureThreshold: number;
  /** When the first check starts (Route 53's checkers are not in phase with anything). */
  firstCheckDelayUs: Micros;
}

const SITES: readonly DrSite[] = ['dc1', 'dc2'];

export class SiteHealthChecker implements Actor {
  private round = 0;
  /** The check in progress, and the sites that answered it healthy. */
  private awaiting: number | undefined;
  private readonly passed = new Set<DrSite>();
  /** Each site's status; a new check starts healthy. */
  private readonly status: Record<DrSite, RiseFall>;
  /** Sites that have passed a check (the standby site's going unhealthy at the start is no news). */
  private readonly served = new Set<DrSite>();
  private readonly siteOf = new Map<string, DrSite>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: SiteHealthCheckOptions,
  ) {
    for (const site of SITES) for (const node of options.sites[site]) this.siteOf.set(node, site);
    this.status = { dc1: new RiseFall(options.failureThreshold, options.failureThreshold), dc2: new RiseFall(options.failureThreshold, options.failureThreshold) };
  }

  onStart(): void {
    this.ctx.setTimer(this.options.firstCheckDelayUs, 'hc-round');
  }

  onMessage(from: string, msg: Msg): void {
    if (msg.type !== 'health-result' || msg.checkId !== this.awaiting || msg.healthy !== true) return;
    const site = this.siteOf.get(from);
    if (site) this.passed.add(site);
  }

  onTimer(kind: string, data: unknown): void {
    if (kind === 'hc-round') {
      this.ctx.setTimer(this.options.intervalUs, 'hc-round');
      if (this.awaiting !== undefined) this.verdict(); // the last check outlived the interval
      this.check();
    } else if (kind === 'hc-timeout' && data === this.awaiting) {
      this.verdict();
    }
  }

  private check(): void {
    const checkId = ++this.round;
    this.awaiting = checkId;
    this.passed.clear();
    for (const site of SITES) for (const node of this.options.sites[site]) this.ctx.send(node, { type: 'health-check', checkId });
    this.ctx.setTimer(this.options.timeoutUs, 'hc-timeout', checkId);
  }

  private verdict(): void {
    this.awaiting = undefined;
    // a checker cut off by its own NIC learns nothing of the sites (Route 53 judges by many
    // checkers: one that is cut off does not condemn an endpoint the others reach)
    if (!this.ctx.linkUp()) return;
    for (const site of SITES) {
      const ok = this.passed.has(site);
      const changed = this.status[site].record(ok);
      if (changed === true || (changed === false && this.served.has(site))) this.ctx.note(`health check of ${site}: ${changed ? 'healthy' : `unhealthy (${this.options.failureThreshold} failed checks in a row)`}`);
      if (ok) this.served.add(site);
    }
    for (const node of [...this.options.sites.dc1, ...this.options.sites.dc2]) {
      const passed = { dc1: this.passed.has('dc1'), dc2: this.passed.has('dc2') };
      this.ctx.send(node, { type: 'dr-health', healthy: { dc1: this.status.dc1.up, dc2: this.status.dc2.up }, passed } satisfies DrHealth);
    }
  }
}

/**
 * A data node's view of the checker's reports, as the DR runbook reads them: a CloudWatch alarm
 * on the health check. A site is in alarm once it went from healthy to unhealthy in two fresh
 * reports (an alarm fires on that transition, not on a state: the DR site's own check fails from
 * the start, as a standby answers 503, and that is no alarm). Learning of a new primary in a site
 * clears its alarm (`newPrimary`): the promoted site's check goes on failing for a few intervals,
 * which is old news. A report older than `staleAfterUs` says nothing (the checker is down or cut
 * off: an alarm without data does not act). `failing` is what the runbook acts on: in alarm, and
 * the last check failed too (the runbook checks once more that the site has still failed: the
 * status needs the threshold's passed checks to turn healthy again, so a primary that recovered
 * within the detection and the runbook's delay, a deadlock that ended, would otherwise be failed
 * over while it serves again).
 */
export class SiteHealthAlarm {
  private readonly last: Record<DrSite, { healthy: boolean; passed: boolean; at: Micros; alarm: boolean } | undefined> = { dc1: undefined, dc2: undefined };

  constructor(private readonly staleAfterUs: Micros) {}

  /** A `dr-health` report received at `at`. */
  report(healthy: Record<DrSite, boolean>, passed: Record<DrSite, boolean>, at: Micros): void {
    for (const site of SITES) {
      const before = this.last[site];
      const fresh = before !== undefined && at - before.at <= this.staleAfterUs;
      const alarm = !healthy[site] && fresh && (before.alarm || before.healthy);
      this.last[site] = { healthy: healthy[site], passed: passed[site], at, alarm };
    }
  }

  /** A new primary in `site`: its failing check until then is no alarm. */
  newPrimary(site: DrSite): void {
    const status = this.last[site];
    if (status) status.alarm = false;
  }

  /** Whether `site` is in alarm now, on a fresh report. */
  alarmed(site: DrSite, now: Micros): boolean {
    const status = this.last[site];
    return status !== undefined && status.alarm && now - status.at <= this.staleAfterUs;
  }

  /** In alarm, and its last check failed too. */
  failing(site: DrSite, now: Micros): boolean {
    return this.alarmed(site, now) && !this.last[site]!.passed;
  }
}
