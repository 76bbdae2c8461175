/**
 * Runs one calibration experiment in hasim over many seeds: each seed draws the fault's time in
 * the experiment's window from its own stream (`calibration:fault-time`), runs the design under
 * that one-fault schedule with the harness's workload, and reads each protocol step's time
 * (ms from the fault) and the acked writes lost. The run ends by healing every fault, which the
 * harnesses never do (they stop observing with the fault on), so a step found only at or after
 * the heal counts as not reached. Invariants are not checked here (the fidelity
 * figures are timings and losses), which keeps a few hundred runs within seconds.
 */
import { loadDesign } from '../campaign/catalog.ts';
import { simulate } from '../campaign/simulate.ts';
import { parseSchedule } from '../faults/schedule.ts';
import { Rng } from '../sim/rng.ts';
import { MS, type Micros } from '../sim/time.ts';
import type { Design } from '../world/design.ts';
import type { Experiment, FaultFacts } from './experiments.ts';

export interface SimTrial {
  seed: number;
  faultAtMs: number;
  steps: Record<string, number | null>;
  counts: Record<string, number>;
  lostAckedWrites: number;
}

/** The fault time (µs after boot) seed `seed` draws for `experiment`. */
export function faultTimeOf(experiment: Experiment, seed: number): Micros {
  const [lo, hi] = experiment.faultWindowMs;
  return Math.round((lo + Rng.stream(seed, 'calibration:fault-time').float() * (hi - lo)) * MS);
}

export function runTrial(experiment: Experiment, design: Design, seed: number): SimTrial {
  if ('unmodelled' in experiment.fault) throw new Error(`${experiment.id}: ${experiment.fault.unmodelled}`);
  const fault = experiment.fault;
  const at = faultTimeOf(experiment, seed);
  const duration = at + experiment.afterFaultMs * MS;
  const entry = (atUs: Micros, f: { kind: string; target?: string; fields?: string }) =>
    `  - { ${[`at: ${atUs}us`, `kind: ${f.kind}`, f.target === undefined ? '' : `target: ${f.target}`, f.fields ?? ''].filter((x) => x !== '').join(', ')} }`;
  const yaml = [
    `name: ${experiment.id}`,
    `duration: ${duration}us`,
    'settle: 1s',
    'faults:',
    ...(fault.preceding ?? []).map((f) => entry(at - f.beforeMs * MS, f)),
    entry(at, fault),
  ].join('\n');
  const schedule = parseSchedule(yaml, `<calibration ${experiment.id}>`);
  const result = simulate({ design, schedule, seed, params: experiment.params, workload: experiment.workload, invariants: [] });
  // the experiment's own fault (the last to begin), not one of its preceding faults
  const begin = result.history.events.find((e) => e.type === 'fault-begin' && e.time >= at);
  const facts: FaultFacts = { at, node: begin?.type === 'fault-begin' ? begin.targets[0] : undefined };
  // the run ends by healing every fault (the deadlock's watchdog kill, a partition's heal),
  // which the harness never does: it stops observing with the fault still on, so a step that
  // happens only at or after the heal is an artefact of the run's end, not reached
  const healAt = duration;
  const steps: Record<string, number | null> = {};
  for (const step of experiment.steps) {
    const t = step.at(result.history, facts);
    steps[step.name] = t === undefined || t >= healAt ? null : (t - at) / MS;
  }
  const counts: Record<string, number> = {};
  for (const c of experiment.counts ?? []) counts[c.name] = c.of(result.history, facts);
  return { seed, faultAtMs: at / MS, steps, counts, lostAckedWrites: result.metrics.lostAcked };
}

/** Runs seeds `firstSeed .. firstSeed + seeds - 1`. */
export async function runExperiment(experiment: Experiment, seeds: number, firstSeed = 1): Promise<SimTrial[]> {
  if ('unmodelled' in experiment.fault) return [];
  const design = await loadDesign(experiment.design);
  return Array.from({ length: seeds }, (_, i) => runTrial(experiment, design, firstSeed + i));
}
