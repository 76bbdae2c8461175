/**
 * What a Patroni member is configured with: the members and DCS, the HA loop's timings
 * (`ttl`, `loop_wait`, `retry_timeout`), the failover limits, synchronous mode, watchdog,
 * failsafe mode and slots, as the design resolves them from its parameters (Patroni's YAML
 * settings and their defaults are cited in models/postgres-patroni.ts).
 */
import type { Micros } from '../sim/time.ts';
import type { PgReplicationConfig } from './postgres-settings.ts';

export type SynchronousMode = 'off' | 'on' | 'strict' | 'quorum';

export interface PatroniConfig {
  /** The Patroni members (PostgreSQL nodes), this one included. */
  members: readonly string[];
  /** The member that initialises the cluster when the DCS has no `/initialize` key. */
  bootstrapMember: string;
  dcsMembers: readonly string[];
  ttlUs: Micros;
  loopWaitUs: Micros;
  retryTimeoutUs: Micros;
  maximumLagOnFailoverBytes: number;
  /** WAL bytes one order generates (positions are counted in orders). */
  walBytesPerOrder: number;
  synchronousMode: SynchronousMode;
  /** Synchronous standbys wanted (`synchronous_node_count`, default 1). */
  synchronousNodeCount?: number;
  /** A racing member compares its WAL with the others' (Patroni always does; false is a planted flaw). */
  raceComparesWal?: boolean;
  watchdog: boolean;
  watchdogSafetyMarginUs: Micros;
  failsafeMode: boolean;
  /** How long the leader keeps its key while PostgreSQL is down and being restarted. */
  primaryStartTimeoutUs: Micros;
  replication: PgReplicationConfig;
  /** use_slots: the leader keeps a physical replication slot per member in the DCS. */
  useSlots?: boolean;
  /** member_slots_ttl (Patroni 4.0+, 30 min; 0: Patroni 3.x): a slot outlives its member's key this long. */
  memberSlotsTtlUs?: Micros;
  /**
   * Who may take over in synchronous mode (default `patroni`): Patroni clears the sync standby
   * from /sync once it stops streaming, and the race checks maximum_lag_on_failover. `stolon-*`
   * is Stolon's sentinel: the chosen sync standby stays in synchronous_standby_names while it is
   * down, and on failover `stolon-names` elects it because it is named there, `stolon-lsn` only
   * if its WAL reached the old primary's last position (sorintlab/stolon PR #514).
   */
  syncFailover?: SyncFailover;
}

export type SyncFailover = 'patroni' | 'stolon-names' | 'stolon-lsn';
