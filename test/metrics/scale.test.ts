import { describe, expect, it } from 'vitest';
import { checkAll } from '../../src/check/index.ts';
import type { HistoryEvent } from '../../src/history/history.ts';
import { computeMetrics } from '../../src/metrics/index.ts';
import { final, history, ms } from '../check/helpers.ts';

describe('scale', () => {
  it('checks and measures a 3-minute run at 200 orders/s (40k orders, 200k events) quickly', () => {
    const events: HistoryEvent[] = [{ type: 'role', time: 0, node: 'a', role: 'primary', epoch: 1 }];
    const durable: string[] = [];
    for (let i = 0; i < 36_000; i++) {
      const t = i * 5_000; // every 5 ms
      const id = `o${i}`;
      const node = i < 18_000 ? 'a' : 'b';
      if (i === 18_000) events.push({ type: 'role', time: t, node: 'a', role: 'standby', epoch: 1 }, { type: 'role', time: t, node: 'b', role: 'primary', epoch: 2 });
      events.push(
        { type: 'invoke', time: t, client: 'c1', orderId: id },
        { type: 'exchange', time: t + 1_000, node, orderId: id, token: null, accepted: true },
        { type: 'ack-sent', time: t + 2_000, node, orderId: id },
        { type: 'ok', time: t + 2_000, client: 'c1', orderId: id, node, latency: 2_000, attempt: 1 },
        { type: 'note', time: t + 2_000, node, text: 'x' },
      );
      durable.push(id);
    }
    const h = history(events, { settleEndAt: ms(180_000), endAt: ms(181_000), healAt: ms(150_000), final: [final('b', 'up', durable, 'primary', 2)] });
    const startedMs = performance.now();
    expect(checkAll(h)).toEqual([]);
    expect(computeMetrics(h).availability).toBe(1);
    expect(performance.now() - startedMs).toBeLessThan(5_000);
  });
});
