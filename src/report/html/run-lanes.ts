/**
 * The lanes of the HTML timeline, read from a run's history: per node, its process state (up,
 * paused, crashed, off) and the roles it declared (one row per scope: a sharded design's node
 * may be primary of one shard and standby of another), plus point markers (fencing, VIP, DNS
 * and load-balancer moves, notes, skipped faults).
 *
 * A role ends when the node declares another, or when it crashes or is powered off (its
 * volatile belief is gone, as `check/primary-intervals.ts` says), and the row stays empty until
 * it declares again. Long runs are downsampled here: a row with more than `MAX_SEGMENTS`
 * segments has its runs of short segments merged into `mixed` ones, and markers beyond
 * `MAX_MARKERS` are thinned per node and kind (each kept marker counts the ones it stands for).
 * Faults, outages and violations are not lanes and are never thinned.
 */
import type { History, HistoryEvent } from '../../history/history.ts';
import { scopeOf } from '../../check/scopes.ts';
import type { Micros } from '../../sim/time.ts';
import { describeEvent } from '../run-text.ts';

/** `[startUs, endUs, value]` triples, flattened: value indexes `LaneSet.states` or `.roles`. */
export type Segments = number[];

export interface Lane {
  node: string;
  /** Process state over time: `[start, end, stateIndex]` triples. */
  states: Segments;
  /** One row per scope the node declared roles in (`''`, the whole service, first). */
  roles: { scope: string; segments: RoleSegments }[];
}

/** `[startUs, endUs, roleIndex, epoch]` quadruples, flattened. */
export type RoleSegments = number[];

/** A point event drawn on a lane (or on the run's global row when `lane` is -1). */
export interface Marker {
  timeUs: Micros;
  lane: number;
  kind: 'fence' | 'fence-failed' | 'vip' | 'dns' | 'lb' | 'note' | 'fault-skipped';
  text: string;
  /** Markers this one stands for after thinning (absent: 1). */
  merged?: number;
}

export interface LaneSet {
  /** State names; `mixed` marks merged runs of short segments. */
  states: string[];
  roles: string[];
  lanes: Lane[];
  markers: Marker[];
}

/** Segments per row before runs of short ones are merged. */
export const MAX_SEGMENTS = 4000;
/** Markers kept in all; beyond it they are thinned per node and kind. */
export const MAX_MARKERS = 4000;

const STATES = ['up', 'paused', 'crashed', 'off', 'mixed'];

export function laneSet(history: History): LaneSet {
  const roles: string[] = [];
  const roleIndex = (role: string) => {
    let i = roles.indexOf(role);
    if (i < 0) i = roles.push(role) - 1;
    return i;
  };
  const laneOf = new Map(history.nodes.map((node, i) => [node, i]));
  const builders = history.nodes.map((node) => new LaneBuilder(node));
  const markers: Marker[] = [];
  for (const e of history.events) {
    const lane = 'node' in e ? laneOf.get(e.node) : undefined;
    if (e.type === 'node-state' && lane !== undefined) builders[lane].state(e.time, STATES.indexOf(e.state));
    else if (e.type === 'role' && lane !== undefined) builders[lane].role(e.time, scopeOf(e), roleIndex(e.role), e.epoch);
    const kind = markerKind(e);
    if (kind) markers.push({ timeUs: e.time, lane: lane ?? -1, kind, text: describeEvent(e) ?? e.type });
  }
  const lanes = builders.map((b) => b.finish(history.endAt, roles.length));
  return { states: STATES, roles: roles.concat('mixed'), lanes, markers: thinMarkers(markers, history.endAt) };
}

function markerKind(e: HistoryEvent): Marker['kind'] | undefined {
  switch (e.type) {
    case 'fence':
      return e.ok ? 'fence' : 'fence-failed';
    case 'vip':
    case 'dns':
    case 'lb':
    case 'note':
    case 'fault-skipped':
      return e.type;
    default:
      return undefined;
  }
}

class LaneBuilder {
  private readonly states: Segments = [];
  private stateOpen: { start: Micros; value: number } | undefined;
  private readonly rows = new Map<string, { segments: RoleSegments; open?: { start: Micros; role: number; epoch: number } }>();

  constructor(private readonly node: string) {}

  state(time: Micros, state: number): void {
    if (this.stateOpen?.value === state) return;
    if (this.stateOpen) this.states.push(this.stateOpen.start, time, this.stateOpen.value);
    this.stateOpen = { start: time, value: state };
    if (state === STATES.indexOf('crashed') || state === STATES.indexOf('off')) for (const scope of this.rows.keys()) this.endRole(scope, time);
  }

  role(time: Micros, scope: string, role: number, epoch: number): void {
    let row = this.rows.get(scope);
    if (!row) this.rows.set(scope, (row = { segments: [] }));
    if (row.open && row.open.role === role && row.open.epoch === epoch) return;
    this.endRole(scope, time);
    row.open = { start: time, role, epoch };
  }

  private endRole(scope: string, time: Micros): void {
    const row = this.rows.get(scope)!;
    if (row.open) row.segments.push(row.open.start, time, row.open.role, row.open.epoch);
    row.open = undefined;
  }

  /** `mixedRole`: the index merged role segments take (`mixed`, after every declared role). */
  finish(endAt: Micros, mixedRole: number): Lane {
    if (this.stateOpen) this.states.push(this.stateOpen.start, endAt, this.stateOpen.value);
    for (const scope of this.rows.keys()) this.endRole(scope, endAt);
    const scopes = [...this.rows.keys()].sort();
    return {
      node: this.node,
      states: mergeShort(this.states, 3, endAt / MAX_SEGMENTS, STATES.indexOf('mixed')),
      roles: scopes.map((scope) => ({ scope, segments: mergeShort(this.rows.get(scope)!.segments, 4, endAt / MAX_SEGMENTS, mixedRole) })),
    };
  }
}

/**
 * Merges runs of adjacent segments shorter than `minUs` into one segment of value `mixed`, when a row has more than
 * `MAX_SEGMENTS` segments. Gaps between segments (no role declared) are kept.
 */
export function mergeShort(flat: number[], stride: number, minUs: number, mixed: number): number[] {
  if (flat.length / stride <= MAX_SEGMENTS) return flat;
  const out: number[] = [];
  let run: number[] | undefined;
  const flush = () => {
    if (run) out.push(...run);
    run = undefined;
  };
  for (let i = 0; i < flat.length; i += stride) {
    const seg = flat.slice(i, i + stride);
    if (seg[1] - seg[0] >= minUs) {
      flush();
      out.push(...seg);
    } else if (run && run[1] === seg[0]) {
      run[1] = seg[1];
      if (run[2] !== seg[2] || (stride > 3 && run[3] !== seg[3])) {
        run[2] = mixed;
        if (stride > 3) run[3] = 0;
      }
    } else {
      flush();
      run = seg;
    }
  }
  flush();
  return out;
}

/** Keeps at most about `MAX_MARKERS`: per node and kind, the first marker of each time bucket. */
export function thinMarkers(markers: Marker[], endAt: Micros): Marker[] {
  if (markers.length <= MAX_MARKERS) return markers;
  const groups = new Set(markers.map((m) => `${m.lane}|${m.kind}`)).size;
  const buckets = Math.max(1, Math.floor(MAX_MARKERS / groups));
  const width = Math.max(1, endAt / buckets);
  const kept = new Map<string, Marker>();
  const out: Marker[] = [];
  for (const m of markers) {
    const key = `${m.lane}|${m.kind}|${Math.floor(m.timeUs / width)}`;
    const first = kept.get(key);
    if (first) first.merged = (first.merged ?? 1) + 1;
    else {
      const copy = { ...m };
      kept.set(key, copy);
      out.push(copy);
    }
  }
  for (const m of out) if (m.merged) m.text += ` (+${m.merged - 1} more like it nearby)`;
  return out;
}
