/**
 * keepalived's `vrrp_script` / `track_script`: a health-check script run every `interval`; a
 * run that exits non-zero, or has not finished after `timeout`, fails. `fall` failures in a
 * row mark the script KO, `rise` successes OK again. What the status does to the instance is
 * the `weight`: 0 puts it in FAULT while KO; a negative weight lowers its priority by |weight|
 * while KO; a positive weight raises it by weight while OK (keepalived.conf(5), vrrp_script).
 *
 * The check itself is the design's: it calls `done(ok)` when the script exits, or never (a
 * `curl` to a health endpoint whose thread is stuck hangs), and the timeout fails it. Runs
 * happen on the keepalived thread (`heartbeat`), which a deadlock of the service leaves alive.
 *
 *   every interval: run #n --done(ok)--> count
 *                          --timeout--> count as failed (the script is killed)
 */
import type { Micros } from '../sim/time.ts';
import type { NodeContext } from '../world/actor.ts';
import { RiseFall } from '../world/rise-fall.ts';

/** Timer kinds of this part (run them on the keepalived thread). */
export const VRRP_SCRIPT_KINDS: ReadonlySet<string> = new Set(['vrrp-script-run', 'vrrp-script-timeout']);

export interface VrrpScriptOptions {
  /** `interval`: time between runs. */
  intervalUs: Micros;
  /** `timeout`: a run not finished by then has failed. */
  timeoutUs: Micros;
  /** `fall`: failures in a row to go KO. */
  fall: number;
  /** `rise`: successes in a row to go OK. */
  rise: number;
  /** Runs the script once: call `done(ok)` when it exits (a late call is ignored). */
  check(done: (ok: boolean) => void): void;
  /** The script's status changed. */
  onStatus(ok: boolean): void;
}

export class VrrpScript {
  private run = 0;
  private pending: number | undefined;
  private readonly checks: RiseFall;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: VrrpScriptOptions,
  ) {
    this.checks = new RiseFall(options.rise, options.fall);
  }

  /** The status the instance sees; a script starts OK (keepalived without `init_fail`). */
  get ok(): boolean {
    return this.checks.up;
  }

  /** Schedules the first run `firstRunDelay` from now (default one interval). */
  start(firstRunDelay: Micros = this.options.intervalUs): void {
    this.ctx.setTimer(firstRunDelay, 'vrrp-script-run');
  }

  onTimer(kind: string, data: unknown): boolean {
    if (kind === 'vrrp-script-run') {
      this.ctx.setTimer(this.options.intervalUs, 'vrrp-script-run');
      this.execute();
      return true;
    }
    if (kind === 'vrrp-script-timeout') {
      if (this.pending === data) this.result(false);
      return true;
    }
    return false;
  }

  private execute(): void {
    if (this.pending !== undefined) this.result(false); // still running at the next interval: killed
    const run = ++this.run;
    this.pending = run;
    this.ctx.setTimer(this.options.timeoutUs, 'vrrp-script-timeout', run);
    this.options.check((ok) => {
      if (this.pending === run) this.result(ok);
    });
  }

  private result(ok: boolean): void {
    this.pending = undefined;
    const changed = this.checks.record(ok);
    if (changed !== undefined) this.options.onStatus(changed);
  }
}
