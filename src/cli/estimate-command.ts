/**
 * `hasim estimate <design...> --reliability FILE`: availability, RTO, RPO and the yearly odds
 * of data loss and split brain over many simulated years of component failures, each
 * incident simulated with the design's protocol, beside the ideal of perfect failover.
 * Several designs print one table side by side (they see the same drawn failures where their
 * plants have the same shape: same seed, same component history). SIGINT or SIGTERM stops it
 * (its worker threads too) with one line and exit 130 or 143; it writes nothing, since an
 * estimate's intervals need every year it was asked for.
 */
import { parseMaxEvents, parseWorkloadFlags, workloadOptions, type WorkloadFlags } from './workload-flags.ts';
import { writeWorkload } from '../faults/schedule-workload.ts';
import { availableParallelism } from 'node:os';
import { loadDesign, reliabilityPath } from '../campaign/catalog.ts';
import { checkServesReads } from '../world/design.ts';
import type { Command } from 'commander';
import { DEFAULT_SIMULATIONS, estimate, EstimateStopped, MINUTES_PER_YEAR, paramsOf, type IncidentRecord } from '../estimate/estimate.ts';
import { IncidentLog } from '../estimate/incident-log.ts';
import { loadReliability } from '../estimate/reliability.ts';
import { estimateJson, estimateNotes, estimateRawTable, estimateTable } from '../report/estimate-report.ts';
import { HASIM_VERSION } from '../report/run-json.ts';
import { estimateHtml, estimateReportInput } from '../report/html/estimate-page.ts';
import { checkOutputs, writeOutput } from './output-path.ts';
import { StreamedOutput } from './streamed-output.ts';
import { parseFormat, renderTable } from '../report/table.ts';
import { InputError } from '../sim/input-error.ts';
import { EXIT_ON_SIGNAL, interruptSignal, parseCount, writeJson } from './campaign-output.ts';
import { parseDesignSets } from './compare-command.ts';
import { collect, parseSeed } from './options.ts';
import { out, exitWith, commandLine } from './io.ts';

interface EstimateFlags extends WorkloadFlags {
  reliability?: string;
  years: string;
  confidence: string;
  workers?: string;
  seed: string;
  json?: string | true;
  format: string;
  simulations: string;
  set: string[];
  ordersPerSecond: string;
  incidentOrdersPerSecond?: string;
  html?: string;
  incidents?: string;
}

const CONVENTIONS = `
Conventions:
  MTTF is the mean up time: one unit's availability is MTTF/(MTTF+MTTR); mttf/mttr mean
  exponential times, ttf/ttr take distributions (exponential, weibull, lognormal,
  deterministic, empirical). A year is 365 days (${MINUTES_PER_YEAR.toLocaleString('en-US')} minutes).
  Components keep failing while the service is down; a node that is down for one reason
  does not fail for another meanwhile; idle standbys age as 'standby' says (hot, cold, warm).
  Hardware repairs (server, nic, disk) wait for a repair crew (FIFO); process restarts, GC
  pauses and deadlocks need none; switches and domains have their own repair.
  Every incident is simulated with the design's protocol from its healthy steady state;
  quiet time between incidents is not simulated (it is healthy by construction). The ideal
  is the same data with instantaneous perfect failover, solved exactly (Markov chain).`;

function parseConfidence(raw: string): number {
  const x = Number(raw);
  if (!(x > 0 && x < 1)) throw new InputError('--confidence', '', 'a number between 0 and 1, such as 0.95', JSON.stringify(raw));
  return x;
}

function parseYears(raw: string): number {
  const x = Number(raw);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(raw) || !(x > 0) || !Number.isFinite(x)) throw new InputError('--years', '', 'a positive number of years, such as 10000', JSON.stringify(raw));
  return x;
}

function parseRate(raw: string, flag: string): number {
  const x = Number(raw);
  if (!(x > 0) || !Number.isFinite(x)) throw new InputError(flag, '', 'a positive number of orders per second', JSON.stringify(raw));
  return x;
}

export function estimateCommand(cli: Command): void {
  workloadOptions(cli
    .command('estimate')
    .description('availability, RTO, RPO, P(data loss) and P(split brain) per year from component reliability data')
    .argument('<design...>', 'designs (bundled names or paths)')
    .requiredOption('--reliability <file>', 'reliability data: a bundled name (hasim list: p1, ...) or a path to a YAML file')
    .option('--years <n>', 'simulated years per design', '1000')
    .option('--confidence <c>', 'confidence level of every interval', '0.95')
    .option('--workers <n>', 'worker threads (default: every core; 0: in this thread)')
    .option('--seed <n>', 'root seed (the same seed gives the same estimate)', '1')
    .option('--simulations <n>', `protocol simulations per design (expected; "all": every incident)`, String(DEFAULT_SIMULATIONS))
    .option('--set <design:name=value>', 'override a parameter of one design, or of every design that has it (repeatable)', collect, [])
    .option('--orders-per-second <n>', 'the real order rate lost orders are counted at', '200')
    .option('--incident-orders-per-second <n>', 'order rate inside incident simulations (default 10; --rate says the same)')
    .option('--format <format>', 'table, json, csv or md', 'table')
    .option('--json [file]', 'write the JSON result to FILE, or to stdout instead of the table')
    .option('--html <file>', 'write a self-contained HTML report (availability intervals, downtime against the budget) to FILE')
    .option('--incidents <file>', 'write every simulated incident to FILE as JSON lines (class, changes, seed, weight, outcome, trace hash) with the command that replays it: hasim estimate-replay FILE --incident N'))
    .addHelpText('after', CONVENTIONS)
    .action(async (designs: string[], flags: EstimateFlags) => {
      const format = parseFormat(flags.format);
      checkOutputs({ json: flags.json, html: flags.html, incidents: flags.incidents });
      const data = loadReliability(reliabilityPath(flags.reliability!));
      const years = parseYears(flags.years);
      const confidence = parseConfidence(flags.confidence);
      const seed = parseSeed(flags.seed);
      const workers = flags.workers === undefined ? availableParallelism() : parseCount(flags.workers, '--workers');
      const simulations = flags.simulations === 'all' ? Infinity : parseCount(flags.simulations, '--simulations', 1);
      const ordersPerSecond = parseRate(flags.ordersPerSecond, '--orders-per-second');
      // the workload flags shape the incident simulations; --rate is their order rate
      const { ordersPerSecond: rate, ...workload } = parseWorkloadFlags(flags);
      if (rate !== undefined && flags.incidentOrdersPerSecond !== undefined) throw new InputError('--rate', '', 'either --rate or --incident-orders-per-second (both set the order rate of incident simulations)');
      if (rate !== undefined && !(rate > 0)) throw new InputError('--rate', '', 'a positive number of orders per second', String(rate));
      const incidentOrdersPerSecond = rate ?? parseRate(flags.incidentOrdersPerSecond ?? '10', '--incident-orders-per-second');
      const maxEvents = parseMaxEvents(flags);
      const hasWorkload = Object.keys(workload).length > 0;
      if (workload.readsPerSecond) for (const name of designs) checkServesReads(await loadDesign(name), workload, '--reads');
      // a signal stops the estimate: it has no partial result (its intervals need every year asked for)
      const interrupt = interruptSignal((name) => `hasim: ${name === 'SIGINT' ? 'interrupted' : 'terminated'}; the estimate stopped and wrote nothing\n`);
      // the incident log is streamed to a temporary file, put in place only if the estimate completes
      const logFile = flags.incidents === undefined ? undefined : new StreamedOutput(flags.incidents);
      let results;
      let incidentLog: IncidentLog | undefined;
      const sets = parseDesignSets(flags.set);
      try {
        if (logFile) {
          const loaded = new Map(await Promise.all(designs.map(async (name) => [name, await loadDesign(name)] as const)));
          const setup = { seed, reliability: data, incidentOrdersPerSecond, ordersPerSecond, ...(hasWorkload ? { workload } : {}), ...(maxEvents !== undefined ? { maxEvents } : {}) };
          incidentLog = new IncidentLog(flags.incidents!, setup, HASIM_VERSION, loaded, (name, design) => paramsOf(name, design, { params: sets }), (text) => logFile.write(text));
        }
        const log = incidentLog;
        results = await estimate({
          ...(log ? { onIncident: (record: IncidentRecord) => log.add(record) } : {}), ...(hasWorkload ? { workload } : {}), maxEvents, designs, reliability: data, years, confidence, workers, seed, simulations, params: sets, ordersPerSecond, incidentOrdersPerSecond, signal: interrupt.signal });
      } catch (error) {
        logFile?.discard();
        if (!(error instanceof EstimateStopped)) throw error;
        return exitWith(interrupt.exitCode() ?? EXIT_ON_SIGNAL.SIGINT);
      } finally {
        interrupt.dispose();
      }
      logFile?.commit();
      const json = estimateJson(results, data, {
        version: HASIM_VERSION,
        command: commandLine(),
        seed,
        years,
        simulations: simulations === Infinity ? 'all' : simulations,
        workers,
        ordersPerSecond,
        incidentOrdersPerSecond,
        workload: hasWorkload ? writeWorkload(workload) : null,
        maxEvents: maxEvents ?? null,
      });
      if (typeof flags.json === 'string') writeJson(flags.json, json);
      if (flags.html) {
        const flagged = results.some((r) => r.incidents.downThroughFastForward + r.incidents.unrecovered + r.incidents.stillLosing + r.incidents.modelErrors > 0 || r.lostAckedPerYear.mean > 0 || r.pSplitBrainPerYear.events > 0);
        const replayHint = flagged ? ['to replay the flagged incidents one by one (timeline, invariants, figures), run the estimate again with --incidents FILE: this page then lists them with their hasim estimate-replay commands.'] : [];
        const notes = [...estimateNotes(results, data), ...(incidentLog ? [incidentLog.summary()] : replayHint)];
        writeOutput(flags.html, estimateHtml(estimateReportInput(results, { hasim: HASIM_VERSION, command: commandLine(), horizonYears: years, seed, notes, ...(incidentLog ? { incidents: incidentLog.highlights() } : {}) })));
      }
      if (format === 'json' || flags.json === true) writeJson(true, json);
      else {
        out(renderTable(format === 'csv' ? estimateRawTable(results) : estimateTable(results), format));
        if (format === 'table') {
          out(estimateNotes(results, data).map((n) => `- ${n}`).join('\n') + '\n');
          const set = Object.entries(hasWorkload ? writeWorkload(workload) : {}).map(([k, v]) => `, ${k} ${String(v)}`).join('');
          out(`- incident simulations: ${incidentOrdersPerSecond} orders/s${set}, the rest of the workload the defaults; event budget ${maxEvents ?? 5_000_000} each\n`);
          if (incidentLog) out(`- ${incidentLog.summary()}\n`);
        }
      }
      exitWith(0);
    });
}
