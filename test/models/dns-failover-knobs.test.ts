/**
 * dns-failover with the client caches real runtimes have. JDK java.security:
 * `networkaddress.cache.ttl` defaults to 30 s without a security manager and to -1 (cache
 * forever) when one is installed: a JVM client of the second kind never follows the failover.
 *
 * Failed lookups and negative caching: resolv.conf(5) (timeout 5 s, attempts 2): a client whose
 * recursive resolver is down has no address once its cached answer expires, though both servers
 * are healthy, and gets one back up to 10 s after the resolver returns. RFC 2308 §5: NXDOMAIN
 * is cached for min(SOA TTL, SOA MINIMUM), 900 s with Route 53's SOA defaults: a failover hook
 * that deletes and re-creates the record leaves the clients that asked in between without the
 * service for 15 minutes; an atomic UPSERT never answers NXDOMAIN.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type RunResult } from '../../src/campaign/simulate.ts';
import design from '../../models/dns-failover.ts';
import { faultSchedule } from './fault-schedule.ts';
import { resolveParams } from '../../src/world/params.ts';
import { estimateSpecOf } from '../../src/estimate/declarations.ts';
import { expectParamRefused } from './param-errors.ts';

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

describe('dns-failover failed lookups and negative caching', () => {
  it('a resolver that is down makes a healthy primary unreachable once the TTL runs out, and nothing fails over', () => {
    const r = simulate({
      design,
      seed: 1,
      schedule: faultSchedule(['{ at: 10s, kind: crash, target: dns, for: 30s }'], '60s', '5s'),
      params: { resolverNode: true },
    });
    const [outage, ...others] = r.metrics.outages;
    expect(others).toEqual([]);
    expect(outage.startMs).toBeGreaterThanOrEqual(10_000);
    expect(outage.startMs).toBeLessThanOrEqual(16_000); // the 5 s TTL, plus the 1 s client timeout
    expect(outage.endMs).toBeGreaterThanOrEqual(40_000); // not before the resolver is back
    expect(outage.endMs).toBeLessThanOrEqual(51_000); // a lookup begun just before fails after 10 s
    expect(outage.promoted).toBeNull();
    expect(outage.servedBy?.node).toBe('a');
    expect(r.history.events.filter((e) => e.type === 'dns')).toEqual([]);
  });

  describe('a failover hook that deletes and re-creates the record', () => {
    // a crash of a: the hook moves the record ~30-40 s later; a change gap as long as the TTL
    // makes every client ask while the name does not exist
    const runChange = (params: Record<string, unknown>) =>
      simulate({
        design,
        seed: 1,
        schedule: faultSchedule(['{ at: 10s, kind: crash, target: a }'], '1000s', '5s'),
        params: { recordChangeGap: '5s', ...params },
        workload: { ordersPerSecond: 20 },
      });
    const recordBackAt = (r: RunResult) => r.history.events.find((e) => e.type === 'dns' && e.node === 'b')!.time;

    it('with Route 53\'s SOA (TTL 900 s, MINIMUM 86400 s) the clients stay on NXDOMAIN for 900 s', () => {
      const r = runChange({ recordUpdate: 'delete-create' });
      const createdAt = recordBackAt(r);
      expect(firstAckFromB(r)! - createdAt).toBeGreaterThan(890 * SECOND);
      expect(firstAckFromB(r)! - createdAt).toBeLessThanOrEqual(901 * SECOND);
    });

    it('a zone whose SOA MINIMUM is 60 s: about 60 s', () => {
      const r = runChange({ recordUpdate: 'delete-create', soaMinimum: '60s' });
      const delay = firstAckFromB(r)! - recordBackAt(r);
      expect(delay).toBeGreaterThan(50 * SECOND);
      expect(delay).toBeLessThanOrEqual(61 * SECOND);
    });

    it('an atomic UPSERT: the clients follow within the TTL', () => {
      const r = runChange({});
      expect(firstAckFromB(r)! - recordBackAt(r)).toBeLessThanOrEqual(6 * SECOND);
    });
  });

  it('the estimate puts the resolver in series with the pair, only when it is modelled', () => {
    expect(estimateSpecOf(design, resolveParams(design, { resolverNode: true })).structure).toEqual({ all: ['dns', { atLeast: 1, of: ['a', 'b'] }] });
    expect(estimateSpecOf(design, resolveParams(design, {})).structure).toEqual({ atLeast: 1, of: ['a', 'b'] });
  });

  it('refuses bad resolver settings in one line', () => {
    for (const [name, value] of [['resolvAttempts', '6'], ['resolvTimeout', '0s'], ['recordUpdate', 'patch'], ['soaMinimum', 'soon']] as const) expectParamRefused(design, name, value);
  });
});
