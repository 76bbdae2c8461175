/**
 * The harness's hands inside a network namespace (run there with `ip netns exec NS node
 * --import tsx redis-ns-agent.ts ...`): the script that made the namespaces cannot open a socket
 * in them, so what must happen from inside one runs here and reports one line per event on
 * stdout, stamped with this machine's wall clock (the same clock the harness reads):
 *
 *   client HOST:PORT,... PREFIX RATE WAIT   a Sentinel-following writer (sentinel-client.ts):
 *                                           `A id ms host:port replicas` per ack, `F ms reason`
 *                                           per failed request
 *   watch HOST:PORT                         PSUBSCRIBE * on a Sentinel: `E ms channel payload`
 *
 * It runs until killed (the harness ends it by PID).
 */
import { nowMs } from './procs.ts';
import { RedisConnection } from './resp.ts';
import { SentinelClient, type Address } from './sentinel-client.ts';

const address = (text: string): Address => {
  const [host, port] = text.split(':');
  return { host, port: Number(port) };
};
const out = (line: string) => process.stdout.write(line + '\n');

const [mode, ...args] = process.argv.slice(2);
if (mode === 'client') {
  const [sentinels, prefix, rate, wait] = args;
  const client = new SentinelClient({
    sentinels: sentinels.split(',').map(address),
    writesPerSecond: Number(rate),
    requestTimeoutMs: 1000,
    retryBackoffMs: 20,
    wait: Number(wait) > 0 ? { replicas: Number(wait), timeoutMs: 1000 } : undefined,
    idPrefix: prefix,
    onAck: (a) => out(`A ${a.id} ${a.ms.toFixed(1)} ${a.master.host}:${a.master.port} ${a.replicas ?? -1}`),
    onFail: (f) => out(`F ${f.ms.toFixed(1)} ${f.reason.replace(/\s+/g, '_')}`),
  });
  await client.run();
} else if (mode === 'watch') {
  const at = address(args[0]);
  for (;;) {
    try {
      const c = await RedisConnection.open(at.port, at.host, 1000);
      await c.psubscribe('*', (msg) => out(`E ${nowMs().toFixed(1)} ${String(msg[2])} ${String(msg[3])}`));
      out(`W ${nowMs().toFixed(1)} subscribed`);
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (c.closed) {
            clearInterval(timer);
            resolve();
          }
        }, 200);
      });
    } catch {
      // not up yet, or gone: try again
    }
    await new Promise((r) => setTimeout(r, 200));
  }
} else {
  console.error(`redis-ns-agent: mode: expected client or watch, found '${mode}'`);
  process.exit(2);
}
