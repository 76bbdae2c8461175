/**
 * `hasim estimate-replay <file.jsonl> --incident N [--json [FILE]] [--history]`: re-runs one
 * incident of `hasim estimate --incidents FILE` exactly (estimate/incident-replay.ts), prints
 * it as `hasim run` prints a run (violations, metrics, timeline), then the figures the estimate
 * took from it beside the replay's, and whether the trace hash matches the estimate's.
 *
 * When the design's code, its resolved parameters or hasim's version differ from what the log's
 * header pinned, one line on stderr says so before the replay (a differing hash is then expected).
 *
 * Exit codes: 0 when the replay reproduced the estimate's simulation (same trace hash, whatever
 * the incident did), 1 when it did not, 2 for a bad file or flag.
 */
import type { Command } from 'commander';
import { replayIncident } from '../estimate/incident-replay.ts';
import type { IncidentLine, IncidentLogOutcome } from '../estimate/incident-log.ts';
import type { SimulatedIncident } from '../estimate/chunk.ts';
import type { IncidentOutcome } from '../estimate/incident-sim.ts';
import { HASIM_VERSION, runJson } from '../report/run-json.ts';
import { runText } from '../report/run-text.ts';
import { InputError } from '../sim/input-error.ts';
import { commandLine, err, exitWith, out } from './io.ts';
import { writeOutput } from './output-path.ts';

interface EstimateReplayFlags {
  incident: string;
  json?: string | true;
  history?: boolean;
}

export function estimateReplayCommand(cli: Command): void {
  cli
    .command('estimate-replay')
    .description('re-run one incident of an estimate exactly, from the log hasim estimate --incidents wrote, and print it as hasim run does')
    .argument('<file>', 'the incident log (JSON lines) written by hasim estimate --incidents FILE')
    .requiredOption('--incident <n>', 'the incident to replay: its "incident" number in the log')
    .option('--json [file]', 'write the JSON result to FILE, or to stdout instead of the text')
    .option('--history', 'include the full history in the JSON')
    .action(async (file: string, flags: EstimateReplayFlags) => {
      const number = Number(flags.incident);
      if (!/^\s*\d+\s*$/.test(flags.incident) || !(number >= 1)) throw new InputError('--incident', '', 'an incident number (1 or more) from the log', JSON.stringify(flags.incident));
      // a model changed since the log: said before the replay runs, so a differing hash is read as expected
      const replayed = await replayIncident(file, number, { hasim: HASIM_VERSION, onCodeChanged: (text) => err(`hasim: note: ${text}\n`) });
      const { line, result, design, outcome, reproduced, codeChanged } = replayed;
      const verdict = reproduced
        ? `trace hash ${result.traceHash}: reproduced the estimate's simulation of incident ${line.incident}`
        : `trace hash ${result.traceHash} differs from the estimate's ${line.traceHash}: NOT reproduced${codeChanged === undefined ? '' : ' (the code or parameters changed since the log: see the note above)'}`;
      const lossScale = replayed.setup.ordersPerSecond / replayed.setup.incidentOrdersPerSecond;
      const body = {
        ...runJson(result, design, commandLine(), flags.history ?? false),
        incident: line,
        replayed: { ...outcomeFigures(outcome, lossScale), traceHash: result.traceHash },
        reproduced,
        codeChanged: codeChanged ?? null,
      };
      const text = JSON.stringify(body, null, 2) + '\n';
      if (flags.json === true) {
        out(text);
        err(verdict + '\n');
      } else {
        if (typeof flags.json === 'string') writeOutput(flags.json, text);
        out(runText(result, { replayCommand: line.replay }) + '\n' + changesText(line) + estimateFigures(line.outcome, outcome, lossScale, line.weight, line.flagged) + verdict + '\n');
      }
      exitWith(reproduced ? 0 : 1);
    });
}

/** The replay's figures in the log's shape (the same fields as the line's `outcome`). */
function outcomeFigures(o: SimulatedIncident, lossScale: number): IncidentLogOutcome {
  const { traceHash: _hash, key: _key, weight: _weight, ...figures } = o;
  return { ...figures, lostAckedAtRealRate: o.lostAcked * lossScale };
}

/** The drawn changes in real time: the timeline above is the simulated clock, on which gaps longer than the design's settle are cut short (fast-forwarded). */
function changesText(line: IncidentLine): string {
  const rows = line.changes.map((c) => `  ${c.atSeconds.toFixed(3).padStart(14)}s  ${c.element} ${c.change}`);
  return [`CHANGES (real time from the first; the timeline fast-forwards gaps longer than the design's settle)`, ...rows].join('\n') + '\n\n';
}

/** The figures the estimate used, as the log has them and as the replay worked them out again. */
function estimateFigures(logged: IncidentLogOutcome, replayed: IncidentOutcome, lossScale: number, weight: number, flagged: string[]): string {
  const row = (name: string, a: string, b: string, compare = true) => `  ${name.padEnd(34)} ${a.padStart(16)}  ${b.padStart(16)}${!compare || a === b ? '' : '  DIFFERS'}`;
  const s = (x: number) => (Math.round(x * 1000) / 1000).toString();
  const lines = [
    `ESTIMATE FIGURES (weight ${s(weight)}${flagged.length ? `; flagged: ${flagged.join(', ')}` : ''})`,
    row('', 'estimate', 'replay', false),
    row('downtime s (fast-forwards included)', s(logged.downtimeSeconds), s(replayed.downtimeSeconds)),
    row('outages s', logged.outageSeconds.map(s).join(' ') || '-', replayed.outageSeconds.map(s).join(' ') || '-'),
    row('lost acked orders (incident rate)', s(logged.lostAcked), s(replayed.lostAcked)),
    row('lost acked orders (real rate)', s(logged.lostAckedAtRealRate), s(replayed.lostAcked * lossScale)),
    row('RPO ms', s(logged.rpoMs), s(replayed.rpoMs)),
    row('split brain ms (pairs)', `${s(logged.splitBrainMs)} (${logged.splitBrainPairs})`, `${s(replayed.splitBrainMs)} (${replayed.splitBrainPairs})`),
    row('false failovers', String(logged.falseFailovers), String(replayed.falseFailovers)),
    row('down through a fast-forward', String(logged.downThroughFastForward), String(replayed.downThroughFastForward)),
    row('unrecovered / still losing', `${logged.unrecovered} / ${logged.stillLosing}`, `${replayed.unrecovered} / ${replayed.stillLosing}`),
    row('events', String(logged.events), String(replayed.events)),
  ];
  return lines.join('\n') + '\n';
}
