/**
 * The ideal: a design's *structural* availability, the same component data with
 * instantaneous, perfect failover, computed exactly rather than simulated.
 *
 * Node units and shared elements (switches, racks, power, datacenters) are independent, so
 *
 *   A = sum over shared-element states s of P(s) * sum over node-up masks m of P(m) * up(m minus out(s))
 *
 * up() is the share of the service up (structure.ts): 1 or 0, or for a design that serves in
 * scopes the share of its orders still served, the same weighting the protocol figure uses
 * (check/outages.ts), so a lost shard of N costs 1/N of its time in both.
 * P(s) is a product: a shared element is down a fraction MTTR/(MTTF+MTTR) of the time,
 * whatever its distributions (alternating renewal). P(m) comes from
 *
 * - *product form* when idle standbys are hot and crews never run short (crews >= nodes; a
 *   node has at most one component down at a time): nodes are independent and a node is up
 *   1/(1 + sum_k MTTR_k/MTTF_k) of the time (renewal reward: each component k fails once per
 *   MTTF_k of the node's up time and then keeps it down MTTR_k; the sum is over the node's own
 *   elements, so a DCS member has no agent term), exact for any distributions;
 * - otherwise the CTMC over node states (up, or down because of component k) with the FIFO
 *   queue of crew repairs, idle standbys ageing at their reduced speed (`plant.ts`), solved by
 *   `ctmc.ts`: exact when every node component is exponential, and marked approximate (the
 *   same means, taken as exponential) when not.
 *
 * Down as the clients see it (`plant.ts` seenOutage): a down period no longer than the client
 * timeout is no outage, a longer one counts from the first order sent in it. A component type
 * k then keeps a node *counted* down for E[seen(D_k)] per failure instead of E[D_k]: exact in
 * product form (renewal reward again) and for shared elements; in the CTMC a node down because
 * of k counts as down with probability E[seen(D_k)] / E[D_k] (the share of its down time the
 * clients see), independently per node: exact for one down node, and up to the overlap of two
 * down periods' unseen parts (an order gap, or a pause shorter than the timeout) otherwise.
 */
import { meanAfterDeficit, meanOf, type DistributionSpec } from '../sim/distributions.ts';
import { YEAR } from '../sim/time.ts';
import { stationary, type Transition } from './ctmc.ts';
import { agingSpeeds, hasElement, seenOutage, type ClientView, type Plant } from './plant.ts';
import { isExponential } from './reliability.ts';

export interface IdealResult {
  availability: number;
  downtimeMinutesPerYear: number;
  method: 'product-form' | 'ctmc';
  /** Exact for this data (false: the CTMC took non-exponential times as exponential). */
  exact: boolean;
  /** States of the CTMC (1 for product form). */
  states: number;
}

/** Largest CTMC we build before giving up on the ideal. */
export const MAX_STATES = 50_000;

/** The CTMC would exceed MAX_STATES: the ideal is not computed (the estimate still is). */
export class IdealTooLarge extends Error {}

export function idealAvailability(plant: Plant): IdealResult {
  const n = plant.nodes.length;
  const crewUsers = plant.nodeComponents.some((c) => c.crew) ? n : 0;
  const productForm = plant.idleAging === 1 && plant.crews >= crewUsers;
  const nodeDist = productForm ? productFormMasks(plant) : ctmcMasks(plant);
  const outDist = sharedOutMasks(plant);
  let availability = 0;
  for (let out = 0; out < outDist.length; out++) {
    if (outDist[out] === 0) continue;
    let upGivenOut = 0;
    for (let m = 0; m < nodeDist.probs.length; m++) upGivenOut += nodeDist.probs[m] * plant.table[m & ~out];
    availability += outDist[out] * upGivenOut;
  }
  availability = Math.min(1, availability);
  const exact = productForm || plant.nodeComponents.every((c) => isExponential(c.ttf) && isExponential(c.ttr));
  return {
    availability,
    downtimeMinutesPerYear: ((1 - availability) * YEAR) / 60e6,
    method: productForm ? 'product-form' : 'ctmc',
    exact,
    states: nodeDist.states,
  };
}

function productFormMasks(plant: Plant): { probs: Float64Array; states: number } {
  const n = plant.nodes.length;
  // per node (they differ when some run an agent process and others do not): the share of
  // time it is down in periods longer than the client timeout
  const up = plant.nodes.map((_, i) => {
    const comps = plant.nodeComponents.filter((_, k) => hasElement(plant, i, k));
    const load = comps.reduce((s, c) => s + meanOf(c.ttr) / meanOf(c.ttf), 0);
    return 1 - comps.reduce((s, c) => s + seenMean(c.ttr, plant.clients) / meanOf(c.ttf), 0) / (1 + load);
  });
  const probs = new Float64Array(1 << n);
  for (let m = 0; m < probs.length; m++) {
    let p = 1;
    for (let i = 0; i < n; i++) p *= m & (1 << i) ? up[i] : 1 - up[i];
    probs[m] = p;
  }
  return { probs, states: 1 };
}

/** E[seen(D)]: the mean outage the clients see of a down period drawn from `ttr`. */
function seenMean(ttr: DistributionSpec, clients: ClientView): number {
  return meanAfterDeficit(ttr, (down) => down - seenOutage(down, clients));
}

/** Distribution of which nodes are taken out by shared elements (bit mask). */
function sharedOutMasks(plant: Plant): Float64Array {
  const dist = new Float64Array(1 << plant.nodes.length);
  dist[0] = 1;
  for (const e of plant.shared) {
    const down = seenMean(e.reliability.ttr, plant.clients) / (meanOf(e.reliability.ttf) + meanOf(e.reliability.ttr));
    const next = new Float64Array(dist.length);
    for (let out = 0; out < dist.length; out++) {
      if (dist[out] === 0) continue;
      next[out] += dist[out] * (1 - down);
      next[out | e.mask] += dist[out] * down;
    }
    dist.set(next);
  }
  return dist;
}

/**
 * A CTMC state: per node 0 (up) or 1 + the component type that keeps it down, and the order
 * of crew repairs still waiting (those in service need no order: each ends at its own rate).
 */
interface State {
  status: number[];
  waiting: number[];
}

function ctmcMasks(plant: Plant): { probs: Float64Array; states: number } {
  const n = plant.nodes.length;
  const comps = plant.nodeComponents;
  const failRate = comps.map((c) => 1 / meanOf(c.ttf));
  const repairRate = comps.map((c) => 1 / meanOf(c.ttr));
  const index = new Map<string, number>();
  const states: State[] = [];
  const transitions: Transition[] = [];
  const keyOf = (s: State) => `${s.status.join(',')}|${s.waiting.join(',')}`;
  const intern = (s: State): number => {
    const key = keyOf(s);
    let id = index.get(key);
    if (id === undefined) {
      id = states.length;
      if (id >= MAX_STATES) throw new IdealTooLarge(`the ideal's CTMC would have more than ${MAX_STATES.toLocaleString('en-US')} states`);
      index.set(key, id);
      states.push(s);
    }
    return id;
  };
  intern({ status: new Array(n).fill(0), waiting: [] });
  const speeds = new Float64Array(n);
  for (let id = 0; id < states.length; id++) {
    const s = states[id];
    const upMask = s.status.reduce((m, st, i) => (st === 0 ? m | (1 << i) : m), 0);
    agingSpeeds(plant, upMask, speeds);
    const inRepair = s.status.filter((st) => st > 0 && comps[st - 1].crew).length - s.waiting.length;
    for (let i = 0; i < n; i++) {
      const st = s.status[i];
      if (st === 0) {
        if (speeds[i] === 0) continue;
        comps.forEach((c, k) => {
          if (!hasElement(plant, i, k)) return;
          const status = s.status.slice();
          status[i] = k + 1;
          const waiting = c.crew && inRepair >= plant.crews ? [...s.waiting, i] : s.waiting;
          transitions.push({ from: id, to: intern({ status, waiting }), rate: speeds[i] * failRate[k] });
        });
      } else if (!s.waiting.includes(i)) {
        const status = s.status.slice();
        status[i] = 0;
        const waiting = comps[st - 1].crew ? s.waiting.slice(1) : s.waiting; // the next in line gets the crew
        transitions.push({ from: id, to: intern({ status, waiting }), rate: repairRate[st - 1] });
      }
    }
  }
  const pi = stationary(states.length, transitions);
  // per component type: the probability that time down because of it is in a period no longer than the client timeout
  const unseen = comps.map((c) => 1 - seenMean(c.ttr, plant.clients) / meanOf(c.ttr));
  const probs = new Float64Array(1 << n);
  states.forEach((s, id) => {
    const mask = s.status.reduce((m, st, i) => (st === 0 ? m | (1 << i) : m), 0);
    // down nodes that may count as up: in repair (a node waiting for a crew counts whole, as in the sampler)
    const maybe = s.status.flatMap((st, i) => (st > 0 && unseen[st - 1] > 0 && !s.waiting.includes(i) ? [i] : []));
    for (let subset = 0; subset < 1 << maybe.length; subset++) {
      let p = pi[id];
      let counted = mask;
      maybe.forEach((i, b) => {
        const q = unseen[s.status[i] - 1];
        if (subset & (1 << b)) {
          p *= q;
          counted |= 1 << i;
        } else p *= 1 - q;
      });
      probs[counted] += p;
    }
  });
  return { probs, states: states.length };
}
