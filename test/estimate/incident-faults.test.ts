import { describe, expect, it } from 'vitest';
import { loadDesign } from '../../src/campaign/catalog.ts';
import { estimateSpecOf } from '../../src/estimate/declarations.ts';
import { IncidentFaults } from '../../src/estimate/incident-faults.ts';
import { buildPlant, type Plant } from '../../src/estimate/plant.ts';
import { loadReliability } from '../../src/estimate/reliability.ts';
import { eventsOf } from '../../src/history/history.ts';
import { buildRun, type Run } from '../../src/run/run.ts';
import { SECOND } from '../../src/sim/time.ts';
import { DEFAULT_WORKLOAD } from '../../src/world/client.ts';
import { resolveParams } from '../../src/world/params.ts';

async function setup(name = 'hot-standby-naive', set: Record<string, string> = {}): Promise<{ run: Run; plant: Plant; faults: IncidentFaults }> {
  const design = await loadDesign(name);
  const params = resolveParams(design, set);
  const plant = buildPlant(design, params, loadReliability('scenarios/reliability/p1.yaml'), estimateSpecOf(design, params));
  const run = buildRun({ design, params, seed: 1, workload: { ...DEFAULT_WORKLOAD, ordersPerSecond: 10 } });
  return { run, plant, faults: new IncidentFaults(run.world, plant) };
}

/** The element index of node `node`'s component `type`, or of shared element `id`. */
function elementOf(plant: Plant, what: { node: string; type: string } | { shared: string }): number {
  const perNode = plant.nodeComponents.length;
  if ('shared' in what) return plant.nodes.length * perNode + plant.shared.findIndex((s) => s.id === what.shared);
  return plant.nodes.indexOf(what.node) * perNode + plant.nodeComponents.findIndex((c) => c.type === what.type);
}

describe("an incident's component changes go through the fault kinds", () => {
  it('a server failure is a crash fault: begun when it goes down, healed when it comes back', async () => {
    const { run, plant, faults } = await setup();
    const node = plant.nodes[0];
    const element = elementOf(plant, { node, type: 'server' });
    run.sim.at(5 * SECOND, () => faults.apply(3, element, true, 9 * SECOND));
    run.sim.at(9 * SECOND, () => faults.apply(4, element, false, 9 * SECOND));
    run.step(7 * SECOND);
    expect(run.world.node(node).state).toBe('off');
    run.step(30 * SECOND);
    expect(run.world.node(node).state).toBe('up');
    const history = { events: run.world.history.events };
    expect(eventsOf(history, 'fault-begin').map((e) => [e.time, e.faultId, e.kind, e.targets])).toEqual([[5 * SECOND, 3, 'crash', [node]]]);
    expect(eventsOf(history, 'fault-end').map((e) => [e.time, e.faultId, e.kind])).toEqual([[9 * SECOND, 3, 'crash']]);
  });

  it('a deadlock takes the kind default: only the heartbeat thread runs until the repair kills the process', async () => {
    const { run, plant, faults } = await setup();
    const node = plant.nodes[1];
    const element = elementOf(plant, { node, type: 'deadlock' });
    run.sim.at(5 * SECOND, () => faults.apply(0, element, true, 8 * SECOND));
    run.sim.at(8 * SECOND, () => faults.apply(1, element, false, 8 * SECOND));
    run.step(6 * SECOND);
    expect([...(run.world.node(node).runningThreads ?? [])]).toEqual(['heartbeat']);
    const incarnation = run.world.node(node).incarnation;
    run.step(20 * SECOND);
    expect(run.world.node(node).runningThreads).toBeUndefined();
    expect(run.world.node(node).incarnation).toBeGreaterThan(incarnation);
  });

  it('a rack shock is a switch failure and a crash of the rack: both begun, then both healed', async () => {
    const { run, plant, faults } = await setup();
    const rack = plant.shared.find((s) => s.kind === 'rack')!;
    const element = elementOf(plant, { shared: rack.id });
    run.sim.at(5 * SECOND, () => faults.apply(0, element, true, 9 * SECOND));
    run.sim.at(9 * SECOND, () => faults.apply(1, element, false, 9 * SECOND));
    run.step(30 * SECOND);
    const history = { events: run.world.history.events };
    const inRack = run.world.nodesWhere('rack', rack.name);
    expect(eventsOf(history, 'fault-begin').map((e) => [e.kind, e.targets])).toEqual([
      ['switch-down', inRack],
      ['crash', inRack],
    ]);
    expect(eventsOf(history, 'fault-end').map((e) => e.kind)).toEqual(['switch-down', 'crash']);
    for (const id of inRack) expect(run.world.node(id).state).toBe('up');
  });

  it("a dc shock is the dc-down kind: the DC's power domains go dark, so a fence into it fails until it is back", async () => {
    const { run, plant, faults } = await setup('dr-site', { fenceOldSite: 'true' });
    const dc1 = plant.shared.find((s) => s.kind === 'dc' && s.name === 'dc1')!;
    const element = elementOf(plant, { shared: dc1.id });
    const fences: boolean[] = [];
    const fenceP1 = () => run.world.power.request(run.world.node('d1'), run.world.node('d1').incarnation, 'p1', 'off', 5 * SECOND, (ok) => fences.push(ok));
    run.sim.at(5 * SECOND, () => faults.apply(0, element, true, 20 * SECOND));
    run.sim.at(6 * SECOND, fenceP1);
    run.sim.at(20 * SECOND, () => faults.apply(1, element, false, 20 * SECOND));
    run.step(15 * SECOND);
    const inDc = run.world.nodesWhere('dc', 'dc1');
    for (const id of inDc) {
      expect(run.world.node(id).state).toBe('off');
      expect(run.world.powerDomainDown(id)).toBe(true);
    }
    expect(fences).toEqual([false]);
    run.step(60 * SECOND);
    const history = { events: run.world.history.events };
    expect(eventsOf(history, 'fault-begin').map((e) => [e.kind, e.targets])).toEqual([['dc-down', inDc]]);
    expect(eventsOf(history, 'fault-end').map((e) => e.kind)).toEqual(['dc-down']);
    for (const id of inDc) expect(run.world.powerDomainDown(id)).toBe(false);
    run.sim.at(run.sim.now + SECOND, fenceP1);
    run.step(run.sim.now + 10 * SECOND);
    expect(fences).toEqual([false, true]);
  });
});

describe("an incident's process failure is the service's process alone", () => {
  it('keepalived: the trading service dies, keepalived and the host live, and it stays down until the repair', async () => {
    const { run, plant, faults } = await setup('keepalived-vrrp');
    const node = plant.nodes[0];
    const element = elementOf(plant, { node, type: 'process' });
    run.sim.at(5 * SECOND, () => faults.apply(0, element, true, 15 * SECOND));
    run.sim.at(15 * SECOND, () => faults.apply(1, element, false, 15 * SECOND));
    run.step(6 * SECOND);
    const host = run.world.node(node);
    const procs = host.processes!;
    expect(host.state).toBe('up');
    expect(procs.isRunning(procs.indexOf('trading-service'))).toBe(false);
    expect(procs.isRunning(procs.indexOf('keepalived'))).toBe(true);
    run.step(14 * SECOND); // systemd's RestartSec (5 s) does not start it early: the file's restart does
    expect(procs.isRunning(procs.indexOf('trading-service'))).toBe(false);
    run.step(16 * SECOND);
    expect(procs.isRunning(procs.indexOf('trading-service'))).toBe(true);
    const history = { events: run.world.history.events };
    expect(eventsOf(history, 'fault-begin').map((e) => [e.kind, e.targets])).toEqual([['process-crash', [node]]]);
  });

  it('postgres-patroni: PostgreSQL dies, Patroni lives and starts it itself in its next loop, before the repair', async () => {
    const { run, plant, faults } = await setup('postgres-patroni');
    const node = plant.nodes[0];
    const element = elementOf(plant, { node, type: 'process' });
    run.sim.at(20 * SECOND, () => faults.apply(0, element, true, 80 * SECOND));
    run.sim.at(80 * SECOND, () => faults.apply(1, element, false, 80 * SECOND));
    run.step(20 * SECOND + 1);
    const procs = run.world.node(node).processes!;
    expect(procs.isRunning(procs.indexOf('postgres'))).toBe(false);
    expect(procs.isRunning(procs.indexOf('patroni'))).toBe(true);
    run.step(35 * SECOND); // loop_wait 10 s (+ a loop): Patroni has started it, long before the repair
    expect(procs.isRunning(procs.indexOf('postgres'))).toBe(true);
  });

  it("hot-standby-stonith: the resource dies under a live cluster stack; Pacemaker's monitor restarts it in place, long before the repair, with no fence", async () => {
    const { run, plant, faults } = await setup('hot-standby-stonith');
    const element = elementOf(plant, { node: 'a', type: 'process' });
    run.sim.at(20 * SECOND, () => faults.apply(0, element, true, 600 * SECOND));
    run.sim.at(600 * SECOND, () => faults.apply(1, element, false, 600 * SECOND));
    run.step(20 * SECOND + 1);
    const procs = run.world.node('a').processes!;
    expect(procs.isRunning(procs.indexOf('trading-service'))).toBe(false);
    expect(procs.isRunning(procs.indexOf('cluster-stack'))).toBe(true);
    run.step(20 * SECOND + 10 * SECOND + 2 * SECOND); // the next monitor (10 s), then stop and start
    expect(procs.isRunning(procs.indexOf('trading-service'))).toBe(true);
    const history = { events: run.world.history.events };
    expect(eventsOf(history, 'fence')).toEqual([]);
    expect(run.world.node('a').state).toBe('up');
  });

  it('a host of one process: every process dies, as before', async () => {
    const { run, plant, faults } = await setup();
    const node = plant.nodes[0];
    const element = elementOf(plant, { node, type: 'process' });
    run.sim.at(5 * SECOND, () => faults.apply(0, element, true, 15 * SECOND));
    run.sim.at(15 * SECOND, () => faults.apply(1, element, false, 15 * SECOND));
    run.step(6 * SECOND);
    expect(run.world.node(node).state).toBe('crashed');
    run.step(16 * SECOND);
    expect(run.world.node(node).state).toBe('up');
  });
});
