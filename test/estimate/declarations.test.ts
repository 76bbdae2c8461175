import { describe, expect, it } from 'vitest';
import { designNames, loadDesign } from '../../src/campaign/catalog.ts';
import { estimateSpecOf } from '../../src/estimate/declarations.ts';
import { estimate } from '../../src/estimate/estimate.ts';
import { InputError } from '../../src/sim/input-error.ts';
import { defineDesign, type Design } from '../../src/world/design.ts';
import { resolveParams } from '../../src/world/params.ts';
import { serversOnly } from './helpers.ts';

/** Three serving nodes, with the given `estimate` field (or none). */
function trio(estimateField?: Design['estimate']): Design {
  return defineDesign({
    name: 'trio',
    description: 'three nodes',
    params: {},
    topology: () => ({ nodes: [{ id: 'n1' }, { id: 'n2' }, { id: 'n3' }, { id: 'mon', serving: false }], routing: { kind: 'direct', targets: ['n1', 'n2', 'n3'] } }),
    createNode: () => ({ onMessage: () => {} }),
    ...(estimateField === undefined ? {} : { estimate: estimateField }),
  });
}

describe('a design declares its estimate structure in its own file', () => {
  it('every bundled design declares one', async () => {
    for (const name of designNames()) {
      const design = await loadDesign(name);
      expect(design.estimate, name).toBeDefined();
      expect(estimateSpecOf(design, resolveParams(design, {})).origin, name).toBe('declared');
    }
  });

  it('a raft of 5 needs 3 of them, a patroni cluster a PostgreSQL node and the DCS majority', async () => {
    const raft = await loadDesign('raft');
    expect(estimateSpecOf(raft, resolveParams(raft, { nodes: '5' })).structure).toEqual({ atLeast: 3, of: ['n1', 'n2', 'n3', 'n4', 'n5'] });
    const patroni = await loadDesign('postgres-patroni');
    const spec = estimateSpecOf(patroni, resolveParams(patroni, {}));
    expect(JSON.stringify(spec.structure)).toMatch(/"atLeast":2/);
    expect(spec.warmup).toBe(40_000_000);
  });

  it('a design that declares nothing is an input error naming the field, not a silent "any one of N"', () => {
    expect(() => estimateSpecOf(trio(), {})).toThrow(InputError);
    expect(() => estimateSpecOf(trio(), {})).toThrow(/trio: estimate: expected an estimate declaration/);
  });

  it("'any-one-serving' is the explicit choice: one serving node suffices, the others are standbys in order", () => {
    const spec = estimateSpecOf(trio('any-one-serving'), {});
    expect(spec.structure).toEqual({ atLeast: 1, of: ['n1', 'n2', 'n3'] });
    expect(spec.standby).toEqual({ need: 1, of: ['n1', 'n2', 'n3'] });
    expect(spec.origin).toBe('any-one-serving');
  });

  it('a declared quorum is used as declared, and checked against the nodes', () => {
    expect(estimateSpecOf(trio({ structure: { atLeast: 2, of: ['n1', 'n2', 'n3'] } }), {}).structure).toEqual({ atLeast: 2, of: ['n1', 'n2', 'n3'] });
    expect(() => estimateSpecOf(trio({ structure: { atLeast: 2, of: ['n1', 'n9'] } }), {})).toThrow(/n9/);
    expect(() => estimateSpecOf(trio('any-two' as never), {})).toThrow(/trio: estimate: expected/);
  });

  it('hasim estimate refuses an undeclared design before estimating any other', async () => {
    const progress: number[] = [];
    await expect(
      estimate({ designs: ['single', 'test/estimate/fixtures/undeclared.ts'], reliability: serversOnly(), years: 10, onProgress: (done) => progress.push(done) }),
    ).rejects.toThrow(/undeclared: estimate: expected/);
    expect(progress).toEqual([]);
  });
});

describe('structures that follow the parameters', () => {
  it("raft's learners neither vote nor are needed: 2 of the 3 voters", async () => {
    const raft = await loadDesign('raft');
    expect(estimateSpecOf(raft, resolveParams(raft, { learners: '2' })).structure).toEqual({ atLeast: 2, of: ['n1', 'n2', 'n3'] });
  });

  it('active-active with Redlock needs an instance, redis1 (the records) and 3 of the 5 masters', async () => {
    const design = await loadDesign('active-active-lock');
    const spec = estimateSpecOf(design, resolveParams(design, { redlock: 'true' }));
    expect(JSON.stringify(spec.structure)).toContain('{"atLeast":3,"of":["redis1","redis2","redis3","redis4","redis5"]}');
    expect(JSON.stringify(spec.structure)).toContain('"redis1"');
  });
});
