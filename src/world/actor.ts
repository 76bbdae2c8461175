/**
 * The process model: a design's node logic is an `Actor` with handlers, and it sees the world
 * only through its `NodeContext`. A new Actor is created at every boot (first start, supervised
 * restart, power-on), so volatile state is lost on a crash by construction; the disk survives.
 *
 * A process may have several threads: `threadOf(kind)` names the thread that handles a message
 * or timer kind (default `main`). A `deadlock` fault stops some threads and leaves others
 * running, e.g. a heartbeat thread that keeps beating while the order thread is stuck: the
 * classic gray failure.
 */
import type { Micros } from '../sim/time.ts';
import type { Rng } from '../sim/rng.ts';
import type { Role } from '../history/history.ts';
import type { Disk } from './disk.ts';
import type { Probe } from './probes.ts';

/** A message between endpoints. `type` names it; the rest is the design's payload. */
export interface Msg {
  type: string;
  [field: string]: unknown;
}

/** An order request from a client, as a node receives it (message type `order`). */
export interface OrderRequest extends Msg {
  type: 'order';
  orderId: string;
  client: string;
  attempt: number;
}

/**
 * Acks of several orders to one client that left together (`NodeContext.ackOrders`): one
 * message, one delivery, each order still acked (and recorded) on its own. `orders` are the
 * requests answered; their ids and attempts are what the reply carries.
 */
export interface OrderAcks extends Msg {
  type: 'acks';
  orders: readonly OrderRequest[];
}

/** A client's read of an order (message type `read`): answer `read-result` to `client`. */
export interface ReadRequest extends Msg {
  type: 'read';
  readId: number;
  orderId: string;
  client: string;
}

/** A client gives up waiting for an order (message type `cancel`; pg_cancel_backend). */
export interface CancelRequest extends Msg {
  type: 'cancel';
  orderId: string;
  client: string;
}

/** A timer handle; pass it to `cancelTimer`. */
export interface TimerHandle {
  readonly kind: string;
}

export type FenceAction = 'off' | 'reboot';

export interface NodeContext {
  /** This node's id. */
  readonly id: string;
  /** Every node id of the design (including this one), in declaration order. */
  readonly nodes: readonly string[];
  /** How many times this node has booted before (0 on the first start). */
  readonly bootCount: number;
  /** This node's local clock: virtual time plus its offset, drift and jumps. */
  now(): Micros;
  /**
   * This node's monotonic clock (CLOCK_MONOTONIC): elapsed local time that drifts with the
   * local clock but never jumps, and keeps running while the process is paused. Timeouts and
   * leases measure with it, as Go's and the JVM's duration clocks do.
   */
  monotonic(): Micros;
  /**
   * Whether this host's network interface has carrier (the kernel's link state: false while
   * its NIC or its switch is down). A process can see its own link fail; it cannot see a
   * partition further away.
   */
  linkUp(): boolean;
  /** This node's seeded random stream (`node:<id>`). */
  readonly rng: Rng;
  /** The node's durable log (survives crashes, lost on disk failure). */
  readonly disk: Disk;
  /** Sends a message to an endpoint (node id, `exchange`, `client:N`, ...). */
  send(to: string, msg: Msg): void;
  /** Fires `onTimer(kind, data)` after `delay` of this node's local clock. */
  setTimer(delay: Micros, kind: string, data?: unknown): TimerHandle;
  cancelTimer(timer: TimerHandle | undefined): void;
  /**
   * Declares this node's role and epoch/term; invariants read it from the history. `scope`
   * names the part of the service the role is about when a design runs several at once (a
   * shard: each shard has its own primary); invariants then apply per scope. Default: the
   * whole service.
   */
  declareRole(role: Role, epoch: number, scope?: string): void;
  /**
   * Acks an order to its client: an external effect, recorded as `ack-sent`. `replicas` is what
   * the reply tells the client about replication where the protocol says it (the integer Redis
   * WAIT returns); the client records it with its `ok`.
   */
  ackOrder(order: OrderRequest, replicas?: number): void;
  /**
   * Acks orders answered together (the entries one commit advance applies), each as `ackOrder`
   * does; those to the same client leave in one message (`acks`; one alone as `ack`), as a
   * server writes the replies it produced together to a client's connection in one flush (see
   * BootContext.ackOrders). `orders` is the caller's to drop: its array may travel in the message.
   */
  ackOrders(orders: OrderRequest[]): void;
  /** Refuses an order (`not-primary`, `market-closed`, ...), optionally naming the leader. */
  rejectOrder(order: OrderRequest, reason: string, leaderHint?: string): void;
  /** Sends an order to the exchange, with a fencing token where the design has one. */
  sendToExchange(orderId: string, token?: number): void;
  /** Takes a virtual IP (default `vip`): gratuitous ARPs go out to the clients' segment. */
  takeVip(vip?: string): void;
  /** Releases a virtual IP (a demoting node drops the address). */
  releaseVip(vip?: string): void;
  /**
   * Points the service's DNS record at `target` (DNS-failover designs); with `deleteFor` by
   * deleting the record and creating it again that much later (NXDOMAIN in between). The change
   * is a call to the DNS provider over the node's network: false (and a note) when the node has
   * no carrier (NIC or access switch down), and the record stays as it was.
   */
  updateDns(target: string, deleteFor?: Micros): boolean;
  /** Asks the power controller (IPMI) to fence `target`; `done(ok)` after confirmation or timeout. */
  fence(target: string, action: FenceAction, timeout: Micros, done: (ok: boolean) => void): void;
  /**
   * Arms (or re-arms) the host's watchdog device (Linux softdog, a BMC watchdog): unless armed
   * again or disarmed (`undefined`, the magic close) within `timeout`, the host is reset:
   * powered off and booted again after the boot time. The timer is the kernel's, so it keeps
   * running while the process is paused or deadlocked, and a process crash leaves it armed
   * (the device was never closed cleanly); a power loss clears it.
   */
  armWatchdog(timeout: Micros | undefined): void;
  /** Whether the exchange is in market hours (orders outside them are refused, not outages). */
  marketOpen(): boolean;
  /** Whether this node's market-data feed is up. */
  feedUp(): boolean;
  /** A free-form note for timelines and traces. */
  note(text: string): void;
  /**
   * Marks a moment that matters (`lock.acquired`, `commit.waiting`): counted for coverage,
   * heard by triggered faults, recorded in the history when the probe says so. `subject`
   * names what it is about (a lock key, an order id). Cheap: a counter when nothing listens.
   */
  probe(probe: Probe, subject?: string): void;
  /**
   * A view of this context for one of the host's processes (`NodeSpec.processes`), bound to
   * that process's current life: once it dies, everything done through the view is inert
   * (sends, timers, acks, roles...), so a callback of a killed process (an fsync completing
   * after its kill -9) can never act. A design builds each process's parts with its view, and
   * builds them again in `onProcessStart`. On a host with one process it is the context itself.
   */
  forProcess(name: string): NodeContext;
  /** Whether process `name` of this host runs (always true on a host with one process). */
  processRunning(name: string): boolean;
  /**
   * The design's own supervisor starts a dead process of this host (Patroni starting its
   * PostgreSQL): `onProcessStart` follows at once. False while the fault that killed it keeps it
   * down (a `process-crash` without `restartAfter`: the process would not come up); true if it
   * runs.
   */
  startProcess(name: string): boolean;
  /**
   * Process `name` of this host ends by itself (a PANIC, a FATAL error: PostgreSQL that cannot
   * write its WAL): as a kill of that process (`onProcessExit`, its connections reset). Without
   * `restartAfter` nothing restarts it: the design's supervisor may start it again
   * (`startProcess`). With it, the host's service manager does, that long later (systemd
   * `Restart=always` with `RestartSec`). On a host with one process, `name` is that process.
   */
  exitProcess(name: string, reason: string, restartAfter?: Micros): void;
}

export interface Actor {
  /** First boot. */
  onStart?(): void;
  /** A boot after a crash, reboot or power loss; defaults to `onStart`. */
  onRecover?(): void;
  onMessage(from: string, msg: Msg): void;
  onTimer?(kind: string, data: unknown): void;
  /**
   * The kernel reset this process's TCP connection to `peer`: the peer's process died while
   * its host lives (or refused a connection because nothing listens). A design reacts at once,
   * as the real system does on ECONNRESET (a walsender exits, a replica's master link goes
   * down); a peer whose host died sends nothing, and is found only by timeouts. `process`
   * names which of the peer's processes died when its host runs several (undefined: all).
   */
  onConnectionReset?(peer: string, process?: string): void;
  /**
   * One of the host's processes (`NodeSpec.processes`) died while the host and the others live
   * (kill -9 of one component): drop that process's volatile state. Its events no longer
   * arrive; the host keeps its addresses and page cache; its peers got a reset. Not called
   * when the whole host or every process dies: the next boot makes a new Actor.
   */
  onProcessExit?(process: string): void;
  /** Process `process` started again after `onProcessExit` (supervised restart, operator). */
  onProcessStart?(process: string): void;
  /**
   * SIGTERM (`systemctl stop`): run the shutdown path (keepalived's priority-0 advert, Patroni's
   * demote and leader-key release, Redis's SHUTDOWN) and call `exit()` when the process may
   * exit; the world then ends it as it would a killed one (the kernel closes its sockets, the
   * page cache survives). `process` names which of the host's processes is stopped (undefined:
   * all of them). Without this handler the process exits at once; one that never calls `exit`
   * is killed after the stop timeout (systemd's TimeoutStopSec).
   */
  onStop?(process: string | undefined, exit: () => void): void;
  /** Which thread handles a message or timer kind; default `main`. */
  threadOf?(kind: string): string;
  /**
   * The answer to a load balancer's or monitor's health check (message kind `health-check`,
   * handled on the thread `threadOf('health-check')`); default: healthy while running. A check
   * that tests the process but not the order path is a classic gray failure.
   */
  healthy?(): boolean;
}
