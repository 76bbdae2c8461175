/**
 * The replica output-buffer limit against real Redis (calibration/redis-obuf.ts, fixtures
 * calibration/fixtures/redis-obuf--*.jsonl: Redis 7.0.15 on loopback, a SIGSTOPped replica fed
 * at ~10,000 SETs/s). hasim runs the same experiment: one replica paused, its stream's bytes per
 * second as recorded, the recorded limits and repl-timeout 600 s, at four phases of the stop
 * against the master's whole-second clock and the replica's ACK. From the stop to the master's
 * "scheduled to be closed ASAP for overcoming of output buffer limits":
 * - hasim's median must fall within the real times' range widened by a quarter of a second
 *   (the real socket buffers took 4.2-8.2 MB, hasim's a fixed 5 MB: ~0.3 s at 10 MB/s);
 * - each hasim time within that range widened by another half second: hasim's master knows
 *   how far a replica read only from its ACKs, one a second, and takes the midpoint (see
 *   redis-master-replication.ts), so its guess of where a stopped replica stopped is off by up
 *   to half a second of stream either way; the real kernel knows.
 * A socket buffer of 0 (drops at ~0.8 s instead of 1.3-1.7 s) or a soft limit counted from
 * `>=` its seconds (a second early) fails it.
 *
 * hasim runs at a twentieth of the order rate with twenty times the bytes per order (the same
 * bytes per second), which keeps each run to a few thousand orders; the limit depends on bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../../src/calibration/fixture.ts';
import { notes, run, SECOND } from '../models/redis-sentinel-helpers.ts';

const MB = 1024 * 1024;
const PHASES = 4;
/** hasim runs at this fraction of the recorded order rate, with as many times the bytes per order. */
const SCALE = 20;

function fixture(limit: string): { bytesPerSecond: number; rate: number; drops: number[]; hard: number; soft: number; softSeconds: number } {
  const lines = readFileSync(join(FIXTURES_DIR, `redis-obuf--${limit}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const trials = lines.filter((l) => !l.header);
  const [hard, soft, softSeconds] = limit.split('-').map((s) => Number.parseInt(s, 10));
  const bytesPerSecond = trials.reduce((a, t) => a + t.bytesPerSecond, 0) / trials.length;
  return { bytesPerSecond, rate: trials[0].rate, drops: trials.map((t) => t.droppedAtMs / 1000), hard: hard * MB, soft: soft * MB, softSeconds };
}

/** hasim's seconds from the pause of redis2 to the master dropping it, at several phases. */
function hasimDrops(f: ReturnType<typeof fixture>): number[] {
  const rate = f.rate / SCALE;
  const params = {
    replBytesPerOrder: Math.round(f.bytesPerSecond / rate),
    replicaOutputBufferHardLimit: f.hard,
    replicaOutputBufferSoftLimit: f.soft,
    replicaOutputBufferSoftTime: `${f.softSeconds}s`,
    replTimeout: '600s',
  };
  const watch = Math.ceil(Math.max(...f.drops) + 3);
  const out: number[] = [];
  for (let i = 0; i < PHASES; i++) {
    const stopUs = 2 * SECOND + (i * SECOND) / PHASES;
    const r = run([`{ at: ${stopUs}us, kind: pause, target: redis2, for: ${watch}s }`], params, 1, `${3 + watch}s`, '1s', { ordersPerSecond: rate, arrivals: { kind: 'constant' } });
    const drop = notes(r, 'overcoming of output buffer limits', 'redis1');
    expect(drop).toHaveLength(1);
    out.push((drop[0].time - stopUs) / SECOND);
  }
  return out;
}

describe('redis-sentinel output-buffer limit against real Redis 7.0.15', () => {
  for (const limit of ['8mb-4mb-3', '64mb-4mb-3', '16mb-4mb-3']) {
    it(`a stopped replica under client-output-buffer-limit replica ${limit.replaceAll('-', ' ')}: hasim drops it when Redis did`, () => {
      const f = fixture(limit);
      const hasim = hasimDrops(f).sort((a, b) => a - b);
      const [lo, hi] = [Math.min(...f.drops) - 0.25, Math.max(...f.drops) + 0.25];
      const median = (hasim[PHASES / 2 - 1] + hasim[PHASES / 2]) / 2;
      expect(median).toBeGreaterThanOrEqual(lo);
      expect(median).toBeLessThanOrEqual(hi);
      for (const d of hasim) {
        expect(d).toBeGreaterThanOrEqual(lo - 0.5);
        expect(d).toBeLessThanOrEqual(hi + 0.5);
      }
    });
  }
});
