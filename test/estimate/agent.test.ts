/**
 * The `agent` component: an HA agent process beside the service (every process a design
 * declares after its first), failed alone. Each node gets one element per agent process it
 * runs and none where it runs none (a DCS member), a design without agents has no agent class
 * at all, the sampler and the ideal leave absent elements out, and an incident's agent failure
 * kills that one process while the service and the host live.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawIncidents, elementNames } from '../../src/estimate/components.ts';
import { idealAvailability } from '../../src/estimate/ideal.ts';
import { IncidentFaults } from '../../src/estimate/incident-faults.ts';
import { parseReliability } from '../../src/estimate/reliability.ts';
import { estimateSpecOf } from '../../src/estimate/declarations.ts';
import { buildPlant } from '../../src/estimate/plant.ts';
import { loadDesign } from '../../src/campaign/catalog.ts';
import { eventsOf } from '../../src/history/history.ts';
import { buildRun } from '../../src/run/run.ts';
import { Rng } from '../../src/sim/rng.ts';
import { HOUR, SECOND } from '../../src/sim/time.ts';
import { DEFAULT_WORKLOAD } from '../../src/world/client.ts';
import { resolveParams } from '../../src/world/params.ts';
import { estimate } from '../../src/estimate/estimate.ts';
import { estimateNotes } from '../../src/report/estimate-report.ts';
import { replayIncident } from '../../src/estimate/incident-replay.ts';
import { runCli } from '../cli/run-cli.ts';
import { plantOf } from './helpers.ts';

/** Agents fail (MTTF 1000 h, MTTR 10 h), plus `extra` YAML lines. */
const agents = (extra = '') => parseReliability(`name: agents\ncomponents:\n  agent: { mttf: 1000h, mttr: 10h }\n${extra}`, '<agents>');
const Q = 10 / 1010;

describe('the agent component: one element per agent process a node runs', () => {
  it('keepalived-vrrp: every host has its keepalived; postgres-patroni: the PostgreSQL hosts their Patroni, the DCS members none', async () => {
    const ka = await plantOf('keepalived-vrrp', agents('  process: { mttf: 720h, restart: 10s }'));
    expect(elementNames(ka)).toEqual(['a.agent:keepalived', 'a.process', 'b.agent:keepalived', 'b.process']);
    expect([...ka.absent]).toEqual([0, 0]);
    expect(ka.notApplicable).toEqual([]);
    const pg = await plantOf('postgres-patroni', agents());
    expect(pg.nodeComponents.map((c) => c.process)).toEqual(['patroni']);
    expect(pg.nodes.filter((_, i) => pg.absent[i] !== 0)).toEqual(['dcs1', 'dcs2', 'dcs3']);
    const stonith = await plantOf('hot-standby-stonith', agents(), { quorumDevice: 'ffsplit' });
    expect(stonith.nodes.map((id, i) => [id, stonith.absent[i]])).toEqual([['a', 0], ['b', 0], ['qnetd', 1]]);
  });

  it('a design whose nodes run no agent process has no agent class, and says so', async () => {
    for (const design of ['single', 'raft', 'redis-sentinel']) {
      const plant = await plantOf(design, agents('  server: { mttf: 1000h, mttr: 10h }'));
      expect(plant.nodeComponents.map((c) => c.type), design).toEqual(['server']);
      expect(plant.notApplicable, design).toEqual(['agent']);
    }
  });

  it('the estimate of a design without agents (or without the process an agent:<process> names) names the class absent, in its JSON and under the table', async () => {
    const data = agents('  server: { mttf: 1000h, mttr: 10h }\n  agent:patroni: { mttf: 500h, mttr: 1h }');
    const results = await estimate({ designs: ['single', 'keepalived-vrrp'], reliability: data, years: 1, simulations: 2, workers: 0 });
    expect(results.map((r) => [r.design, r.absentComponents])).toEqual([['single', ['agent', 'agent:patroni']], ['keepalived-vrrp', ['agent:patroni']]]);
    const notes = estimateNotes(results, data).filter((n) => n.includes('no node runs'));
    expect(notes).toEqual([
      "single: no node runs an HA agent process beside its service, so the data's agent rate does not apply (no agent class).",
      "single: no node runs patroni, so the data's agent:patroni rates do not apply.",
      "keepalived-vrrp: no node runs patroni, so the data's agent:patroni rates do not apply.",
    ]);
  }, 30_000);

  it('agent:<process> gives one agent process its own rates over agent\'s; one no node runs is named absent', async () => {
    const data = agents('  agent:patroni: { mttf: 500h, mttr: 1h }');
    expect(data.node.map((c) => [c.type, c.process])).toEqual([['agent', undefined], ['agent', 'patroni']]);
    const pg = await plantOf('postgres-patroni', data);
    expect(pg.nodeComponents).toEqual([{ type: 'agent', process: 'patroni', ttf: { exponential: { mean: 500 * HOUR } }, ttr: { exponential: { mean: HOUR } }, crew: false }]);
    expect(pg.notApplicable).toEqual([]);
    const ka = await plantOf('keepalived-vrrp', data);
    expect(ka.nodeComponents).toEqual([{ type: 'agent', process: 'keepalived', ttf: { exponential: { mean: 1000 * HOUR } }, ttr: { exponential: { mean: 10 * HOUR } }, crew: false }]);
    expect(ka.notApplicable).toEqual(['agent:patroni']);
    // without agent's own rates, only the processes named get an element
    const only = parseReliability('components:\n  server: { mttf: 1000h, mttr: 10h }\n  agent:patroni: { mttf: 500h, mttr: 1h }', '<only>');
    expect((await plantOf('keepalived-vrrp', only)).nodeComponents.map((c) => c.type)).toEqual(['server']);
    expect(elementNames(await plantOf('postgres-patroni', only)).slice(0, 2)).toEqual(['pg1.server', 'pg1.agent:patroni']);
    expect(() => parseReliability('components:\n  "agent:": { mttf: 1h, mttr: 1h }', 'bad.yaml')).toThrow(/components\.agent:.*agent:<process>/);
  });

  it('the sampler never fails an element a node does not have, and fails the others at their rate', async () => {
    const plant = await plantOf('postgres-patroni', agents());
    const names = elementNames(plant);
    const years = 200;
    const failed = new Map<string, number>();
    drawIncidents(plant, Rng.stream(7, 'agent-test'), years * 365 * 86_400, 60, (draw) => {
      const incident = draw.incident();
      incident.elements.forEach((e, c) => incident.downs[c] && failed.set(names[e], (failed.get(names[e]) ?? 0) + 1));
    });
    expect([...failed.keys()].sort()).toEqual(['pg1.agent:patroni', 'pg2.agent:patroni', 'pg3.agent:patroni']);
    // one failure per 1,010 h of a node's life (1,000 h up, then 10 h down): 1,734.7 in 200 years, sd 42
    for (const count of failed.values()) expect(Math.abs(count - (years * 8760) / 1010)).toBeLessThan(4 * 42);
  });

  it('the ideal leaves absent elements out, in product form and in the CTMC alike', async () => {
    // the DCS never fails: up unless all three agents are down (structure: 1 of pg, 2 of dcs)
    const hot = idealAvailability(await plantOf('postgres-patroni', agents()));
    expect(hot.method).toBe('product-form');
    expect(hot.availability).toBeCloseTo(1 - Q ** 3, 8);
    // a CTMC (idle standbys age a little slower) gives nearly the same: it too gives the DCS no agent
    const warm = idealAvailability(await plantOf('postgres-patroni', agents('standby: { warm: 0.999999 }')));
    expect(warm.method).toBe('ctmc');
    expect(warm.availability).toBeCloseTo(1 - Q ** 3, 8);
    // nodes with different elements: servers everywhere, agents on pg only
    const mixed = agents('  server: { mttf: 1000h, mttr: 10h }');
    const pf = idealAvailability(await plantOf('postgres-patroni', mixed));
    const ctmc = idealAvailability(await plantOf('postgres-patroni', parseReliability('name: m\ncomponents:\n  agent: { mttf: 1000h, mttr: 10h }\n  server: { mttf: 1000h, mttr: 10h }\nstandby: { warm: 0.999999 }', '<m>')));
    const pgDown = 1 - 1 / (1 + 2 * 0.01);
    const dcsDown = Q;
    const expected = (1 - pgDown ** 3) * (1 - 3 * dcsDown ** 2 * (1 - dcsDown) - dcsDown ** 3);
    expect(pf.availability).toBeCloseTo(expected, 8);
    expect(ctmc.availability).toBeCloseTo(expected, 7);
  });
});

describe("an incident's agent failure kills that process alone, until the repair", () => {
  async function setup(name: string, set: Record<string, string> = {}) {
    const design = await loadDesign(name);
    const params = resolveParams(design, set);
    const plant = buildPlant(design, params, agents('  process: { mttf: 720h, restart: 10s }'), estimateSpecOf(design, params));
    const run = buildRun({ design, params, seed: 1, workload: { ...DEFAULT_WORKLOAD, ordersPerSecond: 10 } });
    const element = (node: string) => elementNames(plant).indexOf(`${node}.agent:${plant.nodeComponents.find((c) => c.type === 'agent')!.process}`);
    return { run, faults: new IncidentFaults(run.world, plant), element };
  }

  it('keepalived-vrrp: keepalived dies on the MASTER, the trading service keeps running there, the BACKUP takes the VIP too; the repair restarts keepalived', async () => {
    const { run, faults, element } = await setup('keepalived-vrrp');
    run.sim.at(5 * SECOND, () => faults.apply(0, element('a'), true, 20 * SECOND));
    run.sim.at(20 * SECOND, () => faults.apply(1, element('a'), false, 20 * SECOND));
    run.step(12 * SECOND);
    const procs = run.world.node('a').processes!;
    expect(run.world.node('a').state).toBe('up');
    expect(procs.isRunning(procs.indexOf('keepalived'))).toBe(false);
    expect(procs.isRunning(procs.indexOf('trading-service'))).toBe(true);
    expect(run.world.routing.holdersOf('vip').sort()).toEqual(['a', 'b']); // SIGKILL: nothing removed a's VIP
    run.step(20 * SECOND + 1);
    expect(procs.isRunning(procs.indexOf('keepalived'))).toBe(true);
    expect(eventsOf({ events: run.world.history.events }, 'fault-begin').map((e) => [e.kind, e.targets])).toEqual([['process-crash', ['a']]]);
  });

  it('postgres-patroni: Patroni dies on the leader, PostgreSQL keeps running as primary', async () => {
    const { run, faults, element } = await setup('postgres-patroni');
    run.sim.at(20 * SECOND, () => faults.apply(0, element('pg1'), true, 30 * SECOND));
    run.sim.at(30 * SECOND, () => faults.apply(1, element('pg1'), false, 30 * SECOND));
    run.step(25 * SECOND);
    const procs = run.world.node('pg1').processes!;
    expect(procs.isRunning(procs.indexOf('patroni'))).toBe(false);
    expect(procs.isRunning(procs.indexOf('postgres'))).toBe(true);
    run.step(30 * SECOND + 1);
    expect(procs.isRunning(procs.indexOf('patroni'))).toBe(true);
  });

  it('hot-standby-stonith: the cluster stack dies on a, the resource lives; b loses a from the membership and fences it', async () => {
    const { run, faults, element } = await setup('hot-standby-stonith');
    run.sim.at(20 * SECOND, () => faults.apply(0, element('a'), true, 600 * SECOND));
    run.sim.at(600 * SECOND, () => faults.apply(1, element('a'), false, 600 * SECOND));
    run.step(20 * SECOND + 1);
    const procs = run.world.node('a').processes!;
    expect(procs.isRunning(procs.indexOf('cluster-stack'))).toBe(false);
    expect(procs.isRunning(procs.indexOf('trading-service'))).toBe(true);
    run.step(60 * SECOND);
    expect(eventsOf({ events: run.world.history.events }, 'fence').some((e) => e.target === 'a')).toBe(true);
  });
});

describe('an agent incident in the incident log', () => {
  it('is named by its process and replays bit for bit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hasim-agent-'));
    const data = join(dir, 'agents.yaml');
    writeFileSync(data, 'components:\n  agent: { mttf: 2880h, restart: 10s }\n');
    const log = join(dir, 'agents.jsonl');
    const run = await runCli(['estimate', 'keepalived-vrrp', '--reliability', data, '--years', '1', '--simulations', 'all', '--workers', '0', '--incidents', log]);
    expect(run.code).toBe(0);
    const lines = readFileSync(log, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0].class).toMatch(/^[ab]\.agent:keepalived- ~3 [ab]\.agent:keepalived\+$/);
    const replayed = await replayIncident(log, 1);
    expect(replayed.reproduced).toBe(true);
    expect(replayed.outcome.traceHash).toBe(lines[0].traceHash);
  }, 30_000);
});
