/**
 * The observer of dr-site's `confirmDcDown`: a monitor beside the clients (the operator phoning
 * the primary DC; a third-site monitor) that hears every data node's heartbeat and answers the
 * DR runbook's `dr-confirm`: which nodes of a site it still hears, and which of those last beat
 * as primary. The runbook promotes the DR site only when no primary of the old site answers it,
 * so a partition between the two sites that the clients see through is not taken for a DC loss.
 */
import type { Micros } from '../sim/time.ts';
import type { Actor, Msg, NodeContext } from '../world/actor.ts';
import { messageKinds } from '../world/messages.ts';
import { SilenceDetector } from './heartbeat.ts';

export type DrSite = 'dc1' | 'dc2';

/** The runbook asks the observer which nodes of `site` it still sees alive. */
export interface DrConfirm extends Msg {
  type: 'dr-confirm';
  site: DrSite;
}
export interface DrConfirmReply extends Msg {
  type: 'dr-confirm-reply';
  site: DrSite;
  alive: string[];
  /** Of those, the ones whose last beat said they are primary. */
  serving: string[];
}
const CONFIRM_REQUESTS = messageKinds<DrConfirm>('dr-confirm');
export const CONFIRM_REPLIES = messageKinds<DrConfirmReply>('dr-confirm-reply');

export interface DrObserverOptions {
  /** The data nodes of each site. */
  sites: Record<DrSite, string[]>;
  /** The nodes' heartbeat period, and the silence after which a node is lost. */
  beatInterval: Micros;
  timeout: Micros;
}

/** An observer beside the clients: answers whether it still hears a site's nodes, and which of them say they are primary. */
export class DrObserver implements Actor {
  private readonly detector: SilenceDetector;
  /** Nodes whose last beat said they are primary. */
  private readonly primaries = new Set<string>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: DrObserverOptions,
  ) {
    this.detector = new SilenceDetector(ctx, {
      peers: [...options.sites.dc1, ...options.sites.dc2],
      beatInterval: options.beatInterval,
      timeout: options.timeout,
      onHeard: (peer, beat) => {
        if ((beat as { primary?: boolean }).primary) this.primaries.add(peer);
        else this.primaries.delete(peer);
      },
      onLost: () => {},
    });
  }

  onStart(): void {
    this.ctx.declareRole('witness', 1);
    this.detector.start();
  }

  onMessage(from: string, msg: Msg): void {
    if (this.detector.handle(from, msg)) return;
    if (CONFIRM_REQUESTS.has(msg)) {
      const site = msg.site;
      const alive = this.options.sites[site].filter((n) => this.detector.alive(n));
      this.ctx.send(from, { type: 'dr-confirm-reply', site, alive, serving: alive.filter((n) => this.primaries.has(n)) } satisfies DrConfirmReply);
    }
  }

  onTimer(kind: string, data: unknown): void {
    this.detector.onTimer(kind, data);
  }
}
