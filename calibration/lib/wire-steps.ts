/**
 * The VIP's switch-over as the client's wire saw it (frames from lib/wire-sniff.py, stamped by
 * the kernel): when the backup's first advert as MASTER and its first gratuitous ARP passed, the
 * old master's last reply, and which requests went to the old master's MAC and were never
 * answered. keepalived sends its advert before it adds the address and sends its gratuitous
 * ARPs (vrrp.c vrrp_state_master_tx: "the old master needs to remove the VIPs before we send the
 * gratuitous ARPs, so send the advert first"), so between the two the client still sends to the
 * old master, which may already have dropped the address: those requests are lost.
 */

/** One line of wire-sniff.py: `<ms> <kind> <fields...>`. */
export interface WireFrame {
  ms: number;
  kind: string;
  fields: string[];
}

export interface WireSummary {
  /** Absolute times (ms since the epoch), undefined when not seen. */
  steps: Record<string, number | undefined>;
  counts: Record<string, number>;
}

/** `macs`: the old master `a` and the backup `b`. */
export function summariseWire(frames: readonly WireFrame[], macs: { a: string; b: string }, vip: string, faultAtMs: number): WireSummary {
  const after = frames.filter((f) => f.ms >= faultAtMs);
  const answered = new Set(frames.filter((f) => f.kind === 'REP').map((f) => f.fields[1]));
  const first = (test: (f: WireFrame) => boolean) => after.find(test)?.ms;
  const backupAdvert = first((f) => f.kind === 'VRRP' && f.fields[0] === macs.b && Number(f.fields[1]) > 0);
  const backupGarp = first((f) => f.kind === 'ARP' && f.fields[1] === macs.b && f.fields[2] === vip);
  const masterPriority0 = first((f) => f.kind === 'VRRP' && f.fields[0] === macs.a && Number(f.fields[1]) === 0);
  const toMaster = after.filter((f) => f.kind === 'REQ' && f.fields[0] === macs.a);
  const lost = toMaster.filter((f) => !answered.has(f.fields[1]));
  const masterReplies = after.filter((f) => f.kind === 'REP' && f.fields[0] === macs.a);
  const sinceAdvert = (f: WireFrame) => backupAdvert !== undefined && f.ms >= backupAdvert;
  return {
    steps: {
      wireMasterPriority0: masterPriority0,
      wireBackupAdvert: backupAdvert,
      wireBackupGarp: backupGarp,
      wireMasterLastReply: masterReplies.at(-1)?.ms,
      wireFirstRequestToBackup: first((f) => f.kind === 'REQ' && f.fields[0] === macs.b),
      wireFirstLost: lost[0]?.ms,
    },
    counts: {
      lostToMaster: lost.length,
      toMasterAfterBackupAdvert: toMaster.filter(sinceAdvert).length,
      lostAfterBackupAdvert: lost.filter(sinceAdvert).length,
    },
  };
}

/** One address change of a host, from `ip -ts monitor address` (ms since the epoch). */
export interface AddressChange {
  host: string;
  ms: number;
  deleted: boolean;
}

/**
 * A line of `ip -ts monitor address` about `vip`, e.g.
 * `[2026-12-06T01:54:58.074235] Deleted 2: eth0    inet 10.99.0.100/24 scope global secondary eth0`;
 * the stamp is local time with microseconds. Other lines (other addresses, continuation lines): undefined.
 */
export function parseAddressChange(line: string, vip: string): Omit<AddressChange, 'host'> | undefined {
  const m = /^\[(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{1,6})\] (Deleted )?.*\binet (\S+)/.exec(line);
  if (!m || m[4].split('/')[0] !== vip) return undefined;
  // without an offset Date.parse reads a date-time as local time, as ip printed it
  return { ms: Date.parse(m[1]) + Number(`0.${m[2]}`) * 1000, deleted: m[3] !== undefined };
}
