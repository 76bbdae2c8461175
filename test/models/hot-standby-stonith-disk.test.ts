/**
 * hot-standby-stonith: the active node's disk fails. Its resource fails (the write errors), it
 * stops the resources, and the peer starts them without a fence since the stop succeeded. The
 * active node is also the DC in a two-node cluster (the lowest id): its own failed disk must
 * not stop it deciding for the partition, or the service stays down until the disk is replaced
 * (estimate under p1 charged this incident class 180 min/yr from 449b5c7 until the fix).
 */
import { describe, expect, it } from 'vitest';
import stonith from '../../models/hot-standby-stonith.ts';
import { eventsOf, invariantsViolated, promotedAt, run, schedule, SECOND } from './hot-standby-helpers.ts';

const FAIL = 20 * SECOND;

const DISK = schedule(`
name: primary-disk-failure
description: a's disk fails at 20 s and is replaced 60 s later
duration: 90s
settle: 20s
faults:
  - { at: 20s, kind: disk-fail, target: a, for: 60s }
`);

describe('hot-standby-stonith: the active node\'s disk fails', () => {
  it.each([1, 2, 3])('seed %i: b takes over within seconds, without a fence, losing no acked order', (seed) => {
    const r = run(stonith, DISK, seed);
    expect(r.metrics.lostAcked).toBe(0);
    expect(invariantsViolated(r).filter((name) => name !== 'recovery')).toEqual([]);
    expect(eventsOf(r, 'fence')).toEqual([]);
    const takeover = promotedAt(r, 'b', FAIL);
    expect(takeover).toBeDefined();
    expect(takeover! - FAIL).toBeLessThan(10 * SECOND);
  });
});
