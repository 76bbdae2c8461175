/**
 * The scope (shard) each order belongs to, folded as the history is recorded: the scope its
 * primary was serving when it first acted on it (check/scopes.ts states the rule). One bit per
 * order while every scope is the whole service (most designs: an order id set), one byte (the
 * scope's tag; order-columns.ts) once a named scope (a shard) has been seen.
 */
import type { HistoryEvent } from '../history.ts';
import { OrderTags } from '../order-columns.ts';
import { OrderIdSet } from '../order-ids.ts';
import { NameTags } from './name-tags.ts';

export class OrderScopes {
  private readonly tags = new OrderTags();
  /** Orders of the whole service (scope ''), assigned before any named scope was. */
  private readonly whole = new OrderIdSet();
  private named = false;
  private readonly names = new NameTags();
  /** Per node: the scopes it is primary in now, most recent last. */
  private readonly primaryIn = new Map<string, string[]>();
  private readonly lastScope = new Map<string, string>();
  /** Ids whose scope did not fit a tag (over 255 scopes). */
  private readonly overflow = new Map<string, string>();

  /** Follows a control event (roles and crashes move primaryship). */
  control(e: HistoryEvent): void {
    if (e.type === 'role') {
      const scope = e.scope ?? '';
      const list = (this.primaryIn.get(e.node) ?? []).filter((s) => s !== scope);
      if (e.role === 'primary') {
        list.push(scope);
        this.lastScope.set(e.node, scope);
      }
      this.primaryIn.set(e.node, list);
    } else if (e.type === 'node-state' && (e.state === 'crashed' || e.state === 'off')) {
      this.primaryIn.delete(e.node);
    }
  }

  /** `node` acted on `orderId` (an ack sent or received, or an accepted exchange order). */
  effect(node: string, orderId: string): void {
    // until a named scope is seen, no order has a tag or an overflow entry: only `whole` can hold it
    if (this.whole.has(orderId) || (this.named && (this.tags.get(orderId) !== 0 || this.overflow.has(orderId)))) return;
    const now = this.primaryIn.get(node);
    const scope = now && now.length > 0 ? now[now.length - 1] : this.lastScope.get(node);
    if (scope === undefined) return;
    if (scope === '' && !this.named) {
      this.whole.add(orderId);
      return;
    }
    this.named = true;
    const tag = this.names.tagOf(scope);
    if (tag === 0) this.overflow.set(orderId, scope);
    else this.tags.setFirst(orderId, tag);
  }

  /** Whether a named scope (a shard) was seen: until then every order's scope is the whole service or none. */
  get anyNamed(): boolean {
    return this.named;
  }

  /** The order's scope, undefined when no primary ever acted on it. */
  get(orderId: string): string | undefined {
    if (!this.named) return this.whole.has(orderId) ? '' : undefined;
    const tagged = this.names.nameOf(this.tags.get(orderId)) ?? this.overflow.get(orderId);
    if (tagged !== undefined) return tagged;
    return this.whole.has(orderId) ? '' : undefined;
  }
}
