import { describe, expect, it } from 'vitest';
import single from '../../models/single.ts';
import { invariantsViolated, run, schedule } from './hot-standby-helpers.ts';

describe('single (the baseline)', () => {
  it('a quiet run acks every order and violates nothing', () => {
    const quiet = schedule(`
name: quiet
description: no faults
duration: 30s
settle: 10s
faults: []
`);
    const r = run(single, quiet, 1);
    expect(r.violations).toEqual([]);
    expect(r.metrics.availability).toBe(1);
    expect(r.metrics.acked).toBeGreaterThan(7000);
  });

  it('a disk failure loses every order acked before it: there is no other copy', () => {
    const diskFail = schedule(`
name: disk-failure
description: the disk fails at 10 s and is replaced at 20 s
duration: 30s
settle: 10s
faults:
  - { at: 10s, kind: disk-fail, target: a, for: 10s }
`);
    const r = run(single, diskFail, 1);
    expect(invariantsViolated(r)).toContain('no-lost-ack');
    expect(r.metrics.lostAcked).toBeGreaterThan(1800); // ~10 s at 200 orders/s
  });
});
