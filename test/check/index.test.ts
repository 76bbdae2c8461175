import { afterEach, describe, expect, it } from 'vitest';
import { checkAll, INVARIANTS, registerInvariant } from '../../src/check/index.ts';
import { InputError } from '../../src/sim/input-error.ts';
import { ackSent, exchange, final, history, ms, role } from './helpers.ts';

// Split brain at 0.2 s, a duplicate at 0.2 s, and order o1 acked by a but lost.
const broken = history(
  [role(0, 'a', 'primary', 1), role(100, 'b', 'primary', 2), ackSent(150, 'a', 'o1'), exchange(160, 'a', 'o2'), exchange(200, 'b', 'o2')],
  { final: [final('a', 'up', ['o2'], 'primary', 1), final('b', 'up', ['o2'], 'primary', 2)] },
);

describe('checkAll', () => {
  afterEach(() => {
    INVARIANTS.delete('test-no-notes');
  });

  it('registers the five invariants of the design', () => {
    expect([...INVARIANTS.keys()]).toEqual(['single-primary', 'no-lost-ack', 'no-duplicate-order', 'recovery', 'convergence']);
  });

  it('sorts violations by time, then invariant name', () => {
    expect(checkAll(broken).map((v) => [v.time, v.invariant])).toEqual([
      [ms(200), 'no-duplicate-order'],
      [ms(200), 'single-primary'],
    ]);
  });

  it('runs only the named invariants', () => {
    expect(checkAll(broken, ['single-primary']).map((v) => v.invariant)).toEqual(['single-primary']);
    expect(checkAll(broken, [])).toEqual([]);
  });

  it('rejects an unknown name as a user error', () => {
    expect(() => checkAll(broken, ['single-primray'])).toThrow(InputError);
  });

  it('runs a user-registered invariant', () => {
    registerInvariant({
      name: 'test-no-notes',
      description: 'no design writes a note',
      check: (h) => h.events.filter((e) => e.type === 'note').map((e) => ({ invariant: 'test-no-notes', time: e.time, detail: 'a note' })),
    });
    const h = history([{ type: 'note', time: ms(5), node: 'a', text: 'hello' }]);
    expect(checkAll(h, ['test-no-notes'])).toEqual([{ invariant: 'test-no-notes', time: ms(5), detail: 'a note' }]);
  });
});
