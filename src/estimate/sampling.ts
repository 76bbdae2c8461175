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

/**
 * An upper bound, from part of the counts, on the inclusion probability a class will get: lets
 * the counting pass keep the few incidents that may be sampled, so no second pass redraws the
 * history (chunk.ts). `inclusionProbabilities` gives class c
 *
 *   pi_c = min(1, min(n_c, f + lambda sqrt(n_c)) / n_c)      (f <= 1 the floor, lambda the water level)
 *
 * and the budget is spent: budget >= sum_c min(n_c, lambda sqrt(n_c)) >= F(lambda), the same sum
 * over any part of the counts (one chunk's so far: each count is at most its class's total, and
 * min(n, lambda sqrt(n)) grows with n). So lambda <= lambda_max, the root of F = budget, and
 * since (1 + lambda sqrt(n)) / n falls with n, pi_c <= min(1, (1 + lambda_max sqrt(m)) / m) for
 * any m <= n_c. Counts that grow only lower lambda_max, so a bound computed earlier stays valid.
 * The floor is bounded too: f = min(1, budget / K) for the K classes of the final counts, and every
 * class seen so far is one of them, so f <= min(1, budget / K_seen); then
 * pi_c <= min(1, (f_max + lambda_max sqrt(m)) / m), which still falls with m. And once K_seen >=
 * budget, the floor spends the whole budget (K f = budget, every n_c >= 1 >= f), so the water
 * level is 0: pi_c = f / n_c <= budget / (K_seen m). That is postgres-patroni's case (its long
 * incidents are nearly all classes of their own, ~900 a chunk for a budget of 300): a frequent
 * class's incident is then kept with probability budget / (K_seen m), not (1 + lambda_max sqrt(m)) / m.
 * (`FLOOR_SLACK` covers what inclusionProbabilities' sum of K floors leaves of the budget by
 * rounding, which its water-filling spends.)
 */
export class InclusionBound {
  /** The water level's bound; Infinity: every incident may be sampled. */
  private lambda = Infinity;
  /** The floor's bound, min(1, budget / classes seen). */
  private floor = 1;

  constructor(private readonly budget: number) {}

  /** Bounds the water level with these class counts (part of the final ones). */
  update(counts: readonly number[]): void {
    let total = 0;
    let high = 0;
    let classes = 0;
    for (const n of counts) {
      total += n;
      high = Math.max(high, Math.sqrt(n));
      if (n > 0) classes++;
    }
    if (!(total > this.budget)) return; // F never reaches the budget: no bound yet
    this.floor = Math.min(this.floor, this.budget / classes + FLOOR_SLACK);
    if (classes >= this.budget) {
      this.lambda = 0; // the floor spends the budget
      return;
    }
    const spent = (lambda: number): number => {
      let sum = 0;
      for (const n of counts) sum += Math.min(n, lambda * Math.sqrt(n));
      return sum;
    };
    // F(high) = total > budget; bisect, keeping the upper end (a bound must not fall below the
    // root); to 1e-6 of it, which loosens the bound by as little
    let low = 0;
    for (let i = 0; i < 60 && high - low > 1e-6 * high; i++) {
      const mid = (low + high) / 2;
      if (spent(mid) >= this.budget) high = mid;
      else low = mid;
    }
    this.lambda = Math.min(this.lambda, high);
  }

  /** At least the inclusion probability of a class counted `n` times so far (n >= 1). */
  of(n: number): number {
    if (this.lambda === Infinity) return 1;
    // the slack covers rounding in inclusionProbabilities' sums
    return Math.min(1, ((this.floor + this.lambda * Math.sqrt(n)) / n) * (1 + 1e-9));
  }
}

/** Absolute slack on the floor's bound: far above the rounding of a sum of a million floors, far below any probability that matters. */
const FLOOR_SLACK = 1e-6;

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
