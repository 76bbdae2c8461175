import { describe, expect, it } from 'vitest';
import { primaryIntervals } from '../../src/check/primary-intervals.ts';
import { failbacks, failoverCount, falseFailovers } from '../../src/metrics/false-failovers.ts';
import { ackSent, crash, exchange, history, role } from '../check/helpers.ts';

describe('falseFailovers', () => {
  it('counts a promotion while the old primary served within the client timeout', () => {
    expect(falseFailovers(history([role(0, 'a', 'primary', 1), ackSent(900, 'a', 'o1'), role(1_500, 'b', 'primary', 2)]))).toBe(1);
    expect(falseFailovers(history([role(0, 'a', 'primary', 1), exchange(600, 'a', 'o1'), role(1_500, 'b', 'primary', 2)]))).toBe(1);
  });

  it('does not count a promotion after the old primary went quiet for longer than the timeout', () => {
    expect(falseFailovers(history([role(0, 'a', 'primary', 1), ackSent(100, 'a', 'o1'), role(2_000, 'b', 'primary', 2)]))).toBe(0);
  });

  it('does not count a promotion after the old primary crashed', () => {
    expect(falseFailovers(history([role(0, 'a', 'primary', 1), ackSent(400, 'a', 'o1'), crash(500, 'a'), role(600, 'b', 'primary', 2)]))).toBe(0);
  });

  it('does not count effects from an earlier primary term of the old node', () => {
    const h = history([
      role(0, 'a', 'primary', 1), ackSent(100, 'a', 'o1'), role(200, 'a', 'standby', 1), role(300, 'a', 'primary', 3), role(400, 'b', 'primary', 4),
    ]);
    expect(falseFailovers(h)).toBe(0);
  });
});

describe('failbacks', () => {
  it('counts a recovered node taking its role back (keepalived preemption) apart from false failovers', () => {
    // a fails, b takes over and serves; a comes back and preempts b while b is serving
    const h = history([
      role(0, 'a', 'primary', 1), ackSent(100, 'a', 'o1'), crash(200, 'a'),
      role(300, 'b', 'primary', 2), ackSent(900, 'b', 'o2'), role(1_000, 'a', 'primary', 3), role(1_001, 'b', 'standby', 3),
    ]);
    expect(failbacks(primaryIntervals(h))).toBe(1);
    expect(falseFailovers(h)).toBe(0);
    expect(failoverCount(primaryIntervals(h))).toBe(2);
  });

  it('still counts a promotion of a third node while the primary serves as false', () => {
    const h = history([
      role(0, 'a', 'primary', 1), crash(200, 'a'), role(300, 'b', 'primary', 2), ackSent(900, 'b', 'o2'), role(1_000, 'c', 'primary', 3),
    ]);
    expect(failbacks(primaryIntervals(h))).toBe(0);
    expect(falseFailovers(h)).toBe(1);
  });
});

describe('failoverCount', () => {
  it('counts promotions after the first, including a new epoch on the same node', () => {
    const h = history([role(0, 'a', 'primary', 1), role(5, 'a', 'primary', 1), crash(10, 'a'), role(20, 'b', 'primary', 2), role(30, 'b', 'primary', 3)]);
    expect(failoverCount(primaryIntervals(h))).toBe(2);
    expect(failoverCount([])).toBe(0);
  });

  it('does not count a node taking primaryship back in the same epoch after its own restart', () => {
    const h = history([role(0, 'a', 'primary', 1), crash(10, 'a'), role(20, 'a', 'primary', 1)]);
    expect(failoverCount(primaryIntervals(h))).toBe(0);
  });
});
