/**
 * A Pacemaker resource's recurring monitor operation and its recovery on one node (Pacemaker
 * Explained, "Resource Operations" and the resource meta-attributes), for a service that runs
 * as its own process beside the cluster stack (`NodeSpec.processes`):
 *
 *   started ──monitor every interval──> ok ──> (again)
 *      │                 │ process gone: fails at once (OCF_NOT_RUNNING)
 *      │                 │ no answer within the timeout: fails (a hung service)
 *      │                 v
 *      │   failed: fail-count + 1, the DC's scheduler round, then the stop (SIGTERM, SIGKILL)
 *      │      ├─ stop longer than its timeout ─> stop failed: on-fail=fence (a peer fences
 *      │      │                                   this node), or block without fencing
 *      │      ├─ fail-count >= migration-threshold ─> moved away (the design stops the
 *      │      │                                        resources here; the DC starts them
 *      │      │                                        elsewhere, no fence: the stop succeeded)
 *      └──────┴─ otherwise: started again here; a start that fails sets the fail-count to
 *                INFINITY (start-failure-is-fatal) and moves it away
 *
 * The monitor runs on the cluster stack's thread (pacemaker-execd); its probe of the service
 * runs on the service's own thread, so a deadlocked service never answers it. The fail-count
 * is a transient node attribute: it lives as long as this object (a reboot clears it;
 * failure-timeout, default 0, never expires it).
 */
import type { Micros } from '../sim/time.ts';
import { MS } from '../sim/time.ts';
import type { NodeContext, TimerHandle } from '../world/actor.ts';

/** The cluster stack's timers for the resource's operations (pacemaker-execd and the controller). */
export const RESOURCE_OPERATION_KINDS: ReadonlySet<string> = new Set(['pcmk-monitor', 'pcmk-monitor-timeout', 'pcmk-recover-stop', 'pcmk-stop-result', 'pcmk-recover-start']);
/** The monitor's probe of the service: an event of the service's own thread. */
export const MONITOR_PROBE = 'pcmk-monitor-probe';
/** The resource agent's status check reaching the service on localhost. */
const LOCALHOST_LATENCY: Micros = 100;
/** Pacemaker's INFINITY (CRM_SCORE_INFINITY): a failed start sets the fail-count to it. */
const INFINITY_SCORE = 1_000_000;

export interface PacemakerResourceOptions {
  /** The service's process name. */
  service: string;
  /** The monitor's interval (0: no monitor operation) and timeout. */
  monitorInterval: Micros;
  monitorTimeout: Micros;
  migrationThreshold: number;
  /** The stop operation's length when the service runs (drawn per stop), and its timeout. */
  resourceStopTime(): Micros;
  resourceStopTimeout: Micros;
  /** The start operation's duration, drawn per start. */
  resourceStartTime(): Micros;
  stonithEnabled: boolean;
  /** The service's context for this life of its process (the probe runs in it). */
  serviceContext(): NodeContext;
  /** Whether the resources run on this node (the monitor acts only then). */
  runsHere(): boolean;
  /** The DC's scheduler round before the recovery's stop. */
  transitionDelay(): Micros;
  /** The resource may not run here any more: stop the resources here (they move). */
  moveAway(reason: string): void;
}

export class PacemakerResource {
  /** The fail-count on this node. */
  private failCount = 0;
  /** A failed resource is being recovered here (stop, then start): the DC does not move it meanwhile. */
  private recoveringNow = false;
  private stopFailedNow = false;
  private monitorTimer: TimerHandle | undefined;
  /** The number of the monitor in flight: a result or timeout of an older one is ignored. */
  private monitorOp = 0;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: PacemakerResourceOptions,
  ) {}

  /** A stop of the resource failed here (on-fail=fence): only fencing ends it. */
  get stopFailed(): boolean {
    return this.stopFailedNow;
  }

  /** The fail-count reached migration-threshold: the resource may not run here. */
  get banned(): boolean {
    return this.failCount >= this.options.migrationThreshold;
  }

  /** The resource started here: the recurring monitor runs `monitorInterval` after the start, and after each result. */
  started(): void {
    this.ctx.cancelTimer(this.monitorTimer);
    this.monitorTimer = this.options.monitorInterval > 0 ? this.ctx.setTimer(this.options.monitorInterval, 'pcmk-monitor') : undefined;
  }

  /** The resources were stopped here: no monitor, no recovery in flight. */
  stopped(): void {
    this.ctx.cancelTimer(this.monitorTimer);
    this.monitorTimer = undefined;
    this.monitorOp++;
    this.recoveringNow = false;
  }

  onTimer(kind: string, data: unknown): boolean {
    if (kind === 'pcmk-monitor') this.runMonitor();
    else if (kind === MONITOR_PROBE) this.onMonitorResult(data as number);
    else if (kind === 'pcmk-monitor-timeout') {
      if (data === this.monitorOp) this.failed(`monitor timed out after ${this.options.monitorTimeout / MS} ms`);
    } else if (kind === 'pcmk-recover-stop') this.recoverStop();
    else if (kind === 'pcmk-stop-result') this.onStopResult(data as boolean);
    else if (kind === 'pcmk-recover-start') this.recoverStart();
    else return false;
    return true;
  }

  /**
   * The monitor: the agent finds the service's process gone (OCF_NOT_RUNNING, at once), or
   * asks it for its status on localhost and waits `monitorTimeout` for the answer.
   */
  private runMonitor(): void {
    this.monitorTimer = undefined;
    if (!this.options.runsHere() || this.recoveringNow || this.stopFailedNow) return;
    if (!this.ctx.processRunning(this.options.service)) return this.failed('monitor: not running');
    const op = ++this.monitorOp;
    this.options.serviceContext().setTimer(LOCALHOST_LATENCY, MONITOR_PROBE, op);
    this.ctx.setTimer(this.options.monitorTimeout, 'pcmk-monitor-timeout', op);
  }

  private onMonitorResult(op: number): void {
    if (op !== this.monitorOp) return;
    this.monitorOp++; // its timeout no longer counts
    this.started();
  }

  /** The monitor failed (on-fail default restart): the fail-count goes up, and the DC's round leads to a stop here. */
  private failed(reason: string): void {
    if (this.recoveringNow || !this.options.runsHere()) return;
    this.monitorOp++;
    this.failCount++;
    this.recoveringNow = true;
    this.ctx.note(`resource failed (${reason}): fail-count ${this.failCount}, recovering`);
    this.ctx.setTimer(this.options.transitionDelay(), 'pcmk-recover-stop');
  }

  /** The stop: `resourceStopTime` when the service runs (a hung one is killed), nothing to stop when it died. */
  private recoverStop(): void {
    if (!this.recoveringNow) return;
    const stopTime = this.ctx.processRunning(this.options.service) ? this.options.resourceStopTime() : 0;
    const failed = stopTime > this.options.resourceStopTimeout;
    this.ctx.setTimer(failed ? this.options.resourceStopTimeout : stopTime, 'pcmk-stop-result', failed);
  }

  private onStopResult(failed: boolean): void {
    if (!this.recoveringNow) return;
    if (failed) {
      this.stopFailedNow = true;
      const { resourceStopTimeout, stonithEnabled } = this.options;
      this.ctx.note(`stop of the resource timed out after ${resourceStopTimeout / MS} ms: ${stonithEnabled ? 'this node must be fenced (on-fail=fence)' : 'blocked (on-fail=block, no fencing)'}`);
      return;
    }
    this.ctx.exitProcess(this.options.service, 'stopped by Pacemaker (recovery)');
    if (this.banned) return this.options.moveAway(`fail-count ${this.failCount} reached migration-threshold ${this.options.migrationThreshold}: moving the resource`);
    this.ctx.setTimer(this.options.resourceStartTime(), 'pcmk-recover-start');
  }

  /** The start here; one that fails sets the fail-count to INFINITY (start-failure-is-fatal, default true). */
  private recoverStart(): void {
    if (!this.recoveringNow) return;
    this.recoveringNow = false;
    if (!this.ctx.startProcess(this.options.service)) {
      this.failCount = INFINITY_SCORE;
      return this.options.moveAway('start of the resource failed (start-failure-is-fatal): moving it');
    }
    this.ctx.note(`resource restarted here (fail-count ${this.failCount})`);
    this.started();
  }
}
