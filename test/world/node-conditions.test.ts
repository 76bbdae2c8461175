import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NodeConditions } from '../../src/world/node-conditions.ts';

describe('NodeConditions', () => {
  // overlapping faults in any order: each heals its own part, whatever the others do
  const op = fc.oneof(
    fc.record({ kind: fc.constant('override' as const), key: fc.constantFrom('priority', 'advertInt', 'peer'), value: fc.integer({ min: 0, max: 9 }) }),
    fc.record({ kind: fc.constant('restore' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constantFrom('misconfigure' as const, 'fix' as const, 'cut' as const, 'restoreFeed' as const) }),
    fc.record({ kind: fc.constant('slow' as const), delay: fc.integer({ min: 0, max: 5_000 }) }),
    fc.record({ kind: fc.constant('unslow' as const), delay: fc.integer({ min: 0, max: 5_000 }) }),
  );

  it('composes overlapping faults: config layers stack (later wins) and each restore removes its own; peer, feed and slowdown are counted', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const node = new NodeConditions();
        const layers: { layer: Record<string, number>; values: Record<string, number> }[] = [];
        let wrong = 0;
        let cuts = 0;
        let slowUs = 0;
        for (const o of ops) {
          if (o.kind === 'override') {
            const values = { [o.key]: o.value };
            layers.push({ layer: node.overrideConfig(values) as Record<string, number>, values });
          } else if (o.kind === 'restore') {
            if (layers.length === 0) continue;
            const [gone] = layers.splice(o.pick % layers.length, 1);
            node.restoreConfig(gone.layer);
          } else if (o.kind === 'misconfigure') {
            node.misconfigurePeer();
            wrong++;
          } else if (o.kind === 'fix') {
            node.fixPeer();
            wrong = Math.max(0, wrong - 1);
          } else if (o.kind === 'cut') {
            node.cutFeed();
            cuts++;
          } else if (o.kind === 'restoreFeed') {
            node.restoreFeed();
            cuts = Math.max(0, cuts - 1);
          } else if (o.kind === 'slow') {
            node.slow(o.delay);
            slowUs += o.delay;
          } else if (o.kind === 'unslow') {
            node.unslow(o.delay);
            slowUs = Math.max(0, slowUs - o.delay);
          }
          const expected = layers.length === 0 ? undefined : Object.assign({}, ...layers.map((l) => l.values));
          expect(node.configOverrides).toEqual(expected);
          expect(node.wrongPeer).toBe(wrong > 0);
          expect(node.feedUp).toBe(cuts === 0);
          expect(node.slowdown).toBe(slowUs);
        }
      }),
    );
  });

  it('keeps a layer of its own: changing the values passed in later does not change the configuration', () => {
    const node = new NodeConditions();
    const values = { priority: 7 };
    node.overrideConfig(values);
    values.priority = 1;
    expect(node.configOverrides).toEqual({ priority: 7 });
  });
});
