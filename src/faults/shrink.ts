/**
 * Shrinking a failing schedule: the smallest, shortest, simplest schedule under which the same
 * invariant still fails (the caller's predicate decides what "still fails" means; it usually
 * simulates the run with the same seed). The passes, each kept only while the predicate holds:
 *
 *   1. ddmin over the faults (Zeller & Hildebrandt, "Simplifying and Isolating
 *      Failure-Inducing Input", 2002): try halves, then quarters, ... then single faults, and
 *      their complements;
 *   2. per fault: simpler targets (`any`, a node id, `standby` -> `primary`; `rack:R` -> one of
 *      its nodes), optional fields dropped, a trigger's options back to their defaults, `for`
 *      shortened;
 *   3. every fault moved later together, as far as chaos allows (their relative timing is
 *      often the bug), then each one later on its own (for a triggered fault: armed later);
 *   4. `duration` cut to just past the last fault's end (settle is kept).
 *
 * Why later, not earlier: schedule times count from the end of boot, so 0 s is a service that
 * has served for one steady second, with replication, ARP caches and health checks still fresh
 * from start-up. A failure that needs its fault there may be a start-up artefact; moving each
 * fault as late as chaos allows (with `for` shortened first, so it has room) shows the failure
 * in a service that has been running, and a fault window shrunk from both sides, later and
 * shorter, is the narrowest one that still fails. Faults never move before 0, into boot.
 * Passes 2-4 repeat while they find something, within the run budget.
 *
 * Why ddmin here rather than fast-check's shrinker: fast-check shrinks values it generated
 * itself (it needs the generator's context), greedily: from a failing value it tries the
 * arbitrary's candidates in turn and restarts from the first that still fails, one property
 * run per candidate. That suits properties that take microseconds. Our failing schedules come
 * from profiles or from people, and each probe is a whole simulation (tens to hundreds of
 * milliseconds), so what matters is the number of runs: ddmin isolates a single culprit among
 * n faults in O(log n) runs and a pair in a few more, every probe is memoised and counted
 * against a budget, and the value searches bisect towards round numbers (`for: 5s`, about
 * log2(range / 2 %) runs each) with simplifications fast-check cannot know (targets to
 * `primary`, chaos cut after the last fault). Measured on a synthetic failure (a partition
 * of the primary >= 5 s plus a process crash) hidden in 10 schedules of 6-10 faults that
 * fast-check generated: fast-check's shrinking took 29-73 runs (median 41) and kept the two
 * culprits, but with the partition lasting to the end of 120 s of chaos (an option shrinks to
 * absent); ddmin took 32-45 runs (median 36) for `for: 5s`, both faults at 0 s, chaos 6 s.
 * Users' own property tests still get fast-check's shrinking through `scheduleArbitrary`.
 *
 * Deterministic: the same schedule and predicate give the same result and steps.
 */
import { defaultOf, isDefault, writeDuration } from './fields.ts';
import { pinFaultTimes } from './fault-times.ts';
import type { StaticDesignView } from './design-view.ts';
import { faultKind } from './registry.ts';
import type { FaultSpec, Schedule } from './schedule.ts';
import { Attempts, largestFailing, RELATIVE_PRECISION, smallestFailing } from './shrink-search.ts';
import { formatTarget, type MemberSpec, type TargetSpec } from './targets.ts';
import { MS, SECOND, type Micros } from '../sim/time.ts';

export interface ShrinkResult {
  schedule: Schedule;
  /** Predicate calls made. */
  runs: number;
  /** Each accepted simplification, for people: `faults[0] partition: for 17s -> 5s`. */
  steps: string[];
}

export interface ShrinkOptions {
  /** Predicate calls allowed (default 300); the best schedule so far is returned when spent. */
  maxRuns?: number;
  /** The design's names, so `rack:R` can shrink to one of its nodes (without it: to roles only). */
  view?: StaticDesignView;
  /**
   * The failing run's seed: random fault times (`at: 20s..30s`) are first pinned to what it
   * drew, so the shrunk schedule replays the same run whatever faults are dropped later.
   */
  seed?: number;
}

/** How far past the last fault's end chaos must last, at least. */
const DURATION_MARGIN: Micros = SECOND;
const MAX_ROUNDS = 3;

/**
 * Minimises `schedule` while `stillFails` holds (it is assumed to hold for `schedule`).
 *
 * ```ts
 * const stillFails = (s: Schedule) => simulate({ design, seed, schedule: s }).violations.some((v) => v.invariant === 'single-primary');
 * const { schedule: smallest, steps } = shrinkSchedule(failing, stillFails);
 * writeFileSync('shrunk.yaml', scheduleToYaml(smallest));
 * ```
 */
export function shrinkSchedule(schedule: Schedule, stillFails: (candidate: Schedule) => boolean, options: ShrinkOptions = {}): ShrinkResult {
  const attempts = new Attempts(stillFails, options.maxRuns ?? 300);
  attempts.remember(schedule, true);
  const shrinker = new Shrinker(schedule, attempts, options.view);
  if (options.seed !== undefined) shrinker.pinTimes(options.seed);
  shrinker.ddmin();
  for (let round = 0; round < MAX_ROUNDS && !attempts.exhausted; round++) {
    const before = shrinker.steps.length;
    for (let i = 0; i < shrinker.current.faults.length; i++) {
      shrinker.simplifyTargets(i);
      shrinker.dropOptionalFields(i);
      shrinker.simplifyTrigger(i);
      shrinker.shortenFor(i);
    }
    // shorter first, so the faults have room to move later
    shrinker.shiftLater();
    if (shrinker.current.faults.length > 1) for (let i = 0; i < shrinker.current.faults.length; i++) shrinker.moveLater(i);
    shrinker.cutDuration();
    if (shrinker.steps.length === before) break;
  }
  const result = shrinker.current;
  const summary = `shrunk from ${schedule.faults.length} faults to ${result.faults.length} in ${attempts.runs} runs`;
  return {
    schedule: { ...result, description: schedule.description ? `${schedule.description} (${summary})` : summary },
    runs: attempts.runs,
    steps: shrinker.steps,
  };
}

class Shrinker {
  readonly steps: string[] = [];

  constructor(
    public current: Schedule,
    private readonly attempts: Attempts,
    private readonly view: StaticDesignView | undefined,
  ) {}

  /** Accepts `candidate` if it still fails, recording `step`. */
  private attempt(candidate: Schedule, step: string): boolean {
    if (!this.attempts.fails(candidate)) return false;
    this.current = candidate;
    this.steps.push(step);
    return true;
  }

  private withFaults(faults: FaultSpec[], duration = this.current.duration): Schedule {
    return { ...this.current, duration, faults: faults.map((f, id) => ({ ...f, id })) };
  }

  private withFault(i: number, change: Partial<FaultSpec>): Schedule {
    return this.withFaults(this.current.faults.map((f, j) => (j === i ? { ...f, ...change } : f)));
  }

  private label(i: number): string {
    return `faults[${i}] ${this.current.faults[i].kind}`;
  }

  pinTimes(seed: number): void {
    const pinned = pinFaultTimes(this.current, seed);
    if (pinned !== this.current) this.attempt(pinned, `pinned random fault times to those of seed ${seed}`);
  }

  ddmin(): void {
    const original = this.current.faults;
    const subset = (indices: number[]) => this.withFaults(indices.map((i) => original[i]));
    let kept = original.map((_, i) => i);
    const accept = (next: number[]): void => {
      const removed = kept.filter((i) => !next.includes(i));
      this.current = subset(next);
      this.steps.push(`removed ${removed.map((i) => `faults[${i}] ${original[i].kind}`).join(', ')}: ${next.length} of ${original.length} left`);
      kept = next;
    };
    if (kept.length && this.attempts.fails(subset([]))) return accept([]);
    let n = 2;
    while (kept.length >= 2 && !this.attempts.exhausted) {
      const chunks = split(kept, n);
      const smaller = chunks.find((chunk) => this.attempts.fails(subset(chunk)));
      if (smaller) {
        accept(smaller);
        n = 2;
        continue;
      }
      const complement = n > 2 ? chunks.map((chunk) => kept.filter((i) => !chunk.includes(i))).find((c) => this.attempts.fails(subset(c))) : undefined;
      if (complement) {
        accept(complement);
        n = Math.max(n - 1, 2);
        continue;
      }
      if (n >= kept.length) break;
      n = Math.min(kept.length, 2 * n);
    }
  }

  /** Moves every fault later by the same amount, as far as chaos allows: their relative timing is kept. */
  shiftLater(): void {
    const faults = this.current.faults;
    if (faults.length === 0) return;
    const room = Math.min(...faults.map((f) => this.current.duration - (f.atMax ?? f.at) - extentOf(f)));
    if (room <= 0) return;
    const shifted = (by: Micros) => this.withFaults(faults.map((f) => ({ ...f, at: f.at + by, ...(f.atMax === undefined ? {} : { atMax: f.atMax + by }) })));
    // a move within the searches' precision is noise, not a simpler schedule
    if (room <= RELATIVE_PRECISION * Math.max(...faults.map((f) => f.at))) return;
    const by = largestFailing(0, room, (v) => this.attempts.fails(shifted(v)));
    if (by > 0) this.attempt(shifted(by), `every fault ${writeDuration(by)} later`);
  }

  simplifyTargets(i: number): void {
    const fault = this.current.faults[i];
    if (fault.target) {
      for (const simpler of this.simplerThan(fault.target)) {
        if (this.attempt(this.withFault(i, { target: simpler }), `${this.label(i)}: target ${formatTarget(fault.target)} -> ${formatTarget(simpler)}`)) break;
      }
    }
    const kind = faultKind(fault.kind);
    for (const [name, spec] of Object.entries(kind?.fields ?? {})) {
      if (!spec.type.members) continue;
      const members = spec.type.members(this.current.faults[i][name]);
      for (const [suffix, member] of members) {
        for (const simpler of this.simplerThan(member)) {
          const value = replaceAt(this.current.faults[i][name], suffix, simpler);
          if (this.attempt(this.withFault(i, { [name]: value }), `${this.label(i)}: ${name}${suffix} ${formatTarget(member)} -> ${formatTarget(simpler)}`)) break;
        }
      }
    }
  }

  /** Simpler names, simplest first: `primary`, then `standby`, then the nodes of a place. */
  private simplerThan(member: MemberSpec): TargetSpec[] {
    switch (member.type) {
      case 'primary':
      case 'others':
      case 'clients':
      case 'client':
      case 'exchange':
      case 'fence':
        return [];
      case 'standby':
        return [{ type: 'primary' }];
      case 'node':
        return [{ type: 'primary' }, { type: 'standby' }];
      case 'any':
        return [{ type: 'primary' }, { type: 'standby' }, ...(this.view?.nodeIds ?? []).map((node) => ({ type: 'node' as const, node }))];
      default:
        return [{ type: 'primary' }, { type: 'standby' }, ...(this.view?.nodesAt(member.type, member.name) ?? []).map((node) => ({ type: 'node' as const, node }))];
    }
  }

  dropOptionalFields(i: number): void {
    const kind = faultKind(this.current.faults[i].kind);
    for (const [name, spec] of Object.entries(kind?.fields ?? {})) {
      const value = this.current.faults[i][name];
      if (spec.required || value === undefined || isDefault(spec, value)) continue;
      // dropping a field with a default puts the default back, as parsing would
      const { [name]: _dropped, ...rest } = this.current.faults[i];
      const simpler = spec.default === undefined ? (rest as FaultSpec) : { ...rest, [name]: defaultOf(spec, { source: '<default>', field: name }) } as FaultSpec;
      this.attempt(this.withFaults(this.current.faults.map((f, j) => (j === i ? simpler : f))), `${this.label(i)}: dropped ${name}`);
    }
  }

  /** A trigger's options back to their defaults, one at a time (`nth: 3` -> first emission). */
  simplifyTrigger(i: number): void {
    const defaults = { nth: 1, after: 0, times: 1 } as const;
    for (const option of ['node', 'nth', 'after', 'times'] as const) {
      const when = this.current.faults[i].when;
      if (!when || when[option] === undefined || (option !== 'node' && when[option] === defaults[option])) continue;
      const simpler = { ...when };
      if (option === 'node') delete simpler.node;
      else simpler[option] = defaults[option];
      this.attempt(this.withFault(i, { when: simpler }), `${this.label(i)}: when.${option} back to its default`);
    }
  }

  shortenFor(i: number): void {
    const fault = this.current.faults[i];
    const lasting = Math.min(fault.for ?? Infinity, this.current.duration - fault.at);
    const shorter = smallestFailing(Math.min(MS, lasting), lasting, (v) => this.attempts.fails(this.withFault(i, { for: v })));
    if (shorter < lasting) this.attempt(this.withFault(i, { for: shorter }), `${this.label(i)}: for ${fault.for === undefined ? 'the rest of chaos' : writeDuration(lasting)} -> ${writeDuration(shorter)}`);
  }

  /** The fault as late as chaos allows (its `for` kept): a fault without `for` is shortened by it too. */
  moveLater(i: number): void {
    const fault = this.current.faults[i];
    if (fault.atMax !== undefined) return; // a drawn time: pinned first, left as drawn when it could not be
    const latest = this.current.duration - extentOf(fault);
    if (latest - fault.at <= RELATIVE_PRECISION * fault.at) return;
    const later = largestFailing(fault.at, latest, (v) => this.attempts.fails(this.withFault(i, { at: v })));
    if (later > fault.at) this.attempt(this.withFault(i, { at: later }), `${this.label(i)}: at ${writeDuration(fault.at)} -> ${writeDuration(later)}`);
  }

  /** Chaos ends just past the last fault (a fault without `for` keeps lasting until it ends). */
  cutDuration(): void {
    const { duration, faults } = this.current;
    const lastEnd = Math.max(0, ...faults.map((f) => (f.atMax ?? f.at) + (f.for === undefined ? MS : (f.forMax ?? f.for))));
    const floor = Math.min(duration, lastEnd + DURATION_MARGIN);
    const shorter = smallestFailing(floor, duration, (v) => this.attempts.fails(this.withFaults(faults, v)));
    if (shorter < duration) this.attempt(this.withFaults(faults, shorter), `duration ${writeDuration(duration)} -> ${writeDuration(shorter)}`);
  }
}

/** How long a fault must keep within chaos: its (longest) `for`, or a millisecond for one that lasts until chaos ends. */
function extentOf(f: FaultSpec): Micros {
  return f.for === undefined ? MS : (f.forMax ?? f.for);
}

/** `items` in `n` contiguous chunks of near-equal size. */
function split<T>(items: T[], n: number): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (let k = 0; k < n; k++) {
    const end = start + Math.floor((items.length - start) / (n - k));
    chunks.push(items.slice(start, end));
    start = end;
  }
  return chunks.filter((c) => c.length > 0);
}

/** A copy of a field value with the member at `suffix` (`[0][1]`) replaced. */
function replaceAt(value: unknown, suffix: string, member: MemberSpec): unknown {
  const path = [...suffix.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
  const copy = structuredClone(value) as unknown[];
  let parent: unknown[] = copy;
  for (const index of path.slice(0, -1)) parent = parent[index] as unknown[];
  parent[path[path.length - 1]] = member;
  return copy;
}
