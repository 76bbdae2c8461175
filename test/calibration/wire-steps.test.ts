/** The keepalived harness's wire summary (calibration/lib/wire-steps.ts) on a planted switch-over. */
import { describe, expect, it } from 'vitest';
import { parseAddressChange, summariseWire, type WireFrame } from '../../calibration/lib/wire-steps.ts';

const A = '02:00:00:00:00:0a';
const B = '02:00:00:00:00:0b';
const VIP = '10.99.0.100';
const f = (ms: number, kind: string, ...fields: string[]): WireFrame => ({ ms, kind, fields });

describe('summariseWire', () => {
  it('times the advert and the ARP of the new MASTER and counts the requests lost to the old one between them', () => {
    const frames = [
      f(990, 'REQ', A, '1'),
      f(990.2, 'REP', A, '1'), // before the fault: not counted
      f(1000, 'VRRP', A, '90'),
      f(1004, 'REQ', A, '2'),
      f(1004.1, 'REP', A, '2'),
      f(1005, 'VRRP', B, '100'), // b's first advert as MASTER: a drops the VIP
      f(1006, 'REQ', A, '3'), // lost
      f(1009, 'REQ', A, '4'), // lost
      f(1010, 'ARP', '1', B, VIP, VIP), // b's gratuitous ARP
      f(1011, 'REQ', B, '5'),
      f(1011.1, 'REP', B, '5'),
    ];
    const w = summariseWire(frames, { a: A, b: B }, VIP, 995);
    expect(w.steps).toMatchObject({ wireBackupAdvert: 1005, wireBackupGarp: 1010, wireMasterLastReply: 1004.1, wireFirstRequestToBackup: 1011, wireFirstLost: 1006 });
    expect(w.steps.wireMasterPriority0).toBeUndefined();
    expect(w.counts).toEqual({ lostToMaster: 2, toMasterAfterBackupAdvert: 2, lostAfterBackupAdvert: 2 });
  });

  it("reads the VIP's additions and removals from ip -ts monitor address, to the microsecond, and nothing else", () => {
    const at = Date.parse('2026-12-06T01:54:58');
    expect(parseAddressChange('[2026-12-06T01:54:58.074235] Deleted 2: eth0    inet 10.99.0.100/24 scope global secondary eth0', VIP)).toEqual({ ms: at + 74.235, deleted: true });
    expect(parseAddressChange('[2026-12-06T01:54:58.000010] 2: eth0    inet 10.99.0.100/24 scope global secondary eth0', VIP)).toEqual({ ms: at + 0.01, deleted: false });
    expect(parseAddressChange('[2026-12-06T01:54:58.000010] 2: eth0    inet 10.99.0.1/24 scope global eth0', VIP)).toBeUndefined();
    expect(parseAddressChange('       valid_lft forever preferred_lft forever', VIP)).toBeUndefined();
    expect(parseAddressChange('[2026-12-06T01:54:58.000010] 2: eth0    inet6 fe80::1/64 scope link', VIP)).toBeUndefined();
  });
});
