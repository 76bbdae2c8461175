/**
 * Evaluates a design's *structure* (declared in its model file, see
 * `world/estimate-declaration.ts`): whether the service is up for a set of up nodes, as a
 * truth table for the hot loops, checked against the design's nodes, and printed for reports.
 * The ideal availability (`ideal.ts`) and the structural downtime of every drawn incident are
 * computed from it; the protocol simulation is what says how far the real design falls short.
 */
import { InputError } from '../sim/input-error.ts';
import type { Structure, StructureSpec } from '../world/estimate-declaration.ts';

export type { Structure, StructureSpec } from '../world/estimate-declaration.ts';

/** The nodes a structure names. */
export function structureNodes(s: Structure): string[] {
  if (typeof s === 'string') return [s];
  const parts = 'all' in s ? s.all : 'any' in s ? s.any : s.of;
  return [...new Set(parts.flatMap(structureNodes))];
}

/** Whether the service is up when exactly the nodes in `up` are up. */
export function structureUp(s: Structure, up: ReadonlySet<string>): boolean {
  if (typeof s === 'string') return up.has(s);
  if ('all' in s) return s.all.every((p) => structureUp(p, up));
  if ('any' in s) return s.any.some((p) => structureUp(p, up));
  let count = 0;
  for (const p of s.of) if (structureUp(p, up)) count++;
  return count >= s.atLeast;
}

/**
 * The structure as a truth table over bit masks of `nodes` (bit i set: nodes[i] up), so the
 * hot loops of the component sampler and the CTMC look the answer up instead of walking it.
 */
export function truthTable(s: Structure, nodes: readonly string[]): Uint8Array {
  if (nodes.length > 20) throw new RangeError(`a structure over ${nodes.length} nodes is too large for a truth table`);
  const table = new Uint8Array(1 << nodes.length);
  for (let mask = 0; mask < table.length; mask++) {
    const up = new Set(nodes.filter((_, i) => mask & (1 << i)));
    table[mask] = structureUp(s, up) ? 1 : 0;
  }
  return table;
}

/** Checks a declaration against the design's node ids; a mistake names `design`. */
export function validateStructure(spec: StructureSpec, nodes: readonly string[], design: string): void {
  const check = (s: Structure, at: string): void => {
    if (typeof s === 'string') {
      if (!nodes.includes(s)) throw new InputError(design, `estimate.structure${at}`, `a node of the design (${nodes.join(', ')})`, JSON.stringify(s));
      return;
    }
    const parts = 'all' in s ? s.all : 'any' in s ? s.any : s.of;
    if ('atLeast' in s && !(Number.isInteger(s.atLeast) && s.atLeast >= 1 && s.atLeast <= parts.length)) {
      throw new InputError(design, `estimate.structure${at}.atLeast`, `an integer between 1 and ${parts.length}`, String(s.atLeast));
    }
    parts.forEach((p, i) => check(p, `${at}[${i}]`));
  };
  check(spec.structure, '');
  if (spec.standby) {
    const { need, of } = spec.standby;
    for (const id of of) if (!nodes.includes(id)) throw new InputError(design, 'estimate.standby.of', `nodes of the design (${nodes.join(', ')})`, JSON.stringify(id));
    if (!(Number.isInteger(need) && need >= 1 && need <= of.length)) throw new InputError(design, 'estimate.standby.need', `an integer between 1 and ${of.length}`, String(need));
  }
}

/** Writes a structure for people: `2 of (n1, n2, n3)`, `a and (b or c)`. */
export function formatStructure(s: Structure): string {
  if (typeof s === 'string') return s;
  const inner = (p: Structure) => (typeof p === 'string' ? p : `(${formatStructure(p)})`);
  if ('all' in s) return s.all.map(inner).join(' and ');
  if ('any' in s) return s.any.map(inner).join(' or ');
  return `${s.atLeast} of (${s.of.map(inner).join(', ')})`;
}
