/**
 * A disk that dies under a pending fsync: the waiting process gets the error (EIO) when the fsync
 * would have completed, as the kernel returns it, instead of waiting for ever; a process or host
 * that died first hears nothing.
 */
import { describe, expect, it } from 'vitest';
import { RaftLog } from '../../src/parts/raft-log.ts';
import { Rng } from '../../src/sim/rng.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { Disk } from '../../src/world/disk.ts';

function disk() {
  const sim = new Simulator({ seed: 1 });
  return { sim, disk: new Disk(sim, () => 100, Rng.stream(1, 'disk')) };
}

/** Issues an append, a flush and a put, then `between` (at 50 µs, before they complete), and collects their outcomes. */
function pending(between: (d: Disk) => void): boolean[][] {
  const { sim, disk: d } = disk();
  const outcomes: boolean[][] = [[], [], []];
  d.append({ orderId: 'c1-0', term: 1 }, (ok) => outcomes[0].push(ok));
  d.write({ orderId: 'c1-1', term: 1 });
  d.flush((ok) => outcomes[1].push(ok));
  d.put('vote', 1, (ok) => outcomes[2].push(ok));
  sim.after(50, () => between(d));
  sim.runUntil(10_000);
  return outcomes;
}

describe('a disk failing under pending fsyncs', () => {
  it('fails each of them (append, flush, put) once, when it would have completed', () => {
    expect(pending(() => {})).toEqual([[true], [true], [true]]);
    expect(pending((d) => d.fail())).toEqual([[false], [false], [false]]);
    // replaced before they would have completed: still failed (their data went with the old disk)
    expect(pending((d) => (d.fail(), d.replace()))).toEqual([[false], [false], [false]]);
  });

  it('tells nobody whose process or host died first', () => {
    expect(pending((d) => (d.processDied(), d.fail()))).toEqual([[], [], []]);
    expect(pending((d) => (d.crash(), d.fail()))).toEqual([[], [], []]);
    expect(pending((d) => (d.fail(), d.crash()))).toEqual([[], [], []]);
  });

  it('stops a raft log waiting on its fsync (etcd exits on a failed WAL sync)', () => {
    const { sim, disk: d } = disk();
    const log = new RaftLog(d);
    const seen: string[] = [];
    log.onSynced = () => seen.push('synced');
    log.onSyncFailed = () => seen.push('failed');
    log.append({ orderId: 'c1-0', term: 1 });
    log.sync();
    sim.after(50, () => d.fail());
    sim.runUntil(10_000);
    expect(seen).toEqual(['failed']);
    expect(log.durableIndex).toBe(0);
  });
});
