/**
 * Runs one simulation and reports its trace hash: from a worker thread (workerData) or as a
 * child process (argv), so tests can compare hashes across execution contexts.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadDesign } from '../../src/campaign/catalog.ts';
import { simulate } from '../../src/campaign/simulate.ts';
import { loadScenario } from '../../src/campaign/catalog.ts';

export async function traceHashOf(design: string, scenario: string, seed: number): Promise<string> {
  const result = simulate({ design: await loadDesign(design), schedule: loadScenario(scenario), seed });
  return result.traceHash;
}

if (!isMainThread) {
  const { design, scenario, seed } = workerData as { design: string; scenario: string; seed: number };
  parentPort!.postMessage(await traceHashOf(design, scenario, seed));
} else if (process.argv[2] === '--child') {
  process.stdout.write(await traceHashOf(process.argv[3], process.argv[4], Number(process.argv[5])));
}
