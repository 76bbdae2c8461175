/**
 * redis-sentinel under a graceful stop and a process kill of the master (issue #10):
 * - SIGTERM runs SHUTDOWN (redis.io/commands/shutdown): writes pause, the master asks its
 *   replicas for their offsets and exits once they caught up, or after shutdown-timeout (10 s)
 *   when one cannot answer; Sentinel then sees the master down and fails over, and no
 *   acknowledged write is lost;
 * - a replica's master link goes down at once when the master's process is killed on a living
 *   host (the kernel's reset), not repl-timeout (60 s) later.
 */
import { describe, expect, it } from 'vitest';
import { acksBy, invariants, notes, promotions, run, SECOND } from './redis-sentinel-helpers.ts';

const STOP = 20 * SECOND;

describe('redis-sentinel: graceful stop and kill of the master', () => {
  it('SIGTERM: the master waits for its replicas, exits within milliseconds, Sentinel fails over, no acked write lost', () => {
    const r = run([`{ at: 20s, kind: graceful-stop, target: redis1 }`], {}, 1, '60s', '30s');
    const exited = r.history.events.find((e) => e.type === 'node-state' && e.node === 'redis1' && e.state === 'crashed')!.time;
    expect(exited - STOP).toBeLessThan(50_000); // one GETACK round trip, not the 10 s timeout
    expect(notes(r, 'ready to exit', 'redis1').length).toBe(1);
    expect(acksBy(r, 'redis1', STOP - SECOND, STOP).length).toBeGreaterThan(100); // it was serving
    // Sentinel sees it down down-after-milliseconds (30 s) after it stopped answering
    const sdown = notes(r, '+sdown master redis1')[0].time - STOP;
    expect(sdown).toBeGreaterThan(30 * SECOND);
    expect(sdown).toBeLessThan(30 * SECOND + 200_000);
    expect(acksBy(r, 'redis1', STOP + 1).length).toBe(0); // writes paused from SIGTERM on
    expect(promotions(r, STOP, 'redis1').length).toBeGreaterThan(0);
    expect(invariants(r)).toEqual([]);
    expect(r.metrics.lostAcked).toBe(0);
  });

  it('SIGTERM with the replicas cut off: the master waits shutdown-timeout (10 s) before it exits', () => {
    const r = run([
      `{ at: 19s, kind: partition, groups: [[redis1], [redis2, redis3]], for: 20s }`,
      `{ at: 20s, kind: graceful-stop, target: redis1 }`,
    ], {}, 1, '60s', '30s');
    const exited = r.history.events.find((e) => e.type === 'node-state' && e.node === 'redis1' && e.state === 'crashed')!.time;
    expect((exited - STOP) / SECOND).toBeCloseTo(10, 1);
    expect(notes(r, 'shutdown-timeout', 'redis1').length).toBe(1);
  });

  it('kill -9 of the master process: its replicas mark the link down at once', () => {
    const r = run([`{ at: 20s, kind: process-crash, target: redis1 }`], {}, 1, '40s', '20s');
    const lost = notes(r, 'Connection with master lost');
    expect(new Set(lost.map((n) => n.node))).toEqual(new Set(['redis2', 'redis3']));
    for (const n of lost) expect(n.time - STOP).toBeLessThan(5_000);
  });
});
