/**
 * `hasim merge`: combines the result files of a campaign's shards (`--shard 1/n` .. `n/n`)
 * into exactly the file one whole run writes (only `command`, timing and worker counts
 * differ). Aggregates merge exactly (sums, min/max, the K lowest failures), and each shard has
 * already shrunk the failures it kept, which include every failure the whole run keeps.
 *
 * The shards must be of one campaign (same plan apart from the shard), complete (an
 * interrupted shard is resumed first), and cover 1..n exactly once; anything else is an
 * InputError naming the file.
 */
import { dirname } from 'node:path';
import { buildCampaignFile, type CampaignFile } from './campaign-json.ts';
import { InputError } from '../sim/input-error.ts';
import { Aggregate } from '../campaign/aggregate.ts';

export interface NamedFile {
  path: string;
  file: CampaignFile;
}

export function mergeCampaignFiles(files: NamedFile[], options: { command: string[]; failuresDir?: string }): CampaignFile {
  if (files.length === 0) throw new InputError('merge', '', 'at least one result file');
  const [first] = files;
  const key = (f: CampaignFile) => JSON.stringify({ ...f.plan, shard: null, kind: f.kind });
  for (const { path, file } of files) {
    if (key(file) !== key(first.file)) throw new InputError(path, 'plan', `the same campaign as ${first.path} (same designs, seeds, schedules or profile, parameters and options)`);
    if (file.interrupted || file.completedRuns !== file.totalRuns) {
      throw new InputError(path, 'done', `a complete shard (${file.completedRuns} of ${file.totalRuns} runs done: continue it with --resume ${path} first)`);
    }
  }
  const shards = files.map(({ path, file }) => ({ path, shard: parseShardField(path, file.plan.shard) }));
  const count = shards[0].shard?.count ?? 1;
  const seen = new Map<number, string>();
  for (const { path, shard } of shards) {
    if ((shard?.count ?? 1) !== count) throw new InputError(path, 'plan.shard', `a shard of the same split (i/${count})`);
    const index = shard?.index ?? 1;
    if (seen.has(index)) throw new InputError(path, 'plan.shard', `a different shard from ${seen.get(index)} (both are ${index}/${count})`);
    seen.set(index, path);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length) throw new InputError('merge', '', `every shard of the split (missing ${missing.map((i) => `${i}/${count}`).join(', ')})`);

  const aggregates = first.file.state.map((state) => Aggregate.from(state));
  for (const { file } of files.slice(1)) file.state.forEach((state, i) => aggregates[i].merge(state));
  const totalRuns = files.reduce((n, { file }) => n + file.totalRuns, 0);
  return buildCampaignFile(
    {
      plan: { ...first.file.plan, shard: null },
      aggregates,
      done: totalRuns > 0 ? [[0, totalRuns]] : [],
      totalRuns,
      interrupted: false,
      stoppedEarly: files.some(({ file }) => file.stoppedEarly),
      elapsedMs: Math.max(...files.map(({ file }) => file.elapsedMs)),
      runsElapsedMs: Math.max(...files.map(({ file }) => file.runsElapsedMs)),
      workers: files.reduce((n, { file }) => n + file.workers, 0),
    },
    { kind: first.file.kind, command: options.command, failuresDir: options.failuresDir ?? failuresDirOf(first.file) },
  );
}

function parseShardField(path: string, raw: string | null): { index: number; count: number } | undefined {
  if (raw === null) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(raw);
  if (!m) throw new InputError(path, 'plan.shard', 'i/n or null');
  return { index: Number(m[1]), count: Number(m[2]) };
}

/** The failures directory the shards used, read back from a failure's schedule file. */
function failuresDirOf(file: CampaignFile): string | undefined {
  for (const d of file.designs) {
    for (const f of d.failures) {
      if (f.scheduleFile) return dirname(f.scheduleFile);
    }
  }
  return undefined;
}
