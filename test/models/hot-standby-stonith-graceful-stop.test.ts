/**
 * hot-standby-stonith: a graceful stop (SIGTERM to pacemakerd, `pcs cluster stop`) of the
 * active node moves the resources to the standby without fencing: the node stops them, the
 * other node (now DC) starts them, the stopped node leaves the membership cleanly. Contrast:
 * a kill -9 costs token + consensus + a fence. Also a clean stop and restart of the node
 * brings it back as a member (standby), and a 3-node cluster moves the resources likewise.
 */
import { describe, expect, it } from 'vitest';
import stonith from '../../models/hot-standby-stonith.ts';
import { acksBy, eventsOf, invariantsViolated, promotedAt, roles, run, schedule, SECOND } from './hot-standby-helpers.ts';

const STOP = 20 * SECOND;
/**
 * The switchover's Pacemaker costs (the model's defaults): the DC's scheduler round (200 ms,
 * a second more when it re-asks for the CIB), a's stop operations (150 ms), b's start (280 ms).
 */
const START = (0.2 + 1 + 0.15 + 0.28) * SECOND;

const GRACEFUL = schedule(`
name: graceful-stop
description: SIGTERM to pacemakerd on the active node at 20 s; started again at 40 s
duration: 50s
settle: 20s
faults:
  - { at: 20s, kind: graceful-stop, target: a, for: 20s }
`);

describe('hot-standby-stonith: graceful stop of the active node', () => {
  it.each([1, 2, 3])('seed %i: b serves well before a token timeout, nothing fenced, nothing lost; a rejoins as standby', (seed) => {
    const r = run(stonith, GRACEFUL, seed);
    expect(invariantsViolated(r)).toEqual([]);
    expect(r.metrics.lostAcked).toBe(0);
    expect(eventsOf(r, 'fence')).toEqual([]);
    const takeover = promotedAt(r, 'b', STOP)!;
    // messages, the scheduler round and the stop and start operations (each drawn around its
    // median: operationTimeSpread), no token timeout (3 s) nor consensus (3.6 s)
    expect(takeover - STOP).toBeLessThan(Math.max(START + 50_000, 2 * SECOND));
    const served = acksBy(r, 'b', STOP)[0];
    expect(served.time - STOP).toBeLessThan(2 * SECOND);
    // a exited once the DC had taken in its shutdown (b's start operations may still be
    // running: the controller does not wait for them), and came back as a standby without a fence
    const aStates = eventsOf(r, 'node-state').filter((e) => e.node === 'a');
    expect(aStates.map((e) => e.state)).toEqual(['up', 'crashed', 'up']);
    expect(aStates[1].time).toBeGreaterThanOrEqual(STOP);
    expect(aStates[1].time).toBeLessThanOrEqual(takeover);
    expect(roles(r, 'a').at(-1)!.role).toBe('standby');
    expect(roles(r, 'b', 'primary')).toHaveLength(1);
  });

  it('the contrast: a kill -9 waits for token + consensus and a fence', () => {
    const kill = schedule(`
name: kill
duration: 50s
settle: 20s
faults:
  - { at: 20s, kind: process-crash, target: a, for: 20s }
`);
    const r = run(stonith, kill, 1);
    expect(promotedAt(r, 'b', STOP)! - STOP).toBeGreaterThan(6 * SECOND);
    expect(eventsOf(r, 'fence').filter((e) => e.ok).length).toBe(1);
  });

  it('three nodes: the resources move to b, nobody is fenced', () => {
    const r = run(stonith, GRACEFUL, 1, { nodes: 3 });
    expect(invariantsViolated(r)).toEqual([]);
    expect(eventsOf(r, 'fence')).toEqual([]);
    expect(promotedAt(r, 'b', STOP)! - STOP).toBeLessThan(START + 50_000);
    expect(r.metrics.lostAcked).toBe(0);
  });

  it('three nodes, messages of the stopping node lost: the DC waits for the start it asked for instead of starting the resources twice', () => {
    // seed 7: the DC (b) asks c to start, then, its own log grown past c's stale view, started
    // them itself before c's view showed them running: two primaries (before the in-flight guard)
    const r = run(stonith, schedule(`
name: stop-lossy
duration: 30s
settle: 15s
faults:
  - { at: 9s, kind: loss, target: primary, probability: 0.3, for: 5s }
  - { at: 10s, kind: graceful-stop, target: primary, restartAfter: 2s }
`), 7, { nodes: 3 });
    expect(invariantsViolated(r)).toEqual([]);
    expect(eventsOf(r, 'role').filter((e) => e.role === 'primary' && e.time > 10 * SECOND)).toHaveLength(1);
  });

  it('SIGTERM to the standby: it leaves without a fence and a keeps serving', () => {
    const r = run(stonith, schedule(`
name: stop-standby
duration: 50s
settle: 20s
faults:
  - { at: 20s, kind: graceful-stop, target: b, for: 20s }
`), 1);
    expect(invariantsViolated(r)).toEqual([]);
    expect(eventsOf(r, 'fence')).toEqual([]);
    expect(roles(r, 'a', 'primary')).toHaveLength(1);
    expect(acksBy(r, 'a', STOP, STOP + 2 * SECOND).length).toBeGreaterThan(100); // no freeze: DRBD disconnected cleanly
  });
});
