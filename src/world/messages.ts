/**
 * Typed messages for parts. On the wire every message is a `Msg` (`{ type, ...fields }`); a
 * part declares its own as interfaces with a literal `type` and names the kinds it handles once:
 *
 * ```ts
 * export interface LeaseRelease extends Msg { type: 'lease-release'; epoch: number }
 * const VOTER_MESSAGES = messageKinds<LeaseRequest | LeaseRelease>('lease-request', 'lease-release');
 *
 * handle(from: string, msg: Msg): boolean {
 *   if (!VOTER_MESSAGES.has(msg)) return false;   // msg is now LeaseRequest | LeaseRelease
 *   if (msg.type === 'lease-release') ...           // and each branch has its fields typed
 * }
 * ```
 *
 * The check is on `type`, so the fields are typed without a cast per field, and a misspelt
 * kind fails to compile (the list must name kinds of the union).
 */
import type { Msg, OrderRequest } from './actor.ts';

export interface MessageKinds<M extends Msg> {
  readonly types: readonly M['type'][];
  /** Whether `msg` is one of these kinds; narrows it to the part's union. */
  has(msg: Msg): msg is M;
}

export function messageKinds<M extends Msg>(...types: M['type'][]): MessageKinds<M> {
  const set = new Set<string>(types);
  return { types, has: (msg: Msg): msg is M => set.has(msg.type) };
}

/** A client's order, which every serving design receives. */
export const ORDER_MESSAGES = messageKinds<OrderRequest>('order');
