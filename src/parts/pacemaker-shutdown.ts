/**
 * A Pacemaker node's graceful stop (`graceful-stop`: SIGTERM to pacemakerd, what `pcs cluster
 * stop` / `systemctl stop pacemaker corosync` does) and the handover it asks of the others.
 *
 * The node asks for its shutdown (pacemaker-controld sets the `shutdown` node attribute;
 * Pacemaker Explained, "node attributes": shutdown), stops its resources (VIP released, service
 * stopped, DRBD demoted and brought down, a clean disconnect that freezes nothing), the DC, now
 * another node, starts them on the best remaining node as for a failed resource (no fencing:
 * the node is not lost), and once that transition is done the node's controller exits and
 * corosync announces its leave, so the membership drops it at once, without the token timeout
 * (`corosync-membership.ts`). A node lost after announcing its shutdown with its resources
 * stopped is expected down, not fenced (Pacemaker fences only nodes lost unexpectedly:
 * "Fencing", Pacemaker Explained / Clusters from Scratch; the design applies that). The
 * switchover costs the messages, the start operations on the new node (`resourceStartTime`)
 * and the VIP's gratuitous ARPs, after the DC's scheduler round (`transitionDelay`) and the
 * stop operations on the stopping node (`resourceStopTime`), during which it still serves
 * (calibration/fixtures/pacemaker--graceful-stop.jsonl).
 *
 * This object is both sides: the stopping node's (`request`, its `pcmk-stopped` timer, the
 * members' answers) and a member's (`handle` of a request: the design runs the transition,
 * then this answers).
 */
import type { Micros } from '../sim/time.ts';
import type { Msg, NodeContext } from '../world/actor.ts';
import { SHUTDOWN_DONE, SHUTDOWN_REQUESTS, type PeerView, type ShutdownDone, type ShutdownRequest } from './pacemaker-view.ts';

/** The timer of the stopping node's stop operations (the cluster stack's). */
export const SHUTDOWN_STOPPED_TIMER = 'pcmk-stopped';

export interface PacemakerShutdownOptions {
  /** The stop operations' length on the node running the resources (IPaddr2's stop). */
  /** The stop operations' duration, drawn per stop. */
  resourceStopTime(): Micros;
  /** The current membership (every member is told, and must answer). */
  members(): ReadonlySet<string>;
  /** Whether the resources run here (a standby has nothing to stop). */
  runsResources(): boolean;
  /** The DC's scheduler round that orders the stop. */
  transitionDelay(): Micros;
  /** Stops the resource group here and brings DRBD down (a clean disconnect). */
  stopHere(reason: string): void;
  /** This node's view, as the request carries it. */
  ownView(): PeerView;
  /** Corosync stops: announce the leave. */
  leave(): void;
  /** A member asks to move its resources off it: record its view and run the transition. */
  onPeerShutdown(peer: string, view: PeerView): void;
}

export class PacemakerShutdown {
  /** SIGTERM: resources stopped here; exits once every member answered. */
  private state: { exit: () => void; waiting: Set<string> } | undefined;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: PacemakerShutdownOptions,
  ) {}

  /** This node was asked to shut down (its view's `shutdown`). */
  get requested(): boolean {
    return this.state !== undefined;
  }

  /**
   * SIGTERM to pacemakerd: stop the resources here, DRBD down, and ask the members to move them
   * (the `shutdown` attribute reaching the DC); exit when they all answered. Alone, or with no
   * member, there is nothing to wait for.
   */
  request(exit: () => void): void {
    if (this.state) return;
    this.state = { exit, waiting: new Set(this.options.members()) };
    this.ctx.note('shutdown requested (SIGTERM to pacemakerd): moving resources off this node');
    // the shutdown attribute reaches the DC, whose scheduler round orders the stop; the stop
    // operations then run here (a standby has nothing to stop)
    const stopIn = this.options.runsResources() ? this.options.transitionDelay() + this.options.resourceStopTime() : 0;
    if (stopIn > 0) this.ctx.setTimer(stopIn, SHUTDOWN_STOPPED_TIMER);
    else this.stopped();
  }

  /** The shutdown's stop operations are done: resources down, DRBD down, the members told. */
  stopped(): void {
    if (!this.state) return;
    this.state.waiting = new Set(this.options.members());
    this.options.stopHere('node shutting down');
    const view = this.options.ownView();
    for (const member of this.options.members()) this.ctx.send(member, { type: 'pcmk-shutdown', view } satisfies ShutdownRequest);
    this.maybeExit();
  }

  /** A member's shutdown request (run the transition, answer) or answer; false for other messages. */
  handle(from: string, msg: Msg): boolean {
    if (SHUTDOWN_REQUESTS.has(msg)) {
      this.options.onPeerShutdown(from, msg.view);
      this.ctx.send(from, { type: 'pcmk-shutdown-done' } satisfies ShutdownDone);
      return true;
    }
    if (SHUTDOWN_DONE.has(msg)) {
      this.state?.waiting.delete(from);
      this.maybeExit();
      return true;
    }
    return false;
  }

  /** The transition is done: the controller exits and corosync announces the leave. */
  private maybeExit(): void {
    const state = this.state;
    if (!state || state.waiting.size > 0) return;
    this.options.leave();
    state.exit();
  }
}
