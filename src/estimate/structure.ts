/**
 * Evaluates a design's *structure* (declared in its model file, see
 * `world/estimate-declaration.ts`): which share of the service is up for a set of up nodes
 * (1 or 0, or a fraction for a design that serves in scopes), as a table for the hot loops, checked against the design's nodes, and printed for reports.
 * The ideal availability (`ideal.ts`) and the structural downtime of every drawn incident are
 * computed from it; the protocol simulation is what says how far the real design falls short.
 */
import { InputError } from '../sim/input-error.ts';
import type { Structure, StructureSpec } from '../world/estimate-declaration.ts';

export type { Structure, StructureSpec } from '../world/estimate-declaration.ts';

/** The nodes a structure names. */
export function structureNodes(s: Structure): string[] {
  if (typeof s === 'string') return [s];
  return [...new Set(partsOf(s).flatMap(structureNodes))];
}

function partsOf(s: Exclude<Structure, string>): Structure[] {
  return 'all' in s ? s.all : 'any' in s ? s.any : s.of;
}

/** The share of the service up (0..1) when exactly the nodes in `up` are up. */
export function structureShare(s: Structure, up: ReadonlySet<string>): number {
  if (typeof s === 'string') return up.has(s) ? 1 : 0;
  if ('all' in s) return Math.min(...s.all.map((p) => structureShare(p, up)));
  if ('any' in s) return Math.max(...s.any.map((p) => structureShare(p, up)));
  let count = 0;
  for (const p of s.of) if (structureShare(p, up) === 1) count++;
  if ('scopes' in s) return Math.min(s.scopes, count) / s.scopes;
  return count >= s.atLeast ? 1 : 0;
}

/** How many scopes the service is split into (the largest `scopes` in the structure; 1 for a service that serves as one). */
export function scopeCount(s: Structure): number {
  if (typeof s === 'string') return 1;
  return Math.max('scopes' in s ? s.scopes : 1, ...partsOf(s).map(scopeCount));
}

/** Whether the whole service is up when exactly the nodes in `up` are up. */
export function structureUp(s: Structure, up: ReadonlySet<string>): boolean {
  return structureShare(s, up) === 1;
}

/**
 * The structure as a table of shares up over bit masks of `nodes` (bit i set: nodes[i] up),
 * so the hot loops of the component sampler and the CTMC look the answer up instead of
 * walking it. 1: the whole service is up; 0: nothing serves; between: some scopes are down.
 */
export function shareTable(s: Structure, nodes: readonly string[]): Float64Array {
  if (nodes.length > 20) throw new RangeError(`a structure over ${nodes.length} nodes is too large for a truth table`);
  const table = new Float64Array(1 << nodes.length);
  for (let mask = 0; mask < table.length; mask++) {
    const up = new Set(nodes.filter((_, i) => mask & (1 << i)));
    table[mask] = structureShare(s, up);
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
    const parts = partsOf(s);
    if ('atLeast' in s && !(Number.isInteger(s.atLeast) && s.atLeast >= 1 && s.atLeast <= parts.length)) {
      throw new InputError(design, `estimate.structure${at}.atLeast`, `an integer between 1 and ${parts.length}`, String(s.atLeast));
    }
    if ('scopes' in s && !(Number.isInteger(s.scopes) && s.scopes >= 1 && s.scopes <= parts.length)) {
      throw new InputError(design, `estimate.structure${at}.scopes`, `an integer between 1 and ${parts.length}`, String(s.scopes));
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

/** Writes a structure for people: `2 of (n1, n2, n3)`, `a and (b or c)`, `3 scopes over (a1, a2, a3, s)`. */
export function formatStructure(s: Structure): string {
  if (typeof s === 'string') return s;
  const inner = (p: Structure) => (typeof p === 'string' ? p : `(${formatStructure(p)})`);
  if ('all' in s) return s.all.map(inner).join(' and ');
  if ('any' in s) return s.any.map(inner).join(' or ');
  if ('scopes' in s) return `${s.scopes} scopes over (${s.of.map(inner).join(', ')})`;
  return `${s.atLeast} of (${s.of.map(inner).join(', ')})`;
}
