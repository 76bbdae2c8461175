/**
 * `hasim estimate --incidents FILE`: every simulated incident of an estimate as one JSON line,
 * so an incident the estimate flags (down through a fast-forward, lost acked orders, split
 * brain) can be replayed alone with the one-line command its `replay` field gives
 * (`hasim estimate-replay FILE --incident N`, incident-replay.ts).
 *
 * The file's first line is the estimate's header (not its command line: the file is the same
 * for any `--workers`): what every incident simulation shares (the
 * root seed, the reliability data itself, the incident order rate, the workload, the event
 * budget), so a replay needs nothing but the file; and, per design, hashes of the code that
 * simulated it and of its resolved parameters (design-source.ts), so a replay after a model
 * change says so instead of leaving a differing trace hash to look like a bug. Each further
 * line is one incident, in the order the estimate visits them (design by design, chunk by chunk, in draw order: the same
 * file for any number of workers): its number, design and `--set` values, where it was drawn
 * (chunk, ordinal, hence its seed), its class and weight, its component changes with their
 * times, the drawn incident as the simulation takes it, its outcome (the figures the estimate
 * used, and why it is flagged) and its simulation's trace hash.
 *
 * ```jsonl
 * {"type":"estimate","seed":1,"reliability":{...},"incidentOrdersPerSecond":10,...}
 * {"type":"incident","incident":1,"design":"hot-standby-stonith","class":"a.server- L a.server+",...,"replay":"hasim estimate-replay inc.jsonl --incident 1"}
 * ```
 */
import { readFileSync } from 'node:fs';
import { parseWorkload, WORKLOAD_FIELDS, writeWorkload } from '../faults/schedule-workload.ts';
import { InputError } from '../sim/input-error.ts';
import type { Workload } from '../world/client.ts';
import type { Design } from '../world/design.ts';
import { resolveParams } from '../world/params.ts';
import { elementNames, type Incident } from './components.ts';
import { estimateSpecOf } from './declarations.ts';
import { designSource, paramsHash, type DesignSource } from './design-source.ts';
import type { IncidentRecord } from './estimate.ts';
import type { IncidentOutcome } from './incident-sim.ts';
import { incidentPlant } from './plant.ts';
import type { ReliabilityData } from './reliability.ts';
import { incidentSeed } from './sampling.ts';

/** What every incident simulation of the estimate shares. */
export interface IncidentLogSetup {
  seed: number;
  reliability: ReliabilityData;
  /** Orders per second inside incident simulations. */
  incidentOrdersPerSecond: number;
  /** The real order rate lost orders are scaled to. */
  ordersPerSecond: number;
  workload?: Partial<Workload>;
  maxEvents?: number;
}

export interface IncidentLogHeader {
  type: 'estimate';
  hasim: string;
  seed: number;
  reliability: unknown;
  incidentOrdersPerSecond: number;
  ordersPerSecond: number;
  workload: Record<string, unknown> | null;
  maxEvents: number | null;
  /** Per estimated design: the code its incidents ran and its resolved parameters (absent in logs of hasim before it). */
  designs?: Record<string, DesignPin>;
}

/** What pins a design's simulation: its code (design-source.ts) and its resolved parameter values. */
export interface DesignPin {
  source: DesignSource;
  /** `paramsHash` of the `--set` values over the defaults. */
  params: string;
}

/** One incident's line. */
export interface IncidentLine {
  type: 'incident';
  incident: number;
  design: string;
  params: Record<string, string>;
  chunk: number;
  ordinal: number;
  seed: number;
  class: string;
  pi: number;
  weight: number;
  /** The component changes, seconds from the incident's first one. */
  changes: { atSeconds: number; element: string; change: 'down' | 'up' }[];
  outcome: IncidentLogOutcome;
  /** Why the estimate reports it: empty when it is an ordinary incident. */
  flagged: string[];
  traceHash: string;
  /** The drawn incident as the simulation takes it. */
  draw: Incident;
  replay: string;
}

export type IncidentLogOutcome = Omit<IncidentOutcome, 'traceHash'> & { lostAckedAtRealRate: number; structuralDownSeconds: number };

/**
 * Formats an estimate's incidents as the log's lines and hands each to `write` as the estimate
 * reaches it (the header first): the caller streams them to the file, so an estimate of every
 * incident (`--simulations all`: hundreds of thousands) never holds the log in memory.
 */
export class IncidentLog {
  private count = 0;
  /** The flagged incidents' numbers with their design and why. */
  private readonly flagged: { number: number; design: string; flags: string[] }[] = [];
  /** The first flagged incidents and each design's longest ones, for the HTML report (`highlights`). */
  private readonly flaggedShown: IncidentHighlight[] = [];
  private readonly longest = new Map<string, IncidentHighlight[]>();
  private readonly names = new Map<string, string[]>();

  constructor(
    /** The file, as the replay command names it. */
    private readonly file: string,
    private readonly setup: IncidentLogSetup,
    hasim: string,
    /** Every estimated design, loaded, by the name the estimate gives it. */
    private readonly designs: ReadonlyMap<string, Design>,
    /** A design's `--set` values, as the estimate gives them (estimate.ts `paramsOf`). */
    paramsOf: (name: string, design: Design) => Record<string, string>,
    private readonly write: (text: string) => void,
  ) {
    const header: IncidentLogHeader = {
      type: 'estimate',
      hasim,
      seed: setup.seed,
      reliability: encodeNumbers(setup.reliability),
      incidentOrdersPerSecond: setup.incidentOrdersPerSecond,
      ordersPerSecond: setup.ordersPerSecond,
      workload: setup.workload && Object.keys(setup.workload).length > 0 ? writeWorkload(setup.workload) : null,
      maxEvents: setup.maxEvents ?? null,
      designs: Object.fromEntries([...designs].map(([name, design]) => [name, designPin(name, design, paramsOf(name, design))])),
    };
    write(JSON.stringify(header) + '\n');
  }

  /** Writes one incident's line (called in the estimate's order: the numbers follow it). */
  add(record: IncidentRecord): void {
    const number = ++this.count;
    const flags = flagsOf(record.outcome);
    if (flags.length > 0) this.flagged.push({ number, design: record.design, flags });
    const line = this.line(number, record, this.elementNames(record.design, record.params));
    this.remember(line);
    this.write(JSON.stringify(line) + '\n');
  }

  /**
   * The incidents a reader should look at, each with its replay command: the first
   * `MAX_FLAGGED_LISTED` flagged ones and every design's `LONGEST_LISTED` longest (by the
   * downtime the estimate charged them), in log order; `flagged` counts every flagged one.
   */
  highlights(): { file: string; count: number; flagged: number; incidents: IncidentHighlight[] } {
    const listed = new Map<number, IncidentHighlight>();
    for (const h of this.flaggedShown) listed.set(h.incident, h);
    for (const list of this.longest.values()) for (const h of list) if (!listed.has(h.incident)) listed.set(h.incident, h);
    const incidents = [...listed.values()].sort((a, b) => a.incident - b.incident);
    return { file: this.file, count: this.count, flagged: this.flagged.length, incidents };
  }

  private remember(line: IncidentLine): void {
    const highlight: IncidentHighlight = {
      incident: line.incident,
      design: line.design,
      className: line.class,
      flagged: line.flagged,
      downtimeSeconds: line.outcome.downtimeSeconds,
      lostAckedAtRealRate: line.outcome.lostAckedAtRealRate,
      replay: line.replay,
    };
    if (line.flagged.length > 0 && this.flaggedShown.length < MAX_FLAGGED_LISTED) this.flaggedShown.push(highlight);
    if (!(highlight.downtimeSeconds > 0)) return;
    const list = this.longest.get(line.design) ?? [];
    // kept longest first; a tie keeps the earlier incident ahead, so the list is the same for any --workers
    const at = list.findIndex((h) => highlight.downtimeSeconds > h.downtimeSeconds);
    if (at >= 0) list.splice(at, 0, highlight);
    else list.push(highlight);
    if (list.length > LONGEST_LISTED) list.length = LONGEST_LISTED;
    this.longest.set(line.design, list);
  }

  /** One line for the estimate's notes: how many incidents the log has, which are flagged, how to replay one. */
  summary(): string {
    const shown = this.flagged.slice(0, MAX_FLAGGED_SHOWN).map((f) => `#${f.number} ${f.design} (${f.flags.join(', ')})`);
    const more = this.flagged.length > shown.length ? `, ... ${this.flagged.length - shown.length} more` : '';
    const flagged = this.flagged.length === 0 ? 'none flagged' : `flagged: ${shown.join(', ')}${more}`;
    return `incident log ${this.file}: ${this.count} simulated incident${this.count === 1 ? '' : 's'}, ${flagged}; replay one: hasim estimate-replay ${shellWord(this.file)} --incident N`;
  }

  private line(number: number, record: IncidentRecord, names: readonly string[]): IncidentLine {
    const { incident, outcome } = record;
    const { traceHash, key: _key, weight, ...figures } = outcome;
    const lossScale = this.setup.ordersPerSecond / this.setup.incidentOrdersPerSecond;
    return {
      type: 'incident',
      incident: number,
      design: record.design,
      params: record.params,
      chunk: record.chunk,
      ordinal: record.ordinal,
      seed: incidentSeed(this.setup.seed, record.chunk, record.ordinal),
      class: record.className,
      pi: record.pi,
      weight,
      changes: incident.offsets.map((offset, c) => ({ atSeconds: offset, element: names[incident.elements[c]] ?? String(incident.elements[c]), change: incident.downs[c] ? 'down' : 'up' })),
      outcome: { ...figures, lostAckedAtRealRate: outcome.lostAcked * lossScale },
      flagged: flagsOf(outcome),
      traceHash,
      draw: incident,
      replay: `hasim estimate-replay ${shellWord(this.file)} --incident ${number}`,
    };
  }

  /** The names of the plant's elements (a change's `element` indexes them), per design and `--set` values. */
  private elementNames(name: string, params: Record<string, string>): string[] {
    const key = JSON.stringify([name, params]);
    let names = this.names.get(key);
    if (!names) {
      const design = this.designs.get(name);
      if (!design) throw new Error(`incident log: design ${name} was not loaded`);
      const resolved = resolveParams(design, params);
      const spec = estimateSpecOf(design, resolved);
      names = elementNames(incidentPlant(design, resolved, this.setup.reliability, spec, this.setup.workload, this.setup.incidentOrdersPerSecond));
      this.names.set(key, names);
    }
    return names;
  }
}

/** A design's pin as the code on disk and its parameters give it now. */
export function designPin(name: string, design: Design, params: Record<string, string>): DesignPin {
  return { source: designSource(name), params: paramsHash(resolveParams(design, params)) };
}

/** How many flagged incidents the summary names. */
const MAX_FLAGGED_SHOWN = 8;
/** How many flagged incidents the HTML report lists, and how many of each design's longest. */
const MAX_FLAGGED_LISTED = 40;
const LONGEST_LISTED = 3;

/** An incident the HTML report lists with its replay command. */
export interface IncidentHighlight {
  incident: number;
  design: string;
  className: string;
  /** Why it is flagged (empty: listed as one of its design's longest). */
  flagged: string[];
  /** The downtime the estimate charged it, fast-forwards included. */
  downtimeSeconds: number;
  lostAckedAtRealRate: number;
  /** `hasim estimate-replay FILE --incident N`. */
  replay: string;
}

/** Why an incident stands out, in the estimate report's words. */
export function flagsOf(outcome: IncidentOutcome): string[] {
  const flags: string[] = [];
  if (outcome.downThroughFastForward) flags.push('down through a fast-forward');
  if (outcome.unrecovered) flags.push('unrecovered');
  if (outcome.lostAcked > 0) flags.push('lost acked orders');
  if (outcome.stillLosing) flags.push('still losing acked orders');
  if (outcome.splitBrainPairs > 0 || outcome.splitBrainMs > 0) flags.push('split brain');
  if (outcome.modelError !== undefined) flags.push('model error');
  return flags;
}

/** The header and one incident of a log (`--incident N`), checked enough to replay it. */
export function readIncidentLog(path: string, number: number): { header: IncidentLogHeader; line: IncidentLine; setup: IncidentLogSetup } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(path, '', 'a readable incident log written by hasim estimate --incidents');
  }
  const rows = text.split('\n').filter((row) => row.trim() !== '');
  const parse = (row: string, at: number): Record<string, unknown> => {
    try {
      const value: unknown = JSON.parse(row);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // reported below
    }
    throw new InputError(path, `line ${at}`, 'one JSON object per line (a log written by hasim estimate --incidents)');
  };
  const header = rows.length > 0 ? parse(rows[0], 1) : undefined;
  if (header?.type !== 'estimate') throw new InputError(path, 'line 1', 'the estimate header of a log written by hasim estimate --incidents');
  const count = rows.length - 1;
  if (!(number >= 1 && number <= count)) throw new InputError('--incident', '', `an incident number from 1 to ${count} (the log's "incident" field)`, String(number));
  const line = parse(rows[number], number + 1);
  if (line.type !== 'incident' || line.incident !== number) throw new InputError(path, `line ${number + 1}`, `incident ${number}`);
  const h = header as unknown as IncidentLogHeader;
  const setup: IncidentLogSetup = {
    seed: h.seed,
    reliability: decodeNumbers(h.reliability) as ReliabilityData,
    incidentOrdersPerSecond: h.incidentOrdersPerSecond,
    ordersPerSecond: h.ordersPerSecond,
    ...(h.workload ? { workload: readWorkload(h.workload, path) } : {}),
    ...(h.maxEvents !== null ? { maxEvents: h.maxEvents } : {}),
  };
  return { header: h, line: line as unknown as IncidentLine, setup };
}

/** The header's workload back: a file's fields parsed as a file's, the others (the client session) as written. */
function readWorkload(written: Record<string, unknown>, path: string): Partial<Workload> {
  const fileFields = Object.fromEntries(Object.entries(written).filter(([name]) => WORKLOAD_FIELDS.includes(name)));
  const rest = Object.fromEntries(Object.entries(written).filter(([name]) => !WORKLOAD_FIELDS.includes(name)));
  return { ...rest, ...parseWorkload(fileFields, { source: path, field: 'workload' }) } as Partial<Workload>;
}

/** JSON has no Infinity (unlimited repair crews): written as {"number": "Infinity"}. */
export function encodeNumbers(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return { number: String(value) };
  if (Array.isArray(value)) return value.map(encodeNumbers);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeNumbers(v)]));
  return value;
}

export function decodeNumbers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeNumbers);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0][0] === 'number' && typeof entries[0][1] === 'string') return Number(entries[0][1]);
    return Object.fromEntries(entries.map(([k, v]) => [k, decodeNumbers(v)]));
  }
  return value;
}

/** A path as one shell word (quoted when it has anything but safe characters). */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
