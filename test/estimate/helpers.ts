/** Shared by the estimate tests: bundled designs and reliability data with their plants. */
import { loadDesign } from '../../src/campaign/catalog.ts';
import { estimateSpecOf } from '../../src/estimate/declarations.ts';
import { buildPlant, type ClientView, type Plant } from '../../src/estimate/plant.ts';
import { parseReliability, type ReliabilityData } from '../../src/estimate/reliability.ts';
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
