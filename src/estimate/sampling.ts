/**
 * Which incidents get a protocol simulation, when there are more than the budget allows.
 *
 * Every incident's *structural* downtime is known exactly from the component sampler; what a
 * simulation adds is the protocol's *excess* over it (detection and failover blips, false
 * failovers, lost acks, split brain). Incidents are stratified by class (what failed, in
 * which order, with which timing: `components.ts`) and every incident of class c is simulated
 * with probability pi_c (independent draws: Poisson sampling). A simulated incident then
 * stands for 1/pi_c incidents of its class: the Horvitz-Thompson estimator
 *
 *   total = sum over all incidents of structural_i + sum over simulated i of excess_i / pi_c(i)
 *
 * is unbiased for the real total whatever the pi_c, as long as each is fixed before the
 * simulation outcomes are seen (here: from the class counts of a first, counting pass) and
 * positive. With an unlimited budget every pi_c is 1 and every incident is simulated.
 *
 * Allocation: first one expected simulation per class (rare classes, where split brain and
 * data loss hide, are then simulated whole), then the rest of the budget in proportion to
 * sqrt(count) (between equal and proportional allocation: frequent classes are measured
 * well), capped at the count (water-filling: what a capped class does not use goes to the
 * others).
 */

/** pi per class (by class hash) so that the expected number of simulations is `budget`. */
export function inclusionProbabilities(counts: ReadonlyMap<number, number>, budget: number): Map<number, number> {
  const classes = [...counts.entries()].filter(([, n]) => n > 0);
  // first every class gets up to one simulation (fewer when there are more classes than budget)
  const floor = Math.min(1, budget / Math.max(1, classes.length));
  const given = new Map(classes.map(([key, n]) => [key, Math.min(n, floor)]));
  let remaining = budget - [...given.values()].reduce((a, b) => a + b, 0);
  // then the rest in proportion to sqrt(count), capped at the count (water-filling)
  let open = classes.filter(([key, n]) => given.get(key)! < n);
  while (open.length > 0 && remaining > 1e-9) {
    const weight = open.reduce((s, [, n]) => s + Math.sqrt(n), 0);
    const share = (n: number) => (remaining * Math.sqrt(n)) / weight;
    const capped = open.filter(([key, n]) => given.get(key)! + share(n) >= n);
    if (capped.length === 0) {
      for (const [key, n] of open) given.set(key, given.get(key)! + share(n));
      break;
    }
    for (const [key, n] of capped) {
      remaining -= n - given.get(key)!;
      given.set(key, n);
    }
    open = open.filter(([key, n]) => given.get(key)! < n);
  }
  return new Map(classes.map(([key, n]) => [key, Math.min(1, given.get(key)! / n)]));
}

/** A deterministic 53-bit seed for incident `ordinal` of chunk `chunk` under the root seed. */
export function incidentSeed(rootSeed: number, chunk: number, ordinal: number): number {
  let lo = 0x811c9dc5 ^ (rootSeed >>> 0);
  let hi = 0x9e3779b9 ^ Math.floor(rootSeed / 0x100000000);
  for (const word of [chunk, ordinal, 0x5eed]) {
    lo = Math.imul(lo ^ word, 0x01000193);
    hi = Math.imul(hi ^ word, 0x5bd1e995);
    hi ^= hi >>> 13;
  }
  return (hi >>> 0) * 0x200000 + ((lo >>> 0) & 0x1fffff);
}
