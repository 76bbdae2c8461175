/**
 * Safety first: the verdict every comparison leads with (compare, sweep, estimate; text, HTML
 * and JSON). A design is *safe* when no safety invariant broke in any run (or, for an
 * estimate, when no simulated incident lost an acked order or split the brain); otherwise the
 * verdict names what broke, how often and how badly, and its availability is marked, so an
 * unsafe design is never read as better than a safe one on availability alone.
 *
 * `recovery` is liveness, not safety: a design that recovers too slowly is slow, not unsafe.
 * It is listed beside the verdict but does not make a design unsafe. A run that failed to
 * boot or threw (`boot`, `model-error`) did not give a result anyone can trust: unsafe.
 */
import type { DesignReport } from './campaign-json.ts';
import type { DesignEstimate } from '../estimate/estimate.ts';
import { probability } from './format.ts';

/** Invariants that are liveness, not safety. */
const LIVENESS = new Set(['recovery']);

export interface SafetyVerdict {
  safe: boolean;
  /** Every invariant that broke, with the runs it broke in (for an estimate: events per year). */
  invariantsBroken: { invariant: string; runs: number }[];
  /** One line: `safe`, or `UNSAFE: single-primary in 3/18 runs, 3,376 lost acked orders`. */
  text: string;
}

const count = (n: number) => n.toLocaleString('en-US');

/** The verdict of a design over a campaign's runs. */
export function campaignVerdict(d: DesignReport): SafetyVerdict {
  const invariantsBroken = Object.entries(d.violations)
    .filter(([, runs]) => runs > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([invariant, runs]) => ({ invariant, runs }));
  const unsafe = invariantsBroken.filter((b) => !LIVENESS.has(b.invariant));
  const liveness = invariantsBroken.filter((b) => LIVENESS.has(b.invariant));
  const m = d.metrics;
  const harm = [
    m.lostAcked.total > 0 ? `${count(m.lostAcked.total)} lost acked orders` : '',
    m.duplicates.total > 0 ? `${count(m.duplicates.total)} duplicate orders` : '',
    m.splitBrainRuns.effective > 0 ? `split brain in ${m.splitBrainRuns.effective} runs` : '',
  ].filter(Boolean);
  const of = (b: { invariant: string; runs: number }) => `${b.invariant} in ${b.runs}/${d.runs} runs`;
  const slow = liveness.length ? `; ${liveness.map(of).join(', ')}` : '';
  const safe = unsafe.length === 0;
  return {
    safe,
    invariantsBroken,
    text: safe ? `safe${slow}` : `UNSAFE: ${[...unsafe.map(of), ...harm].join(', ')}${slow}`,
  };
}

/** The verdict of a long-horizon estimate: data loss or split brain in any simulated incident. */
export function estimateVerdict(r: DesignEstimate): SafetyVerdict {
  const invariantsBroken: { invariant: string; runs: number }[] = [];
  if (r.pDataLossPerYear.events > 0) invariantsBroken.push({ invariant: 'no-lost-ack', runs: r.pDataLossPerYear.events });
  if (r.pSplitBrainPerYear.events > 0) invariantsBroken.push({ invariant: 'single-primary', runs: r.pSplitBrainPerYear.events });
  const safe = invariantsBroken.length === 0;
  const p = probability;
  const harm = [
    r.pDataLossPerYear.events > 0 ? `P(data loss) ${p(r.pDataLossPerYear.perYear)}/yr, ${count(Math.round(r.lostAckedPerYear.mean))} lost acked orders/yr` : '',
    r.pSplitBrainPerYear.events > 0 ? `P(split brain) ${p(r.pSplitBrainPerYear.perYear)}/yr` : '',
  ].filter(Boolean);
  return { safe, invariantsBroken, text: safe ? 'safe' : `UNSAFE: ${harm.join(', ')}` };
}

/** An availability figure with the verdict beside it when the design is unsafe. */
export function markedAvailability(formatted: string, verdict: SafetyVerdict): string {
  return verdict.safe ? formatted : `${formatted} (UNSAFE)`;
}
