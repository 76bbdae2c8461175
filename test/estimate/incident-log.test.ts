/**
 * `hasim estimate --incidents FILE` and `hasim estimate-replay FILE --incident N`: the log has
 * one line per simulated incident with its replay command, and replaying a lossy incident gives
 * the estimate's trace hash and figures; a tampered line is caught; bad values exit 2 before
 * any work.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeNumbers, encodeNumbers, readIncidentLog, type IncidentLine } from '../../src/estimate/incident-log.ts';
import { codeChange, replayIncident } from '../../src/estimate/incident-replay.ts';
import { loadDesign } from '../../src/campaign/catalog.ts';
import { runCli } from '../cli/run-cli.ts';

const ROOT = resolve(import.meta.dirname, '../..');
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
  // the code and parameters the incidents ran with, pinned for the replay
  expect(rows[0].designs['hot-standby-naive'].source.files).toHaveProperty(['models/hot-standby-naive.ts']);
  expect(rows[0].designs['hot-standby-naive'].params).toMatch(/^[0-9a-f]{16}$/);
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
    // nothing changed since the log: no note
    expect(json.codeChanged).toBeNull();
    expect(run.stderr).not.toContain('note');
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
    // the code is as the log pinned it: a differing hash here is a bug, and nothing excuses it
    expect(run.stdout).not.toContain('changed since the log');
    expect(run.stderr).toBe('');
  }, 20_000);

  it('says in one line, before the replay, that the design changed since the log: its code named file by file', async () => {
    const userDir = mkdtempSync(join(tmpdir(), 'hasim-user-design-'));
    const file = join(userDir, 'my-single.ts');
    const source = (restart: string) =>
      [`import single from '${ROOT}/models/single.ts';`, `import { defineDesign } from '${ROOT}/src/world/design.ts';`, `export default defineDesign({ ...single, name: 'my-single', params: { restartSec: { ...single.params.restartSec, default: '${restart}' } } });`, ''].join('\n');
    writeFileSync(join(userDir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(file, source('5s'));
    const log = join(userDir, 'incidents.jsonl');
    const estimated = await runCli(['estimate', file, '--reliability', 'p1', '--years', '2', '--simulations', '3', '--workers', '0', '--seed', '3', '--incidents', log]);
    expect(estimated.stderr).toBe('');
    expect(estimated.code).toBe(0);
    const replay = () => runCli(['estimate-replay', log, '--incident', '1']);
    // unchanged: no note, reproduced
    const same = await replay();
    expect(same.stderr).toBe('');
    expect(same.code).toBe(0);
    // a comment added: the code differs (named), the run does not
    writeFileSync(file, source('5s') + '// edited\n');
    const edited = await replay();
    expect(edited.stderr.trim().split('\n')).toEqual([`hasim: note: ${file} changed since this log was written: its code (user:my-single.ts); a trace hash that differs is expected, not a bug`]);
    expect(edited.code).toBe(0);
    // a log written before the pins: said, not guessed
    const rows = readFileSync(log, 'utf8').trim().split('\n');
    const { designs: _designs, ...header } = JSON.parse(rows[0]);
    const old = join(userDir, 'old.jsonl');
    writeFileSync(old, [JSON.stringify(header), ...rows.slice(1)].join('\n') + '\n');
    writeFileSync(file, source('5s'));
    const unpinned = await runCli(['estimate-replay', old, '--incident', '1']);
    expect(unpinned.stderr).toContain(`this log holds no hash of ${file}'s code`);
    expect(unpinned.code).toBe(0);
  }, 30_000);

  it("names a moved parameter default and another hasim version, and nothing when all is as logged", async () => {
    const { header, line } = readIncidentLog(LOG, 1);
    const design = await loadDesign('hot-standby-naive');
    expect(codeChange(header, line, design, header.hasim)).toBeUndefined();
    const [name, spec] = Object.entries(design.params)[0];
    const moved = { ...design, params: { ...design.params, [name]: { ...spec, default: spec.kind === 'duration' ? '123s' : spec.default } } } as typeof design;
    expect(spec.kind).toBe('duration');
    expect(codeChange(header, line, moved, header.hasim)).toBe("hot-standby-naive changed since this log was written: its resolved parameter values (a default moved); a trace hash that differs is expected, not a bug");
    expect(codeChange(header, line, design, '9.9.9')).toContain(`hasim's version (${header.hasim} then, 9.9.9 now)`);
  });

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
