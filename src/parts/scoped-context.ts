/**
 * A view of a node's context whose role declarations name a scope (a shard), so parts written
 * for one service (the `OrderServer`) can run one per shard on a node that serves several:
 * `new OrderServer(scopedContext(ctx, 'shard2'))` declares `primary` of shard2, not of the whole
 * service. Everything else is the node's own context.
 */
import type { Role } from '../history/history.ts';
import type { NodeContext } from '../world/actor.ts';

export function scopedContext(ctx: NodeContext, scope: string): NodeContext {
  const view = Object.create(ctx) as NodeContext;
  view.declareRole = (role: Role, epoch: number) => ctx.declareRole(role, epoch, scope);
  return view;
}
