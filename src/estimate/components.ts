/**
 * The component sampler: draws every failure and repair of a plant's components over a span
 * of years, event by event (a semi-Markov process: one pending time per node unit and per
 * shared element, so a year costs a few dozen events, not 10^8 heartbeats), and cuts the
 * result into *incidents*.
 *
 * Per node unit: each component type keeps a remaining life, drawn from its TTF when new and
 * spent only while the node is up, at the node's ageing speed (1 when serving; the standby
 * factor when idle, see `plant.ts`). The first component to run out takes the node down; its
 * repair starts at once when it needs no crew, else when a crew is free (FIFO); the repaired
 * component is new. An element a node does not have (an agent process it does not run, see
 * `plant.ts`) never fails. Shared elements alternate up (TTF) and down (TTR) on their own.
 *
 * An incident opens at the first failure while everything is healthy and closes once
 * everything has been healthy for `settleSeconds` without a new failure: failures closer
 * together than that belong to one incident (their protocol effects may interact), and
 * outside incidents the plant is healthy by construction. Each incident carries its change
 * points (offset, element, down/up), its structural downtime (time the structure function
 * was false, weighted by the share down for a design that serves in scopes; each element
 * counted down only for the part of its down period the clients see, `plant.ts`) and a class key that says what happened in which order, and with which timing
 * where timing matters (gaps up to `settleSeconds`; longer gaps are fast-forwarded by the
 * incident simulation and only their length, not their shape, counts).
 */
import { sampler, type Sampler } from '../sim/distributions.ts';
import type { Rng } from '../sim/rng.ts';
import { agingSpeeds, hasElement, seenOutage, type ClientView, type Plant } from './plant.ts';

export interface Incident {
  /** Seconds from the span start. */
  start: number;
  /** Per change point: seconds from `start`, the element index, and whether it went down. */
  offsets: number[];
  elements: number[];
  downs: boolean[];
  /** Seconds the structure function was false within the incident, weighted by the share of the service down. */
  structuralDown: number;
  /** Seconds from the first change to the last. */
  length: number;
  /** The incident's class (what happened in which order, see `className`), hashed. */
  key: number;
}

/**
 * What the sampler reports of each incident as it closes: its class key and structural downtime,
 * and the incident itself on demand. Most incidents are only counted (a count pass needs the
 * key; a simulate pass keeps the few it samples), so the sampler builds its change lists in
 * arrays it reuses and copies them out only when asked: one object per kept incident instead
 * of four per drawn one. Valid during the callback only.
 */
export interface IncidentDraw {
  key: number;
  structuralDown: number;
  /** The incident, a copy the caller may keep. */
  incident(): Incident;
}

export interface SpanTotals {
  incidents: number;
  structuralDown: number;
  /** Seconds actually covered (the last incident may run past the nominal span). */
  seconds: number;
}

/** Element names, indexed as the sampler numbers them: node components (`a.server`, `pg1.agent:patroni`), then shared elements. */
export function elementNames(plant: Plant): string[] {
  const names = plant.nodes.flatMap((node) => plant.nodeComponents.map((c) => `${node}.${c.type}${c.process === undefined ? '' : `:${c.process}`}`));
  return [...names, ...plant.shared.map((s) => s.id)];
}

const MICROS_PER_SECOND = 1e6;

export function drawIncidents(plant: Plant, rng: Rng, spanSeconds: number, settleSeconds: number, onIncident: (draw: IncidentDraw) => void): SpanTotals {
  const n = plant.nodes.length;
  const comps = plant.nodeComponents;
  const m = comps.length;
  const ttf: Sampler[] = comps.map((c) => sampler(c.ttf));
  const ttr: Sampler[] = comps.map((c) => sampler(c.ttr));
  const drawTtf = (k: number) => ttf[k](rng) / MICROS_PER_SECOND;
  const drawTtr = (k: number) => ttr[k](rng) / MICROS_PER_SECOND;
  const shared = plant.shared;
  const sharedTtf = shared.map((s) => sampler(s.reliability.ttf));
  const sharedTtr = shared.map((s) => sampler(s.reliability.ttr));

  const full = (1 << n) - 1;
  const status = new Int32Array(n); // 0 up, else 1 + the component keeping it down
  const life = new Float64Array(n * m);
  const lastUpdate = new Float64Array(n);
  const speed = new Float64Array(n).fill(1);
  const nextSpeed = new Float64Array(n);
  // every pending instant in one array, scanned once per event (the first earliest wins):
  // node failures or repairs, shared elements' changes, then the instants from which a node's
  // and a shared element's down period counts
  const pending = new Float64Array(2 * (n + shared.length)).fill(Infinity);
  const nodeNext = pending.subarray(0, n);
  const failCause = new Int32Array(n);
  const waiting: number[] = [];
  let busyCrews = 0;
  const sharedDown = new Uint8Array(shared.length);
  const sharedNext = pending.subarray(n, n + shared.length);
  let upMask = full;
  let outMask = 0;
  // the clients see a down period as an outage only from the first order sent in it, and not
  // at all when it is shorter than their timeout (plant.ts seenOutage): the structure counts
  // an element down only for the last `seen` of its period, from `countAt` on
  const view: ClientView = { ...plant.clients, timeout: plant.clients.timeout / MICROS_PER_SECOND, orderGap: plant.clients.orderGap / MICROS_PER_SECOND };
  const unseen = (down: number): number => down - seenOutage(down, view);
  let countedDown = 0;
  let countedOut = 0;
  const nodeCountAt = pending.subarray(n + shared.length, 2 * n + shared.length);
  const sharedCounted = new Uint8Array(shared.length);
  const sharedCountAt = pending.subarray(2 * n + shared.length);
  const countedOutMask = (): number => {
    let mask = 0;
    for (let s = 0; s < shared.length; s++) if (sharedCounted[s]) mask |= shared[s].mask;
    return mask;
  };
  let t = 0;

  const schedule = (i: number): void => {
    let best = 0;
    for (let k = 1; k < m; k++) if (life[i * m + k] < life[i * m + best]) best = k;
    failCause[i] = best;
    nodeNext[i] = speed[i] > 0 && m > 0 ? lastUpdate[i] + life[i * m + best] / speed[i] : Infinity;
  };
  const advance = (i: number): void => {
    const spent = (t - lastUpdate[i]) * speed[i];
    if (spent > 0) for (let k = 0; k < m; k++) life[i * m + k] -= spent;
    lastUpdate[i] = t;
  };
  const updateSpeeds = (): void => {
    if (plant.idleAging === 1) return;
    agingSpeeds(plant, upMask, nextSpeed);
    for (let i = 0; i < n; i++) {
      if (nextSpeed[i] === speed[i]) continue;
      if (status[i] === 0) advance(i);
      speed[i] = nextSpeed[i];
      if (status[i] === 0) schedule(i);
    }
  };

  // an element a node does not have (an agent process it does not run) never runs out
  for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) life[i * m + k] = hasElement(plant, i, k) ? drawTtf(k) : Infinity;
  updateSpeeds();
  for (let i = 0; i < n; i++) schedule(i);
  for (let j = 0; j < shared.length; j++) sharedNext[j] = sharedTtf[j](rng) / MICROS_PER_SECOND;

  // the open incident (its change lists are reused from one incident to the next)
  let open = false;
  let start = 0;
  const offsets: number[] = [];
  const elements: number[] = [];
  const downs: boolean[] = [];
  /** How many of the lists' entries are the open incident's. */
  let changes = 0;
  let structuralDown = 0;
  /** The share of the service down now (1 - the structure's share up), and since when. */
  let downShare = 0;
  let shareSince = 0;
  let closeAt = Infinity;
  const totals: SpanTotals = { incidents: 0, structuralDown: 0, seconds: spanSeconds };

  const change = (element: number, down: boolean): void => {
    if (!open) {
      open = true;
      start = t;
      changes = 0;
      structuralDown = 0;
    }
    offsets[changes] = t - start;
    elements[changes] = element;
    downs[changes] = down;
    changes++;
  };
  const draw: IncidentDraw = {
    key: 0,
    structuralDown: 0,
    incident: () => ({ start, offsets: offsets.slice(0, changes), elements: elements.slice(0, changes), downs: downs.slice(0, changes), structuralDown, length: offsets[changes - 1], key: draw.key }),
  };
  const finish = (): void => {
    draw.key = classHash(offsets, elements, downs, changes, settleSeconds);
    draw.structuralDown = structuralDown;
    totals.incidents++;
    totals.structuralDown += structuralDown;
    open = false;
    onIncident(draw);
  };

  for (;;) {
    // the next change, or an element down for a while starting to count (the clients' first
    // unserved order)
    let next = Infinity;
    let who = -1;
    for (let e = 0; e < pending.length; e++) {
      if (pending[e] < next) {
        next = pending[e];
        who = e;
      }
    }
    if (open && closeAt <= next) {
      finish();
      totals.seconds = Math.max(spanSeconds, closeAt);
    }
    if (!open && next >= spanSeconds) break;
    t = next;
    if (who >= n + shared.length) {
      const e = who - n - shared.length;
      if (e < n) {
        countedDown |= 1 << e;
        nodeCountAt[e] = Infinity;
      } else {
        sharedCounted[e - n] = 1;
        sharedCountAt[e - n] = Infinity;
        countedOut = countedOutMask();
      }
    } else if (who < n) {
      const i = who;
      if (status[i] === 0) {
        advance(i);
        const k = failCause[i];
        life[i * m + k] = drawTtf(k);
        status[i] = k + 1;
        upMask &= ~(1 << i);
        change(i * m + k, true);
        if (!comps[k].crew || busyCrews < plant.crews) {
          if (comps[k].crew) busyCrews++;
          const repair = drawTtr(k);
          nodeNext[i] = t + repair;
          const from = unseen(repair);
          if (from <= 0) countedDown |= 1 << i;
          else if (from < repair) nodeCountAt[i] = t + from;
        } else {
          // waiting for a crew: its length is unknown yet, and long; counted whole
          waiting.push(i);
          nodeNext[i] = Infinity;
          countedDown |= 1 << i;
        }
      } else {
        const k = status[i] - 1;
        status[i] = 0;
        upMask |= 1 << i;
        countedDown &= ~(1 << i);
        nodeCountAt[i] = Infinity;
        lastUpdate[i] = t;
        change(i * m + k, false);
        if (comps[k].crew) {
          busyCrews--;
          const j = waiting.shift();
          if (j !== undefined) {
            busyCrews++;
            nodeNext[j] = t + drawTtr(status[j] - 1);
          }
        }
        schedule(i);
      }
      updateSpeeds();
    } else {
      const j = who - n;
      sharedDown[j] ^= 1;
      const next = (sharedDown[j] ? sharedTtr[j](rng) : sharedTtf[j](rng)) / MICROS_PER_SECOND;
      sharedNext[j] = t + next;
      const from = sharedDown[j] ? unseen(next) : Infinity;
      sharedCounted[j] = from <= 0 ? 1 : 0;
      sharedCountAt[j] = from > 0 && from < next ? t + from : Infinity;
      countedOut = countedOutMask();
      outMask = 0;
      for (let s = 0; s < shared.length; s++) if (sharedDown[s]) outMask |= shared[s].mask;
      change(n * m + j, sharedDown[j] === 1);
    }
    structuralDown += downShare * (t - shareSince);
    shareSince = t;
    downShare = 1 - plant.table[full & ~countedDown & ~countedOut];
    closeAt = upMask === full && outMask === 0 ? t + settleSeconds : Infinity;
  }
  return totals;
}

/**
 * What happened, in order: `a.server- L a.server+`, `b.gcPause- ~-1 b.gcPause+`. After each
 * change but the first, the gap since the previous one: `L` when longer than the settle time
 * (it is fast-forwarded), else its binary order of magnitude in seconds (`~-1`: 0.5 s to 1 s).
 * The sampler works with a 53-bit hash of the same tokens (`classHash`) and names a class
 * only when a caller asks (`className`).
 */
export function className(names: readonly string[], incident: Incident, settleSeconds: number): string {
  const { offsets, elements, downs } = incident;
  const limit = Math.min(offsets.length, KEY_CHANGES);
  let key = '';
  for (let c = 0; c < limit; c++) {
    if (c > 0) key += gapToken(offsets[c] - offsets[c - 1], settleSeconds) === GAP_LONG ? 'L ' : `~${gapToken(offsets[c] - offsets[c - 1], settleSeconds)} `;
    key += names[elements[c]] + (downs[c] ? '-' : '+');
    if (c < limit - 1) key += ' ';
  }
  if (offsets.length > limit) key += ` +${offsets.length - limit} more`;
  return key;
}

const KEY_CHANGES = 8;
const GAP_LONG = 1000;

function gapToken(gap: number, settleSeconds: number): number {
  return gap > settleSeconds ? GAP_LONG : Math.max(-4, Math.floor(Math.log2(Math.max(gap, 1e-9))));
}

/** A 53-bit hash of the class tokens of the first `count` changes (two 32-bit FNV lanes), equal for equal class names. */
function classHash(offsets: number[], elements: number[], downs: boolean[], count: number, settleSeconds: number): number {
  const limit = Math.min(count, KEY_CHANGES);
  lane.lo = 0x811c9dc5;
  lane.hi = 0x01000193;
  for (let c = 0; c < limit; c++) {
    if (c > 0) mix(gapToken(offsets[c] - offsets[c - 1], settleSeconds) + 0x10000);
    mix(elements[c] * 2 + (downs[c] ? 1 : 0));
  }
  mix(Math.min(count, KEY_CHANGES + 1));
  return (lane.hi >>> 0) * 0x200000 + ((lane.lo >>> 0) & 0x1fffff);
}

// module-level so the hot path creates no closure per incident
const lane = { lo: 0, hi: 0 };
function mix(word: number): void {
  lane.lo = Math.imul(lane.lo ^ word, 0x01000193);
  let h = Math.imul(lane.hi ^ word, 0x5bd1e995);
  h ^= h >>> 15;
  lane.hi = h;
}
