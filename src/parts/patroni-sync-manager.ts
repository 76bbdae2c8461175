/**
 * Synchronous replication on a Patroni primary: it keeps PostgreSQL's
 * synchronous_standby_names and the DCS `/sync` key in step, in the order that keeps every
 * standby `/sync` allows to fail over holding every acknowledged commit (ha.py
 * `_process_multisync_replication`, `_process_quorum_replication`; the decisions themselves are
 * the pure functions of patroni-sync.ts). A standby newly made synchronous is published only
 * once it has flushed everything committed when it was named (Patroni re-checks after 2 s).
 */
import type { Micros } from '../sim/time.ts';
import type { NodeContext } from '../world/actor.ts';
import type { DcsKeys, DcsResult, DcsTxn } from './dcs-store.ts';
import type { PatroniConfig } from './patroni-config.ts';
import { pickSyncStandbys, quorumTarget, type SyncKey } from './patroni-sync.ts';
import type { PostgresReplication } from './postgres-replication.ts';
import { ASYNC, firstOf, sameSyncNames, type SyncStandbyNames } from './postgres-settings.ts';

/** Patroni sleeps this long before checking that a newly named sync standby is synchronous. */
const SYNC_CONFIRM_US: Micros = 2_000_000;

/** What the primary waits for before it publishes standbys in /sync: each to flush past `mark`. */
export interface SyncConfirm {
  names: SyncStandbyNames;
  /** Standbys to publish once confirmed; `known` are published already. */
  standbys: string[];
  known: string[];
  quorum: number;
  mark: number;
}

/** What the manager needs of its Patroni member. */
export interface SyncManagerHost {
  readonly ctx: NodeContext;
  readonly config: PatroniConfig;
  pg(): PostgresReplication;
  isPrimary(): boolean;
  lastKeys(): DcsKeys | undefined;
  liveMembers(keys: DcsKeys): string[];
  dcsCall(txn: DcsTxn, done: (result: DcsResult | undefined) => void): void;
  /** Ends the HA cycle (the next loop is scheduled). */
  finish(keys: DcsKeys | undefined): void;
  onDcsError(): void;
}

export function syncKey(keys: DcsKeys | undefined): SyncKey | undefined {
  return keys?.sync?.value as SyncKey | undefined;
}

export class PatroniSyncManager {
  constructor(private readonly host: SyncManagerHost) {}

  /** `_process_multisync_replication`: FIRST n over the picked standbys, /sync weakened first and strengthened last. */
  manage(keys: DcsKeys): void {
    if (this.host.config.synchronousMode === 'quorum') return this.manageQuorum(keys);
    const sync = syncKey(keys);
    const live = new Set(this.host.liveMembers(keys));
    const streaming = this.host.pg().standbys().filter((s) => live.has(s.node));
    const current = sync?.leader === this.host.ctx.id ? sync.standbys : [];
    // stolon keeps its chosen sync standby named while it is down: commits block until it returns
    if (current.length > 0 && (this.host.config.syncFailover ?? 'patroni') !== 'patroni') {
      if (!sameSyncNames(this.host.pg().syncStandbyNames, firstOf(current))) this.host.pg().setSyncStandbyNames(firstOf(current));
      return this.host.finish(keys);
    }
    const picked = pickSyncStandbys(streaming, current, this.host.config.synchronousNodeCount ?? 1);
    if (picked.length === 0) {
      return this.write(keys, [], 0, () => {
        this.host.pg().setSyncStandbyNames(this.host.config.synchronousMode === 'strict' ? '*' : ASYNC);
        this.host.finish(keys);
      });
    }
    // weaken the DCS first: only standbys that stay synchronous remain published while the names change
    const known = current.filter((n) => picked.includes(n));
    this.write(keys, known, 0, () => {
      const names = firstOf(picked);
      if (!sameSyncNames(this.host.pg().syncStandbyNames, names)) this.host.pg().setSyncStandbyNames(names);
      if (picked.every((n) => known.includes(n))) return this.host.finish(keys);
      const confirm: SyncConfirm = { names, standbys: picked, known, quorum: 0, mark: this.host.pg().localFlushed };
      this.host.ctx.setTimer(SYNC_CONFIRM_US, 'patroni-sync-confirm', confirm);
    });
  }

  /**
   * Quorum commit (`_process_quorum_replication`): the steady state is ANY numsync of every
   * streaming standby, with all of them voters and quorum = active - numsync. The invariant
   * (every ack set overlaps every quorum a candidate needs) is kept by changing the two
   * places in a safe order: with no voters yet, PostgreSQL first and the voters once they are
   * confirmed; otherwise first every old and new standby a voter with the strictest quorum,
   * then PostgreSQL, then the target once the standbys are confirmed. Simpler than Patroni's
   * QuorumStateResolver (which needs no strict intermediate step): while the steps run (about
   * SYNC_CONFIRM_US) a failover needs every voter's answer.
   */
  private manageQuorum(keys: DcsKeys): void {
    const sync = syncKey(keys);
    const live = new Set(this.host.liveMembers(keys));
    const active = this.host.pg().standbys().filter((s) => live.has(s.node)).map((s) => s.node).sort();
    const voters = sync?.leader === this.host.ctx.id ? sync.standbys : [];
    if (active.length === 0) {
      // removing every node: the voters first, then PostgreSQL
      return this.write(keys, [], 0, () => {
        this.host.pg().setSyncStandbyNames(ASYNC);
        this.host.finish(keys);
      });
    }
    const { numsync, quorum } = quorumTarget(active, this.host.config.synchronousNodeCount ?? 1);
    const names: SyncStandbyNames = { method: 'any', num: numsync, names: active };
    const steady = sameList(voters, active) && sync!.quorum === quorum;
    if (steady) {
      if (!sameSyncNames(this.host.pg().syncStandbyNames, names)) this.host.pg().setSyncStandbyNames(names);
      return this.host.finish(keys);
    }
    const confirm = (): void => {
      this.host.pg().setSyncStandbyNames(names);
      const pending: SyncConfirm = { names, standbys: active, known: [], quorum, mark: this.host.pg().localFlushed };
      this.host.ctx.setTimer(SYNC_CONFIRM_US, 'patroni-sync-confirm', pending);
    };
    if (voters.length === 0) return confirm();
    const every = [...new Set([...voters, ...active])].sort();
    this.write(keys, every, every.length - 1, confirm);
  }

  /** Publishes the standbys that have flushed everything up to `mark` since they were made synchronous. */
  confirm(pending: SyncConfirm): void {
    const keys = this.host.lastKeys()!;
    if (!this.host.isPrimary() || !sameSyncNames(this.host.pg().syncStandbyNames, pending.names)) return this.host.finish(keys);
    const status = this.host.pg().standbys();
    const caughtUp = (n: string) => pending.known.includes(n) || status.some((s) => s.node === n && s.flush >= pending.mark);
    if (this.host.config.synchronousMode === 'quorum') {
      // the voters change only when every standby is confirmed; else the next loop tries again
      if (!pending.standbys.every(caughtUp)) return this.host.finish(keys);
      return this.write(keys, pending.standbys, pending.quorum, () => this.host.finish(keys));
    }
    this.write(keys, pending.standbys.filter(caughtUp), 0, () => this.host.finish(keys));
  }

  write(keys: DcsKeys, standbys: readonly string[], quorum: number, then: () => void): void {
    const me = this.host.ctx.id;
    const current = syncKey(keys);
    if (current && current.leader === me && sameList(current.standbys, standbys) && current.quorum === quorum) return then();
    const value: SyncKey = { leader: me, standbys: [...standbys], quorum };
    this.host.dcsCall({ compare: { key: 'leader', value: me }, puts: [{ key: 'sync', value }] }, (r) => {
      if (!r) return this.host.onDcsError();
      if (!r.ok) return this.host.finish(r.keys);
      // Patroni's log lines for the /sync key ("Updating /sync key temporarily from %s to %s",
      // "Synchronous standby status assigned to %s", "Setting leader to %s, quorum to %d of (%s)")
      const before = current?.leader === me ? current.standbys : [];
      if (this.host.config.synchronousMode === 'quorum') this.host.ctx.note(`patroni: setting leader to ${me}, quorum to ${quorum} of (${standbys.join(', ')})`);
      else if (before.some((n) => !standbys.includes(n))) this.host.ctx.note(`patroni: sync standby dropped, /sync updated temporarily from [${before.join(', ')}] to [${standbys.join(', ')}]`);
      else this.host.ctx.note(`patroni: sync standby status assigned to [${standbys.join(', ')}]`);
      then();
    });
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
