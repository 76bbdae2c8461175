/**
 * Triggered faults (`when:` a probe happens): parsing with one-line errors, the writer's round
 * trip, and firing in a run: on the probe's node, filtered by node or role, the Nth time,
 * after a delay, at most K times, never while the previous firing lasts, never after chaos.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/campaign/simulate.ts';
import { parseSchedule, scheduleToYaml, type Schedule } from '../../src/faults/schedule.ts';
import { shrinkSchedule } from '../../src/faults/shrink.ts';
import { InputError } from '../../src/sim/input-error.ts';
import { SECOND } from '../../src/sim/time.ts';
import design from '../../models/active-active-lock.ts';

const schedule = (faults: string[], duration = '40s'): Schedule =>
  parseSchedule(`name: t\nduration: ${duration}\nsettle: 5s\nfaults:\n${faults.map((f) => `  - ${f}`).join('\n')}\n`, 't.yaml');

const errorOf = (text: string): string => {
  try {
    schedule([text]);
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('parsed');
};

const begins = (faults: string[], duration?: string) => {
  const r = simulate({ design, seed: 3, schedule: schedule(faults, duration), workload: { ordersPerSecond: 50 } });
  return { r, begins: r.history.events.flatMap((e) => (e.type === 'fault-begin' ? [e] : [])) };
};

const probeTimes = (r: ReturnType<typeof simulate>, probe: string, node: string) =>
  r.history.events.flatMap((e) => (e.type === 'probe' && e.probe === probe && e.node === node ? [e.time] : []));

describe('parsing a trigger', () => {
  it('takes probe, node, nth, after and times; at defaults to 0 and a required target to the probe node', () => {
    const s = schedule(['{ when: { probe: lock.acquired, node: i1, nth: 3, after: 5ms, times: 2 }, kind: pause, for: 12s }']);
    expect(s.faults[0]).toEqual({ id: 0, at: 0, kind: 'pause', for: 12 * SECOND, when: { probe: 'lock.acquired', node: { type: 'node', node: 'i1' }, nth: 3, after: 5000, times: 2 } });
  });

  it('writes it back so that it parses to the same schedule, defaults left out', () => {
    const s = schedule([
      '{ when: { probe: lock.acquired, node: i1 }, kind: pause, for: 12s }',
      '{ at: 10s, when: { probe: lock.granted, node: primary, nth: 2, after: 1ms, times: 4 }, kind: crash, target: redis1 }',
    ]);
    const text = scheduleToYaml(s);
    expect(text).toContain('- { when: { probe: lock.acquired, node: i1 }, kind: pause, for: 12s }');
    expect(parseSchedule(text, 't.yaml')).toEqual(s);
  });

  it('names the field of each mistake', () => {
    expect(errorOf('{ when: { probe: Lock }, kind: pause }')).toMatch(/faults\[0\]\.when\.probe: expected a probe name/);
    expect(errorOf('{ when: { probe: a.b, nth: 0 }, kind: pause }')).toMatch(/faults\[0\]\.when\.nth: expected a whole number from 1/);
    expect(errorOf('{ when: { probe: a.b, every: 2 }, kind: pause }')).toMatch(/faults\[0\]\.when\.every: expected a field of when/);
    expect(errorOf('{ when: { probe: a.b, node: any }, kind: pause }')).toMatch(/faults\[0\]\.when\.node/);
    expect(errorOf('{ when: lock.acquired, kind: pause }')).toMatch(/faults\[0\]\.when: expected a mapping with probe/);
    expect(errorOf('{ kind: pause, target: a }')).toMatch(/faults\[0\]\.at: expected a start time/);
  });

  it('refuses, before the run, a probe or node the design does not have', () => {
    expect(() => simulate({ design, seed: 1, schedule: schedule(['{ when: { probe: lock.nope }, kind: pause }']) })).toThrow(/when\.probe: expected a probe \(.*lock\.acquired/);
    expect(() => simulate({ design, seed: 1, schedule: schedule(['{ when: { probe: lock.acquired, node: zz }, kind: pause }']) })).toThrow(/when\.node: expected a node id/);
  });
});

describe('a triggered fault in a run', () => {
  it('fires right after the first matching emission, on the probe node', () => {
    const { r, begins: b } = begins(['{ at: 5s, when: { probe: lock.acquired, node: i2 }, kind: pause, for: 1s }']);
    const first = probeTimes(r, 'lock.acquired', 'i2').find((t) => t >= 5 * SECOND)!;
    expect(b).toHaveLength(1);
    expect(b[0].time).toBe(first);
    expect(b[0].targets).toEqual(['i2']);
  });

  it('counts to the Nth emission, waits `after`, fires at most `times`, never while the last firing lasts', () => {
    const { r, begins: b } = begins(['{ at: 5s, when: { probe: lock.acquired, node: i1, nth: 10, after: 2ms, times: 3 }, kind: latency, delay: 1ms, for: 1s }']);
    const emissions = probeTimes(r, 'lock.acquired', 'i1').filter((t) => t >= 5 * SECOND);
    expect(b.map((e) => e.time)).toHaveLength(3);
    expect(b[0].time).toBe(emissions[9] + 2000);
    for (let k = 1; k < 3; k++) {
      expect(b[k].time - b[k - 1].time).toBeGreaterThan(SECOND); // the previous one lasted 1 s
      expect(emissions).toContain(b[k].time - 2000);
    }
  });

  it('acts on its own target when it names one, and on any node when node is left out', () => {
    const { begins: b } = begins(['{ at: 5s, when: { probe: lock.granted }, kind: pause, target: i2, for: 1s }']);
    expect(b[0].targets).toEqual(['i2']);
  });

  it('filters by role: the Redis master is the primary', () => {
    const { begins: own } = begins(['{ at: 5s, when: { probe: lock.granted, node: primary }, kind: latency, delay: 1ms, for: 1s }']);
    expect(own[0].targets).toEqual(['redis1']);
    const { begins: none } = begins(['{ at: 5s, when: { probe: lock.granted, node: standby }, kind: latency, delay: 1ms, for: 1s }']);
    expect(none).toEqual([]); // standbys are the instances, which never grant
  });

  it('does not fire after chaos, and the same schedule gives the same trace', () => {
    const { begins: late } = begins(['{ at: 39999ms, when: { probe: lock.acquired, after: 1s }, kind: pause, for: 1s }']);
    expect(late).toEqual([]);
    const a = begins(['{ when: { probe: lock.acquired, nth: 7 }, kind: pause, for: 2s }']).r.traceHash;
    const b = begins(['{ when: { probe: lock.acquired, nth: 7 }, kind: pause, for: 2s }']).r.traceHash;
    const c = begins(['{ when: { probe: lock.acquired, nth: 8 }, kind: pause, for: 2s }']).r.traceHash;
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('shrinks: trigger options go back to their defaults when the failure does not need them', () => {
    const failing = schedule(['{ at: 2s, when: { probe: lock.acquired, node: i1, nth: 4, after: 1ms }, kind: pause, for: 20s }']);
    const fails = (s: Schedule) => s.faults.some((f) => f.when !== undefined && (f.for ?? Infinity) > 5 * SECOND);
    const { schedule: small, steps } = shrinkSchedule(failing, fails);
    expect(small.faults[0].when).toEqual({ probe: 'lock.acquired', nth: 1, after: 0, times: 1 });
    expect(steps.some((s) => s.includes('when.nth'))).toBe(true);
  });
});

describe('the probe catalog', () => {
  it('imports every part that declares or emits a probe', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('../../src/parts/', import.meta.url);
    const emitting = readdirSync(dir).filter((f) => f !== 'probe-catalog.ts' && /defineProbe|emitsProbe/.test(readFileSync(new URL(f, dir), 'utf8')));
    const catalog = readFileSync(new URL('probe-catalog.ts', dir), 'utf8');
    for (const file of emitting) expect(catalog).toContain(`import './${file}';`);
  });
});
