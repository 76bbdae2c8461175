import { describe, expect, it } from 'vitest';
import type { RedisInfo } from '../../src/parts/redis-protocol.ts';
import { selectSlave, type Instance } from '../../src/parts/sentinel-state.ts';
import { SECOND } from '../../src/sim/time.ts';

const NOW = 100 * SECOND;
const DOWN_AFTER = 5 * SECOND;

/** A replica that answered PING and INFO just now, linked to its master; `over` changes fields. */
function instance(node: string, info: Partial<RedisInfo> = {}, over: Partial<Instance> = {}): Instance {
  return {
    node, actPingUs: 0, lastPingUs: NOW, lastPongUs: NOW, lastAvailUs: NOW, sdown: false, sdownSinceUs: 0, disconnected: false,
    info: { role: 'slave', masterHost: 'm', linkUp: true, linkDownUs: 0, offset: 100, priority: 100, runId: `run-${node}`, ...info },
    infoRefreshUs: NOW, lastInfoSentUs: NOW, roleReportedUs: 0, slaveConfChangeUs: 0, reconf: 'none', reconfSentUs: 0,
    ...over,
  };
}
const master = instance('m', { role: 'master' }, { sdown: true, sdownSinceUs: NOW - 6 * SECOND });
const pick = (...replicas: Instance[]) => selectSlave([master, ...replicas], master, 'm', DOWN_AFTER, NOW);

describe('sentinelSelectSlave (selectSlave)', () => {
  it('ranks by lowest replica-priority, then highest offset, then lowest run id; never the master', () => {
    expect(pick(instance('a', { priority: 100, offset: 900 }), instance('b', { priority: 10, offset: 1 }))).toBe('b');
    expect(pick(instance('a', { offset: 100 }), instance('b', { offset: 200 }))).toBe('b');
    expect(pick(instance('b', { runId: 'y' }), instance('a', { runId: 'z' }))).toBe('b');
    expect(pick()).toBeUndefined();
  });
  it('skips replicas that are SDOWN, have priority 0, last answered a PING over 5 s ago, or whose INFO is stale', () => {
    const best = { offset: 999 };
    expect(pick(instance('a', best, { sdown: true }), instance('b'))).toBe('b');
    expect(pick(instance('a', { ...best, priority: 0 }), instance('b'))).toBe('b');
    expect(pick(instance('a', best, { lastAvailUs: NOW - 5 * SECOND - 1 }), instance('b'))).toBe('b');
    expect(pick(instance('a', best, { lastAvailUs: NOW - 5 * SECOND }), instance('b'))).toBe('a');
    // the master is down: INFO is valid 3 s (sentinel.c: info_validity_time = 3 * SENTINEL_PING_PERIOD)
    expect(pick(instance('a', best, { infoRefreshUs: NOW - 3 * SECOND - 1 }), instance('b'))).toBe('b');
  });
  it("skips a replica whose master link has been down longer than the master's down time + 10 x down-after", () => {
    const limit = 6 * SECOND + 10 * DOWN_AFTER;
    expect(pick(instance('a', { offset: 999, linkDownUs: limit + 1 }), instance('b'))).toBe('b');
    expect(pick(instance('a', { offset: 999, linkDownUs: limit }), instance('b'))).toBe('a');
  });
  it('takes an old master that came back reporting role master (it is not converted while the master is down)', () => {
    expect(pick(instance('old', { role: 'master', masterHost: undefined, offset: 50 }))).toBe('old');
  });
});
