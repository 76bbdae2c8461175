/**
 * The quiet-end rule (incident-sim.ts `QUIET_SHARE`): the settle after an incident's last change
 * ends early once the design is steady again (service up, no control event for the quiet time,
 * every node the incident has up running), and never while the clients see the service down or
 * a node the incident has repaired is not running. What it cuts must not change the incident's
 * outcome; earlier gaps are never cut.
 */
import { describe, expect, it } from 'vitest';
import patroni from '../../models/postgres-patroni.ts';
import stonith from '../../models/hot-standby-stonith.ts';
import { elementNames } from '../../src/estimate/components.ts';
import { IncidentFaults } from '../../src/estimate/incident-faults.ts';
import { QUIET_SHARE, ServiceProbe, type IncidentOutcome } from '../../src/estimate/incident-sim.ts';
import { buildRun } from '../../src/run/run.ts';
import { SECOND } from '../../src/sim/time.ts';
import { DEFAULT_WORKLOAD } from '../../src/world/client.ts';
import type { Design } from '../../src/world/design.ts';
import { resolveParams } from '../../src/world/params.ts';
import { plantOf, RULES_DATA, simulateChanges, type Change } from './helpers.ts';

const data = RULES_DATA;

const simulate = (design: Design, name: string, changes: Change[], quietEnd: boolean): Promise<IncidentOutcome> => simulateChanges(design, name, changes, { quietEnd });

// what the run cost differs (events, and so the trace): the figures must not
const withoutEvents = ({ events: _events, traceHash: _traceHash, ...rest }: IncidentOutcome) => rest;

describe('incident simulation: the quiet-end rule', () => {
  it('a GC pause nobody notices: the last settle ends after the quiet time, with the same outcome', async () => {
    const pause: [string, boolean, number][] = [['pg2.gcPause', true, 0], ['pg2.gcPause', false, 0.2]];
    const full = await simulate(patroni, 'postgres-patroni', pause, false);
    const quiet = await simulate(patroni, 'postgres-patroni', pause, true);
    // only the last gap is cut, so everything before the cut is the same run
    expect(withoutEvents(quiet)).toEqual(withoutEvents(full));
    expect(full.downtimeSeconds).toBe(0);
    // ~200 events a simulated second: the cut saves most of settle - quiet (30 s)
    expect(full.events - quiet.events).toBeGreaterThan(0.6 * 200 * (1 - QUIET_SHARE) * 60);
  }, 30_000);

  it('only the last settle ends early: a silent reaction to an earlier change (dr-site\'s DR runbook) is not cut and reordered', async () => {
    // d1 (the DR site) loses its NIC: it hears nothing from dc1 and, silently, starts its
    // runbook (31 s) and promotes itself (30 s later). An hour later p1's process crashes and p2
    // takes over locally. Ending the first gap after a quiet half-settle left the runbook to
    // finish after p2's takeover: the isolated d1 took the name last and the service stayed
    // down for the hour until d1's NIC came back
    const dr = (await import('../../models/dr-site.ts')).default;
    const changes: [string, boolean, number][] = [['d1.nic', true, 0], ['p1.process', true, 3600], ['p1.process', false, 3612], ['d1.nic', false, 7200]];
    const full = await simulate(dr, 'dr-site', changes, false);
    const quiet = await simulate(dr, 'dr-site', changes, true);
    expect(full.downtimeSeconds).toBeLessThan(30);
    expect(withoutEvents(quiet)).toEqual(withoutEvents(full));
    expect(quiet.events).toBeLessThan(full.events);
  }, 30_000);

  it('losses after the last change stay a settle\'s worth: dns-failover\'s failback keeps losing orders in a quiet, serving state', async () => {
    const dns = (await import('../../models/dns-failover.ts')).default;
    const failback: [string, boolean, number][] = [['a.server', true, 0], ['a.server', false, 36_000]];
    const full = await simulate(dns, 'dns-failover', failback, false);
    const quiet = await simulate(dns, 'dns-failover', failback, true);
    expect(full.stillLosing).toBe(true);
    expect(quiet.stillLosing).toBe(true);
    expect(quiet.events).toBeLessThan(full.events);
    expect(quiet.lostAcked).toBeGreaterThan(0.7 * full.lostAcked);
    expect(quiet.lostAcked).toBeLessThan(1.3 * full.lostAcked);
  }, 30_000);

  it('steady needs quiet, the service up and every node the incident has up running', () => {
    const params = resolveParams(stonith, {});
    const run = buildRun({ design: stonith, params, seed: 2, workload: { ...DEFAULT_WORKLOAD, ordersPerSecond: 10 }, maxEvents: 10_000_000, budgetNote: 'test' });
    expect(run.boot()).toBe('served');
    const { world } = run;
    const origin = world.origin;
    const quiet = 15 * SECOND;
    const nodes = ['a', 'b'];
    const both = 0b11;
    const probe = new ServiceProbe(world, nodes, DEFAULT_WORKLOAD.timeout);
    run.step(origin + 20 * SECOND);
    expect(probe.steady(world.sim.now, quiet, both)).toBe(true);
    // b (the standby) is taken down by a fault the incident says is over: the service is up
    // on a, and once the crash is quiet, b not running is the only thing that is not steady
    return plantOf('hot-standby-stonith', data).then((plant) => {
      const faults = new IncidentFaults(world, plant);
      const bServer = elementNames(plant).indexOf('b.server');
      world.sim.at(origin + 21 * SECOND, () => faults.apply(0, bServer, true, Number.MAX_SAFE_INTEGER));
      run.step(origin + 26 * SECOND);
      expect(probe.steady(world.sim.now, quiet, both)).toBe(false); // the crash was a control event 5 s ago
      run.step(origin + 90 * SECOND);
      expect(probe.down(world.sim.now)).toBe(false);
      expect(world.isRunning('b')).toBe(false);
      expect(probe.steady(world.sim.now, quiet, 0b01)).toBe(true);
      expect(probe.steady(world.sim.now, quiet, both)).toBe(false);
    });
  }, 30_000);
});
