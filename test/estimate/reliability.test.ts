import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadReliability, parseReliability } from '../../src/estimate/reliability.ts';
import { reliabilityJsonSchema } from '../../src/estimate/reliability-schema.ts';
import { InputError } from '../../src/sim/input-error.ts';
import { HOUR, SECOND } from '../../src/sim/time.ts';

const PUBLISHED = join(import.meta.dirname, '../../schemas/reliability.schema.json');

function errorOf(text: string): InputError {
  try {
    parseReliability(text, 'bad.yaml');
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('reliability data files', () => {
  it('reads the example of the issue: exponential by default, distributions where given', () => {
    const p1 = loadReliability('scenarios/reliability/p1.yaml');
    expect(p1.name).toBe('p1');
    expect(p1.repairCrews).toBe(2);
    expect(p1.standby).toEqual({ kind: 'hot' });
    const byType = Object.fromEntries(p1.node.map((c) => [c.type, c]));
    expect(byType.server).toMatchObject({ ttf: { exponential: { mean: 1000 * HOUR } }, ttr: { exponential: { mean: 10 * HOUR } }, crew: true });
    expect(byType.process).toMatchObject({ ttr: { constant: 10 * SECOND }, crew: false });
    expect(byType.agent).toMatchObject({ ttf: { exponential: { mean: 2880 * HOUR } }, ttr: { constant: 10 * SECOND }, crew: false });
    expect(byType.disk.ttf).toEqual({ weibull: { shape: 1.2, scale: 50000 * HOUR } });
    expect(byType.gcPause).toMatchObject({ ttf: { exponential: { mean: 24 * HOUR } }, crew: false });
    expect(byType.deadlock.ttr).toEqual({ exponential: { mean: 10 * 60 * SECOND } });
    expect(Object.keys(p1.domains)).toEqual(['rack', 'power', 'dc']);
  });

  it('reads standby modes, unlimited crews and deterministic times', () => {
    const d = parseReliability('components:\n  server: { ttf: { deterministic: 100h }, ttr: { empirical: [1h, 2h] } }\nstandby: { warm: 0.3 }\nrepairCrews: unlimited', 'x.yaml');
    expect(d).toMatchObject({ name: 'x', repairCrews: Infinity, standby: { kind: 'warm', factor: 0.3 } });
    expect(d.node[0]).toMatchObject({ ttf: { constant: 100 * HOUR }, ttr: { empirical: [HOUR, 2 * HOUR] } });
  });

  it.each([
    ['components:\n  server: { mttf: 1000h }', 'components.server.mttr', 'a mean time to repair'],
    ['components:\n  server: { mttf: -5h, mttr: 1h }', 'components.server.mttf', 'duration'],
    ['components:\n  server: { mttf: 0h, mttr: 1h }', 'components.server.mttf', 'positive duration'],
    ['components:\n  toaster: { mttf: 1h, mttr: 1h }', 'components.toaster', 'a component type'],
    ['components:\n  agents: { mttf: 1h, mttr: 1h }', 'components.agents', 'server, process, agent, nic, disk'],
    ['components:\n  agent: { mttf: 2880h }', 'components.agent.mttr', 'a restart delay'],
    ['components:\n  agent: { mttf: 0h, restart: 10s }', 'components.agent.mttf', 'positive duration'],
    ['components:\n  agent: { mttf: 2880h, restart: 10s, mttr: 1h }', 'components.agent.restart', 'either mttr or restart'],
    ['components:\n  server: { mttf: 1h, ttf: 2h, mttr: 1h }', 'components.server.ttf', 'either mttf or ttf'],
    ['components:\n  server: { mttf: 1h, mttr: 1h, colour: red }', 'components.server.colour', 'one of mttf'],
    ['components:\n  server: { ttf: { gamma: 3 }, mttr: 1h }', 'components.server.ttf', 'one of { constant'],
    ['components:\n  server: { mttf: 1h, mttr: 1h }\nrepairCrews: 0', 'repairCrews', 'a positive integer'],
    ['components:\n  server: { mttf: 1h, mttr: 1h }\nstandby: lukewarm', 'standby', 'hot, cold'],
    ['components:\n  server: { mttf: 1h, mttr: 1h }\nstandby: { warm: 2 }', 'standby.warm', 'between 0 and 1'],
    ['domains:\n  planet: { mttf: 1h, mttr: 1h }', 'domains.planet', 'a domain'],
    ['software:\n  gcPause: { every: 24h }', 'software.gcPause.duration', 'a pause length'],
    ['software:\n  cosmicRay: { mttf: 1h }', 'software.cosmicRay', 'a software incident'],
    ['colour: red', 'colour', 'one of the fields'],
    ['- a list', '', 'a mapping'],
    ['components: {}', 'components', 'at least one'],
  ])('rejects %j naming the field', (text, field, expected) => {
    const error = errorOf(text);
    expect(error.source).toBe('bad.yaml');
    expect(error.field).toBe(field);
    expect(error.expected).toContain(expected);
  });

  it('reports a missing file and bad YAML as input errors', () => {
    expect(() => loadReliability('no/such/file.yaml')).toThrow(InputError);
    expect(errorOf('components: {server: [').field).toMatch(/^line/);
  });

  it('publishes its JSON Schema up to date (regenerate: npx tsx src/estimate/reliability-schema.ts > schemas/reliability.schema.json)', () => {
    expect(readFileSync(PUBLISHED, 'utf8')).toBe(JSON.stringify(reliabilityJsonSchema(), null, 2) + '\n');
  });
});
