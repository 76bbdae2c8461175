/**
 * The machine-readable record of one run (design.md §8): the hasim version, the command line,
 * the seed, schedule and parameters, the trace hash, the violations and the metrics. Times are
 * in milliseconds. The history itself is included only when asked for (it is large).
 */
import { PACKAGE_ROOT } from '../campaign/catalog.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../campaign/simulate.ts';
import { toMs } from '../sim/time.ts';
import type { Workload } from '../world/client.ts';
import { arrivalsText } from '../world/arrivals.ts';
import { retryPolicyText } from '../world/retry-policy.ts';
import type { Design } from '../world/design.ts';
import { displayParams } from '../world/params.ts';

export const HASIM_VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export function runJson(result: RunResult, design: Design, command: string[], includeHistory = false): object {
  return {
    hasim: HASIM_VERSION,
    command,
    design: result.design,
    schedule: result.schedule,
    seed: result.seed,
    params: displayParams(design.params, result.params),
    workload: workloadJson(result.workload),
    eventBudget: result.eventBudget,
    traceHash: result.traceHash,
    violations: result.violations.map((v) => ({ invariant: v.invariant, time: toMs(v.time), detail: v.detail })),
    metrics: result.metrics,
    /** How often each probe fired (world/probes.ts), by name. */
    probes: result.probes,
    ...(includeHistory ? { history: result.history } : {}),
  };
}

/** The workload as JSON: times in ms, and the client session policy that decides what an ack is. */
export function workloadJson(w: Workload): object {
  return {
    ordersPerSecond: w.ordersPerSecond, clients: w.clients, timeoutMs: toMs(w.timeout), maxAttempts: w.maxAttempts, retryBackoffMs: toMs(w.retryBackoff), retry: retryPolicyText(w.retry), arrivals: arrivalsText(w.arrivals), session: w.session,
    ...(w.readsPerSecond ? { readsPerSecond: w.readsPerSecond } : {}),
    ...(w.cancelOnTimeout ? { cancelOnTimeout: true } : {}),
  };
}
