/**
 * The estimate's worker pool and a stop (SIGINT/SIGTERM in the CLI): a stop that came before the
 * pool existed (while the workers' bundle was being built) fails every job at once, as one after
 * does; before, its listener was added too late and the estimate ran to the end.
 */
import { describe, expect, it } from 'vitest';
import { ChunkPool } from '../../src/estimate/pool.ts';

type Job = Parameters<ChunkPool['runAll']>[0][number];

describe('the estimate pool, stopped', () => {
  it('fails every job when its signal aborted before the pool was made, with workers and without', async () => {
    for (const workers of [0, 1]) {
      const pool = new ChunkPool(workers, AbortSignal.abort(), () => new Error('stopped'));
      try {
        await expect(pool.runAll([{} as Job])).rejects.toThrow('stopped');
      } finally {
        await pool.close();
      }
    }
  });

  it('fails the pending jobs when its signal aborts later', async () => {
    const stop = new AbortController();
    const pool = new ChunkPool(1, stop.signal, () => new Error('stopped'));
    try {
      const pending = pool.runAll([{} as Job]);
      stop.abort();
      await expect(pending).rejects.toThrow('stopped');
    } finally {
      await pool.close();
    }
  });
});
