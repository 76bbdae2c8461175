/**
 * A campaign's plan: which runs it consists of, in a fixed order, and which of them a shard
 * owns. The runs are every variant (a design, or a design with one parameter value) times
 * every schedule (or the one random profile) times every seed S..S+N-1, numbered
 *
 *   index = (variant * schedules + schedule) * runs + (seed - S)
 *
 * Shard i of n (1-based) owns the runs whose index mod n is i-1; its own runs are numbered by
 * their position in that slice. Plans are never materialised as lists: a position maps to a
 * run by arithmetic, so a million-run plan costs nothing. `RangeSet` records which positions
 * are done as sorted intervals (a few, since runs finish nearly in order) for `--resume`.
 */
import type { Schedule } from '../faults/schedule.ts';
import type { Workload } from '../world/client.ts';
import { InputError } from '../sim/input-error.ts';

/** One thing being checked: a design with its parameter overrides. */
export interface Variant {
  /** How tables and JSON name it: the design's name, or `name=value` in a sweep. */
  label: string;
  /** The design's name or path as given (what workers load). */
  design: string;
  /** `--set` overrides for this variant. */
  params: Record<string, string>;
  /** Workload settings of this variant (a sweep of `rate`), over the campaign's flags. */
  workload?: Partial<Workload>;
}

/** The workload a variant's runs take: the campaign's (its flags), then the variant's own (a swept rate). */
export function variantWorkload(campaign: Partial<Workload> | undefined, variant: Variant): Partial<Workload> | undefined {
  return variant.workload ? { ...campaign, ...variant.workload } : campaign;
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export interface Plan {
  variants: Variant[];
  /** Fixed schedules; empty when runs draw from `profile`. */
  schedules: Schedule[];
  /** Path of the random profile, when no fixed schedules are given. */
  profile?: string;
  /** The profile as the user named it (what result files record). */
  profileLabel?: string;
  seed: number;
  /** Seeds per variant and schedule. */
  runs: number;
  shard?: Shard;
}

/** What one position of the plan runs. */
export interface PlannedRun {
  index: number;
  variant: number;
  schedule: number;
  seed: number;
}

export function totalRuns(plan: Plan): number {
  return plan.variants.length * Math.max(1, plan.schedules.length) * plan.runs;
}

/** How many runs this shard owns (all of them without a shard). */
export function positions(plan: Plan): number {
  const total = totalRuns(plan);
  if (!plan.shard) return total;
  const first = plan.shard.index - 1;
  return first >= total ? 0 : Math.ceil((total - first) / plan.shard.count);
}

export function runAt(plan: Plan, position: number): PlannedRun {
  const index = plan.shard ? position * plan.shard.count + plan.shard.index - 1 : position;
  const perVariant = Math.max(1, plan.schedules.length) * plan.runs;
  return {
    index,
    variant: Math.floor(index / perVariant),
    schedule: Math.floor(index / plan.runs) % Math.max(1, plan.schedules.length),
    seed: plan.seed + (index % plan.runs),
  };
}

/** Parses `--shard i/n` (1-based: `1/4` .. `4/4`). */
export function parseShard(raw: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new InputError('--shard', '', 'i/n with 1 <= i <= n, such as 2/4', JSON.stringify(raw));
  return { index, count };
}

export const formatShard = (s: Shard | undefined): string | null => (s ? `${s.index}/${s.count}` : null);

/** A set of non-negative integers kept as sorted, disjoint, non-adjacent [start, end) ranges. */
export class RangeSet {
  private readonly ranges: [number, number][];

  constructor(ranges: readonly (readonly [number, number])[] = []) {
    this.ranges = [];
    for (const [start, end] of ranges) this.addRange(start, end);
  }

  has(n: number): boolean {
    const at = this.search(n);
    return at >= 0 && n < this.ranges[at][1];
  }

  add(n: number): void {
    this.addRange(n, n + 1);
  }

  /** How many integers the set holds. */
  get size(): number {
    return this.ranges.reduce((sum, [s, e]) => sum + e - s, 0);
  }

  toJSON(): [number, number][] {
    return this.ranges.map(([s, e]) => [s, e]);
  }

  /** The index of the last range starting at or before n, or -1. */
  private search(n: number): number {
    let lo = 0;
    let hi = this.ranges.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.ranges[mid][0] <= n) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  private addRange(start: number, end: number): void {
    if (end <= start) return;
    let at = this.search(start);
    if (at >= 0 && this.ranges[at][1] >= start) {
      this.ranges[at][1] = Math.max(this.ranges[at][1], end);
    } else {
      at++;
      this.ranges.splice(at, 0, [start, end]);
    }
    // Absorb the ranges the grown one now touches.
    while (at + 1 < this.ranges.length && this.ranges[at + 1][0] <= this.ranges[at][1]) {
      this.ranges[at][1] = Math.max(this.ranges[at][1], this.ranges[at + 1][1]);
      this.ranges.splice(at + 1, 1);
    }
  }
}
