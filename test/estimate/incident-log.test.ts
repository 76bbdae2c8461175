/**
 * `hasim estimate --incidents FILE` and `hasim estimate-replay FILE --incident N`: the log has
 * one line per simulated incident with its replay command, and replaying a lossy incident gives
 * the estimate's trace hash and figures; a tampered line is caught; bad values exit 2 before
 * any work.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeNumbers, encodeNumbers, type IncidentLine } from '../../src/estimate/incident-log.ts';
import { replayIncident } from '../../src/estimate/incident-replay.ts';
import { runCli } from '../cli/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'hasim-incidents-'));
const LOG = join(dir, 'incidents.jsonl');
// a few years of the HA document's naive hot standby: async replication loses acked orders
const ESTIMATE = ['estimate', 'hot-standby-naive', '--reliability', 'p1', '--years', '2', '--simulations', '6', '--workers', '0', '--seed', '3'];

let lines: IncidentLine[] = [];
let stdout = '';

beforeAll(async () => {
  const run = await runCli([...ESTIMATE, '--incidents', LOG]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const rows = readFileSync(LOG, 'utf8').trim().split('\n').map((row) => JSON.parse(row));
  expect(rows[0]).toMatchObject({ type: 'estimate', seed: 3, incidentOrdersPerSecond: 10, ordersPerSecond: 200 });
  lines = rows.slice(1);
  stdout = run.stdout;
}, 30_000);

describe('hasim estimate --incidents', () => {
  it('writes every simulated incident, numbered, with its class, changes, seed, weight, outcome and replay command', async () => {
    expect(lines.length).toBeGreaterThan(0);
    lines.forEach((line, i) => {
      expect(line).toMatchObject({ type: 'incident', incident: i + 1, design: 'hot-standby-naive', replay: `hasim estimate-replay ${LOG} --incident ${i + 1}` });
      expect(line.weight).toBeCloseTo(1 / line.pi, 9);
      expect(line.changes.length).toBe(line.draw.offsets.length);
      expect(line.class.startsWith(`${line.changes[0].element}${line.changes[0].change === 'down' ? '-' : '+'}`)).toBe(true);
      expect(line.traceHash).toMatch(/^[0-9a-f]+$/);
    });
    // the report's notes say where the log is and which incidents are flagged
    const flagged = lines.filter((l) => l.flagged.length > 0).map((l) => `#${l.incident} hot-standby-naive (${l.flagged.join(', ')})`);
    expect(stdout).toContain(`- incident log ${LOG}: ${lines.length} simulated incidents, flagged: ${flagged.join(', ')}; replay one: hasim estimate-replay ${LOG} --incident N`);
  });

  it('replays a lossy incident bit for bit: same trace hash, same outage and lost acks as the estimate', async () => {
    const lossy = lines.find((l) => l.outcome.lostAcked > 0);
    expect(lossy, 'the estimate should simulate an incident that loses acked orders').toBeDefined();
    expect(lossy!.flagged).toContain('lost acked orders');
    const run = await runCli(['estimate-replay', LOG, '--incident', String(lossy!.incident), '--json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.reproduced).toBe(true);
    expect(json.traceHash).toBe(lossy!.traceHash);
    expect(json.replayed).toEqual({ ...lossy!.outcome, traceHash: lossy!.traceHash });
    // the run's own metrics see the same loss the estimate counted (no skipped gap to extrapolate over here)
    expect(json.metrics.lostAcked).toBeGreaterThan(0);
    expect(json).not.toHaveProperty('history');
    expect(run.stderr).toContain('reproduced');
    // --history: every event of the incident's run, as hasim run --json --history gives it
    const full = JSON.parse((await runCli(['estimate-replay', LOG, '--incident', String(lossy!.incident), '--json', '--history'])).stdout);
    expect(full.history.events.some((e: { type: string }) => e.type === 'fault-begin')).toBe(true);
    expect(full.traceHash).toBe(lossy!.traceHash);
  }, 20_000);

  it('prints the run as hasim run does, then the estimate figures beside the replay', async () => {
    const run = await runCli(['estimate-replay', LOG, '--incident', '1']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('hot-standby-naive under incident 1 (');
    expect(run.stdout).toContain('TIMELINE');
    expect(run.stdout).toContain('ESTIMATE FIGURES');
    expect(run.stdout).not.toContain('DIFFERS');
    expect(run.stdout).toContain(`trace hash ${lines[0].traceHash}: reproduced`);
  }, 20_000);

  it('says NOT reproduced, exit 1, when the line does not match its simulation (a planted change)', async () => {
    const rows = readFileSync(LOG, 'utf8').trim().split('\n');
    const line = JSON.parse(rows[1]) as IncidentLine;
    // the same incident from another place in the draw: another seed, another run
    rows[1] = JSON.stringify({ ...line, ordinal: line.ordinal + 1 });
    const tampered = join(dir, 'tampered.jsonl');
    writeFileSync(tampered, rows.join('\n') + '\n');
    const run = await runCli(['estimate-replay', tampered, '--incident', '1']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('NOT reproduced');
  }, 20_000);

  it.each([
    [['estimate', 'single', '--reliability', 'p1', '--incidents', dir], '--incidents'],
    [['estimate', 'single', '--reliability', 'p1', '--incidents', join(LOG, 'under-a-file.jsonl')], '--incidents'],
    [['estimate-replay', LOG, '--incident', '0'], '--incident'],
    [['estimate-replay', LOG, '--incident', '100000'], '--incident'],
    [['estimate-replay', LOG, '--incident', 'two'], '--incident'],
    [['estimate-replay', join(dir, 'missing.jsonl'), '--incident', '1'], 'missing.jsonl'],
    [['estimate-replay', 'package.json', '--incident', '1'], 'package.json'],
  ])('exits 2 with one line naming the problem: %j', async (args, where) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(where);
    expect(run.stdout).toBe('');
  });

  it('leaves no file, not even a partial one, when the estimate fails', async () => {
    const file = join(dir, 'failed.jsonl');
    const run = await runCli(['estimate', 'single', '--reliability', 'p1', '--set', 'no-such-param=1', '--workers', '0', '--incidents', file]);
    expect(run.code).toBe(2);
    expect(readdirSync(dir).filter((name) => name.startsWith('failed.jsonl'))).toEqual([]);
  });

  it('keeps Infinity (unlimited repair crews) through JSON', () => {
    const data = { repairCrews: Infinity, node: [{ ttf: { exponential: { mean: 5 } } }], low: -Infinity };
    expect(decodeNumbers(JSON.parse(JSON.stringify(encodeNumbers(data))))).toEqual(data);
  });
});

/**
 * `npm run test:long` (HASIM_LONG=1): two designs, the log the same for any --workers, and
 * every flagged incident of both replays with the estimate's trace hash and figures.
 */
describe.runIf(process.env.HASIM_LONG === '1')('hasim estimate --incidents, two designs and workers (test:long)', () => {
  const TWO = ['estimate', 'hot-standby-naive', 'keepalived-vrrp', '--reliability', 'p1', '--years', '4', '--simulations', '12'];
  const rowsOf = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((row) => JSON.parse(row));

  it('writes the same log with 0 and 2 workers, and every flagged incident replays exactly', async () => {
    const logs = [join(dir, 'w0.jsonl'), join(dir, 'w2.jsonl')];
    for (const [i, workers] of ['0', '2'].entries()) expect((await runCli([...TWO, '--workers', workers, '--incidents', logs[i]])).code).toBe(0);
    const [zero, two] = logs.map(rowsOf);
    const withoutReplay = (rows: Record<string, unknown>[]) => rows.map(({ replay: _replay, ...rest }) => rest);
    expect(withoutReplay(two)).toEqual(withoutReplay(zero));
    const incidents = zero.slice(1) as IncidentLine[];
    expect(new Set(incidents.map((l) => l.design))).toEqual(new Set(['hot-standby-naive', 'keepalived-vrrp']));
    const flagged = incidents.filter((l) => l.flagged.length > 0);
    expect(new Set(flagged.map((l) => l.design)).size).toBe(2);
    for (const line of flagged) {
      const replayed = await replayIncident(logs[0], line.incident);
      expect(replayed.reproduced).toBe(true);
      const { key: _key, weight, traceHash, ...figures } = replayed.outcome;
      const { lostAckedAtRealRate: _real, ...logged } = line.outcome;
      expect({ ...figures, weight, traceHash }).toEqual({ ...logged, weight: line.weight, traceHash: line.traceHash });
    }
  }, 300_000);
});
