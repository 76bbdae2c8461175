/**
 * The one-line `hasim replay` command printed under a run (`hasim run`, its HTML report) and
 * under every failure of a campaign. It carries everything the run depended on (the schedule
 * file or profile, the seed, the `--set` overrides, the invariant modules, the workload flags
 * and event budget) and the trace hash, so replay itself checks that it reproduced the run.
 *
 *   hasim replay <design> [-s <schedule> | --profile <profile>] --seed N [--set k=v ...]
 *     [--invariant-module FILE ...] [--rate ... --max-events N] [--expect-hash H]
 */

export interface ReplaySpec {
  design: string;
  seed: number;
  /** A schedule: a bundled name or a file (a campaign failure's shrunk schedule). */
  scenario?: string | null;
  profile?: string;
  /** `name=value` overrides, in the order they are to be printed. */
  sets?: readonly string[];
  invariantModules?: readonly string[];
  /** Workload flags and event budget, already spelled as flags (report/workload-args.ts). */
  runArgs?: readonly string[];
  expectHash?: string;
}

export function replayCommand(spec: ReplaySpec): string {
  return [
    'hasim replay',
    shellWord(spec.design),
    ...(spec.scenario ? [`-s ${shellWord(spec.scenario)}`] : []),
    ...(spec.profile ? [`--profile ${shellWord(spec.profile)}`] : []),
    `--seed ${spec.seed}`,
    ...(spec.sets ?? []).map((s) => `--set ${shellWord(s)}`),
    ...(spec.invariantModules ?? []).map((file) => `--invariant-module ${shellWord(file)}`),
    ...(spec.runArgs ?? []),
    ...(spec.expectHash ? [`--expect-hash ${spec.expectHash}`] : []),
  ].join(' ');
}

/** A word of a printed command, single-quoted for a POSIX shell when it needs it. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
