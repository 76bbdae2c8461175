import { defineDesign, OrderServer } from 'hasim';

/** One order server, restarted by its supervisor 5 s after a crash: no redundancy at all. */
export default defineDesign({
  name: 'my-single',
  description: 'one server, restarted by systemd',
  params: {
    restartSec: { kind: 'duration', default: '5s', positive: true, doc: 'supervised restart delay', source: 'systemd.service(5) RestartSec' },
  },
  topology: (p) => ({ nodes: [{ id: 'a', supervisedRestart: p.restartSec }], routing: { kind: 'direct', targets: ['a'] } }),
  createNode: (ctx) => {
    const server = new OrderServer(ctx);
    return { onStart: () => server.becomePrimary(1), onMessage: (_from, msg) => server.handle(msg) };
  },
});
