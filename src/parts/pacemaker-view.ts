/**
 * What one Pacemaker node tells the others about itself, and the controller's messages between
 * nodes, for the hot-standby-stonith design. The view rides on every corosync beat (Pacemaker's
 * CIB status section and node attributes, and DRBD's data generation, as a peer sees them); the
 * messages are the designated controller's (DC) broadcasts and a stopping node's request to
 * move its resources off it (the `shutdown` node attribute: Pacemaker Explained, "node
 * attributes").
 *
 * `pickStartNode` is the DC's placement when nobody runs the resources: the node with the
 * newest data, an UpToDate one if there is any (DRBD compares generations and refuses to
 * promote Outdated data), the preferred one (a location constraint) on a tie.
 */
import type { Msg } from '../world/actor.ts';
import { messageKinds } from '../world/messages.ts';

/** What each node's beats carry: Pacemaker's view of it, and DRBD's data generation. */
export interface PeerView {
  primary: boolean;
  /** The node's disk takes writes (DRBD: not Diskless / Failed). */
  diskOk: boolean;
  /** DRBD UpToDate: the primary told it it holds every acked order (since its last boot). */
  upToDate: boolean;
  /** How often the node's stack has started: a higher count than when it was lost means it restarted. */
  boots: number;
  /** The nodes it holds unclean (the CIB is shared: the DC fences what any member saw lost). */
  unclean: string[];
  epoch: number;
  lastTerm: number;
  length: number;
  /** Shutting down (the `shutdown` attribute): its resources are moving off it, it will leave. */
  shutdown: boolean;
  /** The resource's fail-count here reached migration-threshold: it may not run here. */
  banned: boolean;
  /** A stop of the resource failed here: the node must be fenced before the resource moves. */
  stopFailed: boolean;
}

/** The designated controller tells its partition that a node is fenced (stonith-ng's broadcast). */
export interface FencedNotice extends Msg {
  type: 'pcmk-fenced';
  target: string;
}
/** The designated controller tells the node it chose to start the resources (a transition). */
export interface StartRequest extends Msg {
  type: 'pcmk-start';
}
/** A node asks the cluster to move its resources off it (the `shutdown` attribute), with its view. */
export interface ShutdownRequest extends Msg {
  type: 'pcmk-shutdown';
  view: PeerView;
}
/** A member ran the transition for a shutdown request (started the resources or could not). */
export interface ShutdownDone extends Msg {
  type: 'pcmk-shutdown-done';
}
export const FENCED_NOTICES = messageKinds<FencedNotice>('pcmk-fenced');
export const SHUTDOWN_REQUESTS = messageKinds<ShutdownRequest>('pcmk-shutdown');
export const SHUTDOWN_DONE = messageKinds<ShutdownDone>('pcmk-shutdown-done');
export const START_REQUESTS = messageKinds<StartRequest>('pcmk-start');
/** The controllers' messages between nodes: the cluster stack's, not the service's. */
export const CONTROLLER_MESSAGE_KINDS: ReadonlySet<string> = new Set(['pcmk-fenced', 'pcmk-start', 'pcmk-shutdown', 'pcmk-shutdown-done']);

/**
 * The node the DC starts the resources on, among `candidates` (each with its view; none runs
 * them), `order` being the nodes in order of preference: UpToDate first if any candidate is,
 * then the newest generation, then the longest log, then preference. Sorts `candidates`.
 */
export function pickStartNode(candidates: [string, PeerView][], order: readonly string[]): [string, PeerView] {
  const anyUpToDate = candidates.some(([, v]) => v.upToDate);
  const rank = ([id, v]: [string, PeerView], [id2, w]: [string, PeerView]) =>
    Number(w.upToDate && anyUpToDate) - Number(v.upToDate && anyUpToDate) || w.epoch - v.epoch || w.lastTerm - v.lastTerm || w.length - v.length || order.indexOf(id) - order.indexOf(id2);
  return candidates.sort(rank)[0];
}
