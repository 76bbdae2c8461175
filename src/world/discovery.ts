/**
 * Clients that ask a discovery service where the primary is, as Redis clients ask Sentinel
 * (`SENTINEL get-master-addr-by-name`), instead of probing the nodes themselves.
 *
 * Two client libraries behave differently, and both are common:
 * - **redis-py** (`redis/sentinel.py`, `SentinelConnectionPool`, `Sentinel.discover_master`):
 *   asks the Sentinels in order and takes the first answer whose master is neither SDOWN nor
 *   ODOWN (`check_master_state`), moving that Sentinel to the front; asks again whenever a
 *   connection fails or times out, or the node answers READONLY
 *   (`SentinelManagedConnection` turns it into a ConnectionError).
 * - **Jedis** (`JedisSentinelPool`: `initSentinels`, `MasterListener`): asks once at start,
 *   then only follows `+switch-master` messages it is subscribed to on every Sentinel; a
 *   failing connection is retried on the same master. The subscription is renewed every 5 s
 *   (`subscribeRetryWaitTimeMillis` 5000), so a restarted Sentinel is subscribed again.
 *
 * The wire protocol is three message types a design's discovery nodes answer:
 * `discover` -> `discovered { node, down }`, `subscribe`, and the pushed `switch-master { node }`.
 * Orders wait while their client has no answer yet (the library blocks), under the order's
 * own deadline.
 */
import type { Micros } from '../sim/time.ts';
import type { SimEvent } from '../sim/queue.ts';
import type { Msg } from './actor.ts';
import type { World } from './world.ts';

export interface DiscoverySpec {
  kind: 'discovery';
  /** The discovery nodes (Sentinels), asked in this order. */
  services: string[];
  /** How long a client waits for one service's answer before asking the next. */
  queryTimeout: Micros;
  /** Jedis: subscribe to `switch-master` pushes and never re-ask on errors. redis-py: ask again on every error. */
  style: 'redis-py' | 'jedis';
}

/** Jedis's MasterListener waits this long before subscribing again (subscribeRetryWaitTimeMillis). */
const RESUBSCRIBE_US: Micros = 5_000_000;

interface ClientView {
  primary: string | undefined;
  /** Index in `services` of the service asked next (redis-py moves the one that answered to the front). */
  serviceIndex: number;
  /** Services asked in the current round without a usable answer. */
  triedInRound: number;
  query: SimEvent | undefined;
  /** The service a pending query went to. */
  askedService: string | undefined;
}

export class Discovery {
  private readonly views = new Map<string, ClientView>();

  constructor(
    private readonly world: World,
    readonly spec: DiscoverySpec,
  ) {}

  /** Jedis subscribes to every Sentinel at start and renews the subscriptions. */
  start(): void {
    if (this.spec.style !== 'jedis') return;
    const renew = (): void => {
      for (const client of this.world.clientIds) for (const s of this.spec.services) this.world.network.send(client, s, { type: 'subscribe' });
      this.world.sim.after(RESUBSCRIBE_US, renew);
    };
    renew();
  }

  private view(client: string): ClientView {
    let v = this.views.get(client);
    if (!v) {
      v = { primary: undefined, serviceIndex: 0, triedInRound: 0, query: undefined, askedService: undefined };
      this.views.set(client, v);
    }
    return v;
  }

  /** The primary the client knows; undefined starts a query (the caller waits for `onMessage`). */
  resolve(client: string): string | undefined {
    const v = this.view(client);
    if (v.primary === undefined) this.ask(client, v);
    return v.primary;
  }

  /** An attempt failed (timeout or error): redis-py forgets the master and asks again. */
  failed(client: string): void {
    if (this.spec.style === 'redis-py') this.view(client).primary = undefined;
  }

  /** A discovery answer or push reached `client`; true when it now knows a primary. */
  onMessage(client: string, from: string, msg: Msg): boolean {
    const v = this.view(client);
    if (msg.type === 'switch-master') {
      if (this.spec.style !== 'jedis') return false;
      v.primary = msg.node as string;
      return true;
    }
    if (msg.type !== 'discovered' || v.askedService !== from) return false;
    this.world.sim.cancel(v.query);
    v.query = undefined;
    v.askedService = undefined;
    const node = msg.node as string | undefined;
    if (node === undefined || (this.spec.style === 'redis-py' && msg.down === true)) {
      this.next(client, v);
      return false;
    }
    v.primary = node;
    v.triedInRound = 0;
    return true;
  }

  private ask(client: string, v: ClientView): void {
    if (v.query) return;
    const service = this.spec.services[v.serviceIndex];
    v.askedService = service;
    this.world.network.send(client, service, { type: 'discover' });
    v.query = this.world.sim.after(this.spec.queryTimeout, () => {
      v.query = undefined;
      v.askedService = undefined;
      this.next(client, v);
    });
  }

  /**
   * No usable answer from the current service: ask the next. After a whole round redis-py
   * raises MasterNotFoundError at once, and the application tries again after its retry
   * back-off (calibrated against Redis 7.0: a redis-py client is served a few ms after the
   * first Sentinel switches); a round in which a service did not answer at all has already
   * waited its query timeout.
   */
  private next(client: string, v: ClientView): void {
    v.serviceIndex = (v.serviceIndex + 1) % this.spec.services.length;
    if (++v.triedInRound < this.spec.services.length) return this.ask(client, v);
    v.triedInRound = 0;
    v.query = this.world.sim.after(this.world.workload.retryBackoff, () => {
      v.query = undefined;
      if (v.primary === undefined) this.ask(client, v);
    });
  }

  /** Whether the client is waiting for an answer (its orders wait with it). */
  waiting(client: string): boolean {
    return this.view(client).primary === undefined;
  }
}
