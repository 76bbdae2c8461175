/** Shared by the estimate tests: bundled designs and reliability data with their plants. */
import { loadDesign } from '../../src/campaign/catalog.ts';
import { elementNames, type Incident } from '../../src/estimate/components.ts';
import { estimateSpecOf } from '../../src/estimate/declarations.ts';
import { simulateIncident, type IncidentOutcome, type IncidentSimOptions } from '../../src/estimate/incident-sim.ts';
import { buildPlant, type ClientView, type Plant } from '../../src/estimate/plant.ts';
import { parseReliability, type ReliabilityData } from '../../src/estimate/reliability.ts';
import type { Design } from '../../src/world/design.ts';
import { resolveParams } from '../../src/world/params.ts';

/** Servers only, exponential, MTTF 1000 h, MTTR 10 h, plus `extra` YAML lines. */
export function serversOnly(extra = ''): ReliabilityData {
  return parseReliability(`name: servers\ncomponents:\n  server: { mttf: 1000h, mttr: 10h }\n${extra}`, '<servers>');
}

export async function plantOf(design: string, data: ReliabilityData, params: Record<string, string> = {}, clients?: ClientView): Promise<Plant> {
  const d = await loadDesign(design);
  const resolved = resolveParams(d, params);
  return buildPlant(d, resolved, data, estimateSpecOf(d, resolved), clients);
}

/** r = lambda / mu and q = MTTR / (MTTF + MTTR) for the servers-only data. */
export const R = 10 / 1000;
export const Q = 10 / 1010;
export const P = 1 - Q;
export const MIN_PER_YEAR = 525_600;

/** Servers, processes, NICs and daily GC pauses: the data the settle-cutting rules' tests draw incidents from. */
export const RULES_DATA = parseReliability('name: p\ncomponents:\n  server: { mttf: 1000h, mttr: 10h }\n  process: { mttf: 720h, restart: 10s }\n  nic: { mttf: 100000h, mttr: 2h }\nsoftware:\n  gcPause: { every: 24h, duration: 200ms }\n', '<test>');

/** One change of a hand-written incident: [element, down?, offset from the first change in µs]. */
export type Change = [string, boolean, number];

/**
 * Simulates a hand-written incident of `design` (catalogued as `name`) under RULES_DATA with
 * the estimate's own incident simulation, at its warm-up and settle, 10 orders/s; `rule` sets
 * the options under test (quietEnd, silentReaction).
 */
export async function simulateChanges(design: Design, name: string, changes: Change[], rule: Partial<IncidentSimOptions>, seed = 5): Promise<IncidentOutcome> {
  const params = resolveParams(design, {});
  const spec = estimateSpecOf(design, params);
  const plant = await plantOf(name, RULES_DATA);
  const names = elementNames(plant);
  const offsets = changes.map(([, , at]) => at);
  const incident: Incident = { start: 0, offsets, elements: changes.map(([e]) => names.indexOf(e)), downs: changes.map(([, d]) => d), structuralDown: 0, length: offsets[offsets.length - 1], key: 0 };
  if (incident.elements.includes(-1)) throw new Error(`${name}: no element named ${changes.find(([e]) => !names.includes(e))![0]}`);
  return simulateIncident(incident, seed, { design, params, plant, warmup: spec.warmup, settle: spec.settle, ordersPerSecond: 10, ...rule });
}
