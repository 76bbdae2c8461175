/**
 * SiteHealthAlarm (src/parts/dr-health-check.ts): how dr-site's DR runbook reads the health
 * checker's reports. An alarm is a site turning from healthy to unhealthy in two fresh reports
 * (not a site failing from the start, as the standby DC does); a new primary in the site clears
 * it; a stale report says nothing.
 */
import { describe, expect, it } from 'vitest';
import { SiteHealthAlarm } from '../../src/parts/dr-health-check.ts';

const S = 1_000_000;
const report = (alarm: SiteHealthAlarm, at: number, dc1: boolean, dc2 = false, passed = { dc1, dc2 }) => alarm.report({ dc1, dc2 }, passed, at * S);

describe('SiteHealthAlarm', () => {
  it('alarms when a healthy site turns unhealthy, and stays in alarm while it stays so', () => {
    const alarm = new SiteHealthAlarm(64 * S);
    report(alarm, 30, true);
    expect(alarm.alarmed('dc1', 30 * S)).toBe(false);
    report(alarm, 60, false);
    expect(alarm.alarmed('dc1', 60 * S)).toBe(true);
    report(alarm, 90, false);
    expect(alarm.alarmed('dc1', 90 * S)).toBe(true);
    report(alarm, 120, true);
    expect(alarm.alarmed('dc1', 120 * S)).toBe(false);
  });

  it('a site unhealthy from its first report (the standby DC answering 503) is no alarm', () => {
    const alarm = new SiteHealthAlarm(64 * S);
    for (const at of [30, 60, 90]) report(alarm, at, true, false);
    expect(alarm.alarmed('dc2', 90 * S)).toBe(false);
  });

  it('a new primary in the site clears its alarm until the site passes and fails again', () => {
    const alarm = new SiteHealthAlarm(64 * S);
    report(alarm, 30, true, true);
    report(alarm, 60, true, false);
    expect(alarm.alarmed('dc2', 60 * S)).toBe(true);
    alarm.newPrimary('dc2');
    report(alarm, 90, true, false);
    expect(alarm.alarmed('dc2', 90 * S)).toBe(false);
    report(alarm, 120, true, true);
    report(alarm, 150, true, false);
    expect(alarm.alarmed('dc2', 150 * S)).toBe(true);
  });

  it('is failing only while the last check failed too: a site that recovered within the status lag is not failed over', () => {
    const alarm = new SiteHealthAlarm(64 * S);
    report(alarm, 30, true);
    report(alarm, 60, false);
    expect(alarm.failing('dc1', 60 * S)).toBe(true);
    // the primary is back: its check passes, the status stays unhealthy until 3 have passed
    report(alarm, 90, false, false, { dc1: true, dc2: false });
    expect(alarm.alarmed('dc1', 90 * S)).toBe(true);
    expect(alarm.failing('dc1', 90 * S)).toBe(false);
  });

  it('says nothing on a stale report, and a turn across a gap in the reports is no alarm', () => {
    const alarm = new SiteHealthAlarm(64 * S);
    report(alarm, 30, true);
    report(alarm, 60, false);
    expect(alarm.alarmed('dc1', 60 * S + 64 * S)).toBe(true);
    expect(alarm.alarmed('dc1', 60 * S + 65 * S)).toBe(false);
    const gap = new SiteHealthAlarm(64 * S);
    report(gap, 30, true);
    report(gap, 300, false); // the checker was cut off in between
    expect(gap.alarmed('dc1', 300 * S)).toBe(false);
  });
});
