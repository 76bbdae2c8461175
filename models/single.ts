/**
 * single: one server, no redundancy. The baseline every comparison starts from.
 *
 * Stands for: any trading service run on one host. Mechanisms: the server makes each order
 * durable on its local disk (fsync), acks the client and sends the order to the exchange.
 * A supervisor (systemd `Restart=always`, `RestartSec` 5 s) restarts a crashed process.
 * Left out: everything else; a host or disk loss is an outage until repair, and a disk
 * failure loses every acked order.
 *
 * Defaults: restartSec 5 s (a typical systemd unit for a trading service: `Restart=always`
 * with `RestartSec=5s`; systemd's own default RestartSec is 100 ms, which operators raise to
 * avoid restart storms).
 */
import { defineDesign } from '../src/world/design.ts';
import { OrderServer } from '../src/parts/order-server.ts';

export default defineDesign({
  name: 'single',
  description: 'one server, no redundancy: the baseline',
  params: {
    restartSec: { kind: 'duration', default: '5s', doc: 'supervised restart delay after a process crash', source: 'systemd.service(5) Restart=always, RestartSec (operators commonly set 5s)' },
  },
  topology: (p) => ({
    nodes: [{ id: 'a', supervisedRestart: p.restartSec }],
    routing: { kind: 'direct', targets: ['a'] },
  }),
  createNode: (ctx) => {
    const server = new OrderServer(ctx);
    return {
      onStart: () => server.becomePrimary(1),
      onMessage: (_from, msg) => server.handle(msg),
    };
  },
  estimate: { structure: 'a' },
});
