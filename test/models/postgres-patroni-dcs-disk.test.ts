/**
 * postgres-patroni: an etcd member's disk fails. etcd exits on the failed write
 * (server/etcdserver/raft.go: `lg.Fatal("failed to save Raft hard state and entries")`), systemd
 * starts it again 10 s later (it exits again while the disk is dead), and once the disk is
 * replaced the empty member rejoins only when re-added (member remove + add), which needs a
 * majority of the other members. The schedule is the shape of the 20 h incident of
 * `hasim estimate postgres-patroni --reliability p1 --seed 1` (class `dcs1.server- ... dcs3.disk-`,
 * notes/pgloop-3.md): with dcs1 down, dcs3's disk failure takes the DCS's quorum, and the
 * replaced dcs3 cannot restore it: the cluster has no primary until dcs1 returns, as the real
 * cluster would not. The model used to keep dcs3 running on the dead disk, refusing to ack for
 * ever what it could not write (the same outage, by a mechanism etcd does not have).
 */
import { describe, expect, it } from 'vitest';
import { SECOND, events, invariants, noteAt, run } from './postgres-patroni-helpers.ts';

const crashedBy = (r: ReturnType<typeof run>, node: string, reason: string) =>
  events(r, 'node-state').filter((e) => e.node === node && e.state === 'crashed' && e.reason.includes(reason)).map((e) => e.time);

describe("postgres-patroni: an etcd member's disk fails", () => {
  it('with another member down: etcd exits, the replaced member waits to be re-added, no primary until the down member returns', () => {
    const r = run(['{ at: 5s, kind: crash, target: dcs1, for: 40s }', '{ at: 10s, kind: disk-fail, target: dcs3, for: 20s }'], {}, 1, '50s', '25s');
    // exits at its first write after the failure (Patroni writes every loop_wait)
    const exits = crashedBy(r, 'dcs3', 'failed to save Raft hard state');
    expect(exits).toHaveLength(1);
    expect(exits[0]).toBeGreaterThan(10 * SECOND);
    expect(exits[0]).toBeLessThan(21 * SECOND);
    // systemd's restarts on the dead disk exit at once
    expect(crashedBy(r, 'dcs3', 'cannot access the data directory').length).toBeGreaterThanOrEqual(1);
    // the new disk is in at 30 s: the next restart finds it empty and waits; re-added only after dcs1 is back
    const waiting = noteAt(r, 'dcs3', 'waiting to be re-added')!;
    expect(waiting).toBeGreaterThanOrEqual(30 * SECOND);
    expect(waiting).toBeLessThan(41 * SECOND);
    const readded = noteAt(r, 'dcs3', 're-added by')!;
    expect(readded).toBeGreaterThan(45 * SECOND);
    expect(readded).toBeLessThan(57 * SECOND);
    // one outage: from the lost quorum (Patroni demotes, failsafe_mode off) until dcs1 is back
    expect(r.metrics.outages).toHaveLength(1);
    const outage = r.metrics.outages[0];
    expect(outage.startMs * 1000).toBeGreaterThan(exits[0]);
    expect(outage.endMs * 1000).toBeGreaterThan(45 * SECOND);
    expect(outage.endMs * 1000).toBeLessThan(45 * SECOND + 20 * SECOND);
    expect(invariants(r)).toEqual([]);
  });

  it('alone: no outage, and once re-added the member counts, so losing another member later costs nothing', () => {
    const r = run(['{ at: 5s, kind: disk-fail, target: dcs3, for: 10s }', '{ at: 30s, kind: crash, target: dcs1, for: 15s }'], {}, 1, '45s', '15s');
    expect(crashedBy(r, 'dcs3', 'failed to save Raft hard state')).toHaveLength(1);
    const readded = noteAt(r, 'dcs3', 're-added by')!;
    expect(readded).toBeGreaterThan(15 * SECOND);
    expect(readded).toBeLessThan(30 * SECOND);
    expect(r.metrics.outages).toEqual([]);
    expect(invariants(r)).toEqual([]);
  });
});
