/**
 * What the client acks leave behind once folded: the instant each order was first acked (4
 * bytes an order; order-columns.ts), which is the acked set `no-lost-ack`, the RPO and the
 * visible-but-unacked metric judge against the final durable logs, and what stale reads are
 * measured by. For the few details of a lost order's violation (check/no-lost-ack.ts
 * `lossEvent`: the node that held it when it was acked, and what followed its ack) the fold
 * keeps only the exceptions to what the control events already tell: the position among the
 * control events of an ack recorded at the same instant as a control event before it, and the
 * acking node of an ack given while its scope had no primary.
 */
import type { Micros } from '../../sim/time.ts';
import type { EventOf, HistoryEvent } from '../history.ts';
import { LatencyCounts } from '../latency-counts.ts';
import { OrderTimes } from '../order-columns.ts';
import { OrderIdSet } from '../order-ids.ts';
import type { OrderScopes } from './order-scopes.ts';

/** The probe a design records for a commit that became visible without its ack. */
export const COMMIT_VISIBLE_UNACKED = 'commit.visible-unacked';

export class AckBook {
  /** Order id -> its first ack (any `ok` event, invoked or not). */
  readonly firstAck = new OrderTimes();
  /** Every `ok` event's latency -> count. */
  readonly latency = new LatencyCounts();
  /** Acks recorded at the instant of the control event before them: their control position. */
  readonly controlPosition = new Map<string, number>();
  /** Acks given while their scope had no primary: the node that acked. */
  readonly ackerWithoutPrimary = new Map<string, string>();
  /** Order ids a client found by a read, or a design recorded visible without its ack. */
  readonly visible = new OrderIdSet();
  staleReads = 0;
  /** Per scope: the node the loss rule takes as its primary (check/no-lost-ack.ts `lossEvent`). */
  private readonly lossPrimary = new Map<string, string | undefined>();

  constructor(private readonly scopes: OrderScopes) {}

  /** Follows a control event. */
  control(e: HistoryEvent): void {
    if (e.type === 'role') {
      const scope = e.scope ?? '';
      if (e.role === 'primary') this.lossPrimary.set(scope, e.node);
      else if (e.node === this.lossPrimary.get(scope)) this.lossPrimary.set(scope, undefined);
    } else if (e.type === 'probe' && e.probe === COMMIT_VISIBLE_UNACKED && e.subject !== undefined) {
      this.visible.add(e.subject);
    }
  }

  /** A client got an ack of `orderId` from `node` at `time`, after `controlCount` control events. */
  ok(orderId: string, node: string, latency: Micros, time: Micros, controlCount: number, lastControlAt: Micros | undefined): void {
    this.latency.add(latency);
    if (!this.firstAck.setFirst(orderId, time)) return;
    if (time === lastControlAt) this.controlPosition.set(orderId, controlCount);
    // without named scopes an order's scope is '' or none, which the loss rule reads as ''
    const scope = this.scopes.anyNamed ? (this.scopes.get(orderId) ?? '') : '';
    if (this.lossPrimary.get(scope) === undefined) this.ackerWithoutPrimary.set(orderId, node);
  }

  /** A read, asked at `invokedAt` (history time). */
  read(e: EventOf<'read'>, invokedAt: Micros): void {
    if (e.found) {
      this.visible.add(e.orderId);
      return;
    }
    const at = this.firstAck.get(e.orderId);
    if (at !== undefined && at < invokedAt) this.staleReads++;
  }
}
