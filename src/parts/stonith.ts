/**
 * STONITH ("shoot the other node in the head") with Pacemaker's semantics, over the world's
 * power controller (`ctx.fence`, IPMI). A node that lost its peer asks for the peer to be
 * fenced; only a *confirmed* fence lets the cluster start the peer's resources elsewhere
 * (`onFenced`). A fence that fails (the BMC unreachable, the management network down, the
 * target's power domain dead) or does not answer within `stonithTimeout` is retried, and
 * until one succeeds the resources stay where they were: blocked, never started twice. After
 * `maxAttempts` failures it gives up (`stonith-max-attempts`), leaving the cluster blocked
 * until an operator steps in.
 *
 * The request itself comes `requestDelay` after the node was lost: Pacemaker's controller
 * first updates the CIB and runs the scheduler, whose transition holds the fencing action
 * ("Requesting fencing (reboot) of node ..."; the DC's scheduler round, measured in
 * calibration/fixtures/pacemaker--host-death.jsonl).
 *
 * Each attempt runs the fence agent first (`agentTime`: the fencer forks it, and an agent such
 * as fence_ipmilan asks the device for the power status before it sends the power-off,
 * fence-agents fencing.py fence_action): only then does the command leave for the device, so a
 * requester that is itself powered off meanwhile (shot by the peer it races) fences nobody.
 * Which side of a two-node split wins is decided there: the command sent first.
 *
 * The device's answer is not yet the fencer's: the agent goes on until its action is complete
 * (`confirmTime`), and only its exit confirms the fence. fence_ipmilan (method onoff, the
 * default) sleeps `power_wait` after the off (2 s), polls the status until it reads off, and
 * for a reboot powers the target on again, sleeps `power_wait` once more and polls until on
 * (fence-agents fencing.py fence_action / async_set_multi_power_fn; fence_ipmilan main sets
 * power_wait 2). The target is off from the command on; the cluster acts on it only when
 * the agent has exited.
 *
 * Before the first attempt it waits `pcmk_delay_base` plus a random part such that the sum
 * stays below `pcmk_delay_max` (drawn from the node's seeded stream), and, when the target
 * runs the resources, `priority-fencing-delay` on top: in a fence race of a two-node cluster
 * the node that runs nothing shoots later, so the active node usually survives.
 */
import type { Micros } from '../sim/time.ts';
import type { FenceAction, NodeContext } from '../world/actor.ts';

/** The timers a node running Stonith must route to it (and to the thread its fencer runs on). */
export const STONITH_TIMER_KINDS: ReadonlySet<string> = new Set(['stonith-request', 'stonith-attempt', 'stonith-command', 'stonith-confirmed']);

export interface StonithOptions {
  /** `stonith-action`: reboot (the fenced node comes back after booting) or off. */
  action: FenceAction;
  /** From the node being lost to the fencing request (the scheduler's transition), drawn per request; 0: at once. */
  requestDelay?: (target: string) => Micros;
  /** `stonith-timeout`: how long one fencing attempt may take before it counts as failed. */
  stonithTimeout: Micros;
  /** From an attempt's start to the agent's power-off command (0: at once); dies with the requester. */
  agentTime?: Micros | (() => Micros);
  /** From the device's answer (the target is off) to the agent's exit, which confirms the fence (0: at once); drawn per fence. */
  confirmTime?: () => Micros;
  /** `pcmk_delay_base`: a static delay before fencing (per target: the device that fences it). */
  pcmkDelayBase: Micros | Readonly<Record<string, Micros>>;
  /** `pcmk_delay_max`: base plus a random delay stays below this (0: no random part); per target too. */
  pcmkDelayMax: Micros | Readonly<Record<string, Micros>>;
  /** `priority-fencing-delay`: extra delay when the target runs the resources. */
  priorityFencingDelay: Micros;
  /** `stonith-max-attempts`: failures before giving up on a target. */
  maxAttempts: number;
  /** Pause between a failed attempt and the next (the scheduler's next transition). */
  retryInterval: Micros;
  /** The target is confirmed down: its resources may start elsewhere. */
  onFenced(target: string): void;
  /** Every attempt failed: the cluster stays blocked. */
  onGaveUp?(target: string): void;
}

export class Stonith {
  /** Targets being fenced, with the attempts made so far. */
  private readonly inProgress = new Map<string, number>();
  /** Targets whose fencing request waits for the scheduler (`requestDelay`). */
  private readonly awaitingRequest = new Set<string>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: StonithOptions,
  ) {}

  /** Whether a fence of `target` is pending or running. */
  fencing(target: string): boolean {
    return this.inProgress.has(target);
  }

  /**
   * Gives up a pending fence of `target` (it rejoined after a restart, so it runs nothing): no
   * further attempt starts; one already sent to the power controller still completes.
   */
  cancel(target: string): void {
    this.inProgress.delete(target);
    this.awaitingRequest.delete(target);
  }

  /** Fences `target` after the configured delays (no-op if already under way). */
  fence(target: string, targetRunsResources: boolean): void {
    if (this.inProgress.has(target)) return;
    this.inProgress.set(target, 0);
    const requestDelay = this.options.requestDelay?.(target) ?? 0;
    if (requestDelay > 0) {
      this.awaitingRequest.add(target);
      this.ctx.setTimer(requestDelay, 'stonith-request', { target, targetRunsResources });
    }
    else this.request(target, targetRunsResources);
  }

  /** The transition's fencing action: the fencer waits out the device's delays, then acts. */
  private request(target: string, targetRunsResources: boolean): void {
    const delay = this.randomDelay(target) + (targetRunsResources ? this.options.priorityFencingDelay : 0);
    this.ctx.note(`stonith: fencing ${target} in ${Math.round(delay / 1000)} ms`);
    this.ctx.setTimer(delay, 'stonith-attempt', target);
  }

  onTimer(kind: string, data: unknown): boolean {
    if (kind === 'stonith-request') {
      const { target, targetRunsResources } = data as { target: string; targetRunsResources: boolean };
      if (this.awaitingRequest.delete(target) && this.inProgress.has(target)) this.request(target, targetRunsResources);
      return true;
    }
    if (kind === 'stonith-command') {
      const target = data as string;
      if (this.inProgress.has(target)) this.command(target);
      return true;
    }
    if (kind === 'stonith-confirmed') {
      const target = data as string;
      if (this.inProgress.has(target)) this.confirmed(target);
      return true;
    }
    if (kind !== 'stonith-attempt') return false;
    const target = data as string;
    if (this.inProgress.has(target)) this.attempt(target);
    return true;
  }

  /** The fencer runs the agent; its command goes out once the agent gets that far. */
  private attempt(target: string): void {
    const { agentTime } = this.options;
    const delay = typeof agentTime === 'function' ? agentTime() : (agentTime ?? 0);
    if (delay > 0) this.ctx.setTimer(delay, 'stonith-command', target);
    else this.command(target);
  }

  private command(target: string): void {
    const { action, stonithTimeout } = this.options;
    this.ctx.fence(target, action, stonithTimeout, (ok) => {
      if (!this.inProgress.has(target)) return; // cancelled meanwhile
      if (ok) {
        // the agent runs on (power_wait, the status polls, for a reboot the power-on) and
        // confirms the fence when it exits
        const confirmIn = this.options.confirmTime?.() ?? 0;
        if (confirmIn > 0) this.ctx.setTimer(confirmIn, 'stonith-confirmed', target);
        else this.confirmed(target);
        return;
      }
      const attempts = (this.inProgress.get(target) ?? 0) + 1;
      if (attempts >= this.options.maxAttempts) {
        this.inProgress.delete(target);
        this.ctx.note(`stonith: giving up on ${target} after ${attempts} failed attempts`);
        this.options.onGaveUp?.(target);
        return;
      }
      this.inProgress.set(target, attempts);
      this.ctx.setTimer(this.options.retryInterval, 'stonith-attempt', target);
    });
  }

  /** The agent exited with success: the fence is confirmed. */
  private confirmed(target: string): void {
    this.inProgress.delete(target);
    this.options.onFenced(target);
  }

  /** pcmk_delay_base plus a random part, the sum kept below pcmk_delay_max. */
  private randomDelay(target: string): Micros {
    const of = (v: Micros | Readonly<Record<string, Micros>>) => (typeof v === 'number' ? v : (v[target] ?? 0));
    const base = of(this.options.pcmkDelayBase);
    const max = of(this.options.pcmkDelayMax);
    if (max <= base) return base;
    return base + Math.round(this.ctx.rng.float() * (max - base));
  }
}
