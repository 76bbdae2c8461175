/**
 * What the client saw is what counts (world/client.ts): a primary paused for longer than the
 * client timeout answers its queued orders when it resumes. With the default `reconnect`
 * client those replies arrive on connections the client already dropped, so they are not
 * acks; with a FIX-style `keep` session they are (late, so not served in time).
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/campaign/simulate.ts';
import { eventsOf } from '../../src/history/history.ts';
import { SECOND } from '../../src/sim/time.ts';
import single from '../../models/single.ts';
import redisSentinel from '../../models/redis-sentinel.ts';
import { faultSchedule } from '../models/fault-schedule.ts';

const pause = (length: string) => faultSchedule([`{ at: 5s, kind: pause, target: primary, for: ${length} }`], '20s', '10s');

function lateAcks(session: 'reconnect' | 'keep') {
  const result = simulate({ design: single, seed: 1, schedule: pause('5s'), workload: { session } });
  const timeout = result.history.clientTimeout;
  const resumed = eventsOf(result.history, 'node-state').find((e) => e.state === 'up' && e.time > 5 * SECOND)!.time;
  // single's clients retry only on a timeout, so attempt k went out at invoke + (k-1) x timeout:
  // an ack later than attempt x timeout came after that attempt had timed out
  const late = eventsOf(result.history, 'ok').filter((e) => e.latency > e.attempt * timeout);
  return { result, resumed, late };
}

describe('client session policy', () => {
  it('reconnect (default): replies sent after the client timed out the attempt are not acks', () => {
    const { result, late } = lateAcks('reconnect');
    expect(result.workload.session).toBe('reconnect');
    expect(late).toEqual([]);
    // the paused node still sent them: the replies existed, the client could not receive them
    const sentAfterResume = eventsOf(result.history, 'ack-sent').filter((e) => e.time >= 10 * SECOND && e.time < 10 * SECOND + 50_000);
    expect(sentAfterResume.length).toBeGreaterThan(100);
  });

  it('keep (FIX-style session): the same late replies are acks, with their true latency', () => {
    const { result, resumed, late } = lateAcks('keep');
    expect(result.workload.session).toBe('keep');
    expect(late.length).toBeGreaterThan(100);
    for (const e of late) expect(e.time).toBeGreaterThanOrEqual(resumed);
    const reconnect = lateAcks('reconnect').result.metrics;
    expect(result.metrics.acked).toBeGreaterThan(reconnect.acked);
  });

  it('a Redis master paused past the timeout and then demoted loses no acked order with the default client', () => {
    const schedule = faultSchedule(['{ at: 5s, kind: pause, target: primary, for: 40s }'], '60s', '20s');
    const reconnect = simulate({ design: redisSentinel, seed: 1, schedule });
    const keep = simulate({ design: redisSentinel, seed: 1, schedule, workload: { session: 'keep' } });
    expect(reconnect.metrics.lostAcked).toBe(0);
    expect(keep.metrics.lostAcked).toBeGreaterThan(0);
  });
});
