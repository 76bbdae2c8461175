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
 * Allocation, in two halves when classes are many:
 *   floor   every class first gets f = min(1, budget / (2K)) expected simulations (K classes):
 *           one each while K <= budget/2, so rare classes (where split brain and data loss
 *           hide) are simulated whole; with more classes, at most half of the budget, so no
 *           class is silently dropped (pi > 0) yet the floors never spend it all;
 *   sqrt    the rest, max(budget/2, budget - K), in proportion to sqrt(count) (between equal
 *           and proportional allocation: frequent classes are measured well), capped at the
 *           count (water-filling: what a capped class does not use goes to the others).
 * Before, the floor was min(1, budget/K): with more classes than simulations (dr-site under
 * p1: 4,855 classes for 300) the floors spent everything and a frequent class was drawn as
 * rarely as a one-off, 0 or 1 times with a weight of 73,472 (drsite-5). With K <= budget/2 the
 * two rules are the same.
 */

/** pi per class (by class hash) so that the expected number of simulations is `budget`. */
export function inclusionProbabilities(counts: ReadonlyMap<number, number>, budget: number): Map<number, number> {
  const classes = [...counts.entries()].filter(([, n]) => n > 0);
  // first every class gets up to one simulation, the floors together at most half the budget
  const floor = floorOf(budget, classes.length);
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

/** The expected simulations every one of `classes` classes gets first: one each, the floors together at most half the budget. */
export function floorOf(budget: number, classes: number): number {
  return Math.min(1, budget / (2 * Math.max(1, classes)));
}

/**
 * An upper bound, from part of the counts, on the inclusion probability a class will get: lets
 * the counting pass keep the few incidents that may be sampled, so no second pass redraws the
 * history (chunk.ts).
 *
 * What it bounds. With K classes of final counts n_c (every chunk's), `inclusionProbabilities`
 * gives class c
 *
 *   pi_c = min(1, min(n_c, f + lambda sqrt(n_c)) / n_c),   f = min(1, budget / (2K)),
 *
 * where, when sum n_c > budget (otherwise every pi is 1), the water level lambda spends the
 * budget: sum_c min(n_c, f + lambda sqrt(n_c)) = budget. Every n_c >= 1 >= f, so taking the K
 * floors out (K f = min(K, budget/2)):
 *
 *   sum_c min(n_c - f, lambda sqrt(n_c)) = R,   R = budget - K f = max(budget/2, budget - K).
 *
 * The proof, from counts m_c <= n_c of the K_s <= K classes seen so far (one chunk's):
 *   (a) f <= f_s = min(1, budget / (2 K_s)), and R <= R_s = max(budget/2, budget - K_s).
 *   (b) Each seen class has m_c - f_s <= n_c - f and sqrt(m_c) <= sqrt(n_c), and the classes
 *       not seen add terms >= 0, so G(lambda) = sum_seen min(m_c - f_s, lambda sqrt(m_c))
 *       <= R <= R_s at the real lambda (every term >= 0: m_c >= 1 >= f_s).
 *   (c) G is continuous and nondecreasing, and strictly increasing wherever some term is below
 *       its cap m_c - f_s; it tops out at sum_seen (m_c - f_s). If that top exceeds R_s, let
 *       lambda_s be the root of G = R_s: some term is still below its cap there, so
 *       G(lambda) > R_s for every lambda > lambda_s, and (b) gives lambda <= lambda_s. (If it
 *       does not, there is no bound yet: every incident may be sampled. If it does, sum n_c >
 *       sum (n_c - f) >= top > R_s >= R, so the final counts do have a water level.)
 *   (d) (f + lambda sqrt(n)) / n = f/n + lambda/sqrt(n) falls with n, so for 1 <= m <= n_c
 *
 *         pi_c <= min(1, f_s / m + lambda_s / sqrt(m)).
 *
 *   (e) Counts that grow lower f_s and R_s and raise G, so they only lower lambda_s: a bound
 *       computed earlier in the chunk stays valid, and the tighter of the two is kept.
 * Unlike the rule before (floors of budget / K, which left nothing above them once K_seen >=
 * budget), the water level never falls to 0: half the budget is always spent by sqrt(count),
 * so a frequent class's incident is kept with about lambda_s / sqrt(m), not f_s / m. The
 * bisection keeps its upper end (never below the root), and `of` allows 1e-9 relative for the
 * rounding of inclusionProbabilities' floating sums (far below any probability that matters).
 */
export class InclusionBound {
  /** The water level's bound; Infinity: every incident may be sampled. */
  private lambda = Infinity;
  /** The floor's bound, min(1, budget / (2 classes seen)). */
  private floor = 1;

  constructor(private readonly budget: number) {}

  /** Bounds the floor and the water level with these class counts (part of the final ones; zeros are ignored). */
  update(counts: readonly number[]): void {
    let classes = 0;
    let total = 0;
    let high = 0;
    for (const n of counts) {
      if (!(n > 0)) continue;
      classes++;
      total += n;
      high = Math.max(high, Math.sqrt(n));
    }
    const floor = floorOf(this.budget, classes);
    const rest = Math.max(this.budget / 2, this.budget - classes);
    if (!(total - classes * floor > rest)) return; // G never reaches R_s: no bound yet
    const spent = (lambda: number): number => {
      let sum = 0;
      for (const n of counts) if (n > 0) sum += Math.min(n - floor, lambda * Math.sqrt(n));
      return sum;
    };
    // G(high) = the top > R_s (high * sqrt(m) >= m for every m); bisect, keeping the upper end
    // (a bound must not fall below the root), to 1e-6 of it, which loosens the bound by as little
    let low = 0;
    for (let i = 0; i < 60 && high - low > 1e-6 * high; i++) {
      const mid = (low + high) / 2;
      if (spent(mid) >= rest) high = mid;
      else low = mid;
    }
    this.floor = Math.min(this.floor, floor);
    this.lambda = Math.min(this.lambda, high);
  }

  /** At least the inclusion probability of a class counted `n` times so far (n >= 1). */
  of(n: number): number {
    if (this.lambda === Infinity) return 1;
    // the slack covers rounding in inclusionProbabilities' sums
    return Math.min(1, (this.floor / n + this.lambda / Math.sqrt(n)) * (1 + 1e-9));
  }
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
