/**
 * The workload's retry policies (world/retry-policy.ts) and arrival processes
 * (world/arrivals.ts), seen from a one-node design that records every attempt it receives and
 * answers as the test says: nothing (every attempt times out), a refusal, or an ack.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/campaign/simulate.ts';
import { eventsOf } from '../../src/history/history.ts';
import { SECOND, type Micros } from '../../src/sim/time.ts';
import { defineDesign } from '../../src/world/design.ts';
import type { Workload } from '../../src/world/client.ts';
import { CircuitBreaker, exponentialDelay, parseRetryPolicy } from '../../src/world/retry-policy.ts';
import { burstArrival, parseArrivals } from '../../src/world/arrivals.ts';
import { InputError } from '../../src/sim/input-error.ts';
import { parseSchedule, scheduleToYaml, type Schedule } from '../../src/faults/schedule.ts';

interface Seen {
  time: Micros;
  orderId: string;
  attempt: number;
}

/** One node; `answer(time)` says what it does with an order arriving at `time`. */
function recorder(answer: (time: Micros) => 'silent' | 'refuse' | 'ack', seen: Seen[]) {
  return defineDesign({
    name: 'recorder',
    description: 'records the attempts it receives',
    params: {},
    topology: () => ({ nodes: [{ id: 'n1' }], routing: { kind: 'direct', targets: ['n1'] } }),
    createNode: (ctx) => ({
      onStart: () => ctx.declareRole('primary', 1),
      onMessage: (from, msg) => {
        if (msg.type !== 'order') return;
        const time = ctx.now();
        seen.push({ time, orderId: msg.orderId as string, attempt: msg.attempt as number });
        const what = answer(time);
        if (what === 'refuse') ctx.send(from, { type: 'reject', orderId: msg.orderId, attempt: msg.attempt, reason: 'not-primary' });
        if (what === 'ack') ctx.send(from, { type: 'ack', orderId: msg.orderId, attempt: msg.attempt });
      },
      onTimer: () => {},
    }),
  });
}

const schedule = (seconds: number): Schedule => ({ name: 'short', description: '', duration: seconds * SECOND, settle: 0, faults: [], source: '<test>' });

function run(answer: (time: Micros) => 'silent' | 'refuse' | 'ack', workload: Partial<Workload>, seconds = 4, seed = 1) {
  const seen: Seen[] = [];
  const result = simulate({ design: recorder(answer, seen), seed, schedule: schedule(seconds), workload, invariants: [] });
  return { seen, result };
}

/** Per order, the times its attempts reached the node, in attempt order. */
function attemptsByOrder(seen: Seen[]): Micros[][] {
  const by = new Map<string, Micros[]>();
  for (const s of seen) (by.get(s.orderId) ?? by.set(s.orderId, []).get(s.orderId)!).push(s.time);
  return [...by.values()];
}

describe('retry policies', () => {
  it('exponential backoff: retry gaps grow, are jittered, and the same seed gives the same gaps', () => {
    const policy = parseRetryPolicy('exponential:100ms,10s', '--retry', '');
    const workload = { ordersPerSecond: 5, clients: 1, timeout: 200_000, maxAttempts: 4, retry: policy };
    const { seen } = run(() => 'silent', workload);
    const orders = attemptsByOrder(seen).filter((a) => a.length === 4);
    expect(orders.length).toBeGreaterThan(5);
    const gapsOf = (a: Micros[]) => a.slice(1).map((t, i) => t - a[i] - 200_000); // wait after each timeout
    for (const a of orders) {
      const waits = gapsOf(a);
      // retry r waits within [d/2, d], d = 100ms x 2^(r-1): 50-100, 100-200, 200-400 ms
      // (within 1 ms: the times are arrivals at the node, each after its own network latency)
      waits.forEach((w, i) => {
        expect(w).toBeGreaterThanOrEqual(50_000 * 2 ** i - 1_000);
        expect(w).toBeLessThanOrEqual(100_000 * 2 ** i + 1_000);
      });
      expect(waits[2]).toBeGreaterThan(waits[0]);
    }
    const firstWaits = orders.map((a) => gapsOf(a)[0]);
    expect(new Set(firstWaits).size).toBeGreaterThan(firstWaits.length / 2); // jittered, not one value
    expect(attemptsByOrder(run(() => 'silent', workload).seen)).toEqual(attemptsByOrder(seen));
    expect(attemptsByOrder(run(() => 'silent', workload, 4, 2).seen)).not.toEqual(attemptsByOrder(seen));
  });

  it('exponential backoff caps its step, and the fixed policy retries a timeout at once', () => {
    expect(exponentialDelay({ base: 100_000, cap: 300_000 }, 6, 1)).toBe(300_000);
    expect(exponentialDelay({ base: 100_000, cap: 300_000 }, 1, 0)).toBe(50_000);
    const { seen } = run(() => 'silent', { ordersPerSecond: 5, clients: 1, timeout: 200_000, maxAttempts: 3 });
    for (const a of attemptsByOrder(seen).filter((x) => x.length === 3)) expect(a[1] - a[0]).toBeLessThan(200_000 + 1_000);
  });

  it('the circuit breaker opens after N failures, refuses orders as failed while open, and closes on a good trial', () => {
    // the node serves (so the run boots), refuses from 2 s to 3 s of simulated time, then serves again
    const { seen, result } = run((t) => (t >= 2 * SECOND && t < 3 * SECOND ? 'refuse' : 'ack'), { ordersPerSecond: 50, clients: 1, maxAttempts: 1, retry: parseRetryPolicy('breaker:3,500ms', '--retry', '') }, 4);
    const fails = eventsOf(result.history, 'fail');
    const open = fails.filter((e) => e.reason === 'circuit-open');
    expect(open.length).toBeGreaterThan(10);
    // the first refusals reached the node; then the breaker kept orders from it for its cool-down
    expect(fails.slice(0, 3).every((e) => e.reason === 'not-primary')).toBe(true);
    const firstOpen = open[0].time + result.history.boot; // history times count from the end of boot
    expect(seen.some((s) => s.time > firstOpen && s.time < firstOpen + 490_000)).toBe(false);
    // refused orders are failures, not free: availability counts them
    expect(result.metrics.failed).toBe(fails.length);
    // once the node answers, a trial closes the breaker and orders flow again
    const oks = eventsOf(result.history, 'ok').filter((e) => e.time > open[0].time);
    expect(oks.length).toBeGreaterThan(50);
    expect(open.filter((e) => e.time > oks[0].time)).toEqual([]);
  });

  it('the breaker state machine: closed, open for the cool-down, half-open with one trial', () => {
    const b = new CircuitBreaker({ failures: 2, coolDown: 100 });
    expect(b.allow(0)).toBe(true);
    b.failed(1);
    expect(b.state(1)).toBe('closed');
    b.failed(2);
    expect(b.state(2)).toBe('open');
    expect(b.allow(50)).toBe(false);
    expect(b.allow(102)).toBe(true); // the trial
    expect(b.allow(103)).toBe(false); // only one
    b.failed(104); // the trial failed: open again
    expect(b.state(150)).toBe('open');
    expect(b.allow(205)).toBe(true);
    b.succeeded();
    expect(b.state(206)).toBe('closed');
    expect(b.opened).toBe(2);
  });

  it('rejects a malformed policy naming the flag', () => {
    for (const bad of ['backoff', 'exponential:1s', 'exponential:2s,1s', 'breaker:0,1s', 'fixed:1', 'breaker:3,soon']) {
      expect(() => parseRetryPolicy(bad, '--retry', '')).toThrow(InputError);
      expect(() => parseRetryPolicy(bad, '--retry', '')).toThrow(/--retry/);
    }
  });
});

describe('arrival processes', () => {
  it('constant: orders evenly spaced, across all clients together', () => {
    const { result } = run(() => 'ack', { ordersPerSecond: 100, clients: 4, arrivals: { kind: 'constant' } }, 2);
    // from the end of boot (history time 0) to the clients' stop at 2 s
    const times = eventsOf(result.history, 'invoke').map((e) => e.time).filter((t) => t >= 0);
    expect(times.length).toBeGreaterThanOrEqual(199);
    expect(times.length).toBeLessThanOrEqual(200);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    for (const g of gaps) expect(g).toBe(10_000);
  });

  it('poisson stays the default, with irregular gaps', () => {
    const { result } = run(() => 'ack', { ordersPerSecond: 100, clients: 1 }, 2);
    expect(result.workload.arrivals).toEqual({ kind: 'poisson' });
    const times = eventsOf(result.history, 'invoke').map((e) => e.time);
    expect(new Set(times.slice(1).map((t, i) => t - times[i])).size).toBeGreaterThan(50);
  });

  it('a burst multiplies the rate inside its window only', () => {
    const arrivals = parseArrivals('burst:10x:1s..2s', '--arrivals', '');
    const { result } = run(() => 'ack', { ordersPerSecond: 100, clients: 2, arrivals }, 3);
    const times = eventsOf(result.history, 'invoke').map((e) => e.time);
    const inWindow = (from: number, to: number) => times.filter((t) => t >= from * SECOND && t < to * SECOND).length;
    expect(inWindow(1, 2)).toBeGreaterThan(800);
    expect(inWindow(1, 2)).toBeLessThan(1200);
    expect(inWindow(0, 1)).toBeLessThan(150);
    expect(inWindow(2, 3)).toBeLessThan(150);
  });

  it('a burst gap is spent at the rate of each segment it crosses', () => {
    const burst = { multiplier: 4, from: 1000, to: 2000 };
    expect(burstArrival(0, 1, 500, burst)).toBe(500);
    expect(burstArrival(900, 1, 500, burst)).toBe(1000 + 400 / 4);
    expect(burstArrival(1900, 1, 500, burst)).toBe(2000 + 500 - 400);
    expect(() => parseArrivals('burst:10x:5s..1s', '--arrivals', '')).toThrow(/--arrivals/);
    expect(() => parseArrivals('uniform', '--arrivals', '')).toThrow(/--arrivals/);
  });
});

describe('in a schedule file', () => {
  it('the workload section takes retry and arrivals, and writes them back as read', () => {
    const text = 'duration: 10s\nworkload: { retry: "exponential:20ms,1s", arrivals: "burst:5x:2s..4s" }\nfaults: []\n';
    const s = parseSchedule(text, 'w.yaml');
    expect(s.workload).toEqual({ retry: { kind: 'exponential', base: 20_000, cap: 1_000_000 }, arrivals: { kind: 'burst', multiplier: 5, from: 2 * SECOND, to: 4 * SECOND } });
    expect(parseSchedule(scheduleToYaml(s), 'w.yaml').workload).toEqual(s.workload);
    expect(() => parseSchedule('duration: 10s\nworkload: { retry: sometimes }\nfaults: []\n', 'w.yaml')).toThrow(/w\.yaml.*workload\.retry/);
  });
});
