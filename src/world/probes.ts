/**
 * Probes: named moments a part marks where something interesting happens (FoundationDB's
 * `CODE_PROBE`, the VOPR's coverage marks): `lock.acquired`, `commit.waiting`,
 * `promote.begin`. They serve three readers:
 *
 * - coverage: every emission bumps a counter, so a campaign can say which mechanisms ran and
 *   warn about the ones that never did;
 * - triggers: a schedule's fault may fire `when:` a probe happens (on a node, the Nth time,
 *   after a delay), so a fault lands at the worst moment instead of at a guessed time;
 * - the history: a probe declared `recorded` also goes into the history as a `probe` event
 *   with its node and subject (a lock key, an order id), for the few metrics that need the
 *   moment itself (overlapping lock holders, visible-but-unacknowledged commits).
 *
 * Each probe is declared once, at module level in the part that emits it, with one line of
 * documentation (`hasim list --probes` prints it); a probe several parts emit (`repl.sent`) is
 * declared `shared` in parts/common-probes.ts and each emitting part names it with `emitsProbe`:
 *
 * ```ts
 * export const LOCK_ACQUIRED = defineProbe(import.meta.url, 'lock.acquired', 'a client was granted a lock (SET NX PX succeeded)', { recorded: true });
 * ...
 * this.ctx.probe(LOCK_ACQUIRED, key);
 * ```
 *
 * Emitting is cheap: an array increment when nothing listens, no allocation unless the probe
 * is recorded. Probes never enter the trace hash (they observe; a triggered fault that fires
 * does enter it, through its `fault-begin`).
 */
import type { HistoryRecorder } from '../history/history.ts';
import type { Micros } from '../sim/time.ts';

export interface ProbeOptions {
  /** Also record each emission in the history (for metrics that need the moment). */
  recorded?: boolean;
  /**
   * What a campaign in which this probe never fired did not put at risk, in a few words
   * (`no lock ever expired while held`): printed as a vacuity warning.
   */
  neverAtRisk?: string;
  /**
   * Declared for several parts (`repl.sent`): the declaring module does not emit it; each part
   * that does says so with `emitsProbe`.
   */
  shared?: boolean;
}

export interface Probe {
  /** Index into a bus's counters. */
  readonly id: number;
  /** `lock.acquired`: a dotted name, the mechanism first. */
  readonly name: string;
  /** One line: what happened when it fires. */
  readonly doc: string;
  /** The module that declared it (its file URL). */
  readonly module: string;
  /** The modules that emit it (file URLs), so a design's probes can be listed. */
  readonly emitters: readonly string[];
  readonly recorded: boolean;
  readonly neverAtRisk: string | undefined;
}

const NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
const registry: Probe[] = [];
const byName = new Map<string, Probe>();

/** Declares a probe; each name once (a second declaration from another module is a bug). */
export function defineProbe(module: string, name: string, doc: string, options: ProbeOptions = {}): Probe {
  if (!NAME.test(name)) throw new Error(`probe name ${name} must be dotted lowercase words, such as lock.acquired`);
  const known = byName.get(name);
  if (known) {
    if (known.module !== module) throw new Error(`probe ${name} is declared twice (${known.module} and ${module})`);
    return known;
  }
  const emitters = options.shared ? [] : [module];
  const probe: Probe = { id: registry.length, name, doc, module, emitters, recorded: options.recorded ?? false, neverAtRisk: options.neverAtRisk };
  registry.push(probe);
  byName.set(name, probe);
  return probe;
}

/** Says that `module` emits a shared probe (declared once elsewhere); returns the probe. */
export function emitsProbe(module: string, probe: Probe): Probe {
  const emitters = probe.emitters as string[];
  if (!emitters.includes(module)) emitters.push(module);
  return probe;
}

// --- the world's own probes: effects every design has ----------------------------------------

const HERE = import.meta.url;
export const ORDER_ACKED = defineProbe(HERE, 'order.acked', 'a node acked an order to its client (an external effect)');
export const EXCHANGE_SENT = defineProbe(HERE, 'exchange.sent', 'a node sent an order to the exchange (an external effect)');
export const ROLE_PRIMARY = defineProbe(HERE, 'role.primary', 'a node declared itself primary (a new primary or a new epoch)');
export const FENCE_SENT = defineProbe(HERE, 'fence.sent', 'a node asked the power controller to fence another (STONITH)');
export const VIP_CLAIMED = defineProbe(HERE, 'vip.claimed', 'a node took a virtual IP (gratuitous ARP sent)');

/** Every probe declared by the modules loaded so far, in declaration order. */
export function allProbes(): readonly Probe[] {
  return registry;
}

export function probeNamed(name: string): Probe | undefined {
  return byName.get(name);
}

/** Called when a probe fires: the node it fired on and its subject (a key, an order id), if any. */
export type ProbeListener = (node: string, subject: string | undefined) => void;

/** One run's probe counters and listeners. */
export class ProbeBus {
  private readonly counts: number[] = [];
  private readonly listeners: (ProbeListener[] | undefined)[] = [];

  constructor(
    private readonly history: HistoryRecorder,
    private readonly now: () => Micros,
  ) {}

  emit(probe: Probe, node: string, subject?: string): void {
    this.counts[probe.id] = (this.counts[probe.id] ?? 0) + 1;
    if (probe.recorded) {
      this.history.record(subject === undefined ? { type: 'probe', time: this.now(), node, probe: probe.name } : { type: 'probe', time: this.now(), node, probe: probe.name, subject });
    }
    const listeners = this.listeners[probe.id];
    if (listeners !== undefined) for (let i = 0; i < listeners.length; i++) listeners[i](node, subject);
  }

  /**
   * Calls `listener` at every later emission of `probe`; returns the function that stops it.
   * The lists are copied on change, so a listener that stops itself (or another) during an
   * emission does not make the others miss it.
   */
  listen(probe: Probe, listener: ProbeListener): () => void {
    this.listeners[probe.id] = [...(this.listeners[probe.id] ?? []), listener];
    return () => {
      const list = this.listeners[probe.id]!.filter((l) => l !== listener);
      this.listeners[probe.id] = list.length ? list : undefined;
    };
  }

  /** How often each probe fired, by name (only those that fired), in declaration order. */
  counters(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let id = 0; id < this.counts.length; id++) if (this.counts[id]) out[registry[id].name] = this.counts[id];
    return out;
  }
}
