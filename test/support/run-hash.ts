/**
 * Runs simulations and reports their trace hashes: from a worker thread (workerData) or as a
 * child process (argv), so tests can compare hashes across execution contexts. One worker or
 * child computes every case it is given, in order: starting one costs more than the runs.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadDesign, loadScenario } from '../../src/campaign/catalog.ts';
import { simulate } from '../../src/campaign/simulate.ts';

/** A run to hash: [design, scenario, seed]. */
export type HashCase = readonly [string, string, number];

export async function traceHashOf(design: string, scenario: string, seed: number): Promise<string> {
  const result = simulate({ design: await loadDesign(design), schedule: loadScenario(scenario), seed });
  return result.traceHash;
}

async function traceHashesOf(cases: readonly HashCase[]): Promise<string[]> {
  const hashes: string[] = [];
  for (const [design, scenario, seed] of cases) hashes.push(await traceHashOf(design, scenario, seed));
  return hashes;
}

if (!isMainThread) {
  parentPort!.postMessage(await traceHashesOf((workerData as { cases: HashCase[] }).cases));
} else if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(await traceHashesOf(JSON.parse(process.argv[3]) as HashCase[])));
}
