/**
 * How an estimate is shown: one column per design, side by side (cli-table3 box, CSV or
 * Markdown via `report/table.ts`), a few lines of notes (which figures rest on too few events,
 * which ideals are approximate, what was sampled), and the JSON record of design.md §8.
 */
import { finePct, fmt, probability } from './format.ts';
import { type Tabular } from './table.ts';
import type { ReliabilityData } from '../estimate/reliability.ts';
import type { DesignEstimate, RareEventRate } from '../estimate/estimate.ts';
import { RECOVERY_CAP } from '../estimate/incident-sim.ts';
import { floorOf } from '../estimate/sampling.ts';
import { SECOND } from '../sim/time.ts';
import { estimateVerdict, markedAvailability } from './verdict.ts';

const num = (x: number, digits = 1) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-');
const range = (r: { mean: number; low: number; high: number }, digits = 1) =>
  Number.isFinite(r.low) ? `${num(r.mean, digits)} [${num(r.low, digits)}, ${num(r.high, digits)}]` : num(r.mean, digits);
const pct = finePct;
const prob = (r: RareEventRate) => `${probability(r.perYear)} [${probability(r.low)}, ${probability(r.high)}]${r.fewEvents ? ` (${r.events} ev.)` : ''}`;

export function estimateTable(results: readonly DesignEstimate[]): Tabular {
  const confidence = Math.round((results[0]?.availability.confidence ?? 0.95) * 100);
  const row = (label: string, cell: (r: DesignEstimate) => string | number): (string | number)[] => [label, ...results.map(cell)];
  return {
    columns: ['', ...results.map((r) => r.design)],
    rows: [
      // safety first: an unsafe design's availability is never read without its verdict
      row('safety verdict', (r) => estimateVerdict(r).text),
      row('structure (needed up)', (r) => r.structure),
      row(`availability [${confidence}% CI]`, (r) => markedAvailability(`${pct(r.availability.mean)} [${pct(r.availability.low)}, ${pct(r.availability.high)}]`, estimateVerdict(r))),
      row('nines', (r) => num(r.nines, 2)),
      row('downtime min/yr', (r) => range(r.downtimeMinutesPerYear)),
      row('ideal (perfect failover) min/yr', (r) => (r.ideal.availability === null ? 'n/a' : `${num(r.ideal.downtimeMinutesPerYear, 2)}${r.ideal.exact ? '' : ' ~'}`)),
      row('  structural, drawn history', (r) => range(r.structuralDowntimeMinutesPerYear)),
      row('  protocol cost min/yr', (r) => range(r.protocolCostMinutesPerYear)),
      row('outages/yr', (r) => range(r.outagesPerYear, 2)),
      row('RTO p50 / p99 / max', (r) => `${fmt.ms(r.rto.p50)} / ${fmt.ms(r.rto.p99)} / ${fmt.ms(r.rto.max)}`),
      row('acked orders lost/yr', (r) => range(r.lostAckedPerYear)),
      row('RPO p99 / max', (r) => `${fmt.ms(r.rpo.p99Ms)} / ${fmt.ms(r.rpo.maxMs)}`),
      row('P(data loss) per year', (r) => prob(r.pDataLossPerYear)),
      row('P(split brain) per year', (r) => (r.canSplitBrain ? prob(r.pSplitBrainPerYear) : 'n/a (one primary possible)')),
      row('false failovers/yr', (r) => num(r.falseFailoversPerYear, 2)),
      row('incidents/yr (simulated)', (r) => `${num(r.incidents.perYear, 1)} (${r.incidents.simulated.toLocaleString('en-US')} of ${r.incidents.total.toLocaleString('en-US')})`),
    ],
  };
}

/**
 * The estimate for a spreadsheet (`--format csv`): one row per design, one plain number per
 * cell (availability as a fraction, times in milliseconds, rates per year; an interval is two
 * columns), no units, no pairs.
 */
export function estimateRawTable(results: readonly DesignEstimate[]): Tabular {
  const raw = (x: number | null | undefined): number | string => (x === null || x === undefined || !Number.isFinite(x) ? '' : Math.round(x * 1e9) / 1e9);
  return {
    columns: [
      'design', 'structure', 'availability', 'availability low', 'availability high', 'nines',
      'downtime min/yr', 'downtime min/yr low', 'downtime min/yr high', 'ideal downtime min/yr', 'protocol cost min/yr',
      'outages/yr', 'RTO p50 ms', 'RTO p99 ms', 'RTO max ms', 'acked orders lost/yr', 'RPO p99 ms', 'RPO max ms',
      'P(data loss)/yr', 'P(data loss)/yr high', 'P(split brain)/yr', 'P(split brain)/yr high', 'false failovers/yr',
      'incidents/yr', 'incidents simulated', 'incidents total',
    ],
    rows: results.map((r) => [
      r.design, r.structure, raw(r.availability.mean), raw(r.availability.low), raw(r.availability.high), raw(r.nines),
      raw(r.downtimeMinutesPerYear.mean), raw(r.downtimeMinutesPerYear.low), raw(r.downtimeMinutesPerYear.high),
      raw(r.ideal.availability === null ? null : r.ideal.downtimeMinutesPerYear), raw(r.protocolCostMinutesPerYear.mean),
      raw(r.outagesPerYear.mean), raw(r.rto.p50), raw(r.rto.p99), raw(r.rto.max), raw(r.lostAckedPerYear.mean), raw(r.rpo.p99Ms), raw(r.rpo.maxMs),
      raw(r.pDataLossPerYear.perYear), raw(r.pDataLossPerYear.high), raw(r.pSplitBrainPerYear.perYear), raw(r.pSplitBrainPerYear.high), raw(r.falseFailoversPerYear),
      raw(r.incidents.perYear), r.incidents.simulated, r.incidents.total,
    ]),
    align: ['left', 'left'],
  };
}

/** The share of the protocol's weighted excess downtime one sampled incident must make for the notes to say the figure rests on it. */
const HEAVIEST_SHARE = 0.5;

/** Lines under the table: the caveats a reader must see. */
export function estimateNotes(results: readonly DesignEstimate[], data: ReliabilityData): string[] {
  const notes: string[] = [];
  const years = results[0]?.years ?? 0;
  notes.push(`${num(years, 0)} simulated years per design under ${data.name}; a year is 365 days; intervals are ${Math.round((results[0]?.availability.confidence ?? 0.95) * 100)}% (batch means over independent chunks; Fay-Feuer/Garwood for rare events).`);
  for (const r of results) {
    const few = [r.pDataLossPerYear.fewEvents ? 'data loss' : '', r.pSplitBrainPerYear.fewEvents ? 'split brain' : ''].filter(Boolean);
    if (few.length) notes.push(`${r.design}: P(${few.join('), P(')}) rests on fewer than 10 simulated events: read it as an order of magnitude (the upper bound is what the data supports).`);
    if (r.absentComponents.includes('agent')) notes.push(`${r.design}: no node runs an HA agent process beside its service, so the data's agent rate does not apply (no agent class).`);
    const otherAgents = r.absentComponents.filter((c) => c.startsWith('agent:'));
    if (otherAgents.length) notes.push(`${r.design}: no node runs ${otherAgents.map((c) => c.slice('agent:'.length)).join(', ')}, so the data's ${otherAgents.join(', ')} rates do not apply.`);
    if (r.ideal.availability === null) notes.push(`${r.design}: ideal not computed: ${r.ideal.note}.`);
    else if (!r.ideal.exact) notes.push(`${r.design}: ideal marked ~ is approximate (non-exponential times in a CTMC taken as exponential with the same means).`);
    if (r.incidents.simulated < r.incidents.total) notes.push(`${r.design}: ${r.incidents.simulated.toLocaleString('en-US')} of ${r.incidents.total.toLocaleString('en-US')} incidents simulated (stratified by class, weighted; raise --simulations for tighter figures).`);
    const cov = r.coverage;
    if (cov.classes > cov.budget) {
      notes.push(`${r.design}: ${cov.classes.toLocaleString('en-US')} incident classes for ${cov.budget.toLocaleString('en-US')} simulations: half of them are spread evenly (${num(floorOf(cov.budget, cov.classes), 3)} expected simulations per class) and half by the square root of each class's frequency, so frequent classes are simulated a few times and most rare ones not at all: ${(cov.classes - cov.classesSimulated).toLocaleString('en-US')} classes (${num(100 * cov.unsimulatedIncidentShare, 1)} % of the incidents) were never simulated and count at their structural downtime. The interval may not show this spread: compare --seed values, or raise --simulations toward the class count.`);
    }
    const heavy = cov.heaviest;
    if (heavy && heavy.weight > 1 && heavy.share >= HEAVIEST_SHARE) {
      notes.push(`${r.design}: one simulated incident (${heavy.className}, weighted as ${num(heavy.weight, 0)} incidents of its class) makes ${num(100 * heavy.share, 0)} % of the protocol's downtime beyond the structure: that figure rests on one draw. Compare --seed values, or raise --simulations.`);
    }
    if (r.incidents.unrecovered) notes.push(`${r.design}: ${r.incidents.unrecovered} simulated incidents did not recover within settle after the last repair (counted up to the window end).`);
    if (r.incidents.downThroughFastForward) {
      const flagged = r.classes.filter((c) => c.downThroughFastForward > 0).sort((a, b) => b.downThroughFastForward - a.downThroughFastForward);
      const byClass = flagged.map((c) => `${c.name} (${c.downThroughFastForward} of ${c.simulated})`).join('; ');
      const why = r.staysDown ? ` The design: ${r.staysDown}` : ' The design gives no reason: a model gap until shown otherwise.';
      notes.push(`${r.design}: ${r.incidents.downThroughFastForward} simulated incidents stayed down, with every node the structure needs up, for ${RECOVERY_CAP / (60 * SECOND)} min after a change: the time until the next change was charged to them. By class: ${byClass}.${why}`);
    }
    if (r.incidents.modelErrors) notes.push(`${r.design}: ${r.incidents.modelErrors} incident simulations failed with a model error (counted at their structural downtime).`);
    if (r.incidents.stillLosing) notes.push(`${r.design}: ${r.incidents.stillLosing} simulated incidents were still losing acked orders when their simulation ended (the design does not get back to a healthy state by itself, e.g. two primaries whose logs diverge until an operator reconciles them): its lost orders a year are a lower bound.`);
    const lossy = r.classes.filter((c) => c.lostAckedPerYear > 0).sort((a, b) => b.lostAckedPerYear - a.lostAckedPerYear).slice(0, 3);
    if (lossy.length) notes.push(`${r.design}: acked orders lost in: ${lossy.map((c) => `${c.name} (${num(c.incidentsPerYear, 3)}/yr, ${num(c.lostAckedPerYear, 1)} orders/yr, ${c.lossIncidents} of ${c.simulated} simulated)`).join('; ')}.${r.losesAcked ? ` The design: ${r.losesAcked}` : ''}`);
    const worst = r.classes.filter((c) => c.excessMinutesPerYear > 0.01).slice(0, 3);
    if (worst.length) notes.push(`${r.design}: costliest incidents: ${worst.map((c) => `${c.name} (${num(c.incidentsPerYear, 3)}/yr, +${num(c.excessMinutesPerYear, 1)} min/yr)`).join('; ')}.`);
  }
  return notes;
}

export interface EstimateJsonMeta {
  version: string;
  command: string[];
  seed: number;
  years: number;
  simulations: number | 'all';
  workers: number;
  ordersPerSecond: number;
  incidentOrdersPerSecond: number;
  /** The workload flags' override of incident simulations, as a file spells it (null: none). */
  workload?: Record<string, unknown> | null;
  /** `--max-events` per incident simulation (null: the default 5,000,000). */
  maxEvents?: number | null;
}

/** The machine-readable record (design.md §8): times in ms unless a name says otherwise. */
export function estimateJson(results: readonly DesignEstimate[], data: ReliabilityData, meta: EstimateJsonMeta): object {
  return {
    hasim: meta.version,
    command: meta.command,
    kind: 'estimate',
    seed: meta.seed,
    parameters: {
      years: meta.years,
      simulations: meta.simulations,
      workers: meta.workers,
      ordersPerSecond: meta.ordersPerSecond,
      incidentOrdersPerSecond: meta.incidentOrdersPerSecond,
      workload: meta.workload ?? null,
      maxEvents: meta.maxEvents ?? null,
      reliability: { name: data.name, source: data.source },
    },
    designs: results.map((r) => {
      const verdict = estimateVerdict(r);
      const { pSplitBrainPerYear, ...rest } = r;
      return { ...rest, ...(r.canSplitBrain ? { pSplitBrainPerYear } : {}), safe: verdict.safe, invariantsBroken: verdict.invariantsBroken, verdict: verdict.text };
    }),
  };
}
