/**
 * dns-failover with the client caches real runtimes have. JDK java.security:
 * `networkaddress.cache.ttl` defaults to 30 s without a security manager and to -1 (cache
 * forever) when one is installed: a JVM client of the second kind never follows the failover.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import design from '../../models/dns-failover.ts';
import { faultSchedule } from './fault-schedule.ts';

const SECOND = 1_000_000;
const CRASH = '{ at: 10s, kind: crash, target: a }';

function run(params: Record<string, unknown>): RunResult {
  return simulate({ design, seed: 1, schedule: faultSchedule([CRASH], '120s', '5s'), params });
}

/** When the first order reached the secondary `b` after the DNS record moved. */
function firstAckFromB(r: RunResult): number | undefined {
  return r.history.events.find((e) => e.type === 'ok' && e.node === 'b')?.time;
}

describe('dns-failover client caches', () => {
  it('native clients follow within the TTL, JVM clients within 30 s, JVM clients under a security manager never', () => {
    const moved = (r: RunResult) => r.history.events.find((e) => e.type === 'dns' && e.node === 'b')!.time;
    const native = run({});
    const jvm = run({ clientResolver: 'jvm' });
    const forever = run({ clientResolver: 'jvm-security-manager' });
    expect(firstAckFromB(native)! - moved(native)).toBeLessThanOrEqual(6 * SECOND);
    const jvmDelay = firstAckFromB(jvm)! - moved(jvm);
    expect(jvmDelay).toBeGreaterThan(6 * SECOND);
    expect(jvmDelay).toBeLessThanOrEqual(31 * SECOND);
    expect(moved(forever)).toBeLessThan(60 * SECOND);
    expect(firstAckFromB(forever)).toBeUndefined();
  });
});
