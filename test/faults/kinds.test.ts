import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/sim/input-error.ts';
import { MS, SECOND } from '../../src/sim/time.ts';
import { FAULT_KINDS, faultKindNames } from '../../src/faults/registry.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { parseSchedule, scheduleToYaml, type FaultSpec } from '../../src/faults/schedule.ts';

/** Parses one fault line in a 120 s schedule. */
function fault(line: string): FaultSpec {
  return parseSchedule(`duration: 120s\nfaults:\n  - ${line}\n`, 'k.yaml').faults[0];
}

function fieldOfError(line: string): string {
  try {
    fault(line);
  } catch (error) {
    if (error instanceof InputError) return error.field;
    throw error;
  }
  throw new Error(`expected ${line} to be rejected`);
}

describe('the fault vocabulary', () => {
  it('has every failure named in the HA requirements', () => {
    expect(faultKindNames()).toEqual([
      'crash', 'nic-down', 'switch-down', 'power-down', 'disk-fail',
      'process-crash', 'graceful-stop', 'pause', 'memory-leak', 'deadlock', 'config-error',
      'link-down', 'partition', 'latency', 'loss', 'duplicate',
      'disk-full', 'disk-slow', 'clock-skew', 'clock-jump', 'clock-drift',
      'exchange-disconnect', 'feed-down', 'market-close', 'dc-down',
    ]);
  });

  it.each(FAULT_KINDS.map((k) => [k.kind, k.example]))('%s: its example parses', (kind, example) => {
    expect(fault(example).kind).toBe(kind);
  });

  it('each kind documents itself and its fields', () => {
    for (const kind of FAULT_KINDS) {
      expect(kind.description.length).toBeGreaterThan(10);
      for (const spec of Object.values(kind.fields)) expect(spec.doc.length).toBeGreaterThan(5);
    }
  });
});

describe('parsing each kind', () => {
  it.each([
    ['{ at: 1s, kind: crash, target: a, for: 60s }', { target: { type: 'node', node: 'a' }, for: 60 * SECOND }],
    ['{ at: 1s, kind: nic-down, target: standby }', { target: { type: 'standby' } }],
    ['{ at: 1s, kind: switch-down, target: "switch:sw-r1" }', { target: { type: 'switch', name: 'sw-r1' } }],
    ['{ at: 1s, kind: power-down, target: "rack:r1" }', { target: { type: 'rack', name: 'r1' } }],
    ['{ at: 1s, kind: power-down, target: "power:pdu-2" }', { target: { type: 'power', name: 'pdu-2' } }],
    ['{ at: 1s, kind: disk-fail, target: any }', { target: { type: 'any' } }],
    ['{ at: 1s, kind: process-crash, target: primary }', { target: { type: 'primary' } }],
    ['{ at: 1s, kind: process-crash, target: primary, restartAfter: 10s }', { restartAfter: 10 * SECOND }],
    ['{ at: 1s, kind: process-crash, target: primary, restartAfter: supervisor }', { restartAfter: 'supervisor' }],
    ['{ at: 1s, kind: pause, target: primary, for: 8s }', { for: 8 * SECOND }],
    ['{ at: 1s, kind: memory-leak, target: primary, maxDelay: 200ms, restartAfter: 1s }', { maxDelay: 200 * MS, restartAfter: SECOND }],
    ['{ at: 1s, kind: deadlock, target: primary, threads: [] }', { threads: [] }],
    ['{ at: 1s, kind: deadlock, target: primary, threads: [heartbeat, replication] }', { threads: ['heartbeat', 'replication'] }],
    ['{ at: 1s, kind: config-error, target: b, set: { priority: 200, mode: fast, on: true } }', { set: { priority: 200, mode: 'fast', on: true } }],
    ['{ at: 1s, kind: config-error, target: b }', { target: { type: 'node', node: 'b' } }],
    ['{ at: 1s, kind: link-down, between: [primary, exchange] }', { between: [{ type: 'primary' }, { type: 'exchange' }] }],
    ['{ at: 1s, kind: partition, groups: [["dc:dc1"], ["dc:dc2"]] }', { groups: [[{ type: 'dc', name: 'dc1' }], [{ type: 'dc', name: 'dc2' }]] }],
    ['{ at: 1s, kind: partition, groups: [[a, clients], [b], [c]], oneWay: true }', { oneWay: true }],
    ['{ at: 1s, kind: latency, target: a, delay: 100ms }', { delay: { constant: 100 * MS } }],
    ['{ at: 1s, kind: latency, target: a, delay: { uniform: { min: 50ms, max: 150ms } } }', { delay: { uniform: { min: 50 * MS, max: 150 * MS } } }],
    ['{ at: 1s, kind: loss, target: a, probability: 0 }', { probability: 0 }],
    ['{ at: 1s, kind: duplicate, target: a, probability: 1 }', { probability: 1 }],
    ['{ at: 1s, kind: disk-full, target: a }', {}],
    ['{ at: 1s, kind: disk-slow, target: a, factor: 2.5 }', { factor: 2.5 }],
    ['{ at: 1s, kind: clock-skew, target: a, offset: -500ms }', { offset: -500 * MS }],
    ['{ at: 1s, kind: clock-jump, target: a, by: 10s }', { by: 10 * SECOND }],
    ['{ at: 1s, kind: clock-jump, target: a, by: -1m30s }', { by: -90 * SECOND }],
    ['{ at: 1s, kind: clock-drift, target: a, ppm: -200 }', { ppm: -200 }],
    ['{ at: 1s, kind: exchange-disconnect }', { kind: 'exchange-disconnect' }],
    ['{ at: 1s, kind: feed-down, target: a }', { target: { type: 'node', node: 'a' } }],
    ['{ at: 1s, kind: market-close, for: 30s }', { for: 30 * SECOND }],
    ['{ at: 1s, kind: dc-down, target: "dc:dc1" }', { target: { type: 'dc', name: 'dc1' } }],
  ])('accepts %s', (line, expected) => {
    expect(fault(line)).toMatchObject(expected);
  });

  it('fills in declared defaults once, when parsed, and leaves fields without one absent', () => {
    expect(fault('{ at: 1s, kind: memory-leak, target: a }')).toEqual({
      id: 0, at: SECOND, kind: 'memory-leak', target: { type: 'node', node: 'a' }, maxDelay: 50 * MS, restartAfter: 5 * SECOND,
    });
    expect(fault('{ at: 1s, kind: deadlock, target: a }')).toMatchObject({ threads: ['heartbeat'], restartAfter: 0 });
    expect(fault('{ at: 1s, kind: partition, groups: [[a], [b]] }')).toMatchObject({ oneWay: false });
    expect(fault('{ at: 1s, kind: process-crash, target: a }')).not.toHaveProperty('restartAfter');
    expect(fault('{ at: 1s, kind: exchange-disconnect }')).toEqual({ id: 0, at: SECOND, kind: 'exchange-disconnect' });
  });

  it('writes a field at its default back out as absent, so a written schedule stays as the user spelled it', () => {
    const s = parseSchedule('duration: 120s\nfaults:\n  - { at: 1s, kind: disk-slow, target: a }\n  - { at: 2s, kind: disk-slow, target: a, factor: 3 }\n', 'k.yaml');
    const yaml = scheduleToYaml(s);
    expect(yaml).toContain('{ at: 1s, kind: disk-slow, target: a }');
    expect(yaml).toContain('factor: 3');
    expect(parseSchedule(yaml, 'k.yaml').faults).toEqual(s.faults);
  });

  it('every kind reaches the world only through its paired verbs: no field written, no hold kept on the side', () => {
    const dir = new URL('../../src/faults/kinds/', import.meta.url);
    for (const file of readdirSync(dir)) {
      const code = readFileSync(new URL(file, dir), 'utf8');
      // an assignment or ++/-- on anything reached through the world (node.x = ..., node.disk.y *= ...)
      expect(code, file).not.toMatch(/\b(node|disk|clock|world|exchange|network)(\.\w+)+\s*(=(?!=)|\+=|-=|\*=|\/=|\+\+|--)/);
      expect(code, file).not.toMatch(/WeakMap|controls\.ts/);
      // defaults come from the field declarations, not from `??` at fire time
      expect(code, file).not.toMatch(/fault\.\w+ \?\?/);
    }
  });

  it.each([
    ['{ at: 1s, kind: process-crash, target: a, restartAfter: 10 }', 'faults[0].restartAfter'],
    ['{ at: 1s, kind: memory-leak, target: a, maxDelay: fast }', 'faults[0].maxDelay'],
    ['{ at: 1s, kind: deadlock, target: a, threads: heartbeat }', 'faults[0].threads'],
    ['{ at: 1s, kind: deadlock, target: a, threads: [heartbeat, 3] }', 'faults[0].threads[1]'],
    ['{ at: 1s, kind: config-error, target: a, set: {} }', 'faults[0].set'],
    ['{ at: 1s, kind: config-error, target: a, set: [priority] }', 'faults[0].set'],
    ['{ at: 1s, kind: link-down, between: [a] }', 'faults[0].between'],
    ['{ at: 1s, kind: link-down, between: [a, "x y"] }', 'faults[0].between[1]'],
    ['{ at: 1s, kind: link-down, target: a, between: [a, b] }', 'faults[0].target'],
    ['{ at: 1s, kind: partition, groups: [[a]] }', 'faults[0].groups'],
    ['{ at: 1s, kind: partition, groups: [[a], []] }', 'faults[0].groups[1]'],
    ['{ at: 1s, kind: partition, groups: [[a], b] }', 'faults[0].groups[1]'],
    ['{ at: 1s, kind: partition, groups: [[others], [a, others]] }', 'faults[0].groups'],
    ['{ at: 1s, kind: partition, groups: [[a], [b]], oneWay: yes }', 'faults[0].oneWay'],
    ['{ at: 1s, kind: latency, target: a, delay: -5ms }', 'faults[0].delay'],
    ['{ at: 1s, kind: latency, target: a, delay: { gaussian: { mean: 5ms } } }', 'faults[0].delay'],
    ['{ at: 1s, kind: latency, target: a, delay: { uniform: { min: 50ms, max: 10ms } } }', 'faults[0].delay.uniform.max'],
    ['{ at: 1s, kind: loss, target: a, probability: 10% }', 'faults[0].probability'],
    ['{ at: 1s, kind: loss, target: a }', 'faults[0].probability'],
    ['{ at: 1s, kind: duplicate, target: a, probability: 2 }', 'faults[0].probability'],
    ['{ at: 1s, kind: disk-slow, target: a, factor: 0 }', 'faults[0].factor'],
    ['{ at: 1s, kind: clock-skew, target: a }', 'faults[0].offset'],
    ['{ at: 1s, kind: clock-skew, target: a, offset: 500 }', 'faults[0].offset'],
    ['{ at: 1s, kind: clock-jump, target: a, by: "- 5s" }', 'faults[0].by'],
    ['{ at: 1s, kind: clock-drift, target: a, ppm: "200" }', 'faults[0].ppm'],
    ['{ at: 1s, kind: clock-drift, target: a, ppm: -1000000 }', 'faults[0].ppm'],
    ['{ at: 1s, kind: market-close, target: exchange }', 'faults[0].target'],
    ['{ at: 1s, kind: dc-down }', 'faults[0].target'],
  ])('rejects %s at %s', (line, field) => {
    expect(fieldOfError(line)).toBe(field);
  });
});
