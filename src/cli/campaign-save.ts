/**
 * How check, compare and sweep keep a campaign's results safe: the result file is written as
 * runs complete (at most every 2 s, atomically: `Checkpointer`) to `--json FILE`, or else to
 * `hasim-<command>-partial.json`, which is removed once the campaign completes. A process
 * killed outright loses only the runs in flight; after SIGINT or SIGTERM the partial result is
 * written, and `--resume FILE` with the same flags continues it to exactly the result an
 * uninterrupted campaign gives.
 */
import { rmSync } from 'node:fs';
import type { CampaignResult } from '../campaign/campaign.ts';
import type { ResumeState } from '../campaign/check.ts';
import { readCampaignFile, resumeStateOf, type CampaignFile } from '../report/campaign-json.ts';
import { InputError } from '../sim/input-error.ts';
import { Checkpointer } from './campaign-output.ts';
import { err } from './io.ts';
import { writeOutputAtomically } from './output-path.ts';

type Kind = CampaignFile['kind'];

export class CampaignSave {
  /** Where the results go as they complete. */
  readonly path: string;
  private readonly partialOnly: boolean;
  private readonly checkpointer: Checkpointer;

  constructor(
    kind: Kind,
    /** The command's `--json`: a file is saved to as the campaign goes; bare (stdout) or none uses the partial file. */
    json: string | true | undefined,
    private readonly toFile: (result: CampaignResult) => CampaignFile,
  ) {
    this.partialOnly = typeof json !== 'string';
    this.path = typeof json === 'string' ? json : `hasim-${kind}-partial.json`;
    this.checkpointer = new Checkpointer(this.path);
  }

  /** The campaign's `onCheckpoint`. */
  readonly onCheckpoint = (snapshot: () => CampaignResult): void => this.checkpointer.offer(() => this.toFile(snapshot()));

  /**
   * After the campaign: writes the final (or, interrupted, the partial) result to the file, or
   * removes the partial file a completed campaign no longer needs; interrupted, says how to
   * continue.
   */
  finish(result: CampaignResult, file: CampaignFile): void {
    if (!this.partialOnly || result.interrupted) writeOutputAtomically(this.path, JSON.stringify(file, null, 2) + '\n');
    else if (this.checkpointer.wrote) rmSync(this.path, { force: true });
    if (result.interrupted) err(`hasim: partial results in ${this.path}; continue with --resume ${this.path}\n`);
  }
}

/** `--resume FILE`: a result file of the same command, whose plan the campaign then checks. */
export function resumeFrom(path: string | undefined, kind: Kind): ResumeState | undefined {
  if (path === undefined) return undefined;
  const file = readCampaignFile(path);
  if (file.kind !== kind) throw new InputError(path, 'kind', `a result file of hasim ${kind} (resume a campaign with the command that began it)`, JSON.stringify(file.kind));
  return resumeStateOf(file);
}
