/**
 * hot-standby-stonith's Pacemaker costs, as measured against the real Pacemaker 2.1
 * (calibration/fixtures/pacemaker--host-death.jsonl), each shown against the behaviour it adds:
 * - transitionDelay: the DC's scheduler round between the membership change and the fencing
 *   request; cibReaskShare: the rounds where the controller sleeps 1 s and re-asks for the CIB;
 * - resourceStartTime: the start operations between the confirmed fence and the VIP answering;
 * - fence_ipmilan's times (fenceAgentTime, ipmiCommandTime, fencePowerWait): before the target
 *   is off, and from the off to the confirmed fence.
 * The Pacemaker knobs are shown with an instant fence agent (the calibration harness's, which
 * confirms as it powers off), so each effect is that knob's alone.
 */
import { describe, expect, it } from 'vitest';
import stonith from '../../models/hot-standby-stonith.ts';
import { eventsOf, promotedAt, run, schedule, SECOND } from './hot-standby-helpers.ts';

const KILL = schedule(`
name: kill-a
duration: 20s
settle: 1s
faults:
  - { at: 10s, kind: process-crash, target: a }
`);

/** A fence agent that powers off at once and confirms as it does. */
const INSTANT_AGENT = { fenceAgentTime: '0s', ipmiCommandTime: '0s', fencePowerWait: '0s' };

/** b's new-membership note, its fencing request note, the target's power-off and b's takeover. */
function steps(params: Record<string, unknown>, seed = 1) {
  // each knob's exact effect: Pacemaker's times at their medians (no operationTimeSpread)
  const r = run(stonith, KILL, seed, { operationTimeSpread: 0, ...INSTANT_AGENT, ...params });
  const note = (pattern: RegExp) => r.history.events.find((e) => e.type === 'note' && e.node === 'b' && e.time >= 10 * SECOND && pattern.test(e.text))!.time;
  return {
    membership: note(/^corosync: new membership/),
    requested: note(/^stonith: fencing a/),
    fenced: eventsOf(r, 'fence').find((e) => e.ok && e.target === 'a')!.time,
    takeover: promotedAt(r, 'b', 10 * SECOND)!,
  };
}

describe('hot-standby-stonith: Pacemaker\'s own costs', () => {
  it('with every cost at 0 the fence follows the membership at once and b starts the resources with the fence', () => {
    const s = steps({ transitionDelay: '0s', cibReaskShare: 0, resourceStartTime: '0s', fenceDeviceStartTime: '0s' });
    expect(s.requested).toBe(s.membership);
    expect(s.takeover).toBe(s.fenced);
  });

  it('transitionDelay: the fencing request comes that long after the membership change', () => {
    const s = steps({ transitionDelay: '300ms', cibReaskShare: 0, resourceStartTime: '0s' });
    expect(s.requested - s.membership).toBe(300_000);
  });

  it('cibReaskShare 1: every scheduler round sleeps a second more', () => {
    const s = steps({ transitionDelay: '300ms', cibReaskShare: 1, resourceStartTime: '0s' });
    expect(s.requested - s.membership).toBe(1_300_000);
  });

  it('cibReaskShare: over seeds, some rounds and not others take the second', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((seed) => {
      const s = steps({ cibReaskShare: 0.5 }, seed);
      return s.requested - s.membership;
    });
    expect(delays.filter((d) => d === 1_200_000).length).toBeGreaterThan(0);
    expect(delays.filter((d) => d === 200_000).length).toBeGreaterThan(0);
  });

  it('fence_ipmilan (the defaults): a is off fenceAgentTime + 2 ipmiCommandTime after the request; a reboot is confirmed 2 fencePowerWait + 3 ipmiCommandTime after the off', () => {
    const agent = { fenceAgentTime: '170ms', ipmiCommandTime: '150ms', fencePowerWait: '2s', resourceStartTime: '0s', fenceDeviceStartTime: '0s' };
    const reboot = steps(agent);
    // the agent's start, the status query and the off, then the hop to the BMC (well under 5 ms)
    const within = (actual: number, expected: number) => expect([actual - expected >= 0, actual - expected < 5_000]).toEqual([true, true]);
    within(reboot.fenced - reboot.requested, 470_000);
    // power_wait, a poll, the on, power_wait, a poll; the answer's hop back
    within(reboot.takeover - reboot.fenced, 4_450_000);
    const off = steps({ ...agent, stonithAction: 'off' });
    within(off.takeover - off.fenced, 2_150_000); // power_wait and a poll
  });

  it('resourceStartTime: b declares primary (and takes the VIP) that long after the confirmed fence', () => {
    const s = steps({ resourceStartTime: '2s', fenceDeviceStartTime: '0s' });
    expect(s.takeover - s.fenced).toBe(2 * SECOND);
  });

  it('highLoadShare 1 (a node reported high load): the DC runs one action at a time, the fenced node\'s device starts first, then the resources', () => {
    const s = steps({ resourceStartTime: '2s', fenceDeviceStartTime: '500ms', highLoadShare: 1 });
    expect(s.takeover - s.fenced).toBe(2.5 * SECOND);
  });

  it('highLoadShare 0 (a quiet cluster): the fenced node\'s device starts beside the resources and does not delay them', () => {
    const s = steps({ resourceStartTime: '2s', fenceDeviceStartTime: '500ms', highLoadShare: 0 });
    expect(s.takeover - s.fenced).toBe(2 * SECOND);
  });

  it('highLoadShare 0.5: over seeds, some runs are throttled and others not', () => {
    const gaps = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => {
      const s = steps({ resourceStartTime: '2s', fenceDeviceStartTime: '500ms', highLoadShare: 0.5 }, seed);
      return s.takeover - s.fenced;
    });
    expect(gaps.filter((g) => g === 2.5 * SECOND).length).toBeGreaterThan(0);
    expect(gaps.filter((g) => g === 2 * SECOND).length).toBeGreaterThan(0);
  });

  it('graceful stop: a serves on through the scheduler round and its stop operations, then b starts (no fence device to start)', () => {
    const r = run(stonith, schedule(`
name: stop-a
duration: 14s
settle: 1s
faults:
  - { at: 10s, kind: graceful-stop, target: a }
`), 1, { operationTimeSpread: 0, transitionDelay: '300ms', cibReaskShare: 0, resourceStopTime: '700ms', resourceStartTime: '400ms', fenceDeviceStartTime: '5s' });
    const stopped = r.history.events.find((e) => e.type === 'note' && e.node === 'a' && /^stopping resources: node shutting down/.test(e.text))!.time;
    expect(stopped - 10 * SECOND).toBe(1_000_000);
    const lastAckByA = r.history.events.filter((e) => e.type === 'ack-sent' && e.node === 'a').at(-1)!.time;
    expect(lastAckByA).toBeGreaterThan(10 * SECOND + 900_000);
    const takeover = promotedAt(r, 'b', 10 * SECOND)!;
    expect(takeover - stopped).toBeGreaterThanOrEqual(400_000);
    expect(takeover - stopped).toBeLessThan(450_000);
  });

  describe('a partition: the sitting DC against the node that must elect itself', () => {
    const SPLIT = schedule(`
name: split
duration: 20s
settle: 1s
faults:
  - { at: 10s, kind: partition, groups: [[a], [b]] }
`);
    /** Each side's membership and fencing request notes, and who was powered off. */
    function race(params: Record<string, unknown>, seed = 1) {
      const r = run(stonith, SPLIT, seed, { operationTimeSpread: 0, cibReaskShare: 0, dcCibReaskShare: 0, ...params });
      const note = (node: string, pattern: RegExp) => r.history.events.find((e) => e.type === 'note' && e.node === node && e.time >= 10 * SECOND && pattern.test(e.text))?.time;
      const off = [...new Set(r.history.events.flatMap((e) => (e.type === 'node-state' && e.state === 'off' ? [e.node] : [])))];
      return { membershipA: note('a', /^corosync: new membership/)!, membershipB: note('b', /^corosync: new membership/)!, requestA: note('a', /^stonith: fencing b/), requestB: note('b', /^stonith: fencing a/), off };
    }

    it('dcTransitionDelay is the sitting DC\'s round (a), transitionDelay the round after an election (b): the shorter one wins', () => {
      const aFast = race({ dcTransitionDelay: '50ms', transitionDelay: '400ms' });
      expect(aFast.requestA! - aFast.membershipA).toBe(50_000);
      expect(aFast.off).toEqual(['b']);
      const bFast = race({ dcTransitionDelay: '400ms', transitionDelay: '50ms' });
      expect(bFast.requestB! - bFast.membershipB).toBe(50_000);
      expect(bFast.off).toEqual(['a']);
    });

    it('dcCibReaskShare 1: the sitting DC re-asks for the CIB (a second more) and the standby shoots it first', () => {
      const r = race({ dcTransitionDelay: '50ms', transitionDelay: '200ms', dcCibReaskShare: 1 });
      expect(r.requestB! - r.membershipB).toBe(200_000);
      expect(r.requestA).toBeUndefined(); // shot before its round ended
      expect(r.off).toEqual(['a']);
    });
  });
});
