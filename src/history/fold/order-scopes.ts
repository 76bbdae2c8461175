/**
 * The scope (shard) each order belongs to, folded as the history is recorded: the scope its
 * primary was serving when it first acted on it (check/scopes.ts states the rule). One byte per
 * order (order-columns.ts), the scope's tag.
 */
import type { HistoryEvent } from '../history.ts';
import { OrderTags } from '../order-columns.ts';
import { NameTags } from './name-tags.ts';

export class OrderScopes {
  private readonly tags = new OrderTags();
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
    if (this.tags.get(orderId) !== 0 || this.overflow.has(orderId)) return;
    const now = this.primaryIn.get(node);
    const scope = now && now.length > 0 ? now[now.length - 1] : this.lastScope.get(node);
    if (scope === undefined) return;
    const tag = this.names.tagOf(scope);
    if (tag === 0) this.overflow.set(orderId, scope);
    else this.tags.setFirst(orderId, tag);
  }

  /** The order's scope, undefined when no primary ever acted on it. */
  get(orderId: string): string | undefined {
    return this.names.nameOf(this.tags.get(orderId)) ?? this.overflow.get(orderId);
  }
}
