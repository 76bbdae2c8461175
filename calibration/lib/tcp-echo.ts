/**
 * The service and client of the Pacemaker harness, as `node -e` programs run inside the
 * network namespaces. The service answers each line `SEQ` with `HOST SEQ` on TCP; the client
 * sends a request every 1/rate s, each on its own connection (below). TCP, not UDP, so that a
 * host whose processes were killed refuses at once from its living kernel, as in hasim.
 *
 * The client stamps its own lines with the machine's clock (performance.timeOrigin + now, the
 * harness's nowMs), so pipe latency under load does not move them:
 * `S seq ms` (request sent), `R seq host ms` (served), `F seq ms reason` (request failed).
 */

/** The service: `node -e SERVICE HOST PORT`. */
export const TCP_ECHO_SERVICE = `
const net = require('net');
const [host, port] = process.argv.slice(1);
net.createServer((s) => {
  s.setNoDelay(true);
  let buf = '';
  s.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\\n')) >= 0) {
      const seq = buf.slice(0, i);
      buf = buf.slice(i + 1);
      s.write(host + ' ' + seq + '\\n');
    }
  });
  s.on('error', () => {});
}).listen(Number(port));
`;

/**
 * The client: `node -e CLIENT ADDRESS PORT RATE TIMEOUT_MS`. Open loop, as hasim's client and
 * the keepalived harness's: a request every 1/rate s, each on its own connection (connect,
 * send, read the answer, close), failed by an error (a reset, a refused connect) or its
 * timeout, and not retried: the next request comes on schedule anyway. A request that a dead
 * host's ARP entry sends into the void does not hold up the ones after it, so the first request
 * after the VIP moved is served at once, as in hasim.
 */
export const TCP_ECHO_CLIENT = `
const net = require('net');
const [address, port, rate, timeoutMs] = process.argv.slice(1);
const now = () => performance.timeOrigin + performance.now();
const out = (line) => process.stdout.write(line + '\\n');
function request(seq) {
  out('S ' + seq + ' ' + now().toFixed(2));
  let done = false;
  let buf = '';
  const s = net.connect({ host: address, port: Number(port) });
  s.setNoDelay(true);
  const finish = (line) => {
    if (done) return;
    done = true;
    clearTimeout(t);
    s.destroy();
    out(line);
  };
  const t = setTimeout(() => finish('F ' + seq + ' ' + now().toFixed(2) + ' timeout'), Number(timeoutMs));
  s.once('connect', () => s.write(seq + '\\n'));
  s.on('data', (d) => {
    buf += d;
    const i = buf.indexOf('\\n');
    if (i < 0) return;
    const [host, got] = buf.slice(0, i).split(' ');
    if (Number(got) === seq) finish('R ' + seq + ' ' + host + ' ' + now().toFixed(2));
  });
  s.on('error', (e) => finish('F ' + seq + ' ' + now().toFixed(2) + ' ' + (e.code || e.message)));
  s.on('close', () => finish('F ' + seq + ' ' + now().toFixed(2) + ' closed'));
}
const gap = 1000 / Number(rate);
let next = now();
let seq = 0;
(function tick() {
  request(++seq);
  next += gap;
  setTimeout(tick, Math.max(0, next - now()));
})();
`;
